import {
  type AddressAnswer,
  type Answers,
  checkAnswers,
  type FormAnswerIssue,
  type FormDefinition,
  fieldsOf,
  freezeDefinition,
  type Locale,
  maskIdNumber,
  maskPhone,
  type Places,
  type PlacesQuery,
  type PublicForm,
  type SubmissionAck,
  type SubmissionCreate,
  UUID_RE,
} from '@linli/shared';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId, sha256 } from '../../platform/ids';
import { dwellingLabel } from '../buildings/buildings.rules';
import { claimFormFiles } from '../uploads/uploads.service';
import { formNotFound, invalidAnswer, optionFull } from './forms.errors';
import {
  buildingsOfCompound,
  chainRows,
  choiceCounts,
  compoundsOf,
  countLiveBefore,
  type DwellingPlace,
  dwellingsOfBuilding,
  dwellingsOfEntrance,
  entrancesOfBuilding,
  type FormArea,
  findBuilding,
  findCompound,
  findDwellingPlace,
  findEntrance,
  findFormAndAnswerByKey,
  findFormBySlug,
  findSubmissionByKey,
  findSubmissionByReference,
  findVersion,
  insertSubmission,
  insertSubmissionIfCurrent,
  lockForm,
  type SubmissionInsert,
  setSubmissionAnswers,
  withdrawSubmission,
} from './forms.repository';
import {
  addressFieldsOf,
  answersRefused,
  buildingLabel,
  type ChoiceCounts,
  deriveFromAnswers,
  dwellingShortLabel,
  formatReference,
  fullChoice,
  hasCapacities,
  newReference,
  normaliseReference,
  publicState,
  remainingOf,
  stableStringify,
} from './forms.rules';
import type { FormRow, FormSubmissionRow, FormVersionRow } from './forms.table';

/** A chain page lists at most this many entries (a WeChat group holds 500). */
const CHAIN_LIST_MAX = 1000;

const areaOf = (f: FormRow): FormArea => ({ streetId: f.streetId, communityId: f.communityId });

/**
 * Published versions never change, so the submit path keeps the recent ones in memory instead of
 * reading the definition again for every answer.
 */
const versionCache = new Map<string, FormVersionRow>();
const VERSION_CACHE_MAX = 500;

async function publishedVersion(ctx: ServiceContext, formId: string, versionNo: number) {
  const key = `${formId}:${versionNo}`;
  const cached = versionCache.get(key);
  if (cached) return cached;
  const row = await findVersion(ctx.db, formId, versionNo);
  if (!row) return null;
  // Frozen, so the field list and answer checker the shared code derives from it are kept with it.
  freezeDefinition(row.definition);
  if (versionCache.size >= VERSION_CACHE_MAX) versionCache.delete(versionCache.keys().next().value!);
  versionCache.set(key, row);
  return row;
}

/**
 * The submit path remembers the last form row it read per slug and the places answers named, to
 * insert the next answer in one statement. Nothing is trusted from them: that statement inserts only
 * if the form row is still at the same version and each place still reads the same (see
 * `insertSubmissionIfCurrent`); otherwise everything is read afresh.
 */
const knownForms = new Map<string, FormRow>();
const knownPlaces = new Map<string, DwellingPlace>();
const KNOWN_PLACES_MAX = 50_000;

function remember<V>(map: Map<string, V>, key: string, value: V, max: number) {
  if (map.size >= max && !map.has(key)) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/**
 * The dwelling an answer names first, when the form's version is already known here: it is then read
 * in the same round trip as the form (the answer is validated properly afterwards; this is only an id).
 */
function knownDwellingId(slug: string, versionNo: number, answers: Record<string, unknown>): string | null {
  const formId = knownForms.get(slug)?.id;
  const version = formId && versionCache.get(`${formId}:${versionNo}`);
  if (!version) return null;
  for (const field of addressFieldsOf(version.definition)) {
    const answer = answers[field.key] as { dwellingId?: unknown } | undefined;
    const id = typeof answer?.dwellingId === 'string' ? answer.dwellingId.toLowerCase() : '';
    if (UUID_RE.test(id)) return id;
  }
  return null;
}

/** Drafts and archived forms do not exist for the public. */
const isPublic = (f: FormRow) => (f.status === 'published' || f.status === 'closed') && !!f.currentVersionNo;

async function publicForm(ctx: ServiceContext, slug: string) {
  const found = await findFormBySlug(ctx.db, slug);
  if (!found || !isPublic(found.form)) throw formNotFound();
  return found;
}

export async function getPublicForm(ctx: ServiceContext, slug: string): Promise<PublicForm> {
  const { form, areaName } = await publicForm(ctx, slug);
  const version = await publishedVersion(ctx, form.id, form.currentVersionNo!);
  if (!version) throw formNotFound();
  const counted = form.mode === 'chain' || hasCapacities(version.definition);
  const taken: ChoiceCounts = counted ? await choiceCounts(ctx.db, form.id) : {};
  const entries =
    form.mode === 'chain'
      ? (await chainRows(ctx.db, form.id, CHAIN_LIST_MAX)).map((r, i) => ({
          no: i + 1,
          maskedName: r.summary.maskedName ?? null,
          place: r.summary.place ?? null,
          choices: r.summary.choices ?? {},
          versionNo: r.versionNo,
        }))
      : null;
  const olderVersions: Record<string, FormDefinition> = {};
  for (const versionNo of new Set(entries?.map((e) => e.versionNo))) {
    if (versionNo === version.versionNo) continue;
    const older = await publishedVersion(ctx, form.id, versionNo);
    if (older) olderVersions[versionNo] = choiceQuestionsOf(older.definition);
  }
  return {
    slug: form.slug,
    mode: form.mode,
    title: version.title,
    titleEn: version.titleEn,
    description: version.description,
    descriptionEn: version.descriptionEn,
    versionNo: version.versionNo,
    definition: version.definition,
    privacy: version.privacy,
    state: publicState(form, version.definition, taken, new Date()),
    opensAt: form.opensAt?.toISOString() ?? null,
    closesAt: form.closesAt?.toISOString() ?? null,
    areaName,
    submissionLimit: form.submissionLimit,
    chain: entries ? { entries, olderVersions, remaining: remainingOf(version.definition, taken) } : null,
  };
}

/** Only what labels a chosen option: the choice questions and their options. */
const choiceQuestionsOf = (definition: FormDefinition): FormDefinition => ({
  sections: [{ title: '', fields: fieldsOf(definition).filter((f) => f.options?.length) }],
});

/** An entrance as residents name it: 2单元, Entrance 2. */
const entranceLabel = (n: number, locale: Locale) => (locale === 'en-US' ? `Entrance ${n}` : `${n}单元`);

export async function publicPlaces(ctx: ServiceContext, slug: string, q: PlacesQuery): Promise<Places> {
  const { form } = await publicForm(ctx, slug);
  const area = areaOf(form);
  if (q.entranceId) {
    const entrance = await findEntrance(ctx.db, area, q.entranceId);
    if (!entrance) return { items: [] };
    const rows = await dwellingsOfEntrance(ctx.db, area, entrance.entranceId);
    for (const d of rows) {
      remember(
        knownPlaces,
        d.id,
        placeIn(entrance, { ...d, entranceNumber: entrance.entranceNumber }),
        KNOWN_PLACES_MAX,
      );
    }
    // Under its entrance a flat is only its number.
    return { items: rows.map((d) => ({ id: d.id, label: d.number })) };
  }
  if (q.buildingId) {
    const building = await findBuilding(ctx.db, area, q.buildingId);
    if (!building) return { items: [] };
    const rows = await dwellingsOfBuilding(ctx.db, building.id);
    const entrances = building.entranceCount > 1 ? await entrancesOfBuilding(ctx.db, area, building.id) : [];
    // The phone asks for a building's flats right before it answers with one of them.
    for (const d of rows) {
      remember(knownPlaces, d.id, placeIn(building, d), KNOWN_PLACES_MAX);
    }
    return {
      items: rows.map((d) => ({
        id: d.id,
        label: dwellingShortLabel(d.entranceNumber, building.entranceCount, d.number),
      })),
      building: {
        id: building.id,
        label: buildingLabel(building.name),
        compoundId: building.compoundId,
        compoundLabel: building.compoundName,
      },
      ...(entrances.length > 1 && {
        entrances: entrances.map((e) => ({ id: e.id, label: entranceLabel(e.number, ctx.locale) })),
      }),
    };
  }
  if (q.compoundId) {
    const compound = await findCompound(ctx.db, area, q.compoundId);
    if (!compound) return { items: [] };
    const rows = await buildingsOfCompound(ctx.db, compound.id);
    // 2号楼 before 10号楼: numeric names sort as numbers.
    rows.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN', { numeric: true }));
    return { items: rows.map((b) => ({ id: b.id, label: buildingLabel(b.name) })) };
  }
  const rows = await compoundsOf(ctx.db, area);
  // A street-wide form names the community too: two communities may each have a 梅园.
  const label = (c: (typeof rows)[number]) => (form.communityId ? c.name : `${c.communityName} ${c.name}`);
  return { items: rows.map((c) => ({ id: c.id, label: label(c) })) };
}

const placeIn = (
  building: NonNullable<Awaited<ReturnType<typeof findBuilding>>>,
  d: Awaited<ReturnType<typeof dwellingsOfBuilding>>[number],
): DwellingPlace => ({
  id: d.id,
  streetId: building.streetId,
  communityId: building.communityId,
  compoundId: building.compoundId,
  buildingId: building.id,
  number: d.number,
  buildingName: building.name,
  entranceCount: building.entranceCount,
  entranceNumber: d.entranceNumber,
  compoundName: building.compoundName,
});

export type SubmitOutcome = { created: boolean; ack: SubmissionAck; ignored?: 'honeypot' };

/**
 * One answer from a phone. Everything that can fail on the input is checked before the transaction
 * opens (the body was read whole by then), so a slow or vanished client never holds a transaction.
 * The ack is returned only after the commit.
 */
export async function submitAnswer(
  ctx: ServiceContext,
  slug: string,
  idempotencyKey: string,
  body: SubmissionCreate,
): Promise<SubmitOutcome> {
  const bodyHash = sha256(stableStringify({ answers: body.answers, versionNo: body.versionNo }));
  if (!body.website?.trim()) {
    const stored = await submitToKnownForm(ctx, slug, idempotencyKey, body, bodyHash);
    if (stored) return { created: true, ack: stored };
  }
  const found = await findFormAndAnswerByKey(
    ctx.db,
    slug,
    idempotencyKey,
    knownDwellingId(slug, body.versionNo, body.answers),
  );
  if (!found || !isPublic(found.form)) throw formNotFound();
  const { form } = found;
  remember(knownForms, slug, form, VERSION_CACHE_MAX);
  if (body.website?.trim()) {
    // A robot filled the hidden field: it gets what a person gets, and nothing is stored.
    return {
      created: true,
      ignored: 'honeypot',
      ack: {
        reference: formatReference(newReference()),
        submittedAt: new Date().toISOString(),
        chainNo: null,
      },
    };
  }
  // A resend of an answer already stored is answered from the store, whatever the form's state now.
  if (found.earlier) return replay(ctx, form, found.earlier, bodyHash);

  assertAccepting(form, new Date());
  const version = await publishedVersion(ctx, form.id, body.versionNo);
  if (!version) throw new AppError('form.version_unknown');
  const definition = version.definition;
  const checked = checkAnswers(definition, body.answers);
  if (!checked.ok) throw invalidAnswer(checked.issues, ctx.locale, definition);
  const answers: Answers = checked.answers;

  const places = new Map(found.place ? [[found.place.id, found.place]] : []);
  for (const field of addressFieldsOf(definition)) {
    const answer = answers[field.key] as AddressAnswer | undefined;
    if (!answer || places.has(answer.dwellingId)) continue;
    const place = await findDwellingPlace(ctx.db, answer.dwellingId);
    if (place) places.set(place.id, place);
  }
  for (const place of places.values()) remember(knownPlaces, place.id, place, KNOWN_PLACES_MAX);
  const addressed = addressAnswers(form, definition, answers, places);
  if (addressed.issues.length) throw invalidAnswer(addressed.issues, ctx.locale, definition);

  const reference = newReference();
  const serialised = form.mode === 'chain' || hasCapacities(definition);
  const fileFieldsAnswered = hasFileAnswers(definition, answers);

  // A lone INSERT commits atomically by itself; a transaction is opened only when the answer must be
  // counted under the form's lock or tied to uploaded files in the same commit.
  const run = <T>(work: (tx: DbOrTx) => Promise<T>) =>
    serialised || fileFieldsAnswered ? ctx.db.transaction(work) : work(ctx.db);
  let stored: SubmissionAck | null;
  try {
    stored = await run(async (tx) => {
      if (serialised) {
        // Capacity and chain numbers are counted under the form's row lock: exactly N get N places.
        const live = await lockForm(tx, form.id);
        // A twin with the same key that got the lock first holds the place: this is its resend.
        if (await findSubmissionByKey(tx, form.id, idempotencyKey)) return null;
        // Queued behind the lock while the organiser closed it: the close wins.
        assertAccepting(live, new Date());
        if (hasCapacities(definition)) {
          const full = fullChoice(definition, answers, await choiceCounts(tx, form.id));
          if (full) throw optionFull(full.field, full.option, ctx.locale);
        }
      }
      // Taken after the lock, so the time-ordered id is also the order of the chain.
      const row = submissionRow(ctx, {
        form,
        version,
        answers,
        addressed,
        idempotencyKey,
        bodyHash,
        reference,
        submittedAt: new Date(),
      });
      const inserted = await insertSubmission(tx, row);
      if (!inserted) return null;
      if (fileFieldsAnswered) {
        // Files were uploaded before the answer: tie them to it, and keep what was really stored.
        const claimed = await claimFormFiles(tx, {
          formId: form.id,
          submissionId: row.id,
          definition,
          answers,
        });
        if (claimed.issues.length) throw invalidAnswer(claimed.issues, ctx.locale, definition);
        await setSubmissionAnswers(tx, row.id, ctx.crypto.encrypt(JSON.stringify(claimed.answers)));
      }
      const chainNo = form.mode === 'chain' ? await countLiveBefore(tx, form.id, row.id) : null;
      return ackOf(row, chainNo);
    });
  } catch (error) {
    throw limitRefusal(error);
  }
  if (stored) return { created: true, ack: stored };
  // A twin with the same key committed first, while this one waited on it.
  const twin = await findSubmissionByKey(ctx.db, form.id, idempotencyKey);
  if (!twin) throw new AppError('request.conflict');
  return replay(ctx, form, twin, bodyHash);
}

/**
 * The common answer in one statement: a plain form (no places to count, no files) this process has
 * read before, naming places it has read before. Returns null, having stored nothing, whenever that
 * is not enough to decide: the full path then reads everything and gives the authoritative answer
 * (a resend, a closed or changed form, a changed place, an invalid answer, a robot).
 */
async function submitToKnownForm(
  ctx: ServiceContext,
  slug: string,
  idempotencyKey: string,
  body: SubmissionCreate,
  bodyHash: string,
): Promise<SubmissionAck | null> {
  const form = knownForms.get(slug);
  const submittedAt = new Date();
  if (!form || !isPublic(form) || answersRefused(form, submittedAt) || form.mode === 'chain') return null;
  const version = versionCache.get(`${form.id}:${body.versionNo}`);
  if (!version || hasCapacities(version.definition)) return null;
  const checked = checkAnswers(version.definition, body.answers);
  if (!checked.ok || hasFileAnswers(version.definition, checked.answers)) return null;
  const { answers } = checked;
  const places = new Map<string, DwellingPlace>();
  for (const field of addressFieldsOf(version.definition)) {
    const answer = answers[field.key] as AddressAnswer | undefined;
    const place = answer && knownPlaces.get(answer.dwellingId);
    if (answer && !place) return null;
    if (place) places.set(place.id, place);
  }
  // One statement checks one place; answers naming several go the full way.
  if (places.size > 1) return null;
  const addressed = addressAnswers(form, version.definition, answers, places);
  if (addressed.issues.length) return null;
  const row = submissionRow(ctx, {
    form,
    version,
    answers,
    addressed,
    idempotencyKey,
    bodyHash,
    reference: newReference(),
    submittedAt,
  });
  try {
    const id = await insertSubmissionIfCurrent(ctx.db, row, {
      formVersion: form.version,
      place: places.values().next().value ?? null,
    });
    return id ? ackOf(row, null) : null;
  } catch (error) {
    throw limitRefusal(error);
  }
}

const hasFileAnswers = (definition: FormDefinition, answers: Answers) =>
  fieldsOf(definition).some((f) => f.type === 'file' && answers[f.key]);

type Addressed = { issues: FormAnswerIssue[]; place: string | null; communityId: string | null };

/**
 * Each address answer checked against the form's area and given its label (in place, on `answers`);
 * the first one also places the answer (its compound and building) and its community.
 */
function addressAnswers(
  form: FormRow,
  definition: FormDefinition,
  answers: Answers,
  places: ReadonlyMap<string, DwellingPlace>,
): Addressed {
  const out: Addressed = { issues: [], place: null, communityId: form.communityId };
  for (const field of addressFieldsOf(definition)) {
    const answer = answers[field.key] as AddressAnswer | undefined;
    if (!answer) continue;
    const d = places.get(answer.dwellingId);
    const inside =
      d && (form.communityId ? d.communityId === form.communityId : d.streetId === form.streetId);
    if (!d || !inside) {
      out.issues.push({ field: field.key, code: 'address_outside' });
      continue;
    }
    answers[field.key] = {
      dwellingId: d.id,
      label: `${d.compoundName} ${dwellingLabel(d.buildingName, d.entranceNumber, d.entranceCount, d.number)}`,
    };
    if (out.place === null) {
      out.place = `${d.compoundName} ${buildingLabel(d.buildingName)}`;
      out.communityId = d.communityId;
    }
  }
  return out;
}

/** The stored row of a checked answer: encrypted, with its keyed hashes, masks and clear summary. */
function submissionRow(
  ctx: ServiceContext,
  a: {
    form: FormRow;
    version: FormVersionRow;
    answers: Answers;
    addressed: Addressed;
    idempotencyKey: string;
    bodyHash: string;
    reference: string;
    submittedAt: Date;
  },
): SubmissionInsert {
  const { form } = a;
  const { crypto } = ctx;
  const derived = deriveFromAnswers(a.version.definition, a.answers, a.addressed.place);
  const phoneHash = derived.phone ? crypto.hash(derived.phone) : null;
  return {
    id: newId(),
    formId: form.id,
    versionId: a.version.id,
    versionNo: a.version.versionNo,
    districtId: form.districtId,
    streetId: form.streetId,
    communityId: a.addressed.communityId,
    dwellingId: derived.dwellingId,
    reference: a.reference,
    idempotencyKey: a.idempotencyKey,
    bodyHash: a.bodyHash,
    answersEnc: crypto.encrypt(JSON.stringify(a.answers)),
    summary: derived.summary,
    nameHash: derived.name ? crypto.hash(derived.name) : null,
    phoneHash,
    phoneMask: derived.phone ? maskPhone(derived.phone) : null,
    idHash: derived.idNumber ? crypto.hash(derived.idNumber) : null,
    idMask: derived.idNumber ? maskIdNumber(derived.idNumber) : null,
    limitKey:
      form.submissionLimit === 'per_phone'
        ? phoneHash
        : form.submissionLimit === 'per_dwelling'
          ? derived.dwellingId
          : null,
    submittedAt: a.submittedAt,
    updatedAt: a.submittedAt,
  };
}

const ackOf = (row: SubmissionInsert, chainNo: number | null): SubmissionAck => ({
  reference: formatReference(row.reference),
  submittedAt: row.submittedAt.toISOString(),
  chainNo,
});

/** A second answer under a one-answer limit is refused in the resident's terms. */
function limitRefusal(error: unknown) {
  return constraintOf(error) === 'form_submissions_limit_uq' ? new AppError('form.already_submitted') : error;
}

function assertAccepting(form: Pick<FormRow, 'status' | 'opensAt' | 'closesAt'>, now: Date) {
  const refused = answersRefused(form, now);
  if (refused) throw new AppError(refused);
}

async function replay(
  ctx: ServiceContext,
  form: FormRow,
  row: FormSubmissionRow,
  bodyHash: string,
): Promise<SubmitOutcome> {
  if (row.bodyHash !== bodyHash) throw new AppError('form.idempotency_mismatch');
  const chainNo =
    form.mode === 'chain' && row.status !== 'withdrawn'
      ? await countLiveBefore(ctx.db, form.id, row.id)
      : null;
  return {
    created: false,
    ack: { reference: formatReference(row.reference), submittedAt: row.submittedAt.toISOString(), chainNo },
  };
}

function constraintOf(error: unknown): string | null {
  const e = error as { constraint?: string; cause?: { constraint?: string } } | null;
  return e?.cause?.constraint ?? e?.constraint ?? null;
}

/** The resident takes an answer back with its reference; its place in a chain is freed at once. */
export async function withdrawAnswer(ctx: ServiceContext, slug: string, input: string) {
  const { form } = await publicForm(ctx, slug);
  const reference = normaliseReference(input);
  if (!reference) throw new AppError('form.reference_not_found');
  await ctx.db.transaction(async (tx) => {
    // Same lock as a sign-up, so a freed place and a new entry are counted in one order.
    await lockForm(tx, form.id);
    const row = await findSubmissionByReference(tx, form.id, reference, { forUpdate: true });
    if (!row) throw new AppError('form.reference_not_found');
    if (row.status === 'withdrawn') return;
    if (row.status !== 'new' && row.status !== 'reviewed') throw new AppError('form.cannot_withdraw');
    await withdrawSubmission(tx, row.id, new Date());
  });
  return { ok: true as const };
}
