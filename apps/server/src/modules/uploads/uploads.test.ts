import type { FormDefinition } from '@linli/shared';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, sessionsFor, startApp, type TestApp, unique, type World } from '../../../test/fixtures';
import { createFieldCrypto } from '../../platform/crypto';
import { newId } from '../../platform/ids';
import { auditLog } from '../audit/audit.table';
import { formSubmissions, forms, formVersions } from '../forms/forms.table';
import { claimFormFiles, purgeUnclaimedFiles } from './uploads.service';
import { formFiles } from './uploads.table';

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

const definition: FormDefinition = {
  sections: [
    {
      title: '材料',
      fields: [
        { key: 'name', type: 'text', label: '姓名', required: true },
        { key: 'photo', type: 'file', label: '照片', maxSizeKb: 8 },
        { key: 'scan', type: 'file', label: '扫描件' },
      ],
    },
  ],
};

/** A tiny real PNG (1×1) and bytes that only claim to be an image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');

async function insertForm(opts: { status?: 'published' | 'closed'; closesAt?: Date } = {}) {
  const id = newId();
  const versionId = newId();
  const slug = unique('f').replace(/[^A-Za-z0-9_-]/g, '');
  const privacy = { purpose: '测试', audience: '居委会', retentionDays: 30 };
  await t.database.db.insert(forms).values({
    id,
    districtId: world.district.id,
    streetId: world.street.id,
    communityId: world.communityA.id,
    areaId: world.communityA.id,
    slug,
    title: '上传测试',
    draft: definition,
    privacy,
    status: opts.status ?? 'published',
    closesAt: opts.closesAt ?? null,
  });
  await t.database.db.insert(formVersions).values({
    id: versionId,
    formId: id,
    streetId: world.street.id,
    versionNo: 1,
    title: '上传测试',
    description: '',
    definition,
    privacy,
  });
  await t.database.db
    .update(forms)
    .set({ currentVersionId: versionId, currentVersionNo: 1 })
    .where(eq(forms.id, id));
  return { id, versionId, slug };
}

async function insertSubmission(form: { id: string; versionId: string }) {
  const id = newId();
  await t.database.db.insert(formSubmissions).values({
    id,
    formId: form.id,
    versionId: form.versionId,
    versionNo: 1,
    districtId: world.district.id,
    streetId: world.street.id,
    communityId: world.communityA.id,
    reference: unique('R'),
    idempotencyKey: unique('key'),
    bodyHash: 'x',
    answersEnc: 'x',
    summary: { choices: {} },
  });
  return id;
}

function upload(slug: string, field: string, body: Buffer, type = 'image/png', name = '门牌照片.png') {
  return t.app.inject({
    method: 'POST',
    url: `/api/public/forms/${slug}/files?field=${field}&name=${encodeURIComponent(name)}`,
    headers: { 'content-type': type, 'accept-language': 'en-US' },
    payload: body,
  });
}

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(async () => t?.close());

describe('files attached to answers', () => {
  it('keeps the bytes encrypted and refuses what is not a photo or PDF, too large, or not a file field', async () => {
    const form = await insertForm();
    const ok = await upload(form.slug, 'photo', PNG);
    expect(ok.statusCode, ok.body).toBe(201);
    const { fileId, name, size } = ok.json() as { fileId: string; name: string; size: number };
    expect({ name, size }).toEqual({ name: '门牌照片.png', size: PNG.length });
    const [row] = await t.database.db.select().from(formFiles).where(eq(formFiles.id, fileId));
    expect(row!.contentType).toBe('image/png');
    expect(row!.submissionId).toBeNull();
    expect(row!.content.includes(PNG.subarray(16, 40))).toBe(false);

    // A PDF declared as a photo is stored as what it is, under a name that says so.
    const pdf = await upload(form.slug, 'scan', PDF, 'image/jpeg', 'scan');
    expect(pdf.statusCode, pdf.body).toBe(201);
    expect((pdf.json() as { name: string }).name).toBe('scan.pdf');

    const before = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(formFiles);
    const text = await upload(form.slug, 'photo', Buffer.from('<script>alert(1)</script>'), 'image/jpeg');
    expect(text.statusCode).toBe(415);
    expect(text.json().error.code).toBe('upload.type');
    const big = await upload(form.slug, 'photo', Buffer.concat([PNG, Buffer.alloc(9 * 1024)]));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toContain('8 KB');
    const notFile = await upload(form.slug, 'name', PNG);
    expect(notFile.statusCode).toBe(400);
    expect(notFile.json().error.message).toContain('name');
    expect((await upload(form.slug, 'photo', Buffer.alloc(0))).statusCode).toBe(400);
    expect((await upload('no-such-form', 'photo', PNG)).statusCode).toBe(404);
    const after = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(formFiles);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('takes no file for a form that is closed or past its closing time', async () => {
    const closed = await insertForm({ status: 'closed' });
    expect((await upload(closed.slug, 'photo', PNG)).statusCode).toBe(404);
    const past = await insertForm({ closesAt: new Date(Date.now() - 60_000) });
    const res = await upload(past.slug, 'photo', PNG);
    expect(res.statusCode).toBe(410);
  });

  it('ties a file to exactly one answer, on its own form and field', async () => {
    const form = await insertForm();
    const other = await insertForm();
    const photo = (await upload(form.slug, 'photo', PNG)).json().fileId as string;
    const scan = (await upload(form.slug, 'scan', PDF, 'application/pdf', 'a.pdf')).json().fileId as string;
    const elsewhere = (await upload(other.slug, 'photo', PNG)).json().fileId as string;
    const s1 = await insertSubmission(form);
    const s2 = await insertSubmission(form);

    const claim = (submissionId: string, answers: Record<string, unknown>) =>
      t.database.db.transaction((tx) =>
        claimFormFiles(tx, { formId: form.id, submissionId, definition, answers: answers as never }),
      );
    // Wrong field, another form's file: problems on those fields, nothing claimed.
    const wrong = await claim(s1, {
      photo: { fileId: scan, name: 'x', size: 1 },
      scan: { fileId: elsewhere, name: 'x', size: 1 },
    });
    expect(wrong.issues).toEqual([
      { field: 'photo', code: 'file_missing' },
      { field: 'scan', code: 'file_missing' },
    ]);
    const free = await t.database.db.select().from(formFiles).where(eq(formFiles.id, photo));
    expect(free[0]!.submissionId).toBeNull();

    const good = await claim(s1, { name: '王芳', photo: { fileId: photo, name: 'evil/../x', size: 999 } });
    expect(good.issues).toEqual([]);
    expect(good.answers.photo).toEqual({ fileId: photo, name: '门牌照片.png', size: PNG.length });
    const again = await claim(s2, { photo: { fileId: photo, name: 'x', size: 1 } });
    expect(again.issues).toEqual([{ field: 'photo', code: 'file_missing' }]);
    const [claimed] = await t.database.db.select().from(formFiles).where(eq(formFiles.id, photo));
    expect(claimed!.submissionId).toBe(s1);
  });

  it('lets a worker of the answer’s community open the file, audited; others get 404 or 403', async () => {
    const form = await insertForm();
    const fileId = (await upload(form.slug, 'photo', PNG)).json().fileId as string;
    const worker = await as(world.users.workerA);
    // Not yet part of an answer: nobody can open it.
    expect((await worker.get(`/api/form-files/${fileId}`)).status).toBe(404);

    const submissionId = await insertSubmission(form);
    await t.database.db.update(formFiles).set({ submissionId }).where(eq(formFiles.id, fileId));
    const res = await worker.request(
      'GET',
      `/api/form-files/${fileId}?reason=${encodeURIComponent('核对门牌')}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const raw = await t.app.inject({
      method: 'GET',
      url: `/api/form-files/${fileId}`,
      cookies: { linli_session: '' },
    });
    expect(raw.statusCode).toBe(401);
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'form_file.read'), eq(auditLog.entityId, submissionId)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.reason).toBe('核对门牌');
    expect(audit[0]!.communityId).toBe(world.communityA.id);

    for (const who of ['workerB', 'adminB', 'otherStreetAdmin'] as const) {
      const s = await as(world.users[who]);
      expect((await s.get(`/api/form-files/${fileId}`)).status, who).toBe(404);
    }
    expect((await (await as(world.users.volunteerA)).get(`/api/form-files/${fileId}`)).status).toBe(403);
  });

  it('purges files no answer claimed within a day and keeps the claimed ones', async () => {
    const form = await insertForm();
    const stale = (await upload(form.slug, 'photo', PNG)).json().fileId as string;
    const kept = (await upload(form.slug, 'photo', PNG)).json().fileId as string;
    const fresh = (await upload(form.slug, 'photo', PNG)).json().fileId as string;
    const submissionId = await insertSubmission(form);
    await t.database.db.update(formFiles).set({ submissionId }).where(eq(formFiles.id, kept));
    const dayAgo = new Date(Date.now() - 25 * 3_600_000);
    for (const id of [stale, kept])
      await t.database.db.update(formFiles).set({ createdAt: dayAgo }).where(eq(formFiles.id, id));
    expect(await purgeUnclaimedFiles(t.database.db, new Date())).toBeGreaterThanOrEqual(1);
    const left = (await t.database.db.select({ id: formFiles.id }).from(formFiles)).map((r) => r.id);
    expect(left).toContain(kept);
    expect(left).toContain(fresh);
    expect(left).not.toContain(stale);
    // Files go with their answer when the answer is purged.
    await t.database.db.delete(formSubmissions).where(eq(formSubmissions.id, submissionId));
    expect(await t.database.db.select().from(formFiles).where(eq(formFiles.id, kept))).toHaveLength(0);
  });
});

describe('file encryption', () => {
  const crypto = createFieldCrypto(Buffer.alloc(32, 7));
  it('round-trips bytes and refuses a tampered or foreign ciphertext', () => {
    const sealed = crypto.encryptBytes(PNG);
    expect(crypto.decryptBytes(sealed).equals(PNG)).toBe(true);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => crypto.decryptBytes(tampered)).toThrow();
    expect(() => createFieldCrypto(Buffer.alloc(32, 8)).decryptBytes(sealed)).toThrow(/key/);
  });
});
