/**
 * Test data for the inbox: forms, versions and answers written straight into the tables, in exactly the
 * stored format of the forms contract (answers_enc = encrypt(JSON of the checked answers, an address as
 * { dwellingId, label }); summary, hashes and masks beside). Used by this module's tests only.
 */
import {
  type AddressAnswer,
  type Answers,
  checkAnswers,
  type FormDefinition,
  maskIdNumber,
  maskPhone,
} from '@linli/shared';
import { eq } from 'drizzle-orm';
import type { FieldCrypto } from '../../platform/crypto';
import type { Db } from '../../platform/db';
import { newId, randomToken } from '../../platform/ids';
import type { AreaRow } from '../areas/areas.table';
import { dwellings } from '../buildings/buildings.table';
import { deriveFromAnswers, fieldFor } from '../forms/forms.rules';
import { formSubmissions, forms, formVersions } from '../forms/forms.table';

export async function seedForm(
  db: Db,
  area: AreaRow,
  definition: FormDefinition,
  opts: { title?: string; versions?: number } = {},
) {
  const id = newId();
  const title = opts.title ?? `登记表-${id.slice(-6)}`;
  const privacy = { purpose: '人口信息登记', audience: '本社区工作人员', retentionDays: 365 };
  const count = opts.versions ?? 1;
  const versions: (typeof formVersions.$inferSelect)[] = [];
  await db.insert(forms).values({
    id,
    districtId: area.districtId,
    streetId: area.streetId!,
    communityId: area.kind === 'community' ? area.id : area.communityId,
    areaId: area.id,
    slug: newId().replaceAll('-', '').slice(-16),
    status: 'published',
    title,
    draft: definition,
    privacy,
  });
  for (let n = 1; n <= count; n++) {
    const [v] = await db
      .insert(formVersions)
      .values({
        id: newId(),
        formId: id,
        streetId: area.streetId!,
        versionNo: n,
        title,
        description: '',
        definition,
        privacy,
      })
      .returning();
    versions.push(v!);
  }
  const last = versions.at(-1)!;
  await db
    .update(forms)
    .set({ currentVersionId: last.id, currentVersionNo: last.versionNo })
    .where(eq(forms.id, id));
  const [form] = await db.select().from(forms).where(eq(forms.id, id));
  return { form: form!, versions };
}

/** An answer as the public route stores it; `raw` goes through the shared checker first. */
export async function seedSubmission(
  db: Db,
  crypto: FieldCrypto,
  seeded: Awaited<ReturnType<typeof seedForm>>,
  raw: Record<string, unknown>,
  opts: { versionNo?: number; addressLabel?: string; place?: string; submittedAt?: Date } = {},
) {
  const version = seeded.versions.find((v) => v.versionNo === (opts.versionNo ?? seeded.versions.length))!;
  const definition = version.definition;
  const checked = checkAnswers(definition, raw);
  if (!checked.ok) throw new Error(`seedSubmission: bad answers ${JSON.stringify(checked.issues)}`);
  const answers: Answers = { ...checked.answers };
  const addressField = fieldFor(definition, 'household.dwelling', 'address');
  let dwelling: typeof dwellings.$inferSelect | undefined;
  if (addressField && answers[addressField.key]) {
    const a = answers[addressField.key] as AddressAnswer;
    [dwelling] = await db.select().from(dwellings).where(eq(dwellings.id, a.dwellingId));
    if (!dwelling) throw new Error('seedSubmission: no such dwelling');
    answers[addressField.key] = {
      dwellingId: a.dwellingId,
      label: opts.addressLabel ?? `房屋 ${dwelling.number}`,
    };
  }
  // The same derivation the public submit uses, so these rows are the ones it would store.
  const place = opts.place ?? (dwelling ? `楼 ${dwelling.number}` : null);
  const { summary, name, phone, idNumber } = deriveFromAnswers(definition, answers, place);
  const f = seeded.form;
  const [row] = await db
    .insert(formSubmissions)
    .values({
      id: newId(),
      formId: f.id,
      versionId: version.id,
      versionNo: version.versionNo,
      districtId: f.districtId,
      streetId: f.streetId,
      communityId: dwelling?.communityId ?? f.communityId,
      dwellingId: dwelling?.id ?? null,
      reference: randomToken(8).toUpperCase(),
      idempotencyKey: randomToken(16),
      bodyHash: randomToken(32),
      answersEnc: crypto.encrypt(JSON.stringify(answers)),
      summary,
      nameHash: name ? crypto.hash(name.trim()) : null,
      phoneHash: phone ? crypto.hash(phone) : null,
      phoneMask: phone ? maskPhone(phone) : null,
      idHash: idNumber ? crypto.hash(idNumber) : null,
      idMask: idNumber ? maskIdNumber(idNumber) : null,
      ...(opts.submittedAt && { submittedAt: opts.submittedAt }),
    })
    .returning();
  return row!;
}
