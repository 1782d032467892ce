import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import jsQR from 'jsqr';
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { confirmPopconfirm, inputOf } from '../support/antd';
import { screenshot } from '../support/browser';
import { api, signIn, useJourney } from '../support/journey';
import { ARTIFACTS_DIR } from '../support/paths';

/** Unique per run, so the journey also passes against a database that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-5);
const TITLE = `新入住居民登记${RUN}`;
/** A month from now, as the console's date picker shows it (Beijing time). */
const CLOSES = new Date(Date.now() + 30 * 86_400_000 + 8 * 3_600_000)
  .toISOString()
  .slice(0, 10)
  .concat(' 18:00');

const OTHER = `到达后请尽快登记（${RUN}）`;

/** An 18-character resident ID with its ISO 7064 check character. */
function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * (weights[i] ?? 0), 0);
  return first17 + '10X98765432'[sum % 11];
}

/**
 * Opens an antd Select found by a locator (not a page-wide test id: every field editor has one) and picks.
 * A click that lands while the builder re-renders (it re-checks the whole form on every change) can leave
 * the dropdown closed: then it is opened again, up to three times.
 */
async function pick(page: Page, select: Locator, optionText: string): Promise<void> {
  const option = page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)')
    .locator('.ant-select-item-option, .ant-select-tree-treenode')
    .filter({ hasText: optionText })
    .first();
  for (let attempt = 1; ; attempt++) {
    await select.click();
    try {
      await option.waitFor({ state: 'visible', timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await option.click();
}

/** A poster image: its size, and what its QR code says when read from the pixels, as a phone would. */
function readPoster(bytes: Buffer): { width: number; height: number; qr: string | null } {
  const png = PNG.sync.read(bytes);
  const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
  return { width: png.width, height: png.height, qr: jsQR(pixels, png.width, png.height)?.data ?? null };
}

/** Downloads the poster as PNG and reads it. */
async function downloadPoster(page: Page) {
  const png = page.getByTestId('share-poster-png');
  await expect.poll(() => png.isEnabled()).toBe(true);
  const [download] = await Promise.all([page.waitForEvent('download'), png.click()]);
  const path = (await download.path()) as string;
  const bytes = await readFile(path);
  return { download, path, bytes, ...readPoster(bytes) };
}

/** The builder re-checks the whole definition on every keystroke: a loaded machine needs longer than 1 s. */
const LIVE = { timeout: 10_000 };

describe('forms journey (community worker, Chinese UI)', () => {
  const journey = useJourney();
  let publicUrl = '';
  let buildingUrl = '';
  let formId = '';
  let areaId = '';

  it('signs in and opens 表单', async () => {
    const { page } = journey;
    await signIn(page, 'worker', { waitFor: 'nav-forms' });
    expect(await page.getByTestId('nav-forms').textContent()).toBe('表单');
    await page.getByTestId('nav-forms').click();
    await page.getByTestId('form-new').waitFor();
  });

  it('creates a form from the newcomer template', async () => {
    const { page } = journey;
    await page.getByTestId('form-new').click();
    await page.getByTestId('form-create').waitFor();
    await pick(page, page.getByTestId('form-create-template'), '来沪/返沪人员登记');
    // The template names the form until the worker types a title of their own.
    await expect.poll(() => page.getByTestId('form-create-title').inputValue()).toBe('来沪/返沪人员登记');
    await page.getByTestId('form-create-title').fill(TITLE);
    await page.getByTestId('form-create-submit').click();
    await page.waitForURL('**/forms/*');
    await expect.poll(() => page.getByTestId('form-title').textContent()).toBe(TITLE);
    expect(await page.getByTestId('form-status').textContent()).toBe('草稿');
    formId = page.url().split('/forms/')[1] ?? '';
    areaId = (await api<{ areaId: string }>(page, 'GET', `/api/forms/${formId}`)).areaId;
    // The template's questions are there, and the preview shows them.
    expect(await page.getByTestId('field-editor').count()).toBeGreaterThan(5);
    await expect.poll(() => page.getByTestId('form-preview').textContent()).toContain('身份证号码');
  });

  it('adds questions, sees the problems live on the field, and fixes them', async () => {
    const { page } = journey;
    const addTo = async (type: string) => {
      await page.getByTestId('field-add').last().click();
      await page.getByTestId(`field-add-${type}`).click();
    };
    await addTo('yes_no');
    const help = page.getByTestId('field-editor').last();
    await help.getByTestId('field-label').fill('是否需要社区上门协助');
    await help.getByTestId('field-key').fill('needs_help');

    await addTo('text');
    const what = page.getByTestId('field-editor').last();
    await what.getByTestId('field-label').fill('需要协助的事项');
    // A key already used by the template's first question: the shared rules flag it before any save.
    await what.getByTestId('field-key').fill('name');
    await expect.poll(() => what.getByTestId('field-problem').first().textContent(), LIVE).toContain('重复');
    await what.getByTestId('field-key').fill('help_with');
    await expect.poll(() => what.getByTestId('field-problem').count(), LIVE).toBe(0);

    // Shown only if help is needed: a condition without its value is a problem until one is chosen.
    await what.getByTestId('field-show-if').click();
    await pick(page, what.getByTestId('field-show-if-field'), '是否需要社区上门协助');
    await expect
      .poll(() => what.getByTestId('field-problem').first().textContent(), LIVE)
      .toBe('请选择显示条件的取值');
    expect(await page.getByTestId('form-tab-design').textContent()).toContain('1');
    await page.getByTestId('form-save').click();
    await expect.poll(() => page.locator('.ant-message').textContent()).toContain('还有 1 处问题');
    await pick(page, what.getByTestId('field-show-if-value'), '是');
    await expect.poll(() => what.getByTestId('field-problem').count(), LIVE).toBe(0);

    // The preview follows the condition: the follow-up appears once 是 is chosen there.
    const preview = page.getByTestId('form-preview');
    expect(await preview.textContent()).not.toContain('需要协助的事项');
    await preview.getByText('是否需要社区上门协助').waitFor();
    await preview
      .locator('.ant-form-item')
      .filter({ hasText: '是否需要社区上门协助' })
      .getByText('是', { exact: true })
      .click();
    await preview.getByText('需要协助的事项').waitFor();
    // The preview sticks to the top of the window: at the top of the page the picture shows both columns whole.
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await screenshot(page, 'forms-builder');
  });

  it('sets the closing time, saves and publishes version 1', async () => {
    const { page } = journey;
    await page.getByTestId('form-tab-settings').click();
    const closes = await inputOf(page, 'settings-closes');
    await closes.click();
    await closes.fill(CLOSES);
    await closes.press('Enter');
    await expect.poll(() => closes.inputValue()).toBe(CLOSES);
    await page.getByTestId('form-save').click();
    await page.getByTestId('form-unsaved').waitFor({ state: 'detached' });
    await page.getByTestId('form-publish').click();
    await confirmPopconfirm(page);
    await expect.poll(() => page.getByTestId('form-status').textContent()).toBe('收集中');
    expect(await page.getByTestId('form-current-version').textContent()).toBe('当前第 1 版');
    await page.getByTestId('form-tab-versions').click();
    const rows = page.getByTestId('form-versions').locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.first().textContent()).toContain('v1');
    expect(await rows.first().textContent()).toContain('李娜');
  });

  it('says plainly when someone else changed the form meanwhile, and reloads it', async () => {
    const { page } = journey;
    const current = await api<{ version: number }>(page, 'GET', `/api/forms/${formId}`);
    // A colleague edits the description in another window.
    await api(page, 'PATCH', `/api/forms/${formId}`, { version: current.version, description: OTHER });
    await page.getByTestId('form-tab-settings').click();
    await page.getByTestId('settings-description').fill('我的修改');
    await page.getByTestId('form-save').click();
    const conflict = page.getByTestId('version-conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('刚被其他人修改过');
    await page.getByTestId('version-conflict-reload').click();
    await expect.poll(() => page.getByTestId('settings-description').inputValue()).toBe(OTHER);
    await page.getByTestId('version-conflict').waitFor({ state: 'detached' });
  });

  it('shows a refusal of the server on the question it names', async () => {
    const { page } = journey;
    await page.getByTestId('form-tab-design').click();
    const what = page.getByTestId('field-editor').last();
    await what.locator('.ant-collapse-header').click();
    // Pasted text can carry an invisible control character; only the server's schema looks for those.
    await what.getByTestId('field-label').fill('需要协助的事项\u0007');
    await page.getByTestId('form-save').click();
    const error = what.locator('.ant-form-item').filter({ has: page.getByTestId('field-label') });
    await expect
      .poll(() => error.locator('.ant-form-item-explain').textContent(), LIVE)
      .toContain('控制字符');
    // Nothing was saved: taking the character out leaves the form as it was.
    await what.getByTestId('field-label').fill('需要协助的事项');
    await expect.poll(() => error.locator('.ant-form-item-explain').count(), LIVE).toBe(0);
    await page.getByTestId('form-unsaved').waitFor({ state: 'detached' });
  });

  it('downloads the A4 poster as PNG and PDF and reads the public address', async () => {
    const { page } = journey;
    await page.getByTestId('form-tab-share').click();
    await page.getByTestId('share-qr').waitFor();
    publicUrl = (await page.getByTestId('share-url').textContent())?.trim() ?? '';
    expect(publicUrl).toMatch(new RegExp(`^${journey.server.url}/f/[a-z0-9]{6,32}$`));
    // The journey's server listens on 127.0.0.1 with no LINLI_PUBLIC_URL: the worker is warned before printing.
    await page.getByTestId('share-local-address').waitFor();

    const poster = await downloadPoster(page);
    expect(poster.download.suggestedFilename()).toBe(`${TITLE}_poster.png`);
    expect(poster.bytes.length).toBeGreaterThan(20_000);
    // A4 at 300 dpi; the sides keep A4's √2 ratio.
    expect([poster.width, poster.height]).toEqual([2480, 3508]);
    expect(Math.abs(poster.height / poster.width - Math.SQRT2)).toBeLessThan(0.002);
    expect(poster.qr).toBe(publicUrl);
    await copyFile(poster.path, join(ARTIFACTS_DIR, 'forms-poster.png'));

    const [pdfDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('share-poster-pdf').click(),
    ]);
    expect(pdfDownload.suggestedFilename()).toBe(`${TITLE}_poster.pdf`);
    const pdf = await readFile((await pdfDownload.path()) as string);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    // One A4 page (595.28 × 841.89 pt).
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.2\d* 841\.8\d*\]/);
  });

  it('makes a per-building variant whose address names the building', async () => {
    const { page } = journey;
    await page.getByTestId('share-building').click();
    const option = page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .first();
    await option.waitFor();
    await option.click();
    await expect.poll(() => page.getByTestId('share-url').textContent()).toMatch(/\?b=[0-9a-f-]{36}$/);
    buildingUrl = (await page.getByTestId('share-url').textContent())?.trim() ?? '';
    expect(buildingUrl.startsWith(`${publicUrl}?b=`)).toBe(true);
    await page.getByTestId('share-poster-preview').waitFor();
    // The building's poster leads its QR code to the building; the printed address stays the short one.
    await expect.poll(async () => (await downloadPoster(page)).qr, { timeout: 30_000 }).toBe(buildingUrl);
    await screenshot(page, 'forms-share');
  });

  it('a phone follows the address on the poster, fills the form and gets a reference', async () => {
    const phone = await journey.browser.newContext({
      baseURL: journey.server.url,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    const view = await phone.newPage();
    const errors: string[] = [];
    view.on('pageerror', (error) => errors.push(error.message));
    await view.goto(buildingUrl);
    await view.getByTestId('public-form').waitFor();
    expect(await view.getByTestId('form-title').textContent()).toBe(TITLE);
    await view.getByTestId('in-name').fill('王小明');
    await view.getByTestId('in-sex-male').check();
    await view.getByTestId('in-id_number').fill(residentId('11010119900307123'));
    await view.getByTestId('in-phone').fill('13912345678');
    await view.getByTestId('in-residence_type-non_hukou').check();
    await view.getByTestId('in-arrival_date').fill('2026-11-20');
    await view.getByTestId('in-from_place').fill('安徽省合肥市');
    // The poster's building is chosen already; the resident picks the entrance (the demo's buildings have
    // several), then the flat.
    const entrance = view.getByTestId('in-address-entrance');
    await expect.poll(() => entrance.locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    await entrance.selectOption({ index: 1 });
    const dwelling = view.getByTestId('in-address-dwelling');
    await expect.poll(() => dwelling.isEnabled(), { timeout: 15_000 }).toBe(true);
    await dwelling.selectOption({ index: 1 });
    await view.getByTestId('in-needs_help-true').check();
    await view.getByTestId('in-help_with').fill('行动不便，需要上门登记');
    await view.getByTestId('in-consent').check();
    await screenshot(view, 'forms-public-375-filled');
    await view.getByTestId('submit').click();
    const reference = view.getByTestId('done-reference');
    await reference.waitFor({ timeout: 20_000 });
    expect(await reference.textContent()).toMatch(/[A-Z0-9]{5}-[A-Z0-9]{5}/);
    await screenshot(view, 'forms-public-375');
    expect(errors).toEqual([]);
    await phone.close();
  });

  it('the organiser of a chain sees every entry in full and the places left', async () => {
    const { page } = journey;
    const created = await api<{ id: string; version: number; areaId: string }>(page, 'POST', '/api/forms', {
      areaId: areaId,
      title: `社区志愿者报名${RUN}`,
      template: 'volunteer',
    });
    const published = await api<{ slug: string }>(page, 'POST', `/api/forms/${created.id}/publish`, {
      version: created.version,
    });
    const ack = await page.evaluate(async (slug) => {
      const places = async (query: string) =>
        (
          (await (await fetch(`/api/public/forms/${slug}/places${query}`)).json()) as {
            items: { id: string }[];
          }
        ).items;
      const [compound] = await places('');
      const [building] = await places(`?compoundId=${compound?.id}`);
      const [dwelling] = await places(`?buildingId=${building?.id}`);
      const form = (await (await fetch(`/api/public/forms/${slug}`)).json()) as { versionNo: number };
      const response = await fetch(`/api/public/forms/${slug}/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `journey-${Date.now()}` },
        body: JSON.stringify({
          versionNo: form.versionNo,
          answers: {
            name: '赵丽华',
            phone: '13800001111',
            address: { dwellingId: dwelling?.id },
            shift: 'morning',
            skills: ['guide'],
            fit: true,
            consent: true,
          },
        }),
      });
      return { status: response.status, body: await response.text() };
    }, published.slug);
    expect(ack.status, ack.body).toBe(201);

    await page.goto(`/forms/${created.id}`);
    await page.getByTestId('form-tab-chain').click();
    const rows = page.getByTestId('chain-entries').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells[0]).toBe('1');
    expect(cells[1]).toBe('赵丽华');
    expect(cells).toContain('上午 8:00–12:00');
    const morning = page.getByTestId('chain-capacity').filter({ hasText: '上午' });
    expect(await morning.textContent()).toContain('剩 7 / 8');
    await screenshot(page, 'forms-chain');

    // The organiser's list leaves as a masked xlsx, each entry under its number in the chain.
    await page.getByTestId('chain-export').click();
    await (await inputOf(page, 'submission-export-purpose')).fill('志愿者排班');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('submission-export-submit').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const header = (sheet.getRow(2).values as unknown[]).slice(1).map(String);
    expect(header[0]).toBe('接龙序号');
    const first = (sheet.getRow(3).values as unknown[]).slice(1).map(String);
    expect(first[0]).toBe('1');
    expect(first).toContain('赵丽华');
    expect(first.join(' ')).not.toContain('13800001111');
    await page.goto(`/forms/${formId}`);
    await page.getByTestId('form-title').waitFor();
  });

  it('closes the form, which the public page then says, and reopens it', async () => {
    const { page } = journey;
    await page.getByTestId('form-close').click();
    await confirmPopconfirm(page);
    await expect.poll(() => page.getByTestId('form-status').textContent()).toBe('已截止');
    const resident = await journey.context.newPage();
    await resident.goto(publicUrl);
    await expect.poll(() => resident.getByTestId('form-state').getAttribute('data-state')).toBe('closed');
    await resident.close();
    await page.getByTestId('form-reopen').click();
    await confirmPopconfirm(page);
    await expect.poll(() => page.getByTestId('form-status').textContent()).toBe('收集中');
  });

  it('reads the form list in English', async () => {
    const { page } = journey;
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-language-en-US').click();
    await expect.poll(() => page.getByTestId('nav-forms').textContent()).toBe('Forms');
    await page.getByTestId('nav-forms').click();
    const table = page.getByTestId('forms-table');
    const row = table.locator('tbody tr.ant-table-row').filter({ hasText: TITLE });
    await row.waitFor();
    const headers = await table.locator('thead th').allTextContents();
    expect(headers.slice(0, 6)).toEqual(['Title', 'Type', 'Serves', 'Status', 'Current version', 'Answers']);
    expect(await row.textContent()).toContain('Collecting');
    const cells = await row.locator('td').allTextContents();
    expect(cells[4]).toBe('v1');
    // The phone's answer is counted.
    expect(cells[5]).toBe('1');
    await screenshot(page, 'forms-list-en-US');
  });

  it('raised no error in the page', () => {
    expect(journey.pageErrors).toEqual([]);
  });
});
