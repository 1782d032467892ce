import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser';
import { api, signIn, useJourney } from '../support/journey';

/** Unique per run, so the journey also passes against a PostgreSQL that kept the last run's data. */
const RUN = Date.now().toString(36).slice(-5);
const TAIL = String(Date.now()).slice(-7);

/** A valid 18-character resident ID (GB 11643 check character) born on the given day. */
function residentId(birth: string, seq: string): string {
  const first17 = `310101${birth}${seq}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * weights[i]!, 0);
  return first17 + '10X98765432'[sum % 11];
}

type Option = { value: string; label: string; capacity?: number };
const PHONE_MESSAGE = '请填写本人常用的 11 位手机号，社区只用它联系您';
type Definition = { sections: { fields: { key: string; options?: Option[]; message?: string }[] }[] };
type Form = { id: string; slug: string; version: number; submissionCount: number; draft: Definition };

/** Fills the newcomer template the way a resident does on a phone. */
async function fillNewcomer(page: Page, who: { name: string; phone: string; id: string }) {
  await page.getByTestId('in-name').fill(who.name);
  await page.getByTestId('in-sex-female').check();
  await page.getByTestId('in-id_number').fill(who.id);
  await page.getByTestId('in-phone').fill(who.phone);
  await page.getByTestId('in-residence_type-hukou').check();
  await page.getByTestId('in-arrival_date').fill('2026-11-20');
  await page.getByTestId('in-from_place').fill('江苏省南京市');
  await chooseAddress(page);
  await page.getByTestId('in-consent').check();
}

/** Picks the first option of one step of the address once the register's list is there. */
async function chooseFirst(page: Page, level: string) {
  const select = page.getByTestId(`in-address-${level}`);
  await expect.poll(() => select.locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1);
  const value = await select.locator('option').nth(1).getAttribute('value');
  await select.selectOption(value!);
}

/**
 * Compound → building → entrance → flat: the first of each the register offers. The demo's first
 * building has three entrances (单元), so the flats come by entrance, each named by its number.
 */
async function chooseAddress(page: Page) {
  for (const level of ['compound', 'building', 'entrance']) await chooseFirst(page, level);
  expect(await page.getByTestId('in-address-entrance').locator('option:checked').textContent()).toBe('1单元');
  await chooseFirst(page, 'dwelling');
  expect(await page.getByTestId('in-address-dwelling').locator('option:checked').textContent()).toMatch(
    /^\d+$/,
  );
}

const PHONE = {
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  viewport: { width: 375, height: 812 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

describe('public form journey (resident on a 375 px phone, Chinese)', () => {
  const journey = useJourney();
  let form: Form;
  let phone: BrowserContext;
  let page: Page;
  const phoneErrors: string[] = [];

  afterAll(async () => {
    await phone?.close();
  });

  const count = async () => (await api<Form>(journey.page, 'GET', `/api/forms/${form.id}`)).submissionCount;

  it('a worker makes a registration form from the template and publishes it', async () => {
    await signIn(journey.page, 'worker', { waitFor: 'nav-residents' });
    const me = await api<{ grants: { areaId: string; areaKind: string }[] }>(journey.page, 'GET', '/api/me');
    const community = me.grants.find((g) => g.areaKind === 'community')!;
    const draft = await api<Form>(journey.page, 'POST', '/api/forms', {
      areaId: community.areaId,
      title: `新来人员登记${RUN}`,
      template: 'newcomer',
    });
    // The worker words what a wrong phone number is told, in place of the standard message.
    const definition = structuredClone(draft.draft);
    definition.sections.flatMap((s) => s.fields).find((f) => f.key === 'phone')!.message = PHONE_MESSAGE;
    const edited = await api<Form>(journey.page, 'PATCH', `/api/forms/${draft.id}`, {
      version: draft.version,
      draft: definition,
    });
    form = await api<Form>(journey.page, 'POST', `/api/forms/${draft.id}/publish`, {
      version: edited.version,
    });
    expect(form.slug).toMatch(/^[a-z0-9]{6,32}$/);
    expect(form.submissionCount).toBe(0);
  });

  it('opens /f/{slug} on a phone: the light page, in Chinese, with the privacy notice', async () => {
    // These steps drive the page's own keeping and resending of answers, with the network cut under it;
    // the service worker that reopens the page offline has its own phone below.
    phone = await journey.browser.newContext({
      ...PHONE,
      baseURL: journey.server.url,
      serviceWorkers: 'block',
    });
    page = await phone.newPage();
    page.on('pageerror', (error) => phoneErrors.push(error.message));
    const scripts: string[] = [];
    page.on('request', (r) => r.resourceType() === 'script' && scripts.push(r.url()));
    await page.goto(`/f/${form.slug}`);
    await expect.poll(() => page.getByTestId('form-title').textContent()).toBe(`新来人员登记${RUN}`);
    // The console's bundle is not what a resident downloads.
    expect(scripts.some((u) => /\/assets\/main-/.test(u))).toBe(false);
    expect(await page.getByTestId('privacy').textContent()).toContain('保存期限365 天');
    expect(await page.getByTestId('field-name').locator('label').textContent()).toContain('姓名');
    // Nothing wider than the phone: no sideways scrolling at 375 px.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    // Large tap targets: every choice row and the send button are at least 44 px high.
    const heights = await page
      .locator('.pf-choice, [data-testid="submit"], .pf-input')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(44);
  });

  it('switches to English and back', async () => {
    await page.getByTestId('language').click();
    await expect.poll(() => page.getByTestId('field-name').locator('label').textContent()).toContain('Name');
    expect(await page.getByTestId('submit').textContent()).toBe('Send');
    expect(await page.getByTestId('privacy').textContent()).toContain('Kept for365 days, then deleted');
    await screenshot(page, 'public-form-en-US');
    await page.getByTestId('language').click();
    await expect.poll(() => page.getByTestId('submit').textContent()).toBe('提交');
  });

  it('keeps what was typed across a reload', async () => {
    await page.getByTestId('in-name').fill('王小红');
    await page.reload();
    await expect.poll(() => page.getByTestId('in-name').inputValue()).toBe('王小红');
  });

  it('says a bad mobile number is wrong, under the field, before sending', async () => {
    // Show-if, live: the hukou address is asked only of people registered in another province.
    expect(await page.getByTestId('field-hukou_address').count()).toBe(0);
    await page.getByTestId('in-residence_type-non_hukou').check();
    await page.getByTestId('field-hukou_address').waitFor();
    await fillNewcomer(page, { name: '王小红', phone: '12345', id: residentId('19900307', '123') });
    expect(await page.getByTestId('field-hukou_address').count()).toBe(0);
    await expect.poll(() => page.getByTestId('error-phone').textContent()).toBe(PHONE_MESSAGE);
    // Sending with the bad number stays on the phone and takes the resident to the field.
    await page.getByTestId('submit').click();
    await page.getByTestId('form-errors').waitFor();
    expect(await page.evaluate('document.activeElement?.id')).toBe('in-phone');
    await screenshot(page, 'public-form-error-zh-CN');
    expect(await count()).toBe(0);
  });

  it('with the number corrected, sends it and gets a reference number', async () => {
    await page.getByTestId('in-phone').fill(`139${TAIL}0`.slice(0, 11));
    await expect.poll(() => page.getByTestId('error-phone').count()).toBe(0);
    await screenshot(page, 'public-form-filled-zh-CN');
    await page.getByTestId('submit').click();
    const reference = page.getByTestId('done-reference');
    await reference.waitFor();
    expect(await reference.textContent()).toMatch(/^[A-Z0-9]{4,}[- ][A-Z0-9]{4,}$/);
    await screenshot(page, 'public-form-done-zh-CN');
    expect(await count()).toBe(1);
  });

  it('offline: keeps the answer on the phone, then sends it exactly once when the network is back', async () => {
    await page.getByTestId('submit-another').click();
    // The sent answer is gone from the phone; the next one starts empty.
    await expect.poll(() => page.getByTestId('in-name').inputValue()).toBe('');
    await fillNewcomer(page, {
      name: '李大伟',
      phone: `137${TAIL}1`.slice(0, 11),
      id: residentId('19850611', '457'),
    });
    await phone.setOffline(true);
    await page.getByTestId('submit').click();
    const pending = page.getByTestId('pending');
    await pending.waitFor();
    expect(await pending.textContent()).toContain('已保存在本机');
    await screenshot(page, 'public-form-offline-zh-CN');
    await page.waitForTimeout(3_000);
    expect(await count()).toBe(1);
    await phone.setOffline(false);
    await page.getByTestId('done-reference').waitFor({ timeout: 70_000 });
    expect(await count()).toBe(2);
  });

  it('an answer whose acknowledgement was lost is resent with its key and stored once', async () => {
    await page.getByTestId('submit-another').click();
    await fillNewcomer(page, {
      name: '赵小兰',
      phone: `135${TAIL}2`.slice(0, 11),
      id: residentId('19770101', '246'),
    });
    // The server receives and stores the answer, but the phone never hears back (a dropped connection).
    let delivered = 0;
    await page.route('**/submissions', async (route) => {
      delivered++;
      if (delivered > 1) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByTestId('submit').click();
    await page.getByTestId('pending').waitFor();
    expect(await count()).toBe(3);
    // The automatic resend carries the same key: the server answers from what it stored.
    await page.getByTestId('done-reference').waitFor({ timeout: 70_000 });
    await page.unroute('**/submissions');
    expect(delivered).toBeGreaterThanOrEqual(2);
    expect(await count()).toBe(3);
    expect(phoneErrors).toEqual([]);
    expect(journey.pageErrors).toEqual([]);
  });

  it('a waiting answer survives a reload of the page and is sent on the next visit', async () => {
    await page.getByTestId('submit-another').click();
    await fillNewcomer(page, {
      name: '孙一一',
      phone: `136${TAIL}4`.slice(0, 11),
      id: residentId('19660909', '135'),
    });
    // The page loads, but every answer it sends is lost on the way.
    await page.route('**/submissions', (route) => route.abort('connectionreset'));
    await page.getByTestId('submit').click();
    await page.getByTestId('pending').waitFor();
    await page.reload();
    await page.getByTestId('pending').waitFor();
    expect(await count()).toBe(3);
    await page.unroute('**/submissions');
    await page.getByTestId('done-reference').waitFor({ timeout: 70_000 });
    expect(await count()).toBe(4);
  });

  it('reopens without a network: page and form from the phone, the answer sent once the network is back', async () => {
    const keeping = await journey.browser.newContext({ ...PHONE, baseURL: journey.server.url });
    try {
      const p = await keeping.newPage();
      p.on('pageerror', (error) => phoneErrors.push(error.message));
      await p.goto(`/f/${form.slug}`);
      await expect.poll(() => p.getByTestId('form-title').textContent()).toBe(`新来人员登记${RUN}`);
      // The page's worker takes over once installed; from then on what the page fetches is kept.
      await expect
        .poll(() => p.evaluate('navigator.serviceWorker.controller !== null'), { timeout: 15_000 })
        .toBe(true);
      await p.reload();
      await fillNewcomer(p, {
        name: '周小梅',
        phone: `139${TAIL}6`.slice(0, 11),
        id: residentId('19900303', '222'),
      });
      const before = await count();
      await keeping.setOffline(true);
      await p.reload();
      await expect.poll(() => p.getByTestId('form-title').textContent()).toBe(`新来人员登记${RUN}`);
      // What was typed is still there, down to the flat chosen from the register's list.
      expect(await p.getByTestId('in-name').inputValue()).toBe('周小梅');
      await expect
        .poll(() => p.getByTestId('in-address-dwelling').inputValue(), { timeout: 10_000 })
        .not.toBe('');
      await p.getByTestId('submit').click();
      await p.getByTestId('pending').waitFor();
      await screenshot(p, 'public-form-reopened-offline-zh-CN');
      expect(await count()).toBe(before);
      await keeping.setOffline(false);
      await p.getByTestId('done-reference').waitFor({ timeout: 70_000 });
      expect(await count()).toBe(before + 1);
    } finally {
      await keeping.close();
    }
  });

  it('a closed form says so plainly', async () => {
    const current = await api<Form>(journey.page, 'GET', `/api/forms/${form.id}`);
    await api(journey.page, 'POST', `/api/forms/${form.id}/close`, { version: current.version });
    await page.reload();
    // The phone still shows the last receipt; the next answer finds the form closed.
    await page.getByTestId('submit-another').click();
    const state = page.getByTestId('form-state');
    await state.waitFor();
    expect(await state.getAttribute('data-state')).toBe('closed');
    expect(await state.textContent()).toContain('这张表单已经截止');
    expect(await page.getByTestId('public-form').count()).toBe(0);
  });

  it('a chain sign-up: a per-building poster link, the list so far, full options and withdrawing', async () => {
    const draft = await api<Form>(journey.page, 'POST', '/api/forms', {
      areaId: (
        await api<{ grants: { areaId: string; areaKind: string }[] }>(journey.page, 'GET', '/api/me')
      ).grants.find((g) => g.areaKind === 'community')!.areaId,
      title: `志愿者接龙${RUN}`,
      template: 'volunteer',
    });
    // One place on the evening shift, so one sign-up fills it.
    const definition = structuredClone(draft.draft);
    const shift = definition.sections[0]!.fields.find((f) => f.key === 'shift')!;
    shift.options!.find((o) => o.value === 'evening')!.capacity = 1;
    const edited = await api<Form>(journey.page, 'PATCH', `/api/forms/${draft.id}`, {
      version: draft.version,
      draft: definition,
    });
    const chain = await api<Form>(journey.page, 'POST', `/api/forms/${draft.id}/publish`, {
      version: edited.version,
    });
    const places = async (query: string) =>
      (
        (await (
          await fetch(`${journey.server.url}/api/public/forms/${chain.slug}/places${query}`)
        ).json()) as {
          items: { id: string }[];
        }
      ).items;
    const compound = (await places(''))[0]!;
    const building = (await places(`?compoundId=${compound.id}`))[0]!;

    await page.goto(`/f/${chain.slug}?b=${building.id}`);
    await expect.poll(() => page.getByTestId('chain-list').textContent()).toContain('还没有人报名');
    // The poster's building is already chosen; the resident picks only the entrance and the flat.
    await expect.poll(() => page.getByTestId('in-address-building').inputValue()).toBe(building.id);
    expect(await page.getByTestId('in-address-compound').inputValue()).toBe(compound.id);
    await page.getByTestId('in-name').fill('钱多多');
    await page.getByTestId('in-phone').fill(`138${TAIL}3`.slice(0, 11));
    await chooseFirst(page, 'entrance');
    await chooseFirst(page, 'dwelling');
    expect(await page.getByTestId('field-shift').textContent()).toContain('剩 1 个');
    await page.getByTestId('in-shift-evening').check();
    await page.getByTestId('in-fit-true').check();
    await page.getByTestId('in-consent').check();
    await page.getByTestId('submit').click();

    await expect.poll(() => page.getByTestId('done-chain-no').textContent()).toBe('您是第 1 位');
    const reference = (await page.getByTestId('done-reference').textContent())!;
    await expect.poll(() => page.getByTestId('chain-list').textContent()).toContain('钱*多');
    expect(await page.getByTestId('chain-list').textContent()).toContain('晚上 18:00–21:00');
    expect(await page.getByTestId('chain-list').textContent()).not.toContain('钱多多');
    await screenshot(page, 'public-form-chain-zh-CN');

    // The next person finds the evening shift full and cannot choose it.
    await page.getByTestId('submit-another').click();
    await page.getByTestId('public-form').waitFor();
    expect(await page.getByTestId('in-shift-evening').isDisabled()).toBe(true);
    expect(await page.getByTestId('field-shift').textContent()).toContain('已满');

    // Withdrawing with the reference frees the place at once.
    await page.getByTestId('chain-withdraw').locator('summary').click();
    await page.getByTestId('withdraw-reference').fill(reference);
    await page.getByTestId('chain-withdraw').getByRole('button').click();
    await expect.poll(() => page.getByTestId('withdraw-result').textContent()).toBe('已撤回。');
    await expect.poll(() => page.getByTestId('in-shift-evening').isDisabled()).toBe(false);
    expect(await page.getByTestId('chain-list').textContent()).toContain('还没有人报名');
    expect(phoneErrors).toEqual([]);
  });

  it('the other field types: info, temperature, number with unit, multi with show-if, datetime, a photo', async () => {
    const me = await api<{ grants: { areaId: string; areaKind: string }[] }>(journey.page, 'GET', '/api/me');
    const blank = await api<Form>(journey.page, 'POST', '/api/forms', {
      areaId: me.grants.find((g) => g.areaKind === 'community')!.areaId,
      title: `居家情况${RUN}`,
    });
    const edited = await api<Form>(journey.page, 'PATCH', `/api/forms/${blank.id}`, {
      version: blank.version,
      draft: {
        sections: [
          {
            title: '居家情况',
            fields: [
              { key: 'note', type: 'info', label: '填写说明', help: '请如实填写，谢谢。' },
              { key: 'temp', type: 'temperature', label: '今日体温', required: true },
              {
                key: 'people',
                type: 'number',
                label: '同住人数',
                unit: '人',
                min: 0,
                max: 20,
                required: true,
              },
              {
                key: 'needs',
                type: 'multi',
                label: '需要的帮助',
                options: [
                  { value: 'food', label: '买菜' },
                  { value: 'medicine', label: '配药' },
                ],
              },
              {
                key: 'medicine_detail',
                type: 'textarea',
                label: '需要的药品',
                showIf: { field: 'needs', op: 'includes', value: 'medicine' },
              },
              { key: 'back_at', type: 'datetime', label: '返回时间' },
              { key: 'photo', type: 'file', label: '健康码截图', maxSizeKb: 512 },
            ],
          },
        ],
      },
    });
    const published = await api<Form>(journey.page, 'POST', `/api/forms/${blank.id}/publish`, {
      version: edited.version,
    });

    await page.goto(`/f/${published.slug}`);
    await expect.poll(() => page.getByTestId('field-note').textContent()).toContain('请如实填写');
    await page.getByTestId('in-temp').fill('43');
    await page.getByTestId('in-people').fill('3');
    await expect
      .poll(() => page.getByTestId('error-temp').textContent())
      .toBe('体温应在 35.0 到 42.0 ℃ 之间');
    await page.getByTestId('in-temp').fill('36.8');
    expect(await page.getByTestId('field-people').textContent()).toContain('人');
    expect(await page.getByTestId('field-medicine_detail').count()).toBe(0);
    await page.getByTestId('in-needs-medicine').check();
    await page.getByTestId('in-medicine_detail').fill('降压药一盒');
    await page.getByTestId('in-back_at').fill('2026-11-23T09:30');
    await page.getByTestId('in-photo').setInputFiles({
      name: 'code.png',
      mimeType: 'image/png',
      buffer: Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
        'base64',
      ),
    });
    await expect.poll(() => page.getByTestId('in-photo-chosen').textContent()).toContain('code.png');
    await screenshot(page, 'public-form-types-zh-CN');
    await page.getByTestId('submit').click();
    await page.getByTestId('done-reference').waitFor();
    expect((await api<Form>(journey.page, 'GET', `/api/forms/${blank.id}`)).submissionCount).toBe(1);
    expect(phoneErrors).toEqual([]);
  });
});
