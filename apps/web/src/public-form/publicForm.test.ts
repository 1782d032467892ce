import { checkAnswers, type FormDefinition, localText } from '@linli/shared/forms-answers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byEntrance, flatsLevel, pick, places } from './addressPlaces';
import {
  describeChoices,
  fieldLabel,
  keepKnownValues,
  localDateTimeToIso,
  optionLabel,
  rawAnswers,
} from './answers';
import { fetchForm, HttpError, isTransient, loadFailure, type Places } from './api';
import { MESSAGES } from './i18n';
import {
  DRAFT_TTL_MS,
  emptyStored,
  groupReference,
  loadStored,
  newIdempotencyKey,
  normaliseReference,
  retryDelay,
  saveStored,
} from './store';

const definition: FormDefinition = {
  sections: [
    {
      title: '基本信息',
      fields: [
        { key: 'intro', type: 'info', label: '说明' },
        { key: 'name', type: 'text', label: '姓名', required: true },
        { key: 'phone', type: 'phone', label: '手机号', required: true },
        { key: 'when', type: 'datetime', label: '到达时间' },
        { key: 'home', type: 'address', label: '住址', required: true },
        { key: 'sick', type: 'yes_no', label: '是否发热' },
        {
          key: 'temp',
          type: 'temperature',
          label: '体温',
          required: true,
          showIf: { field: 'sick', op: 'equals', value: 'true' },
        },
        {
          key: 'shift',
          type: 'single',
          label: '班次',
          options: [
            { value: 'am', label: '上午', labelEn: 'Morning' },
            { value: 'pm', label: '下午' },
          ],
        },
        { key: 'photo', type: 'file', label: '照片' },
      ],
    },
  ],
};
const DWELLING = '0190a6b4-7c1e-7aaa-8bbb-123456789abc';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    map,
  };
}

describe('rawAnswers', () => {
  it('sends what the rules accept: visible answerable fields, address as the dwelling, datetimes as instants', () => {
    const raw = rawAnswers(definition, {
      name: ' 张三 ',
      phone: '138 0013 8000',
      when: '2026-11-23T08:30',
      home: { compoundId: 'c', buildingId: 'b', dwellingId: DWELLING, label: '梅园 1号楼 301' },
      sick: false,
      temp: '39',
      shift: 'am',
    });
    expect(raw).toEqual({
      name: ' 张三 ',
      phone: '138 0013 8000',
      when: new Date('2026-11-23T08:30').toISOString(),
      home: { dwellingId: DWELLING },
      sick: false,
      shift: 'am',
    });
    const check = checkAnswers(definition, raw);
    expect(check).toEqual({
      ok: true,
      answers: {
        name: '张三',
        phone: '13800138000',
        when: new Date('2026-11-23T08:30').toISOString(),
        home: { dwellingId: DWELLING },
        sick: false,
        shift: 'am',
      },
    });
  });

  it('lets the shared rules find a bad phone and a missing conditional temperature', () => {
    const check = checkAnswers(
      definition,
      rawAnswers(definition, { name: '张三', phone: '12345', home: { dwellingId: DWELLING }, sick: true }),
    );
    expect(check.ok).toBe(false);
    if (!check.ok)
      expect(check.issues.map((i) => [i.field, i.code])).toEqual([
        ['phone', 'phone'],
        ['temp', 'required'],
      ]);
  });

  it('leaves out an address with no dwelling chosen yet, so the rules call it missing', () => {
    expect(rawAnswers(definition, { home: { compoundId: 'c' } })).toEqual({});
  });

  it('converts only complete local datetimes', () => {
    expect(localDateTimeToIso('2026-13-40T99:99')).toBe('2026-13-40T99:99');
    expect(localDateTimeToIso('soon')).toBe('soon');
  });
});

describe('keepKnownValues and describeChoices', () => {
  it('drops values of fields a newer version no longer has', () => {
    expect(keepKnownValues(definition, { name: '张三', gone: 'x' })).toEqual({ name: '张三' });
  });

  it('names chain choices by their option labels in the chosen language', () => {
    expect(describeChoices({ shift: 'am' }, definition, 'zh-CN')).toBe('上午');
    expect(describeChoices({ shift: ['am', 'pm'] }, definition, 'en-US')).toBe('Morning、下午');
    expect(describeChoices(['pm'], definition, 'zh-CN')).toBe('下午');
    expect(describeChoices('自带', definition, 'zh-CN')).toBe('自带');
    expect(describeChoices(null, definition, 'zh-CN')).toBe('');
  });
});

describe('what the phone keeps', () => {
  it('makes idempotency keys the server accepts, a different one each time', () => {
    const a = newIdempotencyKey();
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,100}$/);
    expect(newIdempotencyKey()).not.toBe(a);
  });

  it('round-trips a pending answer with its key', () => {
    const storage = memoryStorage();
    const stored = {
      ...emptyStored(),
      values: { name: '张三' },
      pending: {
        key: 'key-12345678',
        body: { answers: { name: '张三' }, versionNo: 2 },
        since: 1,
        attempts: 3,
        nextAt: 9,
      },
    };
    expect(saveStored('abc', stored, storage)).toBe(true);
    expect(loadStored('abc', storage)).toEqual(stored);
    expect(loadStored('other', storage).pending).toBeNull();
  });

  it('forgets an unsent draft after a week, never a waiting answer', () => {
    const storage = memoryStorage();
    const later = Date.now() + DRAFT_TTL_MS + 1;
    saveStored('draft', { ...emptyStored(), values: { name: '张三' } }, storage);
    expect(loadStored('draft', storage).values).toEqual({ name: '张三' });
    expect(loadStored('draft', storage, later).values).toEqual({});
    const pending = {
      key: 'key-12345678',
      body: { answers: {}, versionNo: 1 },
      since: 1,
      attempts: 1,
      nextAt: 0,
    };
    saveStored('waiting', { ...emptyStored(), values: { name: '李四' }, pending }, storage);
    expect(loadStored('waiting', storage, later)).toMatchObject({ values: { name: '李四' }, pending });
  });

  it('starts afresh from unreadable storage', () => {
    const storage = memoryStorage();
    storage.setItem('linli.form.abc', '{not json');
    const fresh = loadStored('abc', storage);
    expect(fresh.values).toEqual({});
    expect(fresh.pending).toBeNull();
    storage.setItem('linli.form.abc', JSON.stringify({ key: 'bad key!', pending: { key: 1 }, values: [] }));
    const odd = loadStored('abc', storage);
    expect(odd.key).toMatch(/^[A-Za-z0-9_-]{8,100}$/);
    expect(odd.pending).toBeNull();
    expect(odd.values).toEqual({});
  });

  it('backs off 2 s, 4 s, 8 s … up to a minute', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((n) => retryDelay(n, mid))).toEqual([2000, 4000, 8000, 16000, 60000]);
    expect(retryDelay(1, () => 0)).toBe(1700);
  });

  it('groups a reference for reading and takes it back as typed', () => {
    expect(groupReference('K7Q29XMB')).toBe('K7Q2 9XMB');
    expect(groupReference('F-2026-0042')).toBe('F-2026-0042');
    expect(normaliseReference(' K7Q2 ９XMB ')).toBe('K7Q29XMB');
  });
});

describe('localText', () => {
  it('gives the English to an English reader when the author wrote one, else the Chinese', () => {
    expect(localText('基本信息', 'About you', 'en-US')).toBe('About you');
    expect(localText('基本信息', 'About you', 'zh-CN')).toBe('基本信息');
    for (const missing of [undefined, null, ''])
      expect(localText('基本信息', missing, 'en-US')).toBe('基本信息');
    // Optional texts (help, a section's description) stay empty in both languages when the Chinese is.
    expect(localText(undefined, undefined, 'en-US')).toBe('');
    expect(localText(undefined, 'Only English', 'zh-CN')).toBe('');
  });

  it('words labels the same way', () => {
    const shift = definition.sections[0]!.fields.find((f) => f.key === 'shift')!;
    expect(fieldLabel(shift, 'en-US')).toBe('班次');
    expect(optionLabel(shift.options![0]!, 'en-US')).toBe('Morning');
    expect(optionLabel(shift.options![1]!, 'en-US')).toBe('下午');
    expect(optionLabel(shift.options![0]!, 'zh-CN')).toBe('上午');
  });
});

describe('loading the form', () => {
  afterEach(() => vi.unstubAllGlobals());

  const failureOf = async (answer: () => Promise<Response>) => {
    vi.stubGlobal('fetch', vi.fn(answer));
    return fetchForm('abc', 'zh-CN').then(
      () => 'loaded',
      (error: unknown) => loadFailure(error),
    );
  };
  const json = (status: number, body: unknown) =>
    Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    );

  it('tells a crowd (429) from a dead network and from a server fault', async () => {
    const limited = await failureOf(() =>
      json(429, { error: { code: 'request.rate_limited', message: '请求太频繁' } }),
    );
    expect(limited).toBe('rate_limited');
    // A proxy's own 429 page is not JSON; it is still "wait a minute".
    expect(await failureOf(() => Promise.resolve(new Response('<html>', { status: 429 })))).toBe(
      'rate_limited',
    );
    expect(await failureOf(() => Promise.reject(new TypeError('Failed to fetch')))).toBe('network');
    expect(await failureOf(() => Promise.resolve(new Response('<html>', { status: 200 })))).toBe('network');
    expect(await failureOf(() => json(500, { error: { code: 'internal', message: 'boom' } }))).toBe('server');
    expect(await failureOf(() => json(404, { error: { code: 'form.not_found', message: '' } }))).toBe(
      'not_found',
    );
  });

  it('does not resend a rate-limited answer as if the network had dropped it', () => {
    expect(isTransient(new HttpError(429, 'form.rate_limited', ''))).toBe(false);
    expect(loadFailure(new HttpError(429, 'form.rate_limited', ''))).toBe('rate_limited');
  });

  it('words each failure in both languages', () => {
    for (const messages of Object.values(MESSAGES)) {
      expect(messages.loadRateLimited).not.toBe(messages.loadFailed);
      expect(messages.loadServerError).not.toBe(messages.loadFailed);
    }
    expect(MESSAGES['zh-CN'].loadRateLimited).toContain('一分钟');
    expect(MESSAGES['en-US'].loadRateLimited).toContain('a minute');
  });
});

describe('the address cascader', () => {
  afterEach(() => vi.unstubAllGlobals());

  const building = (entrances?: string[]): Places => ({
    items: [{ id: 'd1', label: '1单元 101' }],
    building: { id: 'b', label: '5号楼', compoundId: 'c', compoundLabel: '梅园一村' },
    ...(entrances && { entrances: entrances.map((id, i) => ({ id, label: `${i + 1}单元` })) }),
  });

  it('asks a building of several entrances for the entrance, then lists only its flats', () => {
    const several = building(['e1', 'e2']);
    expect(byEntrance({ compoundId: 'c', buildingId: 'b' }, several)).toBe(true);
    expect(flatsLevel({ compoundId: 'c', buildingId: 'b' }, several)).toBeNull();
    expect(flatsLevel({ compoundId: 'c', buildingId: 'b', entranceId: 'e2' }, several)).toEqual({
      entranceId: 'e2',
    });
    // Until the building's list has come, nothing is asked for: it says whether there are entrances.
    expect(flatsLevel({ compoundId: 'c', buildingId: 'b' }, null)).toBeNull();
  });

  it('lists a single-entrance building’s flats directly, and a flat kept from an older draft in the whole list', () => {
    expect(byEntrance({ buildingId: 'b' }, building())).toBe(false);
    expect(flatsLevel({ buildingId: 'b' }, building())).toEqual({ buildingId: 'b' });
    const kept = { compoundId: 'c', buildingId: 'b', dwellingId: 'd1' };
    expect(byEntrance(kept, building(['e1', 'e2']))).toBe(false);
    expect(flatsLevel(kept, building(['e1', 'e2']))).toEqual({ buildingId: 'b' });
  });

  it('clears the steps below a new choice, and labels the flat chosen', () => {
    const full = { compoundId: 'c', buildingId: 'b', entranceId: 'e1', dwellingId: 'd1', label: 'x' };
    expect(pick(full, 'buildingId', 'b2')).toEqual({ compoundId: 'c', buildingId: 'b2' });
    expect(pick(full, 'entranceId', 'e2')).toEqual({ compoundId: 'c', buildingId: 'b', entranceId: 'e2' });
    expect(pick(full, 'entranceId', '')).toEqual({ compoundId: 'c', buildingId: 'b' });
    expect(pick(full, 'compoundId', '')).toEqual({});
    expect(pick(full, 'dwellingId', 'd2', '梅园一村 5号楼 1单元 102')).toEqual({
      compoundId: 'c',
      buildingId: 'b',
      entranceId: 'e1',
      dwellingId: 'd2',
      label: '梅园一村 5号楼 1单元 102',
    });
    // Only the flat is sent; the entrance stays on the phone.
    expect(rawAnswers(definition, { home: pick(full, 'dwellingId', DWELLING, 'x') })).toEqual({
      home: { dwellingId: DWELLING },
    });
  });

  it('asks for an entrance’s flats with a GET to the same path, once, and again after a failure', async () => {
    const fetched: string[] = [];
    let fail = true;
    vi.stubGlobal(
      'fetch',
      vi.fn((url: string, init: RequestInit) => {
        fetched.push(`${init.method ?? 'GET'} ${url}`);
        if (fail) return Promise.reject(new TypeError('Failed to fetch'));
        return Promise.resolve(new Response(JSON.stringify({ items: [{ id: 'd9', label: '101' }] })));
      }),
    );
    await expect(places('abc', 'zh-CN', { entranceId: 'e/1' })).rejects.toThrow();
    fail = false;
    expect((await places('abc', 'zh-CN', { entranceId: 'e/1' })).items).toEqual([{ id: 'd9', label: '101' }]);
    await places('abc', 'zh-CN', { entranceId: 'e/1' });
    expect(fetched).toEqual([
      'GET /api/public/forms/abc/places?entranceId=e%2F1',
      'GET /api/public/forms/abc/places?entranceId=e%2F1',
    ]);
  });
});
