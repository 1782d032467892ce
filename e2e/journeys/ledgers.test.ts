import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { chooseOption, inputOf } from '../support/antd';
import { newChineseContext, screenshot } from '../support/browser';
import { signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-5);
const LEDGER = `高龄独居老人台账${RUN}`;
const PURPOSE = `重阳慰问${RUN}`;

describe('ledgers journey (community secretary, Chinese UI)', () => {
  const journey = useJourney();
  let linkUrl = '';
  let total = 0;

  it('signs in and opens 台账', async () => {
    const { page } = journey;
    await signIn(page, 'community_admin', { waitFor: 'nav-ledgers' });
    expect(await page.getByTestId('nav-ledgers').textContent()).toBe('台账');
    await page.getByTestId('nav-ledgers').click();
    await page.getByTestId('ledger-create').waitFor();
  });

  it('saves the 80+ living alone as a ledger and sees its rows, masked, with a count', async () => {
    const { page } = journey;
    await page.getByTestId('ledger-create').click();
    await page.getByTestId('ledger-form').waitFor();
    await page.getByTestId('ledger-name').fill(LEDGER);
    await chooseOption(page, 'ledger-filter-tag', '独居');
    await (await inputOf(page, 'ledger-filter-age-min')).fill('80');
    await screenshot(page, 'ledgers-form');
    await page.getByTestId('ledger-form-submit').click();
    await page.waitForURL('**/ledgers/*');
    await expect.poll(() => page.getByTestId('ledger-title').textContent()).toBe(LEDGER);
    const totalText = page.getByTestId('ledger-total');
    await expect.poll(() => totalText.textContent()).toMatch(/^共 \d+ 人$/);
    total = Number((await totalText.textContent())?.match(/\d+/)?.[0]);
    expect(total).toBeGreaterThan(0);
    const rows = page.getByTestId('ledger-rows').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const first = await rows.first().locator('td').allTextContents();
    // Default columns: 姓名 性别 年龄 住址 联系电话 标签 — age 80+, phone masked, 独居 among the tags.
    expect(Number(first[2])).toBeGreaterThanOrEqual(80);
    expect(first[4]).toMatch(/^1\d{2}\*{4}\d{4}$|^$/);
    expect(first[5]).toContain('独居');
    await screenshot(page, 'ledgers-rows');
  });

  it('exports a masked xlsx with the watermark in row 1 and the page header', async () => {
    const { page } = journey;
    await page.getByTestId('ledger-export-open').click();
    await (await inputOf(page, 'ledger-export-purpose')).fill(PURPOSE);
    await screenshot(page, 'ledgers-export');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('ledger-export-submit').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${LEDGER}_\\d{8}-\\d{4}\\.xlsx$`));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const watermark = String(ws.getRow(1).getCell(1).value);
    expect(watermark).toContain(`用途 ${PURPOSE} · 邻里 Linli`);
    expect(watermark).toContain('导出人 ');
    expect(ws.headerFooter.oddHeader).toContain(watermark);
    expect(ws.rowCount).toBe(total + 2);
    for (let r = 3; r <= ws.rowCount; r++) {
      const phone = String(ws.getRow(r).getCell(5).value ?? '');
      expect(phone).toMatch(/^$|^\d{3}\*{4}\d{4}$/);
    }
  });

  it('shares a read-only link that a partner opens without signing in, until it is revoked', async () => {
    const { page } = journey;
    await page.getByTestId('ledger-share-open').click();
    await page.getByTestId('ledger-share').waitFor();
    // A click that lands while the dialog is still opening can be lost on a loaded machine: it is made
    // again only if no link was asked for, so one link is made either way.
    let asked = 0;
    const count = (request: { url(): string; method(): string }) => {
      if (request.method() === 'POST' && /\/api\/ledgers\/[^/]+\/links$/.test(request.url())) asked++;
    };
    page.on('request', count);
    const url = page.getByTestId('ledger-link-url');
    for (let attempt = 1; ; attempt++) {
      await page.getByTestId('ledger-link-create').click();
      try {
        await expect.poll(() => asked, { timeout: 10_000 }).toBeGreaterThan(0);
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    page.off('request', count);
    await url.waitFor();
    linkUrl = (await url.textContent())?.trim() ?? '';
    expect(linkUrl).toMatch(/\/s\/[\w-]{43}$/);

    const partner = await newChineseContext(journey.browser, journey.server.url);
    const view = await partner.newPage();
    await view.goto(linkUrl);
    await view.getByTestId('shared-ledger-rows').waitFor();
    expect(await view.getByTestId('shared-ledger-watermark').textContent()).toContain('只读分享');
    const rows = view.getByTestId('shared-ledger-rows').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(Math.min(total, 50));
    expect(await view.locator('body').textContent()).not.toMatch(/1\d{10}/);
    await screenshot(view, 'ledgers-shared');

    await page.getByTestId('ledger-links').locator('tbody tr').first().waitFor();
    await page.getByTestId('ledger-link-revoke').first().click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect
      .poll(() => page.getByTestId('ledger-links').locator('tbody tr').first().textContent())
      .toContain('已撤销');

    await view.reload();
    await view.getByTestId('shared-ledger-gone').waitFor();
    expect(await view.getByTestId('shared-ledger-gone').textContent()).toContain('链接已失效');
    await partner.close();
  });

  it('reads in English', async () => {
    const { page } = journey;
    await page.keyboard.press('Escape');
    await page.getByTestId('ledger-share').waitFor({ state: 'hidden' });
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-language-en-US').click();
    await expect.poll(() => page.getByTestId('nav-ledgers').textContent()).toBe('Ledgers');
    await expect.poll(() => page.getByTestId('ledger-total').textContent()).toBe(`${total} people`);
    const headers = await page.getByTestId('ledger-rows').locator('thead th').allTextContents();
    expect(headers.slice(0, 3)).toEqual(['Name', 'Sex', 'Age']);
    // The cells are the server's, in the new language too.
    const firstRow = page.getByTestId('ledger-rows').locator('tbody tr.ant-table-row').first();
    await expect
      .poll(async () => (await firstRow.locator('td').allTextContents())[1])
      .toMatch(/^(Male|Female)$/);
    await page.getByTestId('ledger-share-open').click();
    await expect
      .poll(() => page.getByTestId('ledger-links').locator('tbody tr').first().textContent())
      .toContain('Revoked');
    await screenshot(page, 'ledgers-share-en-US');
  });

  it('raised no error in the page', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});
