import { describe, expect, it } from 'vitest';
import { chooseOption } from '../support/antd';
import { screenshot } from '../support/browser';
import { api, setLocale, signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-5);
const CONTACT = `联系人${RUN}`;
const OWNER_PHONE = '13600004321';
/** Saves answer within a second on a quiet machine; the machine running the journeys is often busy. */
const SLOW = { timeout: 10_000 };

type ResidentItem = { id: string; name: string; phoneMasked: string | null; dwellingId: string };

describe('register model journey (community admin): fields, clearing, relations, dwelling, household tags', () => {
  const journey = useJourney();
  let resident: ResidentItem;

  it('signs in and opens a working-age resident with a phone', async () => {
    const { page } = journey;
    await signIn(page, 'community_admin', { waitFor: 'nav-residents' });
    const list = await api<{ items: ResidentItem[] }>(
      page,
      'GET',
      '/api/residents?ageMin=25&ageMax=50&limit=100',
    );
    const found = list.items.find((r) => r.phoneMasked !== null);
    expect(found).toBeDefined();
    resident = found!;
    await page.goto(`/residents/${resident.id}`);
    await expect.poll(() => page.getByTestId('resident-name').textContent(), SLOW).toBe(resident.name);
  });

  it('sets the political status and clears the phone explicitly', async () => {
    const { page } = journey;
    await page.getByTestId('resident-edit').click();
    await page.getByTestId('resident-edit-form').waitFor();
    await chooseOption(page, 'resident-form-political', '共青团员');
    await page.getByTestId('resident-form-clear-phone').click();
    await page.getByTestId('resident-edit-submit').click();
    await page.getByTestId('resident-edit-form').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('resident-phone').textContent(), SLOW).toBe('无');
    await expect
      .poll(() => page.getByTestId('resident-political-status').textContent(), SLOW)
      .toBe('共青团员');
    const entry = page.locator('[data-testid="timeline-entry"][data-kind="resident.update"]').first();
    await entry.waitFor();
    const text = await entry.textContent();
    expect(text).toContain('手机号');
    expect(text).toContain('政治面貌');
  });

  it('adds an emergency contact who is not in the register', async () => {
    const { page } = journey;
    await page.getByTestId('relation-add').click();
    await page.getByTestId('relation-form').waitFor();
    await chooseOption(page, 'relation-kind', '紧急联系人');
    await page.getByTestId('relation-form').getByText('不在册的人').click();
    await page.getByTestId('relation-other-name').fill(CONTACT);
    await page.getByTestId('relation-form-submit').click();
    await page.getByTestId('relation-form').waitFor({ state: 'detached' });
    const item = page.getByTestId('relation-item').filter({ hasText: CONTACT });
    await item.first().waitFor();
    expect(await item.first().textContent()).toContain('紧急联系人');
    await page.locator('[data-testid="timeline-entry"][data-kind="resident.relation_add"]').first().waitFor();
    await screenshot(page, 'register-model-resident-zh-CN');
  });

  it('records the dwelling as rented and sees it on the building grid', async () => {
    const { page } = journey;
    await page.getByTestId('resident-show-in-building').click();
    const cell = page.locator(`[data-testid="dwelling-cell"][data-dwelling-id="${resident.dwellingId}"]`);
    await cell.waitFor();
    await cell.click();
    await page.getByTestId('dwelling-profile-edit').click();
    await page.getByTestId('dwelling-profile-form').waitFor();
    await chooseOption(page, 'dwelling-profile-use-select', '出租');
    await page.getByTestId('dwelling-profile-owner-phone').fill(OWNER_PHONE);
    await page.getByTestId('dwelling-profile-form-submit').click();
    await page.getByTestId('dwelling-profile-form').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('dwelling-profile-use').textContent(), SLOW).toBe('出租');
    await expect.poll(() => cell.getAttribute('data-use'), SLOW).toBe('rented');
    const ownerPhone = page.getByTestId('dwelling-owner-phone');
    await expect.poll(() => ownerPhone.textContent(), SLOW).toBe('136****4321');

    // The clear number only with a reason.
    await page.getByTestId('dwelling-owner-reveal').click();
    await page.getByTestId('dwelling-owner-reveal-form').waitFor();
    await page.getByTestId('dwelling-owner-reveal-reason').fill(`联系房东核实出租情况（${RUN}）`);
    await page.getByTestId('dwelling-owner-reveal-form-submit').click();
    await page.getByTestId('dwelling-owner-reveal-form').waitFor({ state: 'detached' });
    await expect.poll(() => ownerPhone.textContent(), SLOW).toBe(OWNER_PHONE);
  });

  it('tags the household with a sensitive household tag', async () => {
    const { page } = journey;
    const card = page.getByTestId('household-card').filter({ hasText: resident.name }).first();
    await card.getByTestId('household-edit-tags').click();
    await page.getByTestId('household-tags-form').waitFor();
    await page.getByTestId('household-tag-add').click();
    const rows = page.getByTestId('household-tag-row');
    await chooseOption(page, 'household-tag-code', '困难户');
    expect(await rows.count()).toBeGreaterThan(0);
    await page.getByTestId('household-tags-form-submit').click();
    await page.getByTestId('household-tags-form').waitFor({ state: 'detached' });
    await expect.poll(() => card.getByTestId('household-tags').textContent(), SLOW).toContain('困难户');
    await page.waitForTimeout(500);
    await screenshot(page, 'register-model-household-zh-CN');
  });

  it('shows the same page in English', async () => {
    const { page } = journey;
    await setLocale(page, 'en-US');
    await page.goto(`/residents/${resident.id}`);
    await expect
      .poll(() => page.getByTestId('resident-political-status').textContent(), SLOW)
      .toBe('Youth League member');
    const relation = page.getByTestId('relation-item').filter({ hasText: CONTACT });
    await relation.first().waitFor();
    expect(await relation.first().textContent()).toContain('is their emergency contact');
    await screenshot(page, 'register-model-resident-en-US');
    await setLocale(page, 'zh-CN');
  });

  it('moves the resident to another dwelling (迁居) and sees the new address and the timeline entry', async () => {
    const { page } = journey;
    await page.goto(`/residents/${resident.id}`);
    await expect.poll(() => page.getByTestId('resident-name').textContent(), SLOW).toBe(resident.name);
    const now = await api<{ buildingId: string; dwellingId: string }>(
      page,
      'GET',
      `/api/residents/${resident.id}`,
    );
    const building = await api<{ dwellings: { id: string; label: string; status: string }[] }>(
      page,
      'GET',
      `/api/buildings/${now.buildingId}`,
    );
    const target = building.dwellings.find((d) => d.status === 'active' && d.id !== now.dwellingId);
    expect(target).toBeDefined();
    await page.getByTestId('resident-move').click();
    await page.getByTestId('move-form').waitFor();
    // The picker opens on the resident's own building; a room of it is the target.
    await chooseOption(page, 'move-target-dwelling', target!.label, target!.label);
    await page.getByTestId('move-form-submit').click();
    await page.getByTestId('move-form').waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByTestId('resident-profile').textContent(), SLOW)
      .toContain(target!.label);
    const entry = page.locator('[data-testid="timeline-entry"][data-kind="resident.move"]').first();
    await entry.waitFor();
    const text = await entry.textContent();
    expect(text).toContain('迁居');
    expect(text).toContain(target!.label);
    const moved = await api<{ dwellingId: string }>(page, 'GET', `/api/residents/${resident.id}`);
    expect(moved.dwellingId).toBe(target!.id);
    await screenshot(page, 'register-model-moved-zh-CN');
  });

  it('raised no uncaught errors in the page', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});
