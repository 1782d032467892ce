import { describe, expect, it } from 'vitest';
import { confirmPopconfirm } from '../support/antd';
import { screenshot } from '../support/browser';
import { api, setLocale, signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-4);
const PHONE = `136${String(Date.now()).slice(-8)}`;

describe('dedupe journey (community secretary, Chinese UI)', () => {
  const journey = useJourney();
  const name = `查重${RUN}`;
  const ids: string[] = [];

  it('signs in and registers the same person twice in two flats', async () => {
    const { page } = journey;
    await signIn(page, 'community_admin', { waitFor: 'nav-dedupe' });
    expect(await page.getByTestId('nav-dedupe').textContent()).toBe('查重合并');

    const tree = await api<{ nodes: { id: string; kind: string }[] }>(page, 'GET', '/api/areas/tree');
    const compound = tree.nodes.find((n) => n.kind === 'compound')!;
    const buildings = await api<{ items: { id: string }[] }>(
      page,
      'GET',
      `/api/buildings?compoundId=${compound.id}`,
    );
    const building = await api<{ dwellings: { id: string }[] }>(
      page,
      'GET',
      `/api/buildings/${buildings.items[0]!.id}`,
    );
    const [d1, d2] = building.dwellings.slice(-2);
    const first = await api<{ id: string }>(page, 'POST', '/api/residents', {
      dwellingId: d1!.id,
      name,
      phone: PHONE,
      tags: ['living_alone'],
    });
    const second = await api<{ id: string }>(page, 'POST', '/api/residents', {
      dwellingId: d2!.id,
      name,
      phone: PHONE,
      hukouAddress: '上海市示例路1号',
    });
    ids.push(first.id, second.id);
  });

  it('finds the pair with its reason, compares and merges it field by field', async () => {
    const { page } = journey;
    await page.getByTestId('nav-dedupe').click();
    const row = page.getByTestId('dedupe-candidates').locator('tr').filter({ hasText: name }).first();
    await row.waitFor();
    expect(await row.getByTestId('dedupe-reason').first().textContent()).toBe('姓名和手机号相同');
    await row.getByTestId('dedupe-review').click();
    await page.getByTestId('dedupe-compare-table').locator('tr').filter({ hasText: '户籍地址' }).waitFor();
    // Keep the first record, take the hukou address from the second (the default: only it has one).
    await page.getByTestId('survivor-a').click();
    expect(await page.getByTestId('choice-hukouAddress-b').isChecked()).toBe(true);
    await screenshot(page, 'dedupe-compare');
    await page.getByTestId('dedupe-merge').click();
    await confirmPopconfirm(page);
    await page.getByText('已合并').first().waitFor();
    await expect
      .poll(() => page.getByTestId('dedupe-candidates').locator('tr').filter({ hasText: name }).count())
      .toBe(0);
  });

  it('opens the merge from its audit entry and undoes it there', async () => {
    const { page } = journey;
    await page.getByTestId('nav-audit').click();
    const entry = page
      .getByTestId('audit-table')
      .locator('tr')
      .filter({ has: page.locator('[data-action="resident.merge"]') });
    await entry.first().getByTestId('audit-merge-link').click();
    await page.waitForURL('**/dedupe?merge=*');
    const focus = page.getByTestId('merge-focus');
    await focus.waitFor();
    expect(await focus.textContent()).toContain(name);
    await focus.getByTestId('dedupe-undo').click();
    await confirmPopconfirm(page);
    const row = page.getByTestId('dedupe-merges').locator('tr').filter({ hasText: name }).first();
    await expect.poll(() => row.getByTestId('merge-status').getAttribute('data-status')).toBe('undone');
    const statuses = await Promise.all(
      ids.map((id) => api<{ status: string }>(page, 'GET', `/api/residents/${id}`).then((r) => r.status)),
    );
    expect(statuses).toEqual(['active', 'active']);
    await screenshot(page, 'dedupe-undone');
  });

  it('shows the page in English', async () => {
    const { page } = journey;
    await setLocale(page, 'en-US');
    await page.goto('/dedupe?tab=merges');
    await expect.poll(() => page.getByTestId('nav-dedupe').textContent()).toBe('Duplicates');
    const row = page.getByTestId('dedupe-merges').locator('tr').filter({ hasText: name }).first();
    await expect.poll(() => row.textContent()).toContain('Undone');
    await setLocale(page, 'zh-CN');
    expect(journey.pageErrors).toEqual([]);
  });
});
