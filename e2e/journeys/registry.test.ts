import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chooseOption, inputOf } from '../support/antd';
import { screenshot } from '../support/browser';
import { api, signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-5);
const NEW_PHONE = '13900001234';
const REASON = `核对高龄津贴申请材料（${RUN}）`;

describe('registry journey (community worker, Chinese UI)', () => {
  const journey = useJourney();
  let name = '';
  let address = '';
  let residentId = '';

  it('signs in as a worker and opens the residents module', async () => {
    const { page } = journey;
    await signIn(page, 'worker', { waitFor: 'nav-residents' });
    expect(await page.getByTestId('nav-residents').textContent()).toBe('居民');
    await page.getByTestId('nav-residents').click();
    await page.getByTestId('resident-search').waitFor();
    // The search box has the focus: a worker can type at once.
    const focused = page.locator(
      'input[data-testid="resident-search"]:focus, [data-testid="resident-search"] input:focus',
    );
    await expect.poll(() => focused.count()).toBe(1);
  });

  it('lists residents of 80 and over who live alone', async () => {
    const { page } = journey;
    await chooseOption(page, 'resident-filter-tag', '独居');
    await (await inputOf(page, 'resident-filter-age-min')).fill('80');
    await page.getByTestId('resident-filter-age-max').first().click();
    await expect.poll(() => page.url()).toContain('ageMin=80');
    await expect.poll(() => page.url()).toContain('tag=living_alone');

    const rows = page.getByTestId('resident-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    // Wait for the filtered answer, not an earlier one kept on screen while the next loads.
    await expect
      .poll(
        async () => {
          const ages = await rows.locator('td:nth-child(3)').allTextContents();
          const tags = await rows.locator('td:nth-child(7)').allTextContents();
          return (
            ages.length > 0 && ages.every((age) => Number(age) >= 80) && tags.every((t) => t.includes('独居'))
          );
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    const first = rows.first();
    name = ((await first.getByTestId('resident-link').textContent()) ?? '').trim();
    const cells = await first.locator('td').allTextContents();
    address = cells[3] ?? '';
    expect(Number(cells[2])).toBeGreaterThanOrEqual(80);
    expect(name.length).toBeGreaterThan(1);
    expect(await first.textContent()).toContain('高龄');
    await screenshot(page, 'registry-search-filters-zh-CN');
  });

  it('finds the same person by typing the name', async () => {
    const { page } = journey;
    await page.goto('/residents');
    const search = await inputOf(page, 'resident-search');
    await search.fill(name);
    const link = page
      .getByTestId('resident-table')
      .locator('tbody tr.ant-table-row')
      .filter({ hasText: address })
      .getByTestId('resident-link')
      .filter({ hasText: name });
    await link.first().waitFor();
    await screenshot(page, 'registry-search-name-zh-CN');
    await link.first().click();
    await page.waitForURL(/\/residents\/[0-9a-f-]{36}$/);
    residentId = page.url().split('/').pop() ?? '';
    await expect.poll(() => page.getByTestId('resident-name').textContent()).toBe(name);
    expect(await page.getByTestId('resident-id-number').getAttribute('data-revealed')).toBe('false');
    expect(await page.getByTestId('resident-id-number').textContent()).toMatch(/\*{4,}/);
    await screenshot(page, 'registry-resident-zh-CN');
  });

  it('shows the dwelling on the building grid and opens its household', async () => {
    const { page } = journey;
    const resident = await api<{ dwellingId: string }>(page, 'GET', `/api/residents/${residentId}`);
    const showInBuilding = page.getByTestId('resident-show-in-building');
    if ((await showInBuilding.count()) > 0) {
      await showInBuilding.click();
    } else {
      // The API does not give the resident's building yet: find it among the buildings of the area.
      const buildingId = await findBuildingOf(page, resident.dwellingId);
      await page.goto(`/areas/buildings/${buildingId}?dwelling=${resident.dwellingId}`);
    }
    const cell = page.locator(`[data-testid="dwelling-cell"][data-dwelling-id="${resident.dwellingId}"]`);
    await cell.waitFor();
    await expect.poll(() => cell.getAttribute('data-highlighted')).toBe('true');
    await expect.poll(() => cell.getAttribute('data-occupied')).toBe('true');
    expect(await cell.locator('[data-tag="living_alone"]').count()).toBe(1);
    await screenshot(page, 'registry-building-grid-zh-CN');

    await cell.click();
    const member = page
      .getByTestId('household-drawer')
      .getByTestId('household-member')
      .filter({ hasText: name });
    await member.first().waitFor();
    await page.waitForTimeout(500); // the drawer slides in
    await screenshot(page, 'registry-household-drawer-zh-CN');
    await member.first().click();
    await page.waitForURL(`**/residents/${residentId}`);
    await expect.poll(() => page.getByTestId('resident-name').textContent()).toBe(name);
  });

  it('changes the phone number and sees it in the history', async () => {
    const { page } = journey;
    await page.getByTestId('resident-edit').click();
    await page.getByTestId('resident-edit-form').waitFor();
    await (await inputOf(page, 'resident-form-phone')).fill(NEW_PHONE);
    await page.getByTestId('resident-edit-submit').click();
    await page.getByTestId('resident-edit-form').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('resident-phone').textContent()).toBe('139****1234');
    const entry = page.locator('[data-testid="timeline-entry"][data-kind="resident.update"]').first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain('手机号');
    await screenshot(page, 'registry-edited-zh-CN');
  });

  it('reveals the ID number with a reason and finds the look in the access log', async () => {
    const { page } = journey;
    await page.getByTestId('resident-reveal').click();
    await page.getByTestId('reveal-form').waitFor();
    // Nothing is revealed without a reason.
    await page.getByTestId('reveal-form-submit').click();
    await page.getByTestId('reveal-form').getByText('此项必填').waitFor();
    await page.getByTestId('reveal-reason').fill(REASON);
    await page.getByTestId('reveal-form-submit').click();
    await page.getByTestId('reveal-form').waitFor({ state: 'detached' });

    const id = page.getByTestId('resident-id-number');
    await expect.poll(() => id.getAttribute('data-revealed')).toBe('true');
    expect((await id.textContent())?.trim()).toMatch(/^\d{17}[\dX]$/);
    const log = page.getByTestId('access-log-entry').filter({ hasText: REASON });
    await log.first().waitFor();
    expect(await log.first().textContent()).toContain('证件号码');
    await screenshot(page, 'registry-revealed-zh-CN');

    // Clear values do not survive leaving the page.
    await page.getByTestId('nav-residents').click();
    await page.getByTestId('resident-search').waitFor();
    await page.goBack();
    await expect.poll(() => page.getByTestId('resident-name').textContent()).toBe(name);
    expect(await page.getByTestId('resident-id-number').getAttribute('data-revealed')).toBe('false');
  });

  it('raised no uncaught errors in the page', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});

interface TreeNode {
  id: string;
  kind: string;
}

/** The building holding a dwelling, looked up through the area API the console already uses. */
async function findBuildingOf(page: Page, dwellingId: string): Promise<string> {
  const tree = await api<{ nodes: TreeNode[] }>(page, 'GET', '/api/areas/tree');
  for (const compound of tree.nodes.filter((node) => node.kind === 'compound')) {
    const buildings = await api<{ items: { id: string }[] }>(
      page,
      'GET',
      `/api/buildings?compoundId=${compound.id}`,
    );
    for (const building of buildings.items) {
      const detail = await api<{ dwellings: { id: string }[] }>(page, 'GET', `/api/buildings/${building.id}`);
      if (detail.dwellings.some((dwelling) => dwelling.id === dwellingId)) return building.id;
    }
  }
  throw new Error(`no building holds dwelling ${dwellingId}`);
}
