import type { ChainEntries, FormDefinition, PrivacyNotice, PublicForm } from '@linli/shared';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorld,
  insertUser,
  type Session,
  sessionsFor,
  startApp,
  type TestApp,
  unique,
  type World,
} from '../../../test/fixtures';
import { auditLog } from '../audit/audit.table';
import { formSubmissions, forms, formVersions } from './forms.table';

type Form = {
  id: string;
  slug: string;
  status: string;
  version: number;
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  privacy: PrivacyNotice;
  areaName: string;
  communityId: string | null;
  currentVersionNo: number | null;
  mode: string;
  draft: FormDefinition;
  submissionCount: number;
  state: string | null;
  versions: { versionNo: number; submissionCount: number }[];
  draftChanged: boolean;
  canManage: boolean;
  template: string | null;
};
type Ack = { reference: string; submittedAt: string; chainNo: number | null };
type ErrorBody = {
  error: {
    code: string;
    message: string;
    details?: { issues?: { path: string; code: string; message: string }[]; in?: string };
  };
};

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);
let dwellingsA: { id: string; label: string }[] = [];
let buildingA: string;
let dwellingB: string;

const DEFINITION: FormDefinition = {
  sections: [
    {
      title: '基本信息',
      fields: [
        { key: 'name', type: 'text', label: '姓名', labelEn: 'Name', required: true, maps: 'resident.name' },
        {
          key: 'phone',
          type: 'phone',
          label: '手机',
          labelEn: 'Phone',
          required: true,
          maps: 'resident.phone',
        },
        { key: 'id_number', type: 'id_number', label: '身份证', maps: 'resident.idNumber' },
        { key: 'address', type: 'address', label: '住址', required: true, maps: 'household.dwelling' },
        { key: 'temp', type: 'temperature', label: '体温', labelEn: 'Temperature' },
      ],
    },
  ],
};

const CHAIN: FormDefinition = {
  sections: [
    {
      title: '报名',
      fields: [
        { key: 'name', type: 'text', label: '姓名', required: true, maps: 'resident.name' },
        { key: 'phone', type: 'phone', label: '手机', required: true },
        { key: 'address', type: 'address', label: '住址', required: true },
        {
          key: 'shift',
          type: 'single',
          label: '班次',
          required: true,
          options: [
            { value: 'am', label: '上午', capacity: 8 },
            { value: 'pm', label: '下午', capacity: 6 },
            { value: 'eve', label: '晚上', capacity: 6 },
          ],
        },
      ],
    },
  ],
};

beforeAll(async () => {
  // Bursts below come from one address: the per-address limit is exercised in its own test.
  t = await startApp({
    LINLI_FORM_SUBMITS_PER_IP_PER_MINUTE: '100000',
    LINLI_PUBLIC_URL: 'https://linli.example.cn/',
  });
  world = await buildWorld(t.database);
  const a = await as(world.users.adminA);
  const building = await a.post<{ id: string; dwellings: { id: string; label: string }[] }>(
    '/api/buildings',
    {
      compoundId: world.compoundA.id,
      name: '5',
      floors: 3,
      entrances: 2,
      roomsPerFloor: 2,
    },
  );
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  dwellingsA = building.body.dwellings;
  buildingA = building.body.id;
  const b = await as(world.users.adminB);
  const buildingB = await b.post<{ dwellings: { id: string }[] }>('/api/buildings', {
    compoundId: world.compoundB.id,
    name: '9',
    floors: 1,
    entrances: 1,
    roomsPerFloor: 1,
  });
  expect(buildingB.status).toBe(200);
  dwellingB = buildingB.body.dwellings[0]!.id;
});
afterAll(() => t.close());

async function newForm(
  s: Session,
  settings: Record<string, unknown> = {},
  opts: { areaId?: string; mode?: 'form' | 'chain'; publish?: boolean; definition?: FormDefinition } = {},
): Promise<Form> {
  const created = await s.post<Form>('/api/forms', {
    areaId: opts.areaId ?? world.communityA.id,
    title: unique('登记'),
    mode: opts.mode ?? 'form',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const updated = await s.patch<Form>(`/api/forms/${created.body.id}`, {
    version: created.body.version,
    draft: opts.definition ?? DEFINITION,
    ...settings,
  });
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  if (opts.publish === false) return updated.body;
  const published = await s.post<Form>(`/api/forms/${created.body.id}/publish`, {
    version: updated.body.version,
  });
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  return published.body;
}

let seq = 0;
const newKey = () => `key-${Date.now()}-${++seq}-${Math.random().toString(36).slice(2)}`;
const phoneNo = () => `139${String(10_000_000 + (++seq % 90_000_000)).padStart(8, '0')}`;

async function submit(
  slug: string,
  answers: Record<string, unknown>,
  opts: { key?: string | null; versionNo?: number; lang?: string; extra?: Record<string, unknown> } = {},
) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.key !== null) headers['idempotency-key'] = opts.key ?? newKey();
  if (opts.lang) headers['accept-language'] = opts.lang;
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/public/forms/${slug}/submissions`,
    headers,
    payload: { answers, versionNo: opts.versionNo ?? 1, ...opts.extra },
  });
  return { status: res.statusCode, body: res.json() as Ack & ErrorBody };
}

const goodAnswers = (overrides: Record<string, unknown> = {}) => ({
  name: '张小三',
  phone: phoneNo(),
  address: { dwellingId: dwellingsA[0]!.id },
  ...overrides,
});

async function rowsOf(formId: string) {
  return t.database.db.select().from(formSubmissions).where(eq(formSubmissions.formId, formId));
}

async function publicGet(slug: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/public/forms/${slug}` });
  return { status: res.statusCode, body: res.json() as PublicForm & ErrorBody };
}

describe('public submit', () => {
  it('stores one answer, encrypted, with hashes, masks and the register’s address label', async () => {
    const form = await newForm(await as(world.users.adminA));
    const answers = goodAnswers({ phone: '138 0013 8000', temp: '36.6' });
    const res = await submit(form.slug, answers);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.reference).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(res.body.chainNo).toBeNull();
    const [row] = await rowsOf(form.id);
    expect(row!.reference).toBe(res.body.reference.replace('-', ''));
    expect(row!.answersEnc).not.toContain('张小三');
    expect(row!.phoneMask).toBe('138****8000');
    expect(row!.dwellingId).toBe(dwellingsA[0]!.id);
    expect(row!.communityId).toBe(world.communityA.id);
    expect(row!.summary.maskedName).toBe('张*三');
    expect(row!.summary.place).toBe(`${world.compoundA.name} 5号楼`);
    const { createFieldCrypto } = await import('../../platform/crypto');
    const { TEST_ENCRYPTION_KEY } = await import('../../../test/database');
    const crypto = createFieldCrypto(Buffer.from(TEST_ENCRYPTION_KEY, 'base64'));
    const stored = JSON.parse(crypto.decrypt(row!.answersEnc));
    expect(stored).toEqual({
      name: '张小三',
      phone: '13800138000',
      address: { dwellingId: dwellingsA[0]!.id, label: `${world.compoundA.name} 5号楼1单元101` },
      temp: 36.6,
    });
    expect(row!.phoneHash).toBe(crypto.hash('13800138000'));
    expect(row!.nameHash).toBe(crypto.hash('张小三'));
  });

  it('keeps the form and version an answer refers to: deleting either is refused', async () => {
    const form = await newForm(await as(world.users.adminA));
    expect((await submit(form.slug, goodAnswers())).status).toBe(201);
    const [row] = await rowsOf(form.id);
    const db = t.database.db;
    // No foreign keys guard these rows any more (ADR 0013); the database refuses the delete itself.
    await expect(db.delete(formVersions).where(eq(formVersions.id, row!.versionId))).rejects.toThrow();
    await expect(db.delete(forms).where(eq(forms.id, form.id))).rejects.toThrow();
    expect(await db.select({ id: forms.id }).from(forms).where(eq(forms.id, form.id))).toHaveLength(1);
    expect(await rowsOf(form.id)).toHaveLength(1);
  });

  it('names the wrong fields in the caller’s language and stores nothing', async () => {
    const form = await newForm(await as(world.users.adminA));
    const bad = { name: '', phone: '12345', address: { dwellingId: dwellingsA[0]!.id }, temp: 45, extra: 1 };
    const zh = await submit(form.slug, bad);
    expect(zh.status).toBe(400);
    expect(zh.body.error.code).toBe('form.invalid_answer');
    const byPath = Object.fromEntries(zh.body.error.details!.issues!.map((i) => [i.path, i]));
    expect(byPath.name!.message).toBe('此项必填');
    expect(byPath.phone!.message).toBe('请填写 11 位手机号');
    expect(byPath.temp!.code).toBe('temperature');
    expect(byPath.extra!.code).toBe('unknown_field');
    const en = await submit(form.slug, bad, { lang: 'en-US,en;q=0.9' });
    expect(en.status).toBe(400);
    const enPaths = Object.fromEntries(en.body.error.details!.issues!.map((i) => [i.path, i.message]));
    expect(enPaths.phone).toBe('Enter an 11-digit mobile number');
    expect(enPaths.temp).toBe('Temperature must be between 35.0 and 42.0 °C');
    expect(en.body.error.message).toMatch(/answers/i);
    expect(await rowsOf(form.id)).toHaveLength(0);
  });

  it('words a refused answer in the field’s own message where its author wrote one', async () => {
    const phone = DEFINITION.sections[0]!.fields.find((f) => f.key === 'phone')!;
    const definition: FormDefinition = {
      sections: [
        {
          title: '基本信息',
          fields: DEFINITION.sections[0]!.fields.map((f) =>
            f === phone
              ? { ...f, message: '请填写本人常用的手机号', messageEn: 'Enter the mobile number you use' }
              : f,
          ),
        },
      ],
    };
    const form = await newForm(await as(world.users.adminA), {}, { definition });
    const bad = { name: '', phone: '12345', address: { dwellingId: dwellingsA[0]!.id } };
    const messages = async (lang?: string) => {
      const res = await submit(form.slug, bad, lang ? { lang } : {});
      expect(res.status).toBe(400);
      return Object.fromEntries(res.body.error.details!.issues!.map((i) => [i.path, i.message]));
    };
    expect(await messages()).toEqual({ name: '此项必填', phone: '请填写本人常用的手机号' });
    expect(await messages('en-US')).toEqual({
      name: 'This field is required',
      phone: 'Enter the mobile number you use',
    });
    expect(await rowsOf(form.id)).toHaveLength(0);
  });

  it('refuses an address outside the form’s area, on that field', async () => {
    const form = await newForm(await as(world.users.adminA));
    const res = await submit(form.slug, goodAnswers({ address: { dwellingId: dwellingB } }));
    expect(res.status).toBe(400);
    expect(res.body.error.details!.issues).toEqual([
      { path: 'address', code: 'address_outside', message: '所选住址不在本表单服务的范围内' },
    ]);
    const unknown = await submit(form.slug, goodAnswers({ address: { dwellingId: world.compoundA.id } }));
    expect(unknown.body.error.details!.issues![0]!.code).toBe('address_outside');
    expect(await rowsOf(form.id)).toHaveLength(0);
  });

  it('requires a well-formed Idempotency-Key, naming the header', async () => {
    const form = await newForm(await as(world.users.adminA));
    for (const key of [null, 'short', 'has spaces in it!']) {
      const res = await submit(form.slug, goodAnswers(), { key });
      expect(res.status, String(key)).toBe(400);
      expect(res.body.error.details!.in).toBe('headers');
      expect(res.body.error.details!.issues![0]!.path).toBe('idempotency-key');
      expect(res.body.error.details!.issues![0]!.message).toMatch(key === null ? /必填/ : /Idempotency-Key/);
    }
    expect(await rowsOf(form.id)).toHaveLength(0);
  });

  it('stores one row for five sends with one key, each answered with the same reference', async () => {
    const form = await newForm(await as(world.users.adminA));
    const key = newKey();
    const answers = goodAnswers();
    const sequential = [];
    for (let i = 0; i < 2; i++) sequential.push(await submit(form.slug, answers, { key }));
    const concurrent = await Promise.all([1, 2, 3].map(() => submit(form.slug, answers, { key })));
    const all = [...sequential, ...concurrent];
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(all.map((r) => r.body.reference)).size).toBe(1);
    expect(new Set(all.map((r) => r.body.submittedAt)).size).toBe(1);
    expect(await rowsOf(form.id)).toHaveLength(1);
    // The same key with another body is refused, not merged.
    const other = await submit(form.slug, { ...answers, name: '李四' }, { key });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('form.idempotency_mismatch');
    // Key order does not make a resend "another body".
    const reordered = await submit(
      form.slug,
      { address: answers.address, phone: answers.phone, name: answers.name },
      { key },
    );
    expect(reordered.status).toBe(200);
  });

  it('takes one answer per phone when the form says so; a withdrawn answer frees it', async () => {
    const form = await newForm(await as(world.users.adminA), { submissionLimit: 'per_phone' });
    const phone = phoneNo();
    const first = await submit(form.slug, goodAnswers({ phone }));
    expect(first.status).toBe(201);
    const again = await submit(form.slug, goodAnswers({ phone, name: '王五' }));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('form.already_submitted');
    const other = await submit(form.slug, goodAnswers());
    expect(other.status).toBe(201);
    const withdraw = await t.app.inject({
      method: 'POST',
      url: `/api/public/forms/${form.slug}/withdraw`,
      payload: { reference: first.body.reference.toLowerCase().replace('-', ' ') },
    });
    expect(withdraw.statusCode, withdraw.body).toBe(200);
    expect((await submit(form.slug, goodAnswers({ phone }))).status).toBe(201);
    const rows = await rowsOf(form.id);
    expect(rows.map((r) => r.status).sort()).toEqual(['new', 'new', 'withdrawn']);
  });

  it('refuses a per-phone limit without a required phone question at publish', async () => {
    const s = await as(world.users.adminA);
    const form = await newForm(
      s,
      { submissionLimit: 'per_phone' },
      {
        publish: false,
        definition: { sections: [{ title: '', fields: [{ key: 'q', type: 'text', label: '问' }] }] },
      },
    );
    const res = await s.post<ErrorBody>(`/api/forms/${form.id}/publish`, { version: form.version });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('form.limit_needs_field');
  });

  it('says closed, not yet open, and refuses answers accordingly', async () => {
    const s = await as(world.users.adminA);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const notOpen = await newForm(s, { opensAt: later });
    expect((await publicGet(notOpen.slug)).body.state).toBe('not_open');
    const r1 = await submit(notOpen.slug, goodAnswers());
    expect(r1.status).toBe(409);
    expect(r1.body.error.code).toBe('form.not_open');

    const past = new Date(Date.now() - 60_000).toISOString();
    const lapsed = await newForm(s, {
      opensAt: new Date(Date.now() - 3_600_000).toISOString(),
      closesAt: past,
    });
    expect((await publicGet(lapsed.slug)).body.state).toBe('closed');
    expect((await submit(lapsed.slug, goodAnswers())).status).toBe(410);

    const open = await newForm(s);
    const key = newKey();
    const answers = goodAnswers();
    expect((await submit(open.slug, answers, { key })).status).toBe(201);
    const closed = await s.post<Form>(`/api/forms/${open.id}/close`, { version: open.version });
    expect(closed.status).toBe(200);
    expect((await publicGet(open.slug)).body.state).toBe('closed');
    const late = await submit(open.slug, goodAnswers());
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('form.closed');
    // A resend of an answer taken before the close is still acknowledged.
    expect((await submit(open.slug, answers, { key })).status).toBe(200);
    const reopened = await s.post<Form>(`/api/forms/${open.id}/reopen`, { version: closed.body.version });
    expect(reopened.body.status).toBe('published');
    expect((await submit(open.slug, goodAnswers())).status).toBe(201);
  });

  it('hides drafts, archived and unknown forms', async () => {
    const s = await as(world.users.adminA);
    const draft = await newForm(s, {}, { publish: false });
    expect((await publicGet(draft.slug)).status).toBe(404);
    expect((await submit(draft.slug, goodAnswers())).status).toBe(404);
    const live = await newForm(s);
    const archived = await s.post<Form>(`/api/forms/${live.id}/archive`, { version: live.version });
    expect(archived.body.status).toBe('archived');
    expect((await publicGet(live.slug)).status).toBe(404);
    expect((await publicGet('nosuchform1')).body.error.code).toBe('form.not_found');
  });

  it('pretends to accept a filled honeypot and stores nothing', async () => {
    const form = await newForm(await as(world.users.adminA));
    const res = await submit(form.slug, goodAnswers(), { extra: { website: 'http://spam.example' } });
    expect(res.status).toBe(201);
    expect(res.body.reference).toMatch(/^.{5}-.{5}$/);
    expect(await rowsOf(form.id)).toHaveLength(0);
  });

  it('refuses a body over 64 KB with 413 and stores nothing', async () => {
    const form = await newForm(await as(world.users.adminA));
    const res = await submit(form.slug, goodAnswers({ name: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
    expect(await rowsOf(form.id)).toHaveLength(0);
  });

  it('accepts answers to an older published version', async () => {
    const s = await as(world.users.adminA);
    const form = await newForm(s);
    const changed: FormDefinition = {
      sections: [
        {
          ...DEFINITION.sections[0]!,
          fields: [...DEFINITION.sections[0]!.fields, { key: 'note', type: 'text', label: '备注' }],
        },
      ],
    };
    const patched = await s.patch<Form>(`/api/forms/${form.id}`, { version: form.version, draft: changed });
    expect(patched.body.draftChanged).toBe(true);
    const v2 = await s.post<Form>(`/api/forms/${form.id}/publish`, { version: patched.body.version });
    expect(v2.body.currentVersionNo).toBe(2);
    expect((await publicGet(form.slug)).body.versionNo).toBe(2);
    expect((await submit(form.slug, goodAnswers(), { versionNo: 1 })).status).toBe(201);
    expect((await submit(form.slug, goodAnswers({ note: '二版' }), { versionNo: 2 })).status).toBe(201);
    // v1 had no such question.
    expect((await submit(form.slug, goodAnswers({ note: '一版' }), { versionNo: 1 })).status).toBe(400);
    const unknown = await submit(form.slug, goodAnswers(), { versionNo: 9 });
    expect(unknown.status).toBe(409);
    expect(unknown.body.error.code).toBe('form.version_unknown');
    const rows = await rowsOf(form.id);
    expect(rows.map((r) => r.versionNo).sort()).toEqual([1, 2]);
    const detail = await s.get<Form>(`/api/forms/${form.id}`);
    expect(detail.body.versions.map((v) => [v.versionNo, v.submissionCount])).toEqual([
      [2, 1],
      [1, 1],
    ]);
  });

  it('answers a friendly 429 beyond the per-form and the per-address limits', async () => {
    const limited = await startApp({
      LINLI_FORM_SUBMITS_PER_IP_PER_MINUTE: '5',
      LINLI_FORM_SUBMITS_PER_FORM_PER_MINUTE: '3',
    });
    try {
      const w = await buildWorld(limited.database);
      const { signIn } = await import('../../../test/fixtures');
      const s = await signIn(limited.app, w.users.adminA.username);
      const publish = async () => {
        const created = await s.post<Form>('/api/forms', { areaId: w.communityA.id, title: unique('限流') });
        const patched = await s.patch<Form>(`/api/forms/${created.body.id}`, {
          version: created.body.version,
          draft: {
            sections: [{ title: '', fields: [{ key: 'q', type: 'text', label: '问', required: true }] }],
          },
        });
        await s.post(`/api/forms/${created.body.id}/publish`, { version: patched.body.version });
        return created.body.slug;
      };
      const send = async (slug: string, n: number) => {
        const statuses: number[] = [];
        let last: ErrorBody | null = null;
        for (let i = 0; i < n; i++) {
          const res = await limited.app.inject({
            method: 'POST',
            url: `/api/public/forms/${slug}/submissions`,
            headers: { 'idempotency-key': newKey(), 'accept-language': 'en-US' },
            payload: { answers: { q: `a${i}` }, versionNo: 1 },
          });
          statuses.push(res.statusCode);
          last = res.json();
        }
        return { statuses, last: last! };
      };
      // Form 1 reaches its own limit after 3; the address reaches its limit of 5 on form 2.
      const first = await send(await publish(), 4);
      expect(first.statuses).toEqual([201, 201, 201, 429]);
      expect(first.last.error.code).toBe('form.rate_limited');
      expect(first.last.error.message).toMatch(/what you entered is kept/);
      const second = await send(await publish(), 2);
      expect(second.statuses).toEqual([201, 429]);
    } finally {
      await limited.close();
    }
  });
});

describe('odd answers', () => {
  it('never give a 5xx, and a refused one stores nothing', async () => {
    const fc = (await import('fast-check')).default;
    const every: FormDefinition = {
      sections: [
        {
          title: '',
          fields: [
            { key: 'name', type: 'text', label: '姓名', maps: 'resident.name' },
            { key: 'note', type: 'textarea', label: '备注' },
            { key: 'n', type: 'number', label: '数', min: 0, max: 10 },
            { key: 'one', type: 'single', label: '单', options: [{ value: 'a', label: 'A', capacity: 50 }] },
            {
              key: 'many',
              type: 'multi',
              label: '多',
              options: [
                { value: 'a', label: 'A' },
                { value: 'b', label: 'B' },
              ],
            },
            { key: 'd', type: 'date', label: '日' },
            { key: 'dt', type: 'datetime', label: '时' },
            { key: 'phone', type: 'phone', label: '手机' },
            { key: 'id_number', type: 'id_number', label: '证件' },
            { key: 'address', type: 'address', label: '住址' },
            { key: 'temp', type: 'temperature', label: '体温' },
            { key: 'yn', type: 'yes_no', label: '是否' },
            { key: 'ok', type: 'consent', label: '同意' },
            { key: 'photo', type: 'file', label: '照片' },
            { key: 'info', type: 'info', label: '说明' },
          ],
        },
      ],
    };
    const form = await newForm(await as(world.users.adminA), {}, { mode: 'chain', definition: every });
    const keys = [
      'name',
      'note',
      'n',
      'one',
      'many',
      'd',
      'dt',
      'phone',
      'id_number',
      'address',
      'temp',
      'yn',
      'ok',
      'photo',
      'info',
      '__proto__',
      'constructor',
    ];
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 10 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.uuid(),
      fc.constant({ dwellingId: dwellingsA[0]!.id }),
      fc.record({ fileId: fc.uuid(), name: fc.string(), size: fc.integer() }),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 4 }),
      fc.constantFrom('', '\u0000', '1e309', 'a', '13800138000', '2026-02-30', '2026-01-01T00:00:00Z'),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 }),
        fc.integer({ min: -1, max: 3 }),
        async (answers, versionNo) => {
          const before = (await rowsOf(form.id)).length;
          const res = await submit(form.slug, answers, { versionNo });
          expect(res.status, `${JSON.stringify(answers)} → ${JSON.stringify(res.body)}`).toBeLessThan(500);
          const after = (await rowsOf(form.id)).length;
          expect(after - before).toBe(res.status === 201 ? 1 : 0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('files', () => {
  it('ties an uploaded file to the answer, with its stored name and size; an unknown file is a field error', async () => {
    const withFile: FormDefinition = {
      sections: [
        {
          title: '',
          fields: [
            { key: 'name', type: 'text', label: '姓名', required: true },
            { key: 'photo', type: 'file', label: '照片', maxSizeKb: 8 },
          ],
        },
      ],
    };
    const form = await newForm(await as(world.users.adminA), {}, { definition: withFile });
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/public/forms/${form.slug}/files?field=photo&name=${encodeURIComponent('我的照片.png')}`,
      headers: { 'content-type': 'image/png' },
      payload: png,
    });
    expect(up.statusCode, up.body).toBe(201);
    const file = up.json() as { fileId: string; name: string; size: number };
    const missing = await submit(form.slug, {
      name: '甲',
      photo: { fileId: dwellingB, name: 'x.png', size: 10 },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details!.issues![0]).toMatchObject({ path: 'photo', code: 'file_missing' });
    expect(await rowsOf(form.id)).toHaveLength(0);
    const ok = await submit(form.slug, {
      name: '甲',
      photo: { fileId: file.fileId, name: 'lie.png', size: 1 },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const [row] = await rowsOf(form.id);
    const { createFieldCrypto } = await import('../../platform/crypto');
    const { TEST_ENCRYPTION_KEY } = await import('../../../test/database');
    const stored = JSON.parse(
      createFieldCrypto(Buffer.from(TEST_ENCRYPTION_KEY, 'base64')).decrypt(row!.answersEnc),
    );
    expect(stored.photo).toEqual({ fileId: file.fileId, name: file.name, size: png.length });
    // The same file cannot be named by a second answer.
    const again = await submit(form.slug, { name: '乙', photo: { fileId: file.fileId, name: 'x', size: 1 } });
    expect(again.status).toBe(400);
  });
});

describe('chain sign-up', () => {
  it('accepts exactly 20 of 100 concurrent sign-ups for 20 places and lists masked names only', async () => {
    const s = await as(world.users.adminA);
    const form = await newForm(s, {}, { mode: 'chain', definition: CHAIN });
    const shifts = ['am', 'pm', 'eve'];
    const names = ['欧阳小明', '张三', '李小四', '王五六'];
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        submit(
          form.slug,
          goodAnswers({
            name: names[i % 4],
            shift: shifts[i % 3],
            address: { dwellingId: dwellingsA[i % 12]!.id },
          }),
        ),
      ),
    );
    const ok = results.filter((r) => r.status === 201);
    const full = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(20);
    expect(full).toHaveLength(80);
    expect(full.every((r) => r.body.error.code === 'form.option_full')).toBe(true);
    expect(full[0]!.body.error.details!.issues![0]).toMatchObject({ path: 'shift', code: 'option_full' });
    expect(ok.map((r) => r.body.chainNo).sort((a, b) => a! - b!)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const rows = (await rowsOf(form.id)).filter((r) => r.status !== 'withdrawn');
    expect(rows).toHaveLength(20);

    const page = await publicGet(form.slug);
    expect(page.body.state).toBe('full');
    expect(page.body.chain!.remaining).toEqual({ shift: { am: 0, pm: 0, eve: 0 } });
    expect(page.body.chain!.entries).toHaveLength(20);
    expect(page.body.chain!.entries.map((e) => e.no)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const text = JSON.stringify(page.body);
    for (const n of names) expect(text).not.toContain(n);
    expect(text).not.toMatch(/1[3-9]\d{9}/);
    expect(new Set(page.body.chain!.entries.map((e) => e.maskedName))).toEqual(
      new Set(['欧**明', '张*', '李*四', '王*六']),
    );
    expect(page.body.chain!.entries[0]!.place).toBe(`${world.compoundA.name} 5号楼`);

    // Withdrawing frees the place for the next neighbour, and the list renumbers.
    const mine = ok.find((r) => r.body.chainNo === 3)!;
    const w = await t.app.inject({
      method: 'POST',
      url: `/api/public/forms/${form.slug}/withdraw`,
      payload: { reference: mine.body.reference },
    });
    expect(w.statusCode).toBe(200);
    const after = await publicGet(form.slug);
    expect(after.body.state).toBe('open');
    expect(after.body.chain!.entries).toHaveLength(19);
    const freed = Object.entries(after.body.chain!.remaining.shift!).find(([, n]) => n === 1)![0];
    const next = await submit(form.slug, goodAnswers({ name: '赵六', shift: freed }));
    expect(next.status).toBe(201);
    expect(next.body.chainNo).toBe(20);

    // The organiser sees names in clear; a grid worker (read only) sees them masked.
    const chain = await s.get<{ items: { no: number; name: string; reference: string }[]; clear: boolean }>(
      `/api/forms/${form.id}/chain`,
    );
    expect(chain.status).toBe(200);
    expect(chain.body.clear).toBe(true);
    expect(chain.body.items).toHaveLength(20);
    expect(chain.body.items.at(-1)!.name).toBe('赵六');
    const grid = await as(world.users.gridWorkerA);
    const masked = await grid.get<{ items: { name: string }[]; clear: boolean }>(
      `/api/forms/${form.id}/chain`,
    );
    expect(masked.body.clear).toBe(false);
    expect(masked.body.items.at(-1)!.name).toBe('赵*');
  });

  it('withdraw answers 404 for an unknown reference', async () => {
    const form = await newForm(await as(world.users.adminA), {}, { mode: 'chain', definition: CHAIN });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/public/forms/${form.slug}/withdraw`,
      payload: { reference: 'ABCDE-FGHJK' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('form.reference_not_found');
  });
});

describe('public places', () => {
  it('cascade from the form’s compounds to buildings to dwellings, within its area only', async () => {
    const form = await newForm(await as(world.users.adminA));
    const get = async (q = '') =>
      (await t.app.inject({ method: 'GET', url: `/api/public/forms/${form.slug}/places${q}` })).json() as {
        items: { id: string; label: string }[];
        building?: { compoundId: string };
      };
    const compounds = await get();
    expect(compounds.items.map((c) => c.id)).toEqual([world.compoundA.id]);
    const buildings = await get(`?compoundId=${world.compoundA.id}`);
    expect(buildings.items).toEqual([{ id: buildingA, label: '5号楼' }]);
    const dwellings = await get(`?buildingId=${buildingA}`);
    expect(dwellings.items).toHaveLength(12);
    expect(dwellings.items[0]!.label).toBe('1单元 101');
    expect(dwellings.items.map((d) => d.label)).toContain('2单元 302');
    expect(dwellings.building!.compoundId).toBe(world.compoundA.id);
    expect((await get(`?compoundId=${world.compoundB.id}`)).items).toEqual([]);
  });

  it('name the community of each compound on a street-wide form', async () => {
    const form = await newForm(await as(world.users.streetAdmin), {}, { areaId: world.street.id });
    const res = await t.app.inject({ method: 'GET', url: `/api/public/forms/${form.slug}/places` });
    const labels = (res.json() as { items: { id: string; label: string }[] }).items;
    expect(labels).toEqual(
      expect.arrayContaining([
        { id: world.compoundA.id, label: `${world.communityA.name} ${world.compoundA.name}` },
        { id: world.compoundB.id, label: `${world.communityB.name} ${world.compoundB.name}` },
      ]),
    );
    expect(labels.map((l) => l.id)).not.toContain(world.compoundC.id);
    // An address anywhere in the street is inside; another street's is not.
    expect((await submit(form.slug, goodAnswers({ address: { dwellingId: dwellingB } }))).status).toBe(201);
  });

  it('ask a building of several entrances for its entrance, then list that entrance’s flats by number', async () => {
    const form = await newForm(await as(world.users.adminA));
    const get = async (q: string, lang?: string) =>
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/public/forms/${form.slug}/places${q}`,
          headers: lang ? { 'accept-language': lang } : {},
        })
      ).json() as { items: { id: string; label: string }[]; entrances?: { id: string; label: string }[] };
    const building = await get(`?buildingId=${buildingA}`);
    expect(building.entrances!.map((e) => e.label)).toEqual(['1单元', '2单元']);
    const english = await get(`?buildingId=${buildingA}`, 'en-US');
    expect(english.entrances!.map((e) => e.label)).toEqual(['Entrance 1', 'Entrance 2']);

    const second = await get(`?entranceId=${building.entrances![1]!.id}`);
    expect(second.items.map((d) => d.label)).toEqual(['101', '102', '201', '202', '301', '302']);
    // The same flats the building lists under 2单元, by the same ids.
    const underSecond = building.items.filter((d) => d.label.startsWith('2单元 '));
    expect(second.items.map((d) => d.id)).toEqual(underSecond.map((d) => d.id));
    expect(second.entrances).toBeUndefined();

    // A flat chosen this way is answered and labelled like any other.
    const flat = second.items.find((d) => d.label === '301')!;
    const sent = await submit(form.slug, goodAnswers({ address: { dwellingId: flat.id } }));
    expect(sent.status).toBe(201);
    const [row] = await rowsOf(form.id);
    expect(row!.dwellingId).toBe(flat.id);
  });

  it('list a single-entrance building’s flats directly, and nothing of another community’s entrance', async () => {
    const b = await as(world.users.adminB);
    const formB = await newForm(b, {}, { areaId: world.communityB.id });
    const getB = async (q: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/public/forms/${formB.slug}/places${q}` })).json() as {
        items: { id: string; label: string }[];
        entrances?: unknown;
      };
    const [compound] = (await getB('')).items;
    const [building9] = (await getB(`?compoundId=${compound!.id}`)).items;
    const single = await getB(`?buildingId=${building9!.id}`);
    expect(single.items).toEqual([{ id: dwellingB, label: '101' }]);
    expect(single.entrances).toBeUndefined();

    // Community A's form knows neither community B's building nor its entrance.
    const detail = await b.get<{ entrances: { id: string }[] }>(`/api/buildings/${building9!.id}`);
    expect(detail.status).toBe(200);
    const formA = await newForm(await as(world.users.adminA));
    const getA = async (q: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/public/forms/${formA.slug}/places${q}` })).json();
    expect(await getA(`?buildingId=${building9!.id}`)).toEqual({ items: [] });
    expect(await getA(`?entranceId=${detail.body.entrances[0]!.id}`)).toEqual({ items: [] });
    // Its own entrances are listed to it, and to community B's form they are as unknown.
    const entranceA = (await getA(`?buildingId=${buildingA}`)).entrances[0].id;
    expect((await getA(`?entranceId=${entranceA}`)).items).toHaveLength(6);
    expect(await getB(`?entranceId=${entranceA}`)).toEqual({ items: [] });
  });
});

describe('console', () => {
  it('gives the page’s address on the deployment’s public host, for QR codes and posters', async () => {
    const form = await newForm(await as(world.users.workerA), {}, { publish: false });
    const detail = await (await as(world.users.workerA)).get<Form & { publicUrl: string | null }>(
      `/api/forms/${form.id}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body.publicUrl).toBe(`https://linli.example.cn/f/${form.slug}`);
  });

  it('creates from each template, validates drafts naming the field, and audits every change', async () => {
    const s = await as(world.users.workerA);
    const templates = await s.get<{ items: { key: string; definition: FormDefinition; mode: string }[] }>(
      '/api/forms/templates',
    );
    expect(templates.body.items.map((x) => x.key)).toEqual([
      'newcomer',
      'household_update',
      'volunteer',
      'health',
      'feedback',
    ]);
    for (const tpl of templates.body.items) {
      const created = await s.post<Form>('/api/forms', {
        areaId: world.communityA.id,
        title: unique(tpl.key),
        template: tpl.key,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      expect(created.body.draft).toEqual(tpl.definition);
      expect(created.body.mode).toBe(tpl.mode);
      const published = await s.post<Form>(`/api/forms/${created.body.id}/publish`, {
        version: created.body.version,
      });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
    }
    const created = await s.post<Form>('/api/forms', { areaId: world.communityA.id, title: unique('坏') });
    const badDraft = {
      sections: [
        {
          title: '',
          fields: [
            { key: 'a', type: 'text', label: '甲' },
            { key: 'a', type: 'single', label: '乙' },
          ],
        },
      ],
    };
    const res = await s.request(
      'PATCH',
      `/api/forms/${created.body.id}`,
      { version: 1, draft: badDraft },
      {
        'accept-language': 'en-US',
      },
    );
    expect(res.status).toBe(400);
    const issues = Object.fromEntries(
      (res.body as ErrorBody).error.details!.issues!.map((i) => [i.path, i.message]),
    );
    expect(issues['draft.sections.0.fields.1.key']).toBe(
      'This field key is already used by an earlier question; change it',
    );
    expect(issues['draft.sections.0.fields.1.options']).toBe('A choice question needs at least one option');
    const zh = await s.patch<ErrorBody>(`/api/forms/${created.body.id}`, { version: 1, draft: badDraft });
    expect(
      zh.body.error.details!.issues!.find((i) => i.path === 'draft.sections.0.fields.1.key')!.message,
    ).toBe('字段标识与前面的字段重复，请改一个');
    const stale = await s.patch<ErrorBody>(`/api/forms/${created.body.id}`, { version: 1, title: '一' });
    expect(stale.status).toBe(200);
    const conflict = await s.patch<ErrorBody>(`/api/forms/${created.body.id}`, { version: 1, title: '二' });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('form.version_conflict');

    const form = await newForm(s);
    const closed = await s.post<Form>(`/api/forms/${form.id}/close`, { version: form.version });
    const reopened = await s.post<Form>(`/api/forms/${form.id}/reopen`, { version: closed.body.version });
    await s.post<Form>(`/api/forms/${form.id}/archive`, { version: reopened.body.version });
    const actions = await t.database.db
      .select({ action: auditLog.action, changes: auditLog.changes })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, form.id)));
    // A draft change is recorded as the outline of its questions, not a copy of the whole draft.
    const update = actions.find((x) => x.action === 'form.update')!;
    expect(update.changes!.draft).toEqual({
      from: [],
      to: ['name:text', 'phone:phone', 'id_number:id_number', 'address:address', 'temp:temperature'],
    });
    expect(actions.find((x) => x.action === 'form.publish')!.changes).toEqual({
      status: { from: 'draft', to: 'published' },
      versionNo: { from: null, to: 1 },
    });
    expect(actions.map((a) => a.action).sort()).toEqual(
      ['form.archive', 'form.close', 'form.create', 'form.publish', 'form.reopen', 'form.update'].sort(),
    );
    const list = await s.get<{ items: { id: string }[] }>('/api/forms');
    expect(list.body.items.map((i) => i.id)).not.toContain(form.id);
    const archivedList = await s.get<{ items: { id: string }[] }>('/api/forms?status=archived');
    expect(archivedList.body.items.map((i) => i.id)).toContain(form.id);
  });

  it('answers 404 on every route for another community’s form, and 403 to a reader who tries to change', async () => {
    const formB = await newForm(await as(world.users.adminB), {}, { areaId: world.communityB.id });
    const a = await as(world.users.adminA);
    const v = { version: formB.version };
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/forms/${formB.id}`],
      ['PATCH', `/api/forms/${formB.id}`, { ...v, title: '越界' }],
      ['POST', `/api/forms/${formB.id}/publish`, v],
      ['POST', `/api/forms/${formB.id}/close`, v],
      ['POST', `/api/forms/${formB.id}/reopen`, v],
      ['POST', `/api/forms/${formB.id}/archive`, v],
      ['GET', `/api/forms/${formB.id}/chain`],
      ['POST', '/api/forms', { areaId: world.communityB.id, title: '越界' }],
    ];
    for (const who of [a, await as(world.users.gridWorkerA), await as(world.users.otherStreetAdmin)]) {
      for (const [method, url, body] of routes) {
        const res = await who.request(method, url, body);
        expect(res.status, `${who.username} ${method} ${url}`).toBe(404);
      }
    }
    const list = await a.get<{ items: { id: string }[] }>(`/api/forms?limit=200`);
    expect(list.body.items.map((i) => i.id)).not.toContain(formB.id);
    const grid = await as(world.users.gridWorkerA);
    const own = await newForm(a);
    expect((await grid.get(`/api/forms/${own.id}`)).status).toBe(200);
    expect((await grid.patch(`/api/forms/${own.id}`, { version: own.version, title: '改' })).status).toBe(
      403,
    );
    const street = await as(world.users.streetAdmin);
    expect((await street.get(`/api/forms/${formB.id}`)).status).toBe(200);
  });
});

describe('English texts', () => {
  it('start from the template, are saved, frozen on publish and served to the public page', async () => {
    const s = await as(world.users.adminA);
    const created = await s.post<Form>('/api/forms', {
      areaId: world.communityA.id,
      title: unique('返沪'),
      template: 'newcomer',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.titleEn).toBe('Newcomer and returnee registration');
    expect(created.body.descriptionEn).toMatch(/^If you have just moved here/);
    expect(created.body.draft.sections[0]!.titleEn).toBe('About you');
    expect(created.body.privacy.purposeEn).toMatch(/register of residents/);
    expect(created.body.privacy.audienceEn).toBeTruthy();

    const draft: FormDefinition = {
      sections: [
        {
          title: '基本信息',
          titleEn: 'About you',
          description: '请如实填写',
          descriptionEn: 'Please answer truthfully',
          fields: [
            { ...DEFINITION.sections[0]!.fields[0]!, help: '与证件一致', helpEn: 'As on your ID card' },
            ...DEFINITION.sections[0]!.fields.slice(1),
          ],
        },
      ],
    };
    const privacy = {
      purpose: '登记',
      purposeEn: 'Registration',
      audience: '居委会',
      audienceEn: 'The committee',
      retentionDays: 90,
    };
    const updated = await s.patch<Form>(`/api/forms/${created.body.id}`, {
      version: created.body.version,
      titleEn: ' Arrivals ',
      descriptionEn: 'Register when you arrive',
      draft,
      privacy,
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.titleEn).toBe('Arrivals');
    expect(updated.body.descriptionEn).toBe('Register when you arrive');
    expect(updated.body.draft).toEqual(draft);
    expect(updated.body.privacy).toEqual(privacy);
    const [audit] = await t.database.db
      .select({ changes: auditLog.changes })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, created.body.id), eq(auditLog.action, 'form.update')));
    expect(audit!.changes!.titleEn).toEqual({ from: 'Newcomer and returnee registration', to: 'Arrivals' });

    const published = await s.post<Form>(`/api/forms/${created.body.id}/publish`, {
      version: updated.body.version,
    });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    const page = await publicGet(published.body.slug);
    expect(page.status).toBe(200);
    expect(page.body.titleEn).toBe('Arrivals');
    expect(page.body.descriptionEn).toBe('Register when you arrive');
    expect(page.body.definition).toEqual(draft);
    expect(page.body.privacy).toEqual(privacy);

    // Residents see the English of the version they were given: a new English title is a new version.
    const renamed = await s.patch<Form>(`/api/forms/${created.body.id}`, {
      version: published.body.version,
      titleEn: 'Arrivals, 2nd round',
    });
    expect(renamed.body.draftChanged).toBe(true);
    expect((await publicGet(published.body.slug)).body.titleEn).toBe('Arrivals');
    const again = await s.post<Form>(`/api/forms/${created.body.id}/publish`, {
      version: renamed.body.version,
    });
    expect(again.body.currentVersionNo).toBe(2);
    expect((await publicGet(published.body.slug)).body.titleEn).toBe('Arrivals, 2nd round');

    // A form made without English serves empty English texts; the page falls back to the Chinese.
    const plain = await newForm(s);
    const plainPage = await publicGet(plain.slug);
    expect(plainPage.body.titleEn).toBe('');
    expect(plainPage.body.descriptionEn).toBe('');
  });

  it('refuses over-long or malformed English with 400 naming the field', async () => {
    const s = await as(world.users.adminA);
    const tooLongCreate = await s.post<ErrorBody>('/api/forms', {
      areaId: world.communityA.id,
      title: '登记',
      titleEn: 'x'.repeat(201),
    });
    expect(tooLongCreate.status).toBe(400);
    expect(tooLongCreate.body.error.details!.issues!.map((i) => i.path)).toEqual(['titleEn']);

    const form = await newForm(s, {}, { publish: false });
    const field = DEFINITION.sections[0]!.fields[0]!;
    const cases: [Record<string, unknown>, string][] = [
      [{ titleEn: 'x'.repeat(201) }, 'titleEn'],
      [{ descriptionEn: 'x'.repeat(2001) }, 'descriptionEn'],
      [{ titleEn: 42 }, 'titleEn'],
      [
        { privacy: { purpose: '登记', purposeEn: 'x'.repeat(501), audience: '居委会', retentionDays: 30 } },
        'privacy.purposeEn',
      ],
      [
        { privacy: { purpose: '登记', audience: '居委会', audienceEn: 'a\u0000b', retentionDays: 30 } },
        'privacy.audienceEn',
      ],
      [
        { draft: { sections: [{ title: '甲', titleEn: 'x'.repeat(201), fields: [field] }] } },
        'draft.sections.0.titleEn',
      ],
      [
        { draft: { sections: [{ title: '甲', descriptionEn: 'x'.repeat(1001), fields: [field] }] } },
        'draft.sections.0.descriptionEn',
      ],
      [
        { draft: { sections: [{ title: '甲', fields: [{ ...field, helpEn: 'x'.repeat(501) }] }] } },
        'draft.sections.0.fields.0.helpEn',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await s.request(
        'PATCH',
        `/api/forms/${form.id}`,
        { version: form.version, ...body },
        { 'accept-language': 'en-US' },
      );
      expect(res.status, path).toBe(400);
      const issues = (res.body as ErrorBody).error.details!.issues!;
      expect(
        issues.map((i) => i.path),
        path,
      ).toEqual([path]);
      expect(issues[0]!.message).toBeTruthy();
    }
    // Nothing of the refused bodies was kept.
    const after = await s.get<Form>(`/api/forms/${form.id}`);
    expect(after.body.version).toBe(form.version);
    expect(after.body.titleEn).toBe('');
  });
});

describe('street-wide forms', () => {
  it('are listed read-only to community staff of their street, hidden from other streets', async () => {
    const street = await as(world.users.streetAdmin);
    const form = await newForm(street, {}, { areaId: world.street.id });
    const streetList = await street.get<{ items: Form[] }>('/api/forms?limit=200');
    expect(streetList.body.items.find((i) => i.id === form.id)!.canManage).toBe(true);

    const worker = await as(world.users.workerA);
    const own = await newForm(worker);
    const list = await worker.get<{ items: Form[] }>('/api/forms?limit=200');
    expect(list.status).toBe(200);
    const listed = list.body.items.find((i) => i.id === form.id);
    expect(listed).toMatchObject({ communityId: null, areaName: world.street.name, canManage: false });
    expect(list.body.items.find((i) => i.id === own.id)!.canManage).toBe(true);
    const filtered = await worker.get<{ items: Form[] }>(`/api/forms?areaId=${world.street.id}`);
    expect(filtered.body.items.map((i) => i.id)).toContain(form.id);

    const detail = await worker.get<Form>(`/api/forms/${form.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.canManage).toBe(false);
    const v = { version: form.version };
    // Within sight but not theirs to change: 403, for a worker who manages forms elsewhere and for a
    // grid worker who manages none.
    for (const who of [worker, await as(world.users.gridWorkerA)]) {
      for (const [method, url, body] of [
        ['PATCH', `/api/forms/${form.id}`, { ...v, title: '改' }],
        ['POST', `/api/forms/${form.id}/publish`, v],
        ['POST', `/api/forms/${form.id}/close`, v],
        ['POST', `/api/forms/${form.id}/archive`, v],
      ] as const) {
        const res = await who.request(method, url, body);
        expect(res.status, `${who.username} ${method} ${url}`).toBe(403);
      }
    }
    expect((await street.get<Form>(`/api/forms/${form.id}`)).body.version).toBe(form.version);

    const elsewhere = await as(
      await insertUser(t.database, world.communityC, [{ role: 'community_worker', area: world.communityC }]),
    );
    const otherList = await elsewhere.get<{ items: Form[] }>('/api/forms?limit=200');
    expect(otherList.status).toBe(200);
    expect(otherList.body.items.map((i) => i.id)).not.toContain(form.id);
    expect((await elsewhere.get(`/api/forms/${form.id}`)).status).toBe(404);
    expect((await elsewhere.patch(`/api/forms/${form.id}`, { ...v, title: '改' })).status).toBe(404);
    expect((await elsewhere.get(`/api/forms/${form.id}/chain`)).status).toBe(404);
  });
});

describe('chain labels', () => {
  it('word each entry as the version it was given on, not as the draft', async () => {
    const s = await as(world.users.adminA);
    const v1 = await newForm(s, {}, { mode: 'chain', definition: CHAIN });
    expect((await submit(v1.slug, goodAnswers({ shift: 'eve' }))).status).toBe(201);
    const shift = CHAIN.sections[0]!.fields[3]!;
    const reworded: FormDefinition = {
      sections: [
        {
          title: '报名',
          fields: [
            ...CHAIN.sections[0]!.fields.slice(0, 3),
            {
              ...shift,
              label: '时段',
              labelEn: 'Time slot',
              options: [
                { value: 'am', label: '早班', labelEn: 'Early', capacity: 8 },
                { value: 'pm', label: '午班', capacity: 6 },
              ],
            },
          ],
        },
      ],
    };
    const patched = await s.patch<Form>(`/api/forms/${v1.id}`, { version: v1.version, draft: reworded });
    const v2 = await s.post<Form>(`/api/forms/${v1.id}/publish`, { version: patched.body.version });
    expect(v2.body.currentVersionNo).toBe(2);
    expect((await submit(v1.slug, goodAnswers({ shift: 'am' }), { versionNo: 2 })).status).toBe(201);
    expect((await submit(v1.slug, goodAnswers({ shift: 'am' }), { versionNo: 1 })).status).toBe(201);
    // An unpublished rewording must not reach the list either.
    const draft = structuredClone(reworded);
    draft.sections[0]!.fields[3]!.options![0]!.label = '草稿里的名字';
    expect((await s.patch(`/api/forms/${v1.id}`, { version: v2.body.version, draft })).status).toBe(200);

    const chain = await s.get<ChainEntries>(`/api/forms/${v1.id}/chain`);
    expect(chain.status).toBe(200);
    expect(chain.body.items.map((e) => [e.versionNo, e.choices.shift])).toEqual([
      [1, [{ value: 'eve', label: '晚上', labelEn: null }]],
      [2, [{ value: 'am', label: '早班', labelEn: 'Early' }]],
      [1, [{ value: 'am', label: '上午', labelEn: null }]],
    ]);
    expect(chain.body.fields).toEqual([
      {
        key: 'shift',
        label: '时段',
        labelEn: 'Time slot',
        options: [
          { value: 'am', label: '早班', labelEn: 'Early', capacity: 8 },
          { value: 'pm', label: '午班', labelEn: null, capacity: 6 },
        ],
      },
    ]);
    expect(chain.body.remaining).toEqual({ shift: { am: 6, pm: 6 } });

    // The group's page reads each entry with its own version's options too.
    const page = (await publicGet(v1.slug)).body;
    expect(page.chain!.entries.map((e) => [e.versionNo, e.choices.shift])).toEqual([
      [1, ['eve']],
      [2, ['am']],
      [1, ['am']],
    ]);
    const older = page.chain!.olderVersions['1']!.sections[0]!.fields;
    expect(older.map((f) => f.key)).toEqual(['shift']);
    expect(older[0]!.options!.map((o) => o.label)).toEqual(
      CHAIN.sections[0]!.fields[3]!.options!.map((o) => o.label),
    );
    expect(page.chain!.olderVersions['2']).toBeUndefined();
  });
});

describe('retention', () => {
  it('purges answers older than their version’s retention, at start and on demand, with one audit row per form', async () => {
    const s = await as(world.users.adminA);
    const form = await newForm(s, { privacy: { purpose: '测试', audience: '居委会', retentionDays: 30 } });
    const keep = await newForm(s, { privacy: { purpose: '测试', audience: '居委会', retentionDays: 400 } });
    for (let i = 0; i < 4; i++) expect((await submit(form.slug, goodAnswers())).status).toBe(201);
    expect((await submit(keep.slug, goodAnswers())).status).toBe(201);
    const day = 86_400_000;
    const rows = await rowsOf(form.id);
    // Two are 31 days old, one 29: only the two go.
    for (const [i, ageDays] of [31, 31, 29].entries())
      await t.database.db
        .update(formSubmissions)
        .set({ submittedAt: new Date(Date.now() - ageDays * day) })
        .where(eq(formSubmissions.id, rows[i]!.id));
    await t.database.db
      .update(formSubmissions)
      .set({ submittedAt: new Date(Date.now() - 200 * day) })
      .where(eq(formSubmissions.formId, keep.id));

    // A server starting on this database purges before it takes requests.
    const { buildApp } = await import('../../platform/http');
    const { testConfig } = await import('../../../test/database');
    const { resolveFieldCrypto } = await import('../../platform/crypto');
    const config = testConfig();
    const second = await buildApp({ config, database: t.database, crypto: resolveFieldCrypto(config) });
    await second.ready();
    await second.close();

    const left = await rowsOf(form.id);
    expect(left).toHaveLength(2);
    expect(left.map((r) => r.id).sort()).toEqual([rows[2]!.id, rows[3]!.id].sort());
    expect(await rowsOf(keep.id)).toHaveLength(1);
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, form.id), eq(auditLog.action, 'form.purge')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes).toEqual({ purged: { to: 2 } });
    expect(audit[0]!.communityId).toBe(world.communityA.id);

    // Nothing more to purge: no further audit rows.
    const { purgeExpiredAnswers } = await import('./forms.service');
    expect(await purgeExpiredAnswers(t.database.db, new Date())).toEqual([]);
    // A month later the 29-day-old one goes too.
    expect(await purgeExpiredAnswers(t.database.db, new Date(Date.now() + 2 * day))).toEqual([
      { formId: form.id, purged: 1 },
    ]);
  });
});

describe('clients that drop the connection', () => {
  it('leave no row when they vanish mid-body, and the server keeps answering', async () => {
    const { createConnection } = await import('node:net');
    const form = await newForm(await as(world.users.adminA));
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const port = Number(new URL(address).port);
    const body = JSON.stringify({ answers: goodAnswers(), versionNo: 1 });
    const send = (payload: string, declaredLength: number, key: string) =>
      new Promise<void>((resolve, reject) => {
        const socket = createConnection({ port, host: '127.0.0.1' }, () => {
          socket.write(
            `POST /api/public/forms/${form.slug}/submissions HTTP/1.1\r\nHost: x\r\n` +
              `Content-Type: application/json\r\nIdempotency-Key: ${key}\r\n` +
              `Content-Length: ${declaredLength}\r\n\r\n${payload}`,
            () => {
              socket.destroy();
              resolve();
            },
          );
        });
        socket.on('error', reject);
      });
    const bytes = Buffer.byteLength(body);
    // Half a body, then gone: twenty times over.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => send(body.slice(0, 60), bytes, `half-${i}-${newKey()}`)),
    );
    // A whole body, then gone before the answer: stored once; its resend is answered from the store.
    const key = newKey();
    await send(body, bytes, key);
    await new Promise((r) => setTimeout(r, 300));
    const resend = await fetch(`${address}/api/public/forms/${form.slug}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body,
    });
    expect([200, 201]).toContain(resend.status);
    const rows = await rowsOf(form.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idempotencyKey).toBe(key);
    // The pool is not wedged: the console and the public side still answer.
    expect((await publicGet(form.slug)).status).toBe(200);
    const another = await fetch(`${address}/api/public/forms/${form.slug}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
      body: JSON.stringify({ answers: goodAnswers(), versionNo: 1 }),
    });
    expect(another.status).toBe(201);
  });
});

describe('answers to a form this server has answered before', () => {
  // After a first answer the server inserts the next ones in one statement, checked against what it
  // read then; these prove that a change made since is never missed.
  async function storedLabel(formId: string, reference: string) {
    const { createFieldCrypto } = await import('../../platform/crypto');
    const { TEST_ENCRYPTION_KEY } = await import('../../../test/database');
    const crypto = createFieldCrypto(Buffer.from(TEST_ENCRYPTION_KEY, 'base64'));
    const row = (await rowsOf(formId)).find((r) => r.reference === reference.replace('-', ''))!;
    return (JSON.parse(crypto.decrypt(row.answersEnc)) as { address: { label: string } }).address.label;
  }

  it('label a renamed flat and building as they are now, and refuse an archived flat', async () => {
    const s = await as(world.users.adminA);
    const form = await newForm(s);
    const flat = dwellingsA[3]!;
    const answers = () => goodAnswers({ address: { dwellingId: flat.id } });
    const first = await submit(form.slug, answers());
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await storedLabel(form.id, first.body.reference)).toBe(`${world.compoundA.name} 5号楼1单元202`);

    const building = await s.get<{ version: number; dwellings: { id: string; version: number }[] }>(
      `/api/buildings/${buildingA}`,
    );
    const dwelling = building.body.dwellings.find((d) => d.id === flat.id)!;
    const renamed = await s.patch<{ version: number }>(`/api/dwellings/${flat.id}`, {
      version: dwelling.version,
      number: '209',
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const second = await submit(form.slug, answers());
    expect(second.status).toBe(201);
    expect(await storedLabel(form.id, second.body.reference)).toBe(`${world.compoundA.name} 5号楼1单元209`);

    const rebuilt = await s.patch(`/api/buildings/${buildingA}`, {
      version: building.body.version,
      name: '6',
    });
    expect(rebuilt.status, JSON.stringify(rebuilt.body)).toBe(200);
    const third = await submit(form.slug, answers());
    expect(third.status).toBe(201);
    expect(await storedLabel(form.id, third.body.reference)).toBe(`${world.compoundA.name} 6号楼1单元209`);

    const archived = await s.post(`/api/dwellings/${flat.id}/archive`, { version: renamed.body.version });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    const refused = await submit(form.slug, answers());
    expect(refused.status).toBe(400);
    expect(refused.body.error.details?.issues?.[0]?.path).toBe('address');
    expect(await rowsOf(form.id)).toHaveLength(3);
  });

  it('refuse a flat archived after the phone listed it, and store nothing', async () => {
    const s = await as(world.users.adminA);
    const form = await newForm(s);
    const listed = await t.app.inject({
      method: 'GET',
      url: `/api/public/forms/${form.slug}/places?buildingId=${buildingA}`,
    });
    const flats = (listed.json() as { items: { id: string }[] }).items;
    const flat = flats.at(-1)!;
    const building = await s.get<{ dwellings: { id: string; version: number }[] }>(
      `/api/buildings/${buildingA}`,
    );
    const { version } = building.body.dwellings.find((d) => d.id === flat.id)!;
    expect((await s.post(`/api/dwellings/${flat.id}/archive`, { version })).status).toBe(200);
    const refused = await submit(form.slug, goodAnswers({ address: { dwellingId: flat.id } }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details?.issues?.[0]?.path).toBe('address');
    expect(await rowsOf(form.id)).toHaveLength(0);
  });

  it('hold a limit set after answers were taken', async () => {
    const s = await as(world.users.adminA);
    const form = await newForm(s);
    const phone = phoneNo();
    expect((await submit(form.slug, goodAnswers({ phone }))).status).toBe(201);
    expect((await submit(form.slug, goodAnswers({ phone }))).status).toBe(201);
    const changed = await s.patch<Form>(`/api/forms/${form.id}`, {
      version: form.version,
      submissionLimit: 'per_phone',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const again = phoneNo();
    expect((await submit(form.slug, goodAnswers({ phone: again }))).status).toBe(201);
    const twice = await submit(form.slug, goodAnswers({ phone: again }));
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('form.already_submitted');
  });
});
