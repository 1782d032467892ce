import { stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { chooseOption } from '../support/antd';
import { screenshot } from '../support/browser';
import { signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-5);
const COMPOUND = `测试小区${RUN}`;
const BUILDING = '8号楼';
const REASON = `书记住院期间代理社区工作（${RUN}）`;

/** YYYY-MM-DD in Beijing time, as the console shows dates. */
function beijingDate(offsetDays = 0): string {
  const date = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(date);
}

describe('platform journey (community secretary, Chinese UI)', () => {
  const journey = useJourney();

  it('signs in and sees the modules the secretary may use', async () => {
    const { page } = journey;
    await signIn(page, 'community_admin', { waitFor: 'nav-areas', from: '/' });
    expect(await page.getByTestId('nav-areas').textContent()).toBe('区域与楼栋');
    for (const module of ['users', 'delegations', 'tokens', 'audit']) {
      expect(await page.getByTestId(`nav-${module}`).isVisible()).toBe(true);
    }
  });

  it('adds a compound to the community', async () => {
    const { page } = journey;
    await page.getByTestId('nav-areas').click();
    const community = page.getByTestId('area-node').filter({ hasText: '梅园居民区' });
    await community.click();
    await expect.poll(() => page.getByTestId('area-detail-name').textContent()).toBe('梅园居民区');

    await page.getByTestId('area-add-child').click();
    expect(await page.getByTestId('area-add-child').textContent()).toContain('新增小区');
    await page.getByTestId('area-name').fill(COMPOUND);
    await page.getByTestId('area-form-submit').click();

    // The new compound is selected and its buildings tab is shown.
    await expect.poll(() => page.getByTestId('area-detail-name').textContent()).toBe(COMPOUND);
    await page.getByTestId('area-node').filter({ hasText: COMPOUND }).waitFor();
  });

  it('creates a building of 6 floors × 2 entrances × 2 dwellings and sees its 24 dwellings on the grid', async () => {
    const { page } = journey;
    await page.getByTestId('building-create').click();
    await page.getByTestId('building-name').fill(BUILDING);
    await page.getByTestId('building-floors').fill('6');
    await page.getByTestId('building-entrances').fill('2');
    await page.getByTestId('building-rooms').fill('2');
    await page.getByTestId('building-form-submit').click();

    const link = page.getByTestId('building-link').filter({ hasText: BUILDING });
    await link.click();
    await page.getByTestId('dwelling-grid').waitFor();
    await expect.poll(() => page.getByTestId('dwelling-cell').count()).toBe(24);
    const heads = await page.getByTestId('entrance-head').allTextContents();
    expect(heads).toEqual(['1单元', '2单元']);
    // Top floor first, as on a paper building plan.
    expect(await page.getByTestId('dwelling-cell').first().textContent()).toBe('601');
    await screenshot(page, 'platform-building-zh-CN');
  });

  it('adds a third entrance with its 12 dwellings; the first two stay as they were', async () => {
    const { page } = journey;
    await page.getByTestId('building-add-entrances').click();
    await page.getByTestId('building-entrances-form').waitFor();
    const preview = page.getByTestId('building-entrances-preview');
    await expect.poll(() => preview.textContent()).toContain('共 12 户');
    await page.getByTestId('building-entrances-form-submit').click();
    await page.getByTestId('building-entrances-form').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('dwelling-cell').count()).toBe(36);
    expect(await page.getByTestId('entrance-head').allTextContents()).toEqual(['1单元', '2单元', '3单元']);
  });

  it('delegates the community to a worker as acting secretary for a week', async () => {
    const { page } = journey;
    await page.getByTestId('nav-delegations').click();
    await page.getByTestId('delegation-create').click();

    await chooseOption(page, 'delegation-grantee', '（worker）', 'worker');
    await page.getByTestId('delegation-title-acting_secretary').click();
    await chooseOption(page, 'delegation-role', '书记/主任');
    await page.getByTestId('delegation-reason').fill(REASON);

    // The window defaults to now → now + 7 days.
    // antd puts the test id on both inputs of the range picker: start, then end.
    const window = page.getByTestId('delegation-window');
    expect(await window.nth(0).inputValue()).toContain(beijingDate());
    expect(await window.nth(1).inputValue()).toContain(beijingDate(7));

    await page.getByTestId('delegation-form-submit').click();
    const row = page.getByTestId('delegation-table').locator('tr').filter({ hasText: REASON });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('李娜');
    expect(text).toContain('代理书记');
    expect(text).toContain('生效中');
  });

  it('finds the delegation in the audit log', async () => {
    const { page } = journey;
    await page.getByTestId('nav-audit').click();
    const entry = page.locator('[data-testid="audit-action"][data-action="delegation.create"]').first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain('新建委托');

    // Expanding the row shows what was granted.
    await entry.locator('xpath=ancestor::tr').locator('.ant-table-row-expand-icon').click();
    const changes = page.getByTestId('audit-changes').first();
    await changes.waitFor();
    expect(await changes.textContent()).toContain('代理书记');

    const path = await screenshot(page, 'platform-audit-zh-CN');
    expect((await stat(path)).size).toBeGreaterThan(10_000);
  });

  it('switches the console to English', async () => {
    const { page } = journey;
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-language-en-US').click();
    await expect.poll(() => page.getByTestId('nav-audit').textContent()).toBe('Audit log');
    expect(await page.getByTestId('nav-areas').textContent()).toBe('Areas & buildings');
    expect(await page.locator('html').getAttribute('lang')).toBe('en-US');
    await screenshot(page, 'platform-audit-en-US');
  });

  it('raised no uncaught errors in the page', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});
