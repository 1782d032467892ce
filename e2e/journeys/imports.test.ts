import { describe, expect, it } from 'vitest';
import { confirmPopconfirm } from '../support/antd';
import { screenshot } from '../support/browser';
import { api, setLocale, signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-4);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A GB 11643 ID with a valid check character, unique to this run. */
function residentId(n: number) {
  const body = `310115${1950 + n}0101${String(Date.now() % 1000).padStart(3, '0')}`.slice(0, 17);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i]!;
  return body + '10X98765432'[sum % 11];
}

describe('ledger import journey (community secretary, Chinese UI)', () => {
  const journey = useJourney();
  const compoundName = `导入小区${RUN}`;
  let compoundId = '';

  it('signs in and prepares a compound with one building', async () => {
    const { page } = journey;
    await signIn(page, 'community_admin', { waitFor: 'nav-imports' });
    expect(await page.getByTestId('nav-imports').textContent()).toBe('导入台账');
    const tree = await api<{ nodes: { id: string; kind: string; inScope: boolean }[] }>(
      page,
      'GET',
      '/api/areas/tree',
    );
    const community = tree.nodes.find((n) => n.kind === 'community' && n.inScope)!;
    const compound = await api<{ id: string }>(page, 'POST', '/api/areas', {
      kind: 'compound',
      parentId: community.id,
      name: compoundName,
    });
    compoundId = compound.id;
    await api(page, 'POST', '/api/buildings', {
      compoundId,
      name: '7',
      floors: 2,
      entrances: 1,
      roomsPerFloor: 2,
    });
  });

  it('uploads a ledger, sees the bad row named, imports exactly the good rows', async () => {
    const { page } = journey;
    const good1 = residentId(1);
    const good2 = residentId(2);
    const bad = `${residentId(3).slice(0, 17)}${residentId(3).endsWith('1') ? '2' : '1'}`;
    const csv = [
      `${compoundName} 居民登记表`,
      '姓名,小区,楼号,室,公民身份号码,联系电话',
      `甲${RUN},${compoundName},7号楼,101,${good1},13700001111`,
      `乙${RUN},${compoundName},7号楼,102,${good2},13700002222`,
      `丙${RUN},${compoundName},7号楼,201,${bad},13700003333`,
    ].join('\r\n');
    await page.getByTestId('nav-imports').click();
    // The drop zone stays disabled until the community list has loaded; a file given earlier is ignored.
    await page.locator('input[type=file]:not([disabled])').setInputFiles({
      name: '台账.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv, 'utf8'),
    });
    const preview = page.getByTestId('import-preview');
    await preview
      .locator('tr')
      .filter({ hasText: `丙${RUN}` })
      .waitFor();
    await page.getByTestId('import-only-problems').click();
    await expect.poll(() => preview.locator('tbody tr.ant-table-row').count()).toBe(1);
    expect(await preview.locator('tbody tr.ant-table-row').first().textContent()).toContain(
      '公民身份号码：身份证号校验不通过',
    );
    await screenshot(page, 'import-preview');

    await page.getByTestId('import-commit').click();
    await confirmPopconfirm(page);
    await page.getByText('导入完成：新增 2 人，更新 0 人，跳过 1 行').waitFor({ timeout: 30_000 });
    await page
      .getByTestId('import-report')
      .locator('tr')
      .filter({ hasText: `丙${RUN}` })
      .waitFor();
    await screenshot(page, 'import-report');

    const found = await api<{ items: { name: string }[] }>(
      page,
      'GET',
      `/api/residents?compoundId=${compoundId}`,
    );
    expect(found.items.map((r) => r.name).sort()).toEqual([`乙${RUN}`, `甲${RUN}`].sort());
  });

  it('shows the page in English', async () => {
    const { page } = journey;
    await setLocale(page, 'en-US');
    await page.goto('/imports');
    await expect.poll(() => page.getByTestId('nav-imports').textContent()).toBe('Import');
    await page.getByText('Recent imports').waitFor();
    await setLocale(page, 'zh-CN');
    expect(journey.pageErrors).toEqual([]);
  });
});
