import { type FormDefinition, idCheckChar, todayInShanghai } from '@linli/shared';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/database';
import {
  buildWorld,
  type Session,
  sessionsFor,
  startApp,
  type TestApp,
  unique,
  type World,
} from '../../../test/fixtures';
import { resolveFieldCrypto } from '../../platform/crypto';
import { auditLog } from '../audit/audit.table';
import { formSubmissions, forms } from '../forms/forms.table';
import { tagCodec } from '../registry/registry.service';
import { residents, residentTags } from '../registry/registry.table';
import { seedForm, seedSubmission } from './submissions.test-data';

type Item = {
  id: string;
  status: string;
  version: number;
  maskedName: string | null;
  phoneMasked: string | null;
  idNumberMasked: string | null;
  matched: boolean;
  nameAtAddress: boolean;
  versionNo: number;
  appliedResidentId: string | null;
};
type Page = { items: Item[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; details?: { issues?: { path: string }[]; ids?: string[] } } };
type Resident = {
  id: string;
  name: string;
  phoneMasked: string | null;
  occupation: string | null;
  version: number;
  dwellingId: string;
  householdId: string;
  provenance: string | null;
};

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);
const crypto = resolveFieldCrypto(testConfig());

const runTag = String(Math.floor(Math.random() * 9000) + 1000);
let counter = 0;
function idForAge(age: number) {
  const [y, m, d] = todayInShanghai().split('-').map(Number) as [number, number, number];
  const birth = new Date(Date.UTC(y - age, m - 1, d - 40)).toISOString().slice(0, 10);
  const seq = String(++counter * 2 + 1)
    .padStart(3, '0')
    .slice(-3);
  const body = `13${runTag}${birth.replaceAll('-', '')}${seq}`;
  return body + idCheckChar(body);
}
const phone = () => `136${runTag}${String(++counter + 1000).slice(-4)}`;

const definition: FormDefinition = {
  sections: [
    {
      title: '基本信息',
      fields: [
        { key: 'name', type: 'text', label: '姓名', required: true, maps: 'resident.name' },
        { key: 'mobile', type: 'phone', label: '手机号', maps: 'resident.phone' },
        { key: 'idno', type: 'id_number', label: '身份证号', maps: 'resident.idNumber' },
        { key: 'addr', type: 'address', label: '住址', maps: 'household.dwelling' },
        { key: 'job', type: 'text', label: '职业', maps: 'resident.occupation' },
      ],
    },
    {
      title: '健康',
      fields: [
        {
          key: 'gender',
          type: 'single',
          label: '性别',
          maps: 'resident.sex',
          options: [
            { value: 'male', label: '男' },
            { value: 'female', label: '女' },
            { value: 'x', label: '其他' },
          ],
        },
        { key: 'temp', type: 'temperature', label: '体温' },
      ],
    },
  ],
};

let dwellingsA: string[] = [];
let dwellingB = '';
let formA: Awaited<ReturnType<typeof seedForm>>;
let formB: Awaited<ReturnType<typeof seedForm>>;

async function building(s: Session, communityId: string) {
  const compound = await s.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: communityId,
    name: unique('小区'),
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const b = await s.post<{ dwellings: { id: string }[] }>('/api/buildings', {
    compoundId: compound.body.id,
    name: '7',
    floors: 3,
    entrances: 1,
    roomsPerFloor: 2,
  });
  expect(b.status, JSON.stringify(b.body)).toBe(200);
  return b.body.dwellings.map((d) => d.id);
}

async function resident(s: Session, body: Record<string, unknown>) {
  const res = await s.post<Resident>('/api/residents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const submit = (
  raw: Record<string, unknown>,
  opts: Parameters<typeof seedSubmission>[4] = {},
  form = formA,
) => seedSubmission(t.database.db, crypto, form, raw, opts);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
  dwellingsA = await building(await as(world.users.adminA), world.communityA.id);
  [dwellingB] = (await building(await as(world.users.adminB), world.communityB.id)) as [string];
  formA = await seedForm(t.database.db, world.communityA, definition, { versions: 2 });
  formB = await seedForm(t.database.db, world.communityB, definition);
});
afterAll(() => t.close());

describe('the inbox', () => {
  it('lists masked summaries of its own community, with filters and pages', async () => {
    const known = await resident(await as(world.users.adminA), {
      dwellingId: dwellingsA[0],
      name: '钱多多',
      phone: phone(),
      idNumber: idForAge(40),
    });
    void known;
    const p = phone();
    const id = idForAge(33);
    const mine = await submit({ name: '王小明', mobile: p, idno: id, addr: { dwellingId: dwellingsA[1] } });
    const old = await submit(
      { name: '李四' },
      { versionNo: 1, submittedAt: new Date('2026-01-05T02:00:00Z') },
    );
    const other = await submit({ name: '赵六', addr: { dwellingId: dwellingB } }, {}, formB);
    const s = await as(world.users.workerA);
    const all = await s.get<Page>(`/api/submissions?formId=${formA.form.id}`);
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    const ids = all.body.items.map((i) => i.id);
    expect(ids).toContain(mine.id);
    expect(ids).toContain(old.id);
    expect(ids).not.toContain(other.id);
    const row = all.body.items.find((i) => i.id === mine.id)!;
    expect(row.maskedName).toBe('王*明');
    expect(row.phoneMasked).toBe(`${p.slice(0, 3)}****${p.slice(-4)}`);
    expect(row.idNumberMasked).not.toContain(id.slice(6, 14));
    expect(JSON.stringify(all.body)).not.toContain(p);
    expect(JSON.stringify(all.body)).not.toContain(id);

    const v1 = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&versionNo=1`);
    expect(v1.body.items.map((i) => i.id)).toEqual([old.id]);
    const early = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&to=2026-02-01T00:00:00Z`);
    expect(early.body.items.map((i) => i.id)).toEqual([old.id]);
    const late = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&from=2026-02-01T00:00:00Z`);
    expect(late.body.items.map((i) => i.id)).not.toContain(old.id);
    const reviewed = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&status=reviewed`);
    expect(reviewed.body.items.map((i) => i.id)).not.toContain(mine.id);

    // Matched: the register holds someone with that phone.
    const m = await submit({ name: '钱多多', mobile: p });
    await resident(await as(world.users.adminA), { dwellingId: dwellingsA[2], name: '钱二', phone: p });
    const yes = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&matched=yes`);
    const no = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&matched=no`);
    expect(yes.body.items.map((i) => i.id)).toContain(m.id);
    expect(no.body.items.map((i) => i.id)).not.toContain(m.id);
    expect(no.body.items.map((i) => i.id)).toContain(old.id);

    // Pages of one never repeat or skip.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/submissions?formId=${formA.form.id}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const pg: { status: number; body: Page } = await s.get<Page>(url);
      expect(pg.status).toBe(200);
      seen.push(...pg.body.items.map((i) => i.id));
      cursor = pg.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(
      (await s.get<Page>(`/api/submissions?formId=${formA.form.id}`)).body.items.map((i) => i.id),
    );
    expect((await s.get<ErrorBody>('/api/submissions?cursor=nonsense')).status).toBe(400);
  });

  it('answers 404 submission.not_found for another community’s answer on every route', async () => {
    const other = await submit({ name: '赵六', mobile: phone(), addr: { dwellingId: dwellingB } }, {}, formB);
    const s = await as(world.users.workerA);
    const base = `/api/submissions/${other.id}`;
    const calls = [
      s.get<ErrorBody>(base),
      s.post<ErrorBody>(`${base}/reveal`, { reason: '核实' }),
      s.post<ErrorBody>(`${base}/status`, { status: 'reviewed', version: 1 }),
      s.get<ErrorBody>(`${base}/candidates`),
      s.get<ErrorBody>(`${base}/diff`),
      s.post<ErrorBody>(`${base}/apply`, { version: 1, create: true, fields: ['resident.name'] }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('submission.not_found');
    }
    const mine = await submit({ name: '孙七' });
    const bulk = await s.post<ErrorBody>('/api/submissions/bulk-status', {
      ids: [mine.id, other.id],
      status: 'reviewed',
    });
    expect(bulk.status).toBe(404);
    expect(bulk.body.error.details?.ids).toEqual([other.id]);
    const [after] = await t.database.db.select().from(formSubmissions).where(eq(formSubmissions.id, mine.id));
    expect(after!.status).toBe('new');
    // The other community's own worker sees it.
    expect((await (await as(world.users.workerB)).get(base)).status).toBe(200);
  });
});

describe('reading an answer', () => {
  it('is masked by default; reveal needs resident.reveal and a reason, and is audited', async () => {
    const p = phone();
    const id = idForAge(50);
    const row = await submit({ name: '周八', mobile: p, idno: id, gender: 'male', temp: '36.6' });
    const s = await as(world.users.workerA);
    const detail = await s.get<{
      answers: Record<string, unknown>;
      maskedKeys: string[];
      definition: { sections: { title: string }[] };
    }>(`/api/submissions/${row.id}`);
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    expect(detail.body.answers.name).toBe('周八');
    expect(detail.body.answers.mobile).toBe(`${p.slice(0, 3)}****${p.slice(-4)}`);
    expect(detail.body.answers.temp).toBe(36.6);
    expect(detail.body.maskedKeys.sort()).toEqual(['idno', 'mobile']);
    expect(detail.body.definition.sections.map((x) => x.title)).toEqual(['基本信息', '健康']);
    expect(JSON.stringify(detail.body)).not.toContain(id);

    const grid = await as(world.users.gridWorkerA);
    expect((await grid.post<ErrorBody>(`/api/submissions/${row.id}/reveal`, { reason: '核实' })).status).toBe(
      403,
    );
    expect((await s.post<ErrorBody>(`/api/submissions/${row.id}/reveal`, {})).status).toBe(400);

    const revealed = await s.request('POST', `/api/submissions/${row.id}/reveal`, { reason: '电话核实身份' });
    expect(revealed.status).toBe(200);
    expect(revealed.headers['cache-control']).toBe('no-store');
    expect((revealed.body as { answers: Record<string, string> }).answers).toEqual({ mobile: p, idno: id });
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, row.id), eq(auditLog.action, 'submission.reveal')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.reason).toBe('电话核实身份');
    expect(JSON.stringify(audit[0]!.changes)).not.toContain(p);
    expect(Object.keys(audit[0]!.changes ?? {}).sort()).toEqual(['idno', 'mobile']);
  });

  it('counts reveals against the same hourly limit as the register', async () => {
    const limited = await startApp({ LINLI_REVEAL_LIMIT_PER_HOUR: '1' });
    try {
      const w = await buildWorld(limited.database);
      const f = await seedForm(limited.database.db, w.communityA, definition);
      const row = await seedSubmission(limited.database.db, crypto, f, { name: '吴九', mobile: phone() });
      const s = await sessionsFor(() => limited.app)(w.users.workerA);
      expect((await s.post(`/api/submissions/${row.id}/reveal`, { reason: '核实' })).status).toBe(200);
      const second = await s.post<ErrorBody>(`/api/submissions/${row.id}/reveal`, { reason: '核实' });
      expect(second.status).toBe(429);
      expect(second.body.error.code).toBe('resident.reveal_limit');
    } finally {
      await limited.close();
    }
  });
});

describe('status', () => {
  it('marks one answer naming its version; rejecting needs a reason', async () => {
    const row = await submit({ name: '郑十' });
    const s = await as(world.users.workerA);
    const noReason = await s.post<ErrorBody>(`/api/submissions/${row.id}/status`, {
      status: 'rejected',
      version: 1,
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details?.issues?.[0]?.path).toBe('reason');
    const ok = await s.post<Item>(`/api/submissions/${row.id}/status`, { status: 'reviewed', version: 1 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('reviewed');
    expect(ok.body.version).toBe(2);
    const stale = await s.post<ErrorBody & { error: { details: { current: Item } } }>(
      `/api/submissions/${row.id}/status`,
      { status: 'rejected', reason: '重复提交', version: 1 },
    );
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('submission.version_conflict');
    expect(stale.body.error.details.current.status).toBe('reviewed');
    const rejected = await s.post<Item & { rejectReason: string }>(`/api/submissions/${row.id}/status`, {
      status: 'rejected',
      reason: '重复提交',
      version: 2,
    });
    expect(rejected.body.rejectReason).toBe('重复提交');
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, row.id), eq(auditLog.action, 'submission.mark')));
    expect(audit.map((a) => a.reason).sort()).toEqual([null, '重复提交'].sort());
    // A grid worker reads the inbox but does not handle it.
    const grid = await as(world.users.gridWorkerA);
    expect(
      (await grid.post(`/api/submissions/${row.id}/status`, { status: 'reviewed', version: 3 })).status,
    ).toBe(403);
  });

  it('bulk marks all or nothing', async () => {
    const a = await submit({ name: '甲' });
    const b = await submit({ name: '乙' });
    const c = await submit({ name: '丙' });
    await t.database.db
      .update(formSubmissions)
      .set({ status: 'withdrawn' })
      .where(eq(formSubmissions.id, c.id));
    const s = await as(world.users.workerA);
    const refused = await s.post<ErrorBody>('/api/submissions/bulk-status', {
      ids: [a.id, b.id, c.id],
      status: 'rejected',
      reason: '不在本次范围',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('submission.invalid_status');
    expect(refused.body.error.details?.ids).toEqual([c.id]);
    const untouched = await t.database.db.select().from(formSubmissions).where(eq(formSubmissions.id, a.id));
    expect(untouched[0]!.status).toBe('new');
    const tooMany = await s.post<ErrorBody>('/api/submissions/bulk-status', {
      ids: Array.from({ length: 201 }, () => a.id),
      status: 'reviewed',
    });
    expect(tooMany.status).toBe(400);
    const ok = await s.post<{ updated: number }>('/api/submissions/bulk-status', {
      ids: [a.id, b.id, a.id],
      status: 'reviewed',
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.updated).toBe(2);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'submission.mark'));
    expect(audit.filter((r) => r.entityId === a.id || r.entityId === b.id)).toHaveLength(2);
  });
});

describe('matching and applying', () => {
  it('finds candidates by ID number, phone, and name in the dwelling', async () => {
    const admin = await as(world.users.adminA);
    const id = idForAge(45);
    const p = phone();
    const byId = await resident(admin, { dwellingId: dwellingsA[3], name: '冯一', idNumber: id });
    const byPhone = await resident(admin, { dwellingId: dwellingsA[4], name: '冯二', phone: p });
    const byName = await resident(admin, { dwellingId: dwellingsA[5], name: '冯三' });
    const row = await submit({ name: '冯三', mobile: p, idno: id, addr: { dwellingId: dwellingsA[5] } });
    const s = await as(world.users.workerA);
    const res = await s.get<{ items: { residentId: string; reasons: string[]; strength: string }[] }>(
      `/api/submissions/${row.id}/candidates`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((i) => [i.residentId, i.strength, i.reasons])).toEqual([
      [byId.id, 'strong', ['id_number']],
      [byPhone.id, 'medium', ['phone']],
      [byName.id, 'weak', ['name_dwelling']],
    ]);
  });

  it('lists an answer whose name lives at the dwelling it names as a weak match, nothing more', async () => {
    const admin = await as(world.users.adminA);
    const [here, there] = (await building(admin, world.communityA.id)) as [string, string];
    await resident(admin, { dwellingId: here, name: '温一' });
    const atAddress = await submit({ name: '温一', mobile: phone(), addr: { dwellingId: here } });
    const elsewhere = await submit({ name: '温一', mobile: phone(), addr: { dwellingId: there } });
    const otherName = await submit({ name: '温二', mobile: phone(), addr: { dwellingId: here } });
    const p = phone();
    await resident(admin, { dwellingId: there, name: '温三', phone: p });
    const byPhone = await submit({ name: '温三', mobile: p, addr: { dwellingId: there } });

    const s = await as(world.users.workerA);
    const list = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&limit=100`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const flags = (id: string) => {
      const item = list.body.items.find((i) => i.id === id)!;
      return [item.matched, item.nameAtAddress];
    };
    expect(flags(atAddress.id)).toEqual([false, true]);
    expect(flags(elsewhere.id)).toEqual([false, false]);
    expect(flags(otherName.id)).toEqual([false, false]);
    // A stronger match is shown as such; the weak one is only for answers matched no other way.
    expect(flags(byPhone.id)).toEqual([true, false]);
    // The answer's page says the same as its row, and the filter still counts ID and phone only.
    const detail = await s.get<Item>(`/api/submissions/${atAddress.id}`);
    expect([detail.body.matched, detail.body.nameAtAddress]).toEqual([false, true]);
    const unmatched = await s.get<Page>(`/api/submissions?formId=${formA.form.id}&matched=no&limit=100`);
    expect(unmatched.body.items.map((i) => i.id)).toContain(atAddress.id);
  });

  it('shows a field-by-field diff and applies exactly the chosen fields, with provenance and audit', async () => {
    const admin = await as(world.users.adminA);
    const id = idForAge(38);
    const oldPhone = phone();
    const newPhone = phone();
    const r = await resident(admin, {
      dwellingId: dwellingsA[0],
      name: '陈明',
      idNumber: id,
      phone: oldPhone,
    });
    const row = await submit({
      name: '陈明',
      mobile: newPhone,
      idno: id,
      job: '教师',
      addr: { dwellingId: dwellingsA[0] },
    });
    const s = await as(world.users.workerA);
    const diff = await s.get<{
      residentVersion: number;
      rows: {
        target: string;
        current: string | null;
        proposed: string;
        state: string;
        applicable: boolean;
      }[];
    }>(`/api/submissions/${row.id}/diff?residentId=${r.id}`);
    expect(diff.status, JSON.stringify(diff.body)).toBe(200);
    const byTarget = Object.fromEntries(diff.body.rows.map((x) => [x.target, x]));
    expect(byTarget['resident.name']!.state).toBe('same');
    expect(byTarget['resident.idNumber']!.state).toBe('same');
    expect(byTarget['resident.phone']).toMatchObject({
      state: 'changed',
      current: `${oldPhone.slice(0, 3)}****${oldPhone.slice(-4)}`,
      proposed: `${newPhone.slice(0, 3)}****${newPhone.slice(-4)}`,
    });
    expect(byTarget['resident.occupation']).toMatchObject({ state: 'new', current: null, proposed: '教师' });
    expect(byTarget['household.dwelling']).toMatchObject({ state: 'same', applicable: true });
    expect(JSON.stringify(diff.body)).not.toContain(newPhone);

    const stale = await s.post<ErrorBody>(`/api/submissions/${row.id}/apply`, {
      version: 2,
      residentId: r.id,
      fields: ['resident.phone'],
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('submission.version_conflict');
    const staleResident = await s.post<ErrorBody>(`/api/submissions/${row.id}/apply`, {
      version: 1,
      residentId: r.id,
      residentVersion: diff.body.residentVersion! + 1,
      fields: ['resident.phone'],
    });
    expect(staleResident.status).toBe(409);
    expect(staleResident.body.error.code).toBe('resident.version_conflict');

    const applied = await s.post<{ residentId: string; submission: Item }>(
      `/api/submissions/${row.id}/apply`,
      {
        version: 1,
        residentId: r.id,
        residentVersion: diff.body.residentVersion,
        fields: ['resident.phone'],
      },
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.submission).toMatchObject({ status: 'applied', appliedResidentId: r.id });
    const after = await admin.get<Resident>(`/api/residents/${r.id}`);
    expect(after.body.phoneMasked).toBe(`${newPhone.slice(0, 3)}****${newPhone.slice(-4)}`);
    expect(after.body.occupation).toBeNull();
    const [stored] = await t.database.db.select().from(residents).where(eq(residents.id, r.id));
    expect(stored!.phoneHash).toBe(crypto.hash(newPhone));

    const timeline = await admin.get<{
      items: { kind: string; changes: Record<string, { to?: unknown }> | null }[];
    }>(`/api/residents/${r.id}/timeline`);
    const event = timeline.body.items.find((e) => e.kind === 'submission.apply');
    expect(event?.changes?.provenance?.to).toBe(
      `表单「${formA.versions[1]!.title}」v2 答卷 ${row.reference}`,
    );
    const update = timeline.body.items.find((e) => e.kind === 'resident.update');
    expect(Object.keys(update?.changes ?? {})).toEqual(['phone']);
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, row.id), eq(auditLog.action, 'submission.apply')));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes).toMatchObject({ fields: { to: ['resident.phone'] }, residentId: { to: r.id } });
    expect(JSON.stringify(timeline.body)).not.toContain(newPhone);

    const again = await s.post<ErrorBody>(`/api/submissions/${row.id}/apply`, {
      version: 2,
      residentId: r.id,
      fields: ['resident.occupation'],
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('submission.invalid_status');
  });

  it('creates a new resident and household in the answered dwelling', async () => {
    const p = phone();
    const row = await submit({ name: '新住户', mobile: p, job: '护士', addr: { dwellingId: dwellingsA[2] } });
    const s = await as(world.users.workerA);
    const preview = await s.get<{ residentId: string | null; rows: { state: string }[] }>(
      `/api/submissions/${row.id}/diff`,
    );
    expect(preview.body.residentId).toBeNull();
    expect(preview.body.rows.every((x) => x.state === 'new')).toBe(true);
    const noName = await s.post<ErrorBody>(`/api/submissions/${row.id}/apply`, {
      version: 1,
      create: true,
      fields: ['resident.phone'],
    });
    expect(noName.status).toBe(400);
    expect(noName.body.error.details?.issues?.[0]?.path).toBe('resident.name');
    const created = await s.post<{ residentId: string }>(`/api/submissions/${row.id}/apply`, {
      version: 1,
      create: true,
      fields: ['resident.name', 'resident.phone', 'resident.occupation', 'household.dwelling'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const r = await s.get<Resident>(`/api/residents/${created.body.residentId}`);
    expect(r.body).toMatchObject({ name: '新住户', occupation: '护士', dwellingId: dwellingsA[2] });
    // The record itself says it came from the answer, like an imported one names its file and row.
    expect(r.body.provenance).toMatch(/^表单「.+」v\d+ 答卷 \S+$/);
    const timeline = await s.get<{ items: { kind: string }[] }>(`/api/residents/${r.body.id}/timeline`);
    expect(timeline.body.items.map((e) => e.kind).sort()).toEqual(['resident.create', 'submission.apply']);
  });

  it('applies a different answered address as a move (迁居) into a new household there', async () => {
    const admin = await as(world.users.adminA);
    const r = await resident(admin, { dwellingId: dwellingsA[3], name: '迁居答卷人' });
    const neighbour = await resident(admin, { dwellingId: dwellingsA[5], name: '迁居邻居' });
    const row = await submit({ name: '迁居答卷人', job: '司机', addr: { dwellingId: dwellingsA[5] } });
    const s = await as(world.users.workerA);
    const diff = await s.get<{
      residentVersion: number;
      rows: { target: string; state: string; applicable: boolean }[];
    }>(`/api/submissions/${row.id}/diff?residentId=${r.id}`);
    expect(diff.body.rows.find((x) => x.target === 'household.dwelling')).toMatchObject({
      state: 'changed',
      applicable: true,
    });
    const applied = await s.post<{ residentId: string }>(`/api/submissions/${row.id}/apply`, {
      version: 1,
      residentId: r.id,
      residentVersion: diff.body.residentVersion,
      fields: ['household.dwelling', 'resident.occupation'],
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.residentId).toBe(r.id);
    const after = await admin.get<Resident & { relationToHead: string }>(`/api/residents/${r.id}`);
    expect(after.body).toMatchObject({
      dwellingId: dwellingsA[5],
      occupation: '司机',
      relationToHead: 'head',
    });
    expect([r.householdId, neighbour.householdId]).not.toContain(after.body.householdId);
    const timeline = await admin.get<{
      items: { kind: string; changes: Record<string, { to?: unknown }> | null }[];
    }>(`/api/residents/${r.id}/timeline`);
    expect(timeline.body.items.map((e) => e.kind).sort()).toEqual([
      'resident.create',
      'resident.move',
      'resident.update',
      'submission.apply',
    ]);
    const moveEvent = timeline.body.items.find((e) => e.kind === 'resident.move')!;
    expect(moveEvent.changes).toMatchObject({
      provenance: { to: `表单「${formA.versions[1]!.title}」v2 答卷 ${row.reference}` },
      movedAt: { to: todayInShanghai() },
      previousHousehold: { to: 'closed' },
    });
    // The neighbour's household is untouched; the mover's old one closed with its only member.
    const [old] = await t.database.db.select().from(residents).where(eq(residents.id, neighbour.id));
    expect(old!.householdId).toBe(neighbour.householdId);
    const households = await s.get<{ items: { id: string; status: string }[] }>(
      `/api/households?dwellingId=${dwellingsA[3]}`,
    );
    expect(households.body.items.find((h) => h.id === r.householdId)?.status).toBe('moved_out');
  });

  it('refuses bad values with 400 naming the field, and changes nothing', async () => {
    const admin = await as(world.users.adminA);
    const r = await resident(admin, { dwellingId: dwellingsA[1], name: '林木', phone: phone() });
    const odd = await submit({ name: '林木', gender: 'x', addr: { dwellingId: dwellingsA[1] } });
    const s = await as(world.users.workerA);
    const bad = await s.post<ErrorBody>(`/api/submissions/${odd.id}/apply`, {
      version: 1,
      residentId: r.id,
      fields: ['resident.sex'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.issues?.map((i) => i.path)).toEqual(['resident.sex']);
    const missing = await s.post<ErrorBody>(`/api/submissions/${odd.id}/apply`, {
      version: 1,
      residentId: r.id,
      fields: ['resident.idNumber'],
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('submission.not_answered');
    // A dwelling archived since the answer cannot be moved into: 404, as for any dwelling not in use.
    const linSen = await resident(admin, { dwellingId: dwellingsA[3], name: '林森' });
    const [archivedId] = (await building(admin, world.communityA.id)) as [string];
    const archived = await admin.post(`/api/dwellings/${archivedId}/archive`, { version: 1 });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    const far = await submit({ name: '林森', addr: { dwellingId: archivedId } });
    const farDiff = await s.get<{ rows: { target: string; state: string; applicable: boolean }[] }>(
      `/api/submissions/${far.id}/diff?residentId=${linSen.id}`,
    );
    expect(farDiff.status, JSON.stringify(farDiff.body)).toBe(200);
    expect(farDiff.body.rows.find((x) => x.target === 'household.dwelling')).toMatchObject({
      state: 'changed',
      applicable: false,
    });
    const moved = await s.post<ErrorBody>(`/api/submissions/${far.id}/apply`, {
      version: 1,
      residentId: linSen.id,
      fields: ['household.dwelling'],
    });
    expect(moved.status).toBe(404);
    expect(moved.body.error.code).toBe('dwelling.not_found');
    const [stayed] = await t.database.db.select().from(residents).where(eq(residents.id, linSen.id));
    expect(stayed).toMatchObject({ dwellingId: dwellingsA[3], householdId: linSen.householdId, version: 1 });
    const [farRow] = await t.database.db.select().from(formSubmissions).where(eq(formSubmissions.id, far.id));
    expect(farRow!.status).toBe('new');

    // An elderly resident living alone with no emergency contact (as an old import left them).
    const elder = await resident(admin, {
      dwellingId: dwellingsA[4],
      name: '老周',
      idNumber: idForAge(82),
      emergencyContactName: '小周',
      tags: ['living_alone'],
    });
    await t.database.db
      .update(residents)
      .set({ emergencyContactName: null })
      .where(eq(residents.id, elder.id));
    expect(
      await t.database.db.select().from(residentTags).where(eq(residentTags.residentId, elder.id)),
    ).toHaveLength(1);
    const p = phone();
    const elderAnswer = await submit({ name: '老周', mobile: p });
    const refused = await s.post<ErrorBody>(`/api/submissions/${elderAnswer.id}/apply`, {
      version: 1,
      residentId: elder.id,
      fields: ['resident.phone'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('resident.emergency_contact_required');
    expect(refused.body.error.details?.issues?.map((i) => i.path)).toEqual(['resident.emergencyContactName']);
    const [still] = await t.database.db.select().from(residents).where(eq(residents.id, elder.id));
    expect(still!.phoneHash).toBeNull();
    const [sub] = await t.database.db
      .select()
      .from(formSubmissions)
      .where(eq(formSubmissions.id, elderAnswer.id));
    expect(sub!.status).toBe('new');
    const applyAudit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, elder.id), eq(auditLog.action, 'submission.apply')));
    expect(applyAudit).toHaveLength(0);
  });

  describe('tags', () => {
    const tagDefinition: FormDefinition = {
      sections: [
        {
          title: '',
          fields: [
            { key: 'name', type: 'text', label: '姓名', required: true, maps: 'resident.name' },
            { key: 'addr', type: 'address', label: '住址', maps: 'household.dwelling' },
            {
              key: 'situation',
              type: 'multi',
              label: '您是否属于以下情况',
              maps: 'resident.tags',
              options: [
                { value: 'empty_nest', label: '空巢' },
                { value: 'party_member', label: '党员' },
                { value: 'volunteer', label: '志愿者' },
              ],
            },
          ],
        },
      ],
    };
    type TagDiff = {
      residentVersion: number;
      rows: { target: string; current: string | null; proposed: string; state: string }[];
    };
    const storedTags = async (id: string) =>
      (await t.database.db.select().from(residentTags).where(eq(residentTags.residentId, id)))
        .map((r) => r.tag)
        .sort();

    it('adds exactly the chosen tags the resident lacks, keeping every other, with provenance and audit', async () => {
      const tagForm = await seedForm(t.database.db, world.communityA, tagDefinition);
      const admin = await as(world.users.adminA);
      // 低保 is sensitive: the worker applying cannot see it, and the answer must not take it away.
      const r = await resident(admin, {
        dwellingId: dwellingsA[0],
        name: '标签甲',
        tags: ['party_member', 'subsistence'],
      });
      const before = await storedTags(r.id);
      const row = await submit(
        { name: '标签甲', addr: { dwellingId: dwellingsA[0] }, situation: ['party_member', 'volunteer'] },
        {},
        tagForm,
      );
      const s = await as(world.users.workerA);
      const diff = await s.get<TagDiff>(`/api/submissions/${row.id}/diff?residentId=${r.id}`);
      expect(diff.status, JSON.stringify(diff.body)).toBe(200);
      expect(diff.body.rows.find((x) => x.target === 'resident.tags')).toEqual(
        expect.objectContaining({ current: '党员', proposed: '党员、志愿者', state: 'new' }),
      );
      // The admin sees the sensitive tag on the resident's page, but the diff leaves it out too.
      const adminDiff = await admin.get<TagDiff>(`/api/submissions/${row.id}/diff?residentId=${r.id}`);
      expect(JSON.stringify(adminDiff.body)).not.toContain('低保');

      const applied = await s.post<{ residentId: string }>(`/api/submissions/${row.id}/apply`, {
        version: 1,
        residentId: r.id,
        residentVersion: diff.body.residentVersion,
        fields: ['resident.tags'],
      });
      expect(applied.status, JSON.stringify(applied.body)).toBe(200);
      expect(await storedTags(r.id)).toEqual([...before, 'volunteer'].sort());
      expect(before).toContain(tagCodec(crypto).toToken('subsistence'));
      const [kept] = await t.database.db
        .select()
        .from(residentTags)
        .where(and(eq(residentTags.residentId, r.id), eq(residentTags.tag, 'party_member')));
      // A tag the resident had keeps its row, so who set it and when stay known.
      expect(kept!.createdBy).toBe(world.users.adminA.id);

      const timeline = await admin.get<{
        items: { kind: string; changes: Record<string, { from?: unknown; to?: unknown }> | null }[];
      }>(`/api/residents/${r.id}/timeline`);
      expect(timeline.body.items.find((e) => e.kind === 'submission.apply')?.changes?.provenance?.to).toBe(
        `表单「${tagForm.versions[0]!.title}」v1 答卷 ${row.reference}`,
      );
      const update = timeline.body.items.find((e) => e.kind === 'resident.update');
      const tagChange = update?.changes?.tags as { from: string[]; to: string[] };
      expect([...tagChange.from].sort()).toEqual(['[redacted]', 'party_member']);
      expect([...tagChange.to].sort()).toEqual(['[redacted]', 'party_member', 'volunteer']);
      const [audit] = await t.database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, row.id), eq(auditLog.action, 'submission.apply')));
      expect(audit!.changes).toMatchObject({
        fields: { to: ['resident.tags'] },
        tags: { to: ['volunteer'] },
        residentId: { to: r.id },
      });

      // An answer choosing only tags the resident has adds nothing: the same, never 'changed'.
      const again = await submit({ name: '标签甲', situation: ['volunteer'] }, {}, tagForm);
      const same = await s.get<TagDiff>(`/api/submissions/${again.id}/diff?residentId=${r.id}`);
      expect(same.body.rows.find((x) => x.target === 'resident.tags')).toMatchObject({
        current: '党员、志愿者',
        state: 'same',
      });
    });

    it('gives a resident created from the answer its tags', async () => {
      const tagForm = await seedForm(t.database.db, world.communityA, tagDefinition);
      const row = await submit(
        { name: '标签乙', addr: { dwellingId: dwellingsA[2] }, situation: ['empty_nest'] },
        {},
        tagForm,
      );
      const s = await as(world.users.workerA);
      const preview = await s.get<TagDiff>(`/api/submissions/${row.id}/diff`);
      expect(preview.body.rows.find((x) => x.target === 'resident.tags')).toMatchObject({
        current: null,
        proposed: '空巢',
        state: 'new',
      });
      const created = await s.post<{ residentId: string }>(`/api/submissions/${row.id}/apply`, {
        version: 1,
        create: true,
        fields: ['resident.name', 'household.dwelling', 'resident.tags'],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const r = await s.get<Resident & { tags: string[] }>(`/api/residents/${created.body.residentId}`);
      expect(r.body.tags).toEqual(['empty_nest']);
      expect(r.body.provenance).toBe(`表单「${tagForm.versions[0]!.title}」v1 答卷 ${row.reference}`);
    });

    it('answers 404 to another community on the diff and apply of a tag answer', async () => {
      const tagFormB = await seedForm(t.database.db, world.communityB, tagDefinition);
      const other = await submit(
        { name: '标签丙', addr: { dwellingId: dwellingB }, situation: ['volunteer'] },
        {},
        tagFormB,
      );
      const s = await as(world.users.workerA);
      for (const res of [
        await s.get<ErrorBody>(`/api/submissions/${other.id}/diff`),
        await s.post<ErrorBody>(`/api/submissions/${other.id}/apply`, {
          version: 1,
          create: true,
          fields: ['resident.name', 'resident.tags'],
        }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('submission.not_found');
      }
      const [still] = await t.database.db
        .select()
        .from(formSubmissions)
        .where(eq(formSubmissions.id, other.id));
      expect(still!.status).toBe('new');
    });

    it('refuses to publish a tag question whose option is no tag a form may add, naming the field', async () => {
      const s = await as(world.users.workerA);
      const created = await s.post<{ id: string; version: number }>('/api/forms', {
        areaId: world.communityA.id,
        title: unique('标签表'),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const draft = (value: string) => ({
        sections: [
          {
            title: '',
            fields: [
              { key: 'name', type: 'text', label: '姓名', maps: 'resident.name' },
              {
                key: 'situation',
                type: 'single',
                label: '家庭情况',
                maps: 'resident.tags',
                options: [
                  { value: 'living_alone', label: '独居' },
                  { value, label: '其他' },
                ],
              },
            ],
          },
        ],
      });
      let version = created.body.version;
      // A sensitive tag, a derived one, and a value that is no tag at all.
      for (const value of ['subsistence', 'aged_80', 'other']) {
        const saved = await s.patch<{ version: number }>(`/api/forms/${created.body.id}`, {
          version,
          draft: draft(value),
        });
        expect(saved.status, JSON.stringify(saved.body)).toBe(200);
        version = saved.body.version;
        const refused = await s.post<ErrorBody & { error: { message: string } }>(
          `/api/forms/${created.body.id}/publish`,
          { version },
        );
        expect(refused.status).toBe(422);
        expect(refused.body.error.code).toBe('form.tag_option_unknown');
        expect(refused.body.error.message).toContain('家庭情况');
        expect(refused.body.error.details?.issues?.map((i) => i.path)).toEqual([
          'draft.sections.0.fields.1.options',
        ]);
      }
      const fixed = await s.patch<{ version: number }>(`/api/forms/${created.body.id}`, {
        version,
        draft: draft('volunteer'),
      });
      const published = await s.post<{ status: string }>(`/api/forms/${created.body.id}/publish`, {
        version: fixed.body.version,
      });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
      expect(published.body.status).toBe('published');
    });
  });
});

describe('export', () => {
  it('writes a masked, watermarked xlsx of one form and audits it', async () => {
    const f = await seedForm(t.database.db, world.communityA, definition, { title: '出口测试表' });
    const p = phone();
    await seedSubmission(t.database.db, crypto, f, { name: '导出人甲', mobile: p, gender: 'female' });
    const s = await as(world.users.workerA);
    const noPurpose = await s.request('POST', '/api/submissions/export', { formId: f.form.id });
    expect(noPurpose.status).toBe(400);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/submissions/export',
      cookies: {},
      payload: { formId: f.form.id, purpose: '核对名单' },
    });
    expect(res.statusCode).toBe(401);
    const file = await s.request('POST', '/api/submissions/export', {
      formId: f.form.id,
      purpose: '核对名单',
    });
    expect(file.status).toBe(200);
    expect(String(file.headers['content-disposition'])).toContain('filename*=');
    const raw = await t.app.inject({
      method: 'POST',
      url: '/api/submissions/export',
      headers: { 'x-csrf-token': (await loginRaw()).csrf },
      cookies: { linli_session: (await loginRaw()).cookie },
      payload: { formId: f.form.id, purpose: '核对名单' },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(raw.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const text = JSON.stringify(ws.getSheetValues());
    expect(text).toContain('核对名单');
    expect(text).toContain('导出人甲');
    expect(text).toContain(`${p.slice(0, 3)}****${p.slice(-4)}`);
    expect(text).not.toContain(p);
    expect(text).toContain('女');
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, f.form.id), eq(auditLog.action, 'submission.export')));
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0]!.changes).toMatchObject({ masked: { to: true }, rows: { to: 1 } });
    const grid = await as(world.users.gridWorkerA);
    const unmasked = await grid.post<ErrorBody>('/api/submissions/export', {
      formId: f.form.id,
      purpose: '核对',
      unmasked: true,
      reason: '核对',
    });
    expect(unmasked.status).toBe(403);
  });

  it('numbers a chain’s entries as its public list does, in sign-up order; other forms get no number', async () => {
    const sheet = async (payload: Record<string, unknown>) => {
      const { cookie, csrf } = await loginRaw();
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/submissions/export',
        headers: { 'x-csrf-token': csrf },
        cookies: { linli_session: cookie },
        payload: { purpose: '核对接龙', ...payload },
      });
      expect(res.statusCode, res.body).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      // Row 1 is the watermark, row 2 the header.
      return Array.from({ length: ws.rowCount - 1 }, (_, i) =>
        (ws.getRow(i + 2).values as unknown[]).slice(1).map((v) => String(v ?? '')),
      );
    };
    const f = await seedForm(t.database.db, world.communityA, definition, { title: '接龙导出表' });
    await t.database.db.update(forms).set({ mode: 'chain' }).where(eq(forms.id, f.form.id));
    const entries = [];
    const start = Date.now() - 3_600_000;
    for (const [i, name] of ['接龙一', '接龙二', '接龙三', '接龙四'].entries()) {
      const submittedAt = new Date(start + i * 60_000);
      entries.push(
        await seedSubmission(t.database.db, crypto, f, { name, mobile: phone() }, { submittedAt }),
      );
    }
    const [first, second, third, fourth] = entries as [Entry, Entry, Entry, Entry];
    await t.database.db
      .update(formSubmissions)
      .set({ status: 'withdrawn' })
      .where(eq(formSubmissions.id, second.id));

    const [header, ...rows] = await sheet({ formId: f.form.id });
    expect(header!.slice(0, 3)).toEqual(['接龙序号', '答卷编号', '提交时间']);
    // Sign-up order, not the inbox's newest first; the withdrawn entry keeps its place but no number.
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['1', first.reference],
      ['', second.reference],
      ['2', third.reference],
      ['3', fourth.reference],
    ]);
    const numbered = rows.filter((r) => r[0]).map((r) => [Number(r[0]), r[1]]);
    const admin = await as(world.users.adminA);
    const chain = await admin.get<{ items: { no: number; reference: string }[] }>(
      `/api/forms/${f.form.id}/chain`,
    );
    expect(chain.status, JSON.stringify(chain.body)).toBe(200);
    expect(chain.body.items.map((e) => [e.no, e.reference.replace('-', '')])).toEqual(numbered);
    const pub = await t.app.inject({ method: 'GET', url: `/api/public/forms/${f.form.slug}` });
    expect(pub.statusCode, pub.body).toBe(200);
    const list = (pub.json() as { chain: { entries: { no: number; maskedName: string }[] } }).chain.entries;
    expect(list.map((e) => [e.no, e.maskedName])).toEqual(
      [first, third, fourth].map((e, i) => [i + 1, e.summary.maskedName]),
    );
    // A filter leaves out entries, never renumbers the rest.
    const [, ...filtered] = await sheet({ formId: f.form.id, status: 'new', from: third.submittedAt });
    expect(filtered.map((r) => [r[0], r[1]])).toEqual([
      ['2', third.reference],
      ['3', fourth.reference],
    ]);
    const [, ...withdrawn] = await sheet({ formId: f.form.id, status: 'withdrawn' });
    expect(withdrawn.map((r) => [r[0], r[1]])).toEqual([['', second.reference]]);

    const plain = await seedForm(t.database.db, world.communityA, definition, { title: '非接龙导出表' });
    const one = await seedSubmission(t.database.db, crypto, plain, { name: '普通答卷' });
    const [plainHeader, plainRow] = await sheet({ formId: plain.form.id });
    expect(plainHeader![0]).toBe('答卷编号');
    expect(plainHeader).not.toContain('接龙序号');
    expect(plainRow![0]).toBe(one.reference);
  });
});

type Entry = Awaited<ReturnType<typeof seedSubmission>>;

let rawLogin: Promise<{ cookie: string; csrf: string }> | null = null;
/** A second sign-in kept for a raw request: the export is binary and the session helper parses text. */
function loginRaw() {
  rawLogin ??= t.app
    .inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: world.users.adminA.username, password: 'fixture-pass-1' },
    })
    .then((r) => ({
      cookie: r.cookies.find((c) => c.name === 'linli_session')!.value,
      csrf: (r.json() as { csrfToken: string }).csrfToken,
    }));
  return rawLogin;
}
