import { randomBytes } from 'node:crypto';
import { type FormDefinition, idCheckChar } from '@linli/shared';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, signIn, unique, type World } from '../../test/fixtures';
import { auditLog } from '../modules/audit/audit.table';
import { dwellings } from '../modules/buildings/buildings.table';
import { residentMerges } from '../modules/dedupe/dedupe.table';
import { formSubmissions } from '../modules/forms/forms.table';
import { importJobs } from '../modules/imports/imports.table';
import {
  householdTags,
  residentRelations,
  residents,
  residentTags,
} from '../modules/registry/registry.table';
import { formFiles } from '../modules/uploads/uploads.table';
import { loadConfig } from '../platform/config';
import { type FieldCrypto, resolveFieldCrypto } from '../platform/crypto';
import { type Database, openDatabase } from '../platform/db';
import { buildApp } from '../platform/http';
import { remainingUnderOldKeys, rotateKeys, total } from './rotate-key';

/**
 * Key rotation end to end, on a database of its own (never a shared test database: the job rewrites every
 * row under the key it is given). Data is written through the API under key A, then the app runs with
 * B current and A previous, the job runs, and finally A is dropped and everything is used again.
 */
const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('base64');
const configWith = (env: Record<string, string>) => loadConfig({ LINLI_LOG_LEVEL: 'silent', ...env });
const CONFIG_A = configWith({ LINLI_ENCRYPTION_KEY: KEY_A });
const CONFIG_B_A = configWith({ LINLI_ENCRYPTION_KEY: KEY_B, LINLI_ENCRYPTION_KEYS_PREVIOUS: KEY_A });
const CONFIG_B = configWith({ LINLI_ENCRYPTION_KEY: KEY_B });

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const DEFINITION: FormDefinition = {
  sections: [
    {
      title: '登记',
      fields: [
        { key: 'name', type: 'text', label: '姓名', required: true, maps: 'resident.name' },
        { key: 'phone', type: 'phone', label: '手机', required: true, maps: 'resident.phone' },
        { key: 'id_number', type: 'id_number', label: '身份证', maps: 'resident.idNumber' },
        { key: 'address', type: 'address', label: '住址', required: true, maps: 'household.dwelling' },
        { key: 'photo', type: 'file', label: '照片' },
      ],
    },
  ],
};

let database: Database;
let world: World;
const apps: FastifyInstance[] = [];

async function appWith(config: ReturnType<typeof loadConfig>) {
  const crypto = resolveFieldCrypto(config);
  const app = await buildApp({ config, database, crypto });
  await app.ready();
  apps.push(app);
  return { app, crypto, admin: await signIn(app, world.users.adminA.username) };
}

let seq = 0;
const idNumber = (birth: string) => {
  const body = `120105${birth.replaceAll('-', '')}${String(100 + ++seq).slice(-3)}`;
  return body + idCheckChar(body);
};
const phone = () => `136${String(20_000_000 + ++seq).padStart(8, '0')}`;

async function ok<T>(res: Promise<{ status: number; body: T }>) {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

type Resident = { id: string; householdId: string; version: number; tags: string[] };

function submit(app: FastifyInstance, slug: string, answers: Record<string, unknown>) {
  return app.inject({
    method: 'POST',
    url: `/api/public/forms/${slug}/submissions`,
    headers: { 'content-type': 'application/json', 'idempotency-key': `key-${unique('k')}` },
    payload: { answers, versionNo: 1 },
  });
}

/** Every protected column of every table the job touches, as stored: to see what a run changed. */
async function stored() {
  const db = database.db;
  return JSON.stringify([
    await db.select().from(residents).orderBy(residents.id),
    await db.select().from(residentTags).orderBy(residentTags.residentId, residentTags.tag),
    await db.select().from(householdTags).orderBy(householdTags.householdId, householdTags.tag),
    await db.select().from(residentRelations).orderBy(residentRelations.id),
    await db.select().from(dwellings).orderBy(dwellings.id),
    await db.select().from(residentMerges).orderBy(residentMerges.id),
    await db.select().from(importJobs).orderBy(importJobs.id),
    await db.select().from(formSubmissions).orderBy(formSubmissions.id),
    (await db.select().from(formFiles).orderBy(formFiles.id)).map((f) => f.content.toString('base64')),
  ]);
}

/** What a rotation must leave alone: an editor's version, and when the row last changed in meaning. */
async function versions(except: string[]) {
  const db = database.db;
  const rows = [
    ...(await db
      .select({ id: residents.id, version: residents.version, at: residents.updatedAt })
      .from(residents)),
    ...(await db
      .select({ id: dwellings.id, version: dwellings.version, at: dwellings.updatedAt })
      .from(dwellings)),
    ...(await db
      .select({ id: residentMerges.id, version: residentMerges.version, at: residentMerges.updatedAt })
      .from(residentMerges)),
    ...(await db
      .select({ id: formSubmissions.id, version: formSubmissions.version, at: formSubmissions.updatedAt })
      .from(formSubmissions)),
  ];
  return rows
    .filter((r) => !except.includes(r.id))
    .map((r) => `${r.id} ${r.version} ${r.at.toISOString()}`)
    .sort();
}

const fixture = {
  idA: idNumber('1950-04-05'),
  phoneA: phone(),
  emergencyPhone: phone(),
  relationPhone: phone(),
  ownerPhone: phone(),
  mergedId: idNumber('1944-09-10'),
  mergedPhone: phone(),
  importedId: idNumber('1961-01-02'),
};
const made = {} as {
  resident: Resident;
  twin: Resident;
  dwellingId: string;
  merge: { id: string; version: number; mergedId: string; survivorId: string };
  slug: string;
  fileId: string;
  importId: string;
};

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite', dataDir: null });
  await database.migrate();
  world = await buildWorld(database);
  const { app, admin: a } = await appWith(CONFIG_A);

  const building = await ok(
    a.post<{ dwellings: { id: string; label: string }[] }>('/api/buildings', {
      compoundId: world.compoundA.id,
      name: '7',
      floors: 2,
      entrances: 1,
      roomsPerFloor: 3,
    }),
  );
  const [d1, d2, d3] = building.dwellings.map((d) => d.id);
  made.dwellingId = d1!;
  made.resident = await ok(
    a.post<Resident>('/api/residents', {
      dwellingId: d1,
      name: '钱秀英',
      idNumber: fixture.idA,
      phone: fixture.phoneA,
      health: '高血压，行动不便',
      emergencyContactName: '钱小明',
      emergencyContactPhone: fixture.emergencyPhone,
      tags: ['subsistence', 'living_alone'],
    }),
  );
  const [household] = (await ok(a.get<{ items: { version: number }[] }>(`/api/households?dwellingId=${d1}`)))
    .items;
  await ok(
    a.patch(`/api/households/${made.resident.householdId}/tags`, {
      version: household!.version,
      tags: [{ code: 'subsistence_household', since: '2024-03-01' }, { code: 'living_alone_household' }],
    }),
  );
  await ok(
    a.post(`/api/residents/${made.resident.id}/relations`, {
      kind: 'emergency_contact',
      otherName: '外甥',
      otherPhone: fixture.relationPhone,
    }),
  );
  const profile = await ok(a.get<{ version: number }>(`/api/dwellings/${d1}/profile`));
  await ok(
    a.patch(`/api/dwellings/${d1}/profile`, { version: profile.version, ownerPhone: fixture.ownerPhone }),
  );

  // Two records of one person, merged: the merge keeps both rows (ciphertext, hashes, tag tokens) for its undo.
  const merged = await ok(
    a.post<Resident>('/api/residents', {
      dwellingId: d2,
      name: '孙建国',
      idNumber: fixture.mergedId,
      phone: fixture.mergedPhone,
      health: '糖尿病',
      tags: ['veteran_care'],
    }),
  );
  const survivor = await ok(
    a.post<Resident>('/api/residents', { dwellingId: d3, name: '孙建囯', birthDate: '1944-09-10' }),
  );
  const merge = await ok(
    a.post<{ id: string; version: number }>('/api/dedupe/merges', {
      survivorId: survivor.id,
      survivorVersion: survivor.version,
      mergedId: merged.id,
      mergedVersion: merged.version,
      choices: { idNumber: 'merged', phone: 'merged', health: 'merged' },
    }),
  );
  made.merge = { ...merge, mergedId: merged.id, survivorId: survivor.id };

  // A form answer from the same person, with a photo, limited to one answer per phone.
  const form = await ok(
    a.post<{ id: string; version: number; slug: string }>('/api/forms', {
      areaId: world.communityA.id,
      title: unique('登记'),
      mode: 'form',
    }),
  );
  const draft = await ok(
    a.patch<{ version: number }>(`/api/forms/${form.id}`, {
      version: form.version,
      draft: DEFINITION,
      submissionLimit: 'per_phone',
    }),
  );
  await ok(a.post(`/api/forms/${form.id}/publish`, { version: draft.version }));
  made.slug = form.slug;
  const uploaded = await app.inject({
    method: 'POST',
    url: `/api/public/forms/${form.slug}/files?field=photo&name=${encodeURIComponent('门牌.png')}`,
    headers: { 'content-type': 'image/png' },
    payload: PNG,
  });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  made.fileId = (uploaded.json() as { fileId: string }).fileId;
  const answered = await submit(app, form.slug, {
    name: '钱秀英',
    phone: fixture.phoneA,
    id_number: fixture.idA,
    address: { dwellingId: d1 },
    photo: { fileId: made.fileId, name: '门牌.png', size: PNG.length },
  });
  expect(answered.statusCode, answered.body).toBe(201);

  // An import left at its preview: the parsed rows wait as one ciphertext.
  const csv = Buffer.from(
    `姓名,身份证号,联系电话,楼号,房号\n周芳,${fixture.importedId},${phone()},7,101\n`,
    'utf8',
  );
  const job = await a.request(
    'POST',
    `/api/imports?${new URLSearchParams({ communityId: world.communityA.id, fileName: '台账.csv' })}`,
    csv,
    { 'content-type': 'text/csv' },
  );
  expect(job.status, JSON.stringify(job.body)).toBe(200);
  made.importId = (job.body as { id: string }).id;
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await database?.close();
});

describe('rotating the field key', () => {
  let ring: FieldCrypto;

  it('reads values of the previous key at once, and counts what is still under it', async () => {
    const { crypto, admin: a, app } = await appWith(CONFIG_B_A);
    ring = crypto;
    const before = await remainingUnderOldKeys(database.db, ring);
    // The merged record keeps its values beside the survivor that took them: three of each.
    expect(before).toMatchObject({
      'residents.id_number_enc': 3,
      'residents.phone_enc': 3,
      'residents.health_enc': 3,
      'residents.emergency_contact_phone_enc': 1,
      'resident_relations.other_phone_enc': 1,
      'resident_tags.tag': 3,
      'household_tags.tag': 1,
      'dwellings.owner_phone_enc': 1,
      'resident_merges.merged_before': 3,
      'resident_merges.merged_tags_before': 1,
      'import_jobs.rows_enc': 1,
      'form_submissions.answers_enc': 1,
      'form_files.content': 1,
    });
    // Reading works before the job: the key id picks the key.
    const revealed = await ok(
      a.post(`/api/residents/${made.resident.id}/reveal`, { fields: ['idNumber'], reason: '核对身份' }),
    );
    expect(revealed).toEqual({ idNumber: fixture.idA });
    // Until the job has run, a lookup by keyed hash misses the rows not yet rewritten (ADR 0010).
    const gap = await ok(a.get<{ items: { id: string }[] }>(`/api/residents?q=${fixture.idA}`));
    expect(gap.items.map((r) => r.id)).not.toContain(made.resident.id);
    // Which is how the same person gets registered twice, and the same phone answers twice, in the gap.
    made.twin = await ok(
      a.post<Resident>('/api/residents', {
        dwellingId: made.dwellingId,
        name: '孙建国',
        idNumber: fixture.mergedId,
      }),
    );
    const again = await submit(app, made.slug, {
      name: '钱秀英',
      phone: fixture.phoneA,
      address: { dwellingId: made.dwellingId },
    });
    expect(again.statusCode, again.body).toBe(201);
  });

  it('stops at a registration made twice in the gap, naming both, and resumes where it stopped', async () => {
    const lines: string[] = [];
    const untouched = await versions([made.twin.id]);
    const run = rotateKeys(database.db, CONFIG_B_A, ring, { batchSize: 1, log: (l) => lines.push(l) });
    await expect(run).rejects.toThrow(`${made.merge.survivorId} and ${made.twin.id}`);
    // What it rewrote before stopping is on the record all the same, marked as stopped.
    const [partial] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'crypto.rotate'));
    expect(partial!.changes).toMatchObject({
      outcome: { to: 'stopped' },
      'residents.id_number_enc': { to: 2 },
      'residents.id_number_hash': { to: 2 },
    });
    // Batches before the one refused were committed; the row refused is untouched.
    const halfway = await remainingUnderOldKeys(database.db, ring);
    expect(halfway['residents.id_number_enc']).toBe(1);
    const [first] = await database.db.select().from(residents).where(eq(residents.id, made.resident.id));
    expect(ring.keyIdOf(first!.idNumberEnc!)).toBe(ring.keyId);
    const [refused] = await database.db
      .select()
      .from(residents)
      .where(eq(residents.id, made.merge.survivorId));
    expect(ring.keyIdOf(refused!.idNumberEnc!)).not.toBe(ring.keyId);

    // Someone sorts out the duplicate (here: the twin moves out), then the job is run again.
    const { admin: a } = await appWith(CONFIG_B_A);
    await ok(
      a.post(`/api/residents/${made.twin.id}/move-out`, {
        version: made.twin.version,
        kind: 'moved_out',
        date: '2025-01-02',
      }),
    );
    const { rotated, remaining } = await rotateKeys(database.db, CONFIG_B_A, ring, {
      batchSize: 1,
      log: (l) => lines.push(l),
    });
    expect(total(remaining)).toBe(0);
    expect(rotated).toMatchObject({
      'residents.id_number_enc': 1,
      'residents.id_number_hash': 1,
      'residents.health_enc': 1,
      'resident_tags.tag': 3,
      'household_tags.tag': 1,
      'dwellings.owner_phone_enc': 1,
      'dwellings.owner_phone_hash': 1,
      'resident_relations.other_phone_enc': 1,
      'resident_merges.merged_before': 3,
      'resident_merges.merged_tags_before': 1,
      'import_jobs.rows_enc': 1,
      'form_submissions.answers_enc': 1,
      'form_submissions.phone_hash': 1,
      'form_submissions.id_hash': 1,
      'form_submissions.name_hash': 1,
      // The answer sent again in the gap holds the one-per-phone place; the first one gives it up.
      'form_submissions.limit_key (released)': 1,
      'form_files.content': 1,
    });
    expect(lines.some((l) => l.includes('residents'))).toBe(true);
    // Rotated rows keep their version and updated_at: an editor holding a version gets no 409 from it.
    expect(await versions([made.twin.id])).toEqual(untouched);

    // One audit row for each run: counts, key ids, never a value.
    const audits = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'crypto.rotate'))
      .orderBy(auditLog.at);
    expect(audits).toHaveLength(2);
    expect(audits[1]!.changes).not.toHaveProperty('outcome');
    expect(audits[1]!.changes).toMatchObject({
      key: { from: [ring.previous[0]!.keyId], to: ring.keyId },
      'form_files.content': { to: 1 },
    });
    const text = JSON.stringify(audits);
    for (const value of Object.values(fixture)) expect(text).not.toContain(value);
    for (const row of await database.db.select().from(residents))
      for (const secret of [row.idNumberEnc, row.idNumberHash, row.phoneHash])
        if (secret) expect(text).not.toContain(secret);
  });

  it('a re-run finds nothing to do and changes nothing', async () => {
    const before = await stored();
    const { rotated, remaining } = await rotateKeys(database.db, CONFIG_B_A, ring, {
      batchSize: 2,
      log: () => {},
    });
    expect(total(rotated)).toBe(0);
    expect(total(remaining)).toBe(0);
    // Compared whole, printed never: the rows hold ciphertext only, but a failure need not dump them.
    expect((await stored()) === before).toBe(true);
    expect(
      await database.db.select().from(auditLog).where(eq(auditLog.action, 'crypto.rotate')),
    ).toHaveLength(2);
  });

  it('with the old key dropped, search, reveal, sensitive tags, undo, answers and files all work', async () => {
    const { crypto, admin: a, app } = await appWith(CONFIG_B);
    expect(crypto.previous).toEqual([]);
    expect(total(await remainingUnderOldKeys(database.db, crypto))).toBe(0);

    // Exact search by the keyed hashes of ID number and phone.
    const byId = await ok(a.get<{ items: Resident[] }>(`/api/residents?q=${fixture.idA}`));
    expect(byId.items.map((r) => r.id)).toEqual([made.resident.id]);
    const byPhone = await ok(a.get<{ items: Resident[] }>(`/api/residents?q=${fixture.phoneA}`));
    expect(byPhone.items.map((r) => r.id)).toContain(made.resident.id);
    // Sensitive tags, shown to a holder of read_sensitive and found by the tag filter.
    expect(byId.items[0]!.tags).toEqual(expect.arrayContaining(['subsistence', 'living_alone']));
    const byTag = await ok(a.get<{ items: Resident[] }>(`/api/residents?tag=subsistence`));
    expect(byTag.items.map((r) => r.id)).toContain(made.resident.id);
    const homes = await ok(
      a.get<{ items: { tags: { code: string }[] }[] }>(`/api/households?dwellingId=${made.dwellingId}`),
    );
    expect(homes.items.flatMap((h) => h.tags.map((t) => t.code))).toContain('subsistence_household');

    // Clear values come back through reveal.
    const revealed = await ok(
      a.post(`/api/residents/${made.resident.id}/reveal`, {
        fields: ['idNumber', 'phone', 'health'],
        reason: '核对身份',
      }),
    );
    expect(revealed).toEqual({ idNumber: fixture.idA, phone: fixture.phoneA, health: '高血压，行动不便' });
    const owner = await ok(
      a.post(`/api/dwellings/${made.dwellingId}/owner-phone/reveal`, { reason: '联系房东' }),
    );
    expect(owner).toEqual({ ownerPhone: fixture.ownerPhone });
    // The emergency contact's phone and a relation's free-text phone have no reveal route: the ciphertext must open.
    const [row] = await database.db.select().from(residents).where(eq(residents.id, made.resident.id));
    expect(crypto.decrypt(row!.emergencyContactPhoneEnc!)).toBe(fixture.emergencyPhone);
    const [relation] = await database.db
      .select()
      .from(residentRelations)
      .where(eq(residentRelations.residentId, made.resident.id));
    expect(crypto.decrypt(relation!.otherPhoneEnc!)).toBe(fixture.relationPhone);

    // The merge is undone from its (rotated) snapshots: the merged record is back, findable and readable.
    await ok(a.post(`/api/dedupe/merges/${made.merge.id}/undo`, { version: made.merge.version }));
    const back = await ok(a.get<{ items: Resident[] }>(`/api/residents?q=${fixture.mergedId}`));
    expect(back.items.map((r) => r.id)).toEqual([made.merge.mergedId]);
    expect(back.items[0]!.tags).toContain('veteran_care');
    const mergedRevealed = await ok(
      a.post(`/api/residents/${made.merge.mergedId}/reveal`, {
        fields: ['idNumber', 'phone'],
        reason: '核对',
      }),
    );
    expect(mergedRevealed).toEqual({ idNumber: fixture.mergedId, phone: fixture.mergedPhone });

    // The answer opens, still matches the register by its hashes, and the per-phone limit still holds.
    const [first] = await database.db
      .select()
      .from(formSubmissions)
      .where(sql`${formSubmissions.idHash} is not null`);
    const answers = await ok(
      a.post<{ answers: Record<string, unknown> }>(`/api/submissions/${first!.id}/reveal`, {
        reason: '核对答卷',
      }),
    );
    expect(answers.answers).toMatchObject({ phone: fixture.phoneA, id_number: fixture.idA });
    const candidates = await ok(
      a.get<{ items: { residentId: string; reasons: string[] }[] }>(
        `/api/submissions/${first!.id}/candidates`,
      ),
    );
    expect(candidates.items.find((c) => c.residentId === made.resident.id)?.reasons).toEqual(
      expect.arrayContaining(['id_number', 'phone']),
    );
    const third = await submit(app, made.slug, {
      name: '钱秀英',
      phone: fixture.phoneA,
      address: { dwellingId: made.dwellingId },
    });
    expect(third.statusCode).toBe(409);
    expect((third.json() as { error: { code: string } }).error.code).toBe('form.already_submitted');
    const file = await a.request(
      'GET',
      `/api/form-files/${made.fileId}?reason=${encodeURIComponent('核对门牌')}`,
    );
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('image/png');
    const [fileRow] = await database.db.select().from(formFiles).where(eq(formFiles.id, made.fileId));
    expect(crypto.decryptBytes(fileRow!.content).equals(PNG)).toBe(true);

    // The import waiting at its preview still reads its rows.
    const preview = await ok(
      a.get<{ rows: { idNumberMasked: string | null }[] }>(`/api/imports/${made.importId}/preview`),
    );
    expect(preview.rows).toHaveLength(1);
  });
});
