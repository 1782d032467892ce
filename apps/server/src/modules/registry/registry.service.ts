import type { HouseholdMove, ResidentMove, ResidentMoveOut, RevealRequest } from '@linli/shared';
import {
  HOUSEHOLD_TAG_CODES,
  HOUSEHOLD_TAGS,
  type HouseholdTag,
  type HouseholdTagCode,
  type HouseholdTagsUpdate,
  Id,
  maskIdNumber,
  maskPhone,
  parseResidentId,
  type ResidentCreate,
  type ResidentRelation,
  type ResidentRelationCreate,
  type ResidentSearchQuery,
  type ResidentUpdate,
  TAG_CODES,
  TAGS,
  type TagCode,
  todayInShanghai,
} from '@linli/shared';
import type { z } from 'zod';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import type { FieldCrypto } from '../../platform/crypto';
import type { DbOrTx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { assertInScope, authorize, authorizeFor, hasPermission, type Scope } from '../../platform/scope';
import { diffFields, recordSensitiveRead, writeAudit } from '../audit/audit.service';
import { buildingNotFound, dwellingNotFound } from '../buildings/buildings.errors';
import { findBuildingInScope, findDwellingInScope } from '../buildings/buildings.repository';
import {
  duplicateIdNumber,
  householdNotFound,
  residentNotActive,
  residentNotFound,
  revealLimit,
} from './registry.errors';
import { addressOf, type PresentableResident, presentResident } from './registry.presenter';
import {
  activeIdHashTaken,
  activeMembers,
  addressOfDwelling,
  auditOfResident,
  countResidents,
  creationOfResident,
  endRelation,
  findHouseholdInScope,
  findRelationOf,
  findResidentById,
  findResidentInScope,
  householdsOfDwelling,
  householdTagChanges,
  householdTagsOf,
  insertHousehold,
  insertRelation,
  insertResident,
  lockActiveMembersOf,
  lockRevealsOf,
  moveCommunityOf,
  occupancyOfBuilding,
  relationsOfResident,
  replaceHouseholdTags,
  replaceTags,
  residentsOfHouseholds,
  revealsSince,
  searchResidents,
  tagsOf,
  updateHouseholdRow,
  updateResidentRow,
} from './registry.repository';
import {
  AGE_TAG_MIN,
  ageOf,
  birthBounds,
  classifyQuery,
  householdHistory,
  isDerivedTag,
  isSensitiveTag,
  lacksEmergencyContact,
  namePinyin,
} from './registry.rules';
import type { HouseholdRow, ResidentRow } from './registry.table';

const PLAIN_FIELDS = [
  'name',
  'formerName',
  'sex',
  'birthDate',
  'idType',
  'residenceType',
  'tenure',
  'relationToHead',
  'selfCare',
  'hukouAddress',
  'emergencyContactName',
  'ethnicity',
  'maritalStatus',
  'politicalStatus',
  'education',
  'occupation',
  'employer',
  'arrivalReason',
  'arrivalDate',
  'status',
] as const;
const SECRET_FIELDS = ['idNumber', 'phone', 'health', 'emergencyContactPhone'] as const;

type TagCodec = { toToken(code: TagCode): string; fromToken(token: string): TagCode | null };

/** One codec per key: its tokens never change, and every list of residents reads them. */
const tagCodecs = new WeakMap<FieldCrypto, TagCodec>();

/** Sensitive tags are stored as keyed tokens; this maps both ways for one key. */
export function tagCodec(crypto: FieldCrypto): TagCodec {
  let codec = tagCodecs.get(crypto);
  if (!codec) {
    const tokens = new Map(
      TAG_CODES.map((c) => [c, isSensitiveTag(c) ? `s:${crypto.hash(`tag:${c}`).slice(0, 24)}` : c]),
    );
    const byToken = new Map([...tokens].map(([code, token]) => [token, code]));
    codec = { toToken: (code) => tokens.get(code)!, fromToken: (token) => byToken.get(token) ?? null };
    tagCodecs.set(crypto, codec);
  }
  return codec;
}

/** Tags are shown in the dictionary's order, whatever order they are stored or tokenised in. */
const TAG_RANK = new Map(TAG_CODES.map((code, i) => [code, i]));

function mayReadSensitive(ctx: ServiceContext) {
  return hasPermission(ctx.actor, 'resident.read_sensitive');
}

async function present(ctx: ServiceContext, db: DbOrTx, rows: (PresentableResident & { tags?: string[] })[]) {
  const codec = tagCodec(ctx.crypto);
  // A search brings each row's tags with it (one statement); other reads look them up.
  const stored = rows.every((r) => r.tags)
    ? new Map(rows.map((r) => [r.resident.id, r.tags!]))
    : await tagsOf(
        db,
        rows.map((r) => r.resident.id),
      );
  const sensitiveOk = mayReadSensitive(ctx);
  const today = todayInShanghai();
  return rows.map((r) => {
    const codes = (stored.get(r.resident.id) ?? [])
      .map(codec.fromToken)
      .filter((c): c is TagCode => c !== null && (sensitiveOk || !isSensitiveTag(c)))
      .sort((a, b) => TAG_RANK.get(a)! - TAG_RANK.get(b)!);
    return presentResident(r, codes, today);
  });
}

const residentTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findResidentInScope(ctx.db, reach, id).then((r) => r?.resident);

/** A cursor as nextCursor gave it out (`pinyin|id`); anything else is a bad request, not a database error. */
function cursorOf(cursor: string | undefined) {
  if (!cursor) return undefined;
  const cut = cursor.lastIndexOf('|');
  const pinyin = cursor.slice(0, cut);
  const id = cursor.slice(cut + 1);
  if (cut < 0 || !/^[a-z0-9]*$/.test(pinyin) || !Id.safeParse(id).success) {
    throw new AppError('request.validation', {}, { issues: [{ path: 'cursor', code: 'invalid_format' }] });
  }
  return { pinyin, id };
}

export async function searchResidentList(ctx: ServiceContext, q: ResidentSearchQuery) {
  const { items, nextCursor } = await searchResidentsWithin(ctx, authorize(ctx.actor, 'resident.read'), q);
  return { items, nextCursor };
}

/**
 * The same search over a scope the caller computed (a ledger's area, or a shared link's), for the
 * ledgers module. `rows` are the stored rows of the page, for an audited unmasked export only.
 */
export async function searchResidentsWithin(ctx: ServiceContext, scope: Scope, q: ResidentSearchQuery) {
  const args = searchArgsOf(ctx, q);
  if (!args) return { items: [], rows: [], nextCursor: null };
  const rows = await searchResidents(ctx.db, scope, {
    ...args,
    cursor: cursorOf(q.cursor),
    limit: q.limit,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1)?.resident;
  return {
    items: await present(ctx, ctx.db, page),
    rows: page,
    nextCursor: rows.length > q.limit && last ? `${last.namePinyin}|${last.id}` : null,
  };
}

/** How many residents `searchResidentsWithin` finds over all its pages. */
export async function countResidentsWithin(
  ctx: ServiceContext,
  scope: Scope,
  q: Omit<ResidentSearchQuery, 'cursor' | 'limit'>,
) {
  const args = searchArgsOf(ctx, q);
  return args ? countResidents(ctx.db, scope, args) : 0;
}

/** The query as repository arguments; null when it cannot find anything the caller may see. */
function searchArgsOf(ctx: ServiceContext, q: Omit<ResidentSearchQuery, 'cursor' | 'limit'>) {
  const intent = q.q ? classifyQuery(q.q) : null;
  if (q.tag && isSensitiveTag(q.tag) && !mayReadSensitive(ctx)) return null;
  const today = todayInShanghai();
  const ageMin =
    q.tag && AGE_TAG_MIN[q.tag] !== undefined ? Math.max(AGE_TAG_MIN[q.tag]!, q.ageMin ?? 0) : q.ageMin;
  const bounds = birthBounds(today, ageMin, q.ageMax);
  return {
    intent,
    idNumberHash: intent?.kind === 'id_number' ? ctx.crypto.hash(intent.idNumber) : undefined,
    phoneHash: intent?.kind === 'phone' ? ctx.crypto.hash(intent.phone) : undefined,
    communityId: q.communityId,
    compoundId: q.compoundId,
    buildingId: q.buildingId,
    dwellingId: q.dwellingId,
    gridId: q.gridId,
    residenceType: q.residenceType,
    tagToken: q.tag && !isDerivedTag(q.tag) ? tagCodec(ctx.crypto).toToken(q.tag) : undefined,
    ...bounds,
    status: q.status,
  };
}

export async function getResident(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'resident.not_found', residentTarget(ctx, id));
  const row = await findResidentInScope(ctx.db, scope, id);
  if (!row) throw residentNotFound();
  return (await present(ctx, ctx.db, [row]))[0]!;
}

type Secrets = Partial<Record<(typeof SECRET_FIELDS)[number], string | null>>;

/** Columns for the sensitive values given; a field left out is left alone, null clears it. */
function secretColumns(crypto: FieldCrypto, input: Secrets): Partial<ResidentRow> {
  const out: Partial<ResidentRow> = {};
  if (input.idNumber !== undefined) {
    out.idNumberEnc = input.idNumber ? crypto.encrypt(input.idNumber) : null;
    out.idNumberHash = input.idNumber ? crypto.hash(input.idNumber) : null;
    out.idNumberMasked = input.idNumber ? maskIdNumber(input.idNumber) : null;
  }
  if (input.phone !== undefined) {
    out.phoneEnc = input.phone ? crypto.encrypt(input.phone) : null;
    out.phoneHash = input.phone ? crypto.hash(input.phone) : null;
    out.phoneTail = input.phone ? input.phone.slice(-4) : null;
    out.phoneMasked = input.phone ? maskPhone(input.phone) : null;
  }
  if (input.health !== undefined) out.healthEnc = input.health ? crypto.encrypt(input.health) : null;
  if (input.emergencyContactPhone !== undefined) {
    const p = input.emergencyContactPhone;
    out.emergencyContactPhoneEnc = p ? crypto.encrypt(p) : null;
    out.emergencyContactPhoneMasked = p ? maskPhone(p) : null;
  }
  return out;
}

/** Birth date and sex come from a resident ID when there is one: never typed twice. */
function identityFacts(input: {
  idType?: string | null;
  idNumber?: string | null;
  birthDate?: string | null;
  sex?: string | null;
}) {
  const facts =
    input.idNumber && (input.idType ?? 'resident_id') === 'resident_id'
      ? parseResidentId(input.idNumber)
      : null;
  return facts ? { birthDate: facts.birthDate, sex: facts.sex, idType: 'resident_id' as const } : null;
}

/** Only those who may see sensitive tags may set them: a tag one cannot see is not one's to give. */
function assertTagsAllowed(ctx: ServiceContext, tags: TagCode[] | undefined) {
  if (tags?.some(isSensitiveTag) && !mayReadSensitive(ctx)) throw new AppError('auth.forbidden');
}

function manualTagTokens(crypto: FieldCrypto, tags: TagCode[] | undefined) {
  if (!tags) return undefined;
  const codec = tagCodec(crypto);
  return [...new Set(tags.filter((t) => !isDerivedTag(t)))].map(codec.toToken);
}

function plainOf(input: Partial<ResidentCreate>) {
  const picked: Record<string, unknown> = {};
  for (const f of PLAIN_FIELDS)
    if (f in input && input[f as keyof typeof input] !== undefined)
      picked[f] = input[f as keyof typeof input] || null;
  return picked as Partial<ResidentRow>;
}

/** `provenance`: where the record came from when not typed in here (a form answer …); shown on its timeline. */
export async function createResident(
  ctx: ServiceContext,
  input: ResidentCreate,
  opts: { provenance?: string } = {},
) {
  assertTagsAllowed(ctx, input.tags);
  const scope = await authorizeFor(ctx.actor, 'resident.write', 'dwelling.not_found', async (reach) =>
    input.dwellingId
      ? findDwellingInScope(ctx.db, reach, input.dwellingId)
      : findHouseholdInScope(ctx.db, reach, input.householdId!),
  );
  return ctx.db.transaction(async (tx) => {
    let household = input.householdId
      ? await findHouseholdInScope(tx, scope, input.householdId, { forUpdate: true })
      : null;
    if (input.householdId && !household) throw householdNotFound();
    if (input.dwellingId) {
      const dwelling = await findDwellingInScope(tx, scope, input.dwellingId);
      if (!dwelling || dwelling.status !== 'active') throw dwellingNotFound();
      household = await insertHousehold(tx, {
        id: newId(),
        streetId: dwelling.streetId,
        communityId: dwelling.communityId,
        compoundId: dwelling.compoundId,
        buildingId: dwelling.buildingId,
        dwellingId: dwelling.id,
        movedInAt: todayInShanghai(),
        createdBy: ctx.actor.userId,
      });
    }
    const h = household!;
    const grant = assertInScope(scope, h, 'household.not_found');
    const hash = input.idNumber ? ctx.crypto.hash(input.idNumber) : null;
    if (hash && (await activeIdHashTaken(tx, hash))) throw duplicateIdNumber();
    const { full, initials } = namePinyin(input.name);
    const id = newId();
    const row = await insertResident(tx, {
      id,
      streetId: h.streetId,
      communityId: h.communityId,
      compoundId: h.compoundId,
      buildingId: h.buildingId,
      dwellingId: h.dwellingId,
      householdId: h.id,
      ...plainOf(input),
      ...(identityFacts(input) ?? {}),
      name: input.name,
      namePinyin: full,
      nameInitials: initials,
      ...secretColumns(ctx.crypto, input),
      relationToHead: input.relationToHead ?? (input.dwellingId ? 'head' : null),
      provenance: opts.provenance ?? 'manual',
      lastVerifiedAt: new Date(),
      lastVerifiedBy: ctx.actor.userId,
      createdBy: ctx.actor.userId,
    });
    assertEmergencyContact(row, input.tags ?? []);
    if (input.dwellingId) await updateHouseholdRow(tx, h.id, { headResidentId: id });
    const tokens = manualTagTokens(ctx.crypto, input.tags);
    if (tokens?.length) await replaceTags(tx, row, tokens, ctx.actor.userId);
    await writeAudit(tx, ctx, {
      action: 'resident.create',
      entityType: 'resident',
      entityId: id,
      scope: row,
      changes: {
        ...diffFields(null, row as unknown as Record<string, unknown>, [...PLAIN_FIELDS, 'provenance']),
        ...Object.fromEntries(SECRET_FIELDS.filter((f) => input[f]).map((f) => [f, { to: '[redacted]' }])),
        ...(input.tags?.length && { tags: { to: redactTags(input.tags) } }),
      },
      delegationId: grant.delegationId,
    });
    const created = await findResidentInScope(tx, scope, id);
    return (await present(ctx, tx, [created!]))[0]!;
  });
}

/** Checked on the row as it will be saved: an edit that removes the contact is refused like one that adds the tag. */
function assertEmergencyContact(row: ResidentRow, tags: readonly TagCode[]) {
  const age = ageOf(row.birthDate, todayInShanghai());
  if (lacksEmergencyContact({ age, tags, emergencyContactName: row.emergencyContactName })) {
    throw new AppError(
      'resident.emergency_contact_required',
      {},
      { issues: [{ path: 'emergencyContactName', code: 'emergency_contact_required' }] },
    );
  }
}

/** Tag names go into the audit log only when they are not sensitive. */
function redactTags(tags: TagCode[]) {
  return tags.map((t) => (TAGS[t].sensitive ? '[redacted]' : t));
}

/**
 * Locks a resident for a change: in scope (else 404), at the version the caller read (else 409 with the
 * current record) and still active (moved-out, deceased and merged records are history).
 */
async function lockActiveResident(
  ctx: ServiceContext,
  tx: DbOrTx,
  scope: Scope,
  id: string,
  version: number,
) {
  const found = await findResidentInScope(tx, scope, id, { forUpdate: true });
  if (!found) throw residentNotFound();
  const before = found.resident;
  const grant = assertInScope(scope, before, 'resident.not_found');
  const [current] = await present(ctx, tx, [found]);
  assertVersion(before, version, 'resident.version_conflict', () => current);
  if (before.status !== 'active') throw residentNotActive();
  return { before, grant };
}

export async function updateResident(ctx: ServiceContext, id: string, input: ResidentUpdate) {
  assertTagsAllowed(ctx, input.tags);
  const scope = await authorizeFor(
    ctx.actor,
    'resident.write',
    'resident.not_found',
    residentTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    const { before, grant } = await lockActiveResident(ctx, tx, scope, id, input.version);
    if (input.idNumber) {
      const hash = ctx.crypto.hash(input.idNumber);
      if (hash !== before.idNumberHash && (await activeIdHashTaken(tx, hash, id))) throw duplicateIdNumber();
    }
    const patch: Partial<ResidentRow> = {
      ...plainOf(input),
      ...(input.name !== undefined && namePinyinColumns(input.name)),
      ...secretColumns(ctx.crypto, input),
      ...(identityFacts({ idType: input.idType ?? before.idType, idNumber: input.idNumber }) ?? {}),
      lastVerifiedAt: new Date(),
      lastVerifiedBy: ctx.actor.userId,
    };
    delete (patch as Record<string, unknown>).status;
    await updateResidentRow(tx, id, patch);
    const codec = tagCodec(ctx.crypto);
    const oldTags = ((await tagsOf(tx, [id])).get(id) ?? [])
      .map(codec.fromToken)
      .filter((c): c is TagCode => !!c);
    // Sensitive tags the editor cannot see are not theirs to remove: a tag list sent without them keeps them.
    const hiddenTags = mayReadSensitive(ctx) ? [] : oldTags.filter(isSensitiveTag);
    const keptTags = input.tags && [...input.tags, ...hiddenTags];
    const tokens = manualTagTokens(ctx.crypto, keptTags);
    if (tokens) await replaceTags(tx, before, tokens, ctx.actor.userId);
    const after = (await findResidentInScope(tx, scope, id))!;
    assertEmergencyContact(after.resident, keptTags ?? oldTags);
    const changes = diffFields(
      before as unknown as Record<string, unknown>,
      after.resident as unknown as Record<string, unknown>,
      PLAIN_FIELDS,
    );
    for (const f of SECRET_FIELDS) {
      if (input[f] !== undefined && secretChanged(ctx.crypto, before, f, input[f] ?? null)) {
        changes[f] = maskedChange(before, f, input[f] ?? null);
      }
    }
    const newTags = [...new Set((keptTags ?? []).filter((t) => !isDerivedTag(t)))];
    if (keptTags && [...newTags].sort().join() !== [...oldTags].sort().join()) {
      changes.tags = { from: redactTags(oldTags), to: redactTags(newTags) };
    }
    await writeAudit(tx, ctx, {
      action: 'resident.update',
      entityType: 'resident',
      entityId: id,
      scope: before,
      changes,
      delegationId: grant.delegationId,
    });
    return (await present(ctx, tx, [after]))[0]!;
  });
}

/** How a change of a sensitive field reads in the history: masked on both sides, never in clear. */
function maskedChange(row: ResidentRow, field: (typeof SECRET_FIELDS)[number], value: string | null) {
  switch (field) {
    case 'idNumber':
      return { from: row.idNumberMasked, to: value ? maskIdNumber(value) : null };
    case 'phone':
      return { from: row.phoneMasked, to: value ? maskPhone(value) : null };
    case 'emergencyContactPhone':
      return { from: row.emergencyContactPhoneMasked, to: value ? maskPhone(value) : null };
    case 'health':
      return { from: '[redacted]', to: '[redacted]' };
  }
}

function namePinyinColumns(name: string) {
  const { full, initials } = namePinyin(name);
  return { name, namePinyin: full, nameInitials: initials };
}

function secretChanged(
  crypto: FieldCrypto,
  row: ResidentRow,
  field: (typeof SECRET_FIELDS)[number],
  value: string | null,
) {
  switch (field) {
    case 'idNumber':
      return (value ? crypto.hash(value) : null) !== row.idNumberHash;
    case 'phone':
      return (value ? crypto.hash(value) : null) !== row.phoneHash;
    case 'health':
      return value !== (row.healthEnc ? crypto.decrypt(row.healthEnc) : null);
    case 'emergencyContactPhone':
      return value !== (row.emergencyContactPhoneEnc ? crypto.decrypt(row.emergencyContactPhoneEnc) : null);
  }
}

/** Moving out and death are states with a date, never deletions; the household closes with its last member. */
export async function moveOutResident(
  ctx: ServiceContext,
  id: string,
  input: z.infer<typeof ResidentMoveOut>,
) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.write',
    'resident.not_found',
    residentTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    const { before, grant } = await lockActiveResident(ctx, tx, scope, id, input.version);
    await updateResidentRow(
      tx,
      id,
      input.kind === 'deceased'
        ? { status: 'deceased', deceasedAt: input.date }
        : { status: 'moved_out', movedOutAt: input.date, movedOutTo: input.movedOutTo ?? null },
    );
    if ((await activeMembers(tx, before.householdId)) === 0) {
      await updateHouseholdRow(tx, before.householdId, { status: 'moved_out', movedOutAt: input.date });
    }
    await writeAudit(tx, ctx, {
      action: 'resident.move_out',
      entityType: 'resident',
      entityId: id,
      scope: before,
      changes: {
        status: { from: before.status, to: input.kind },
        date: { to: input.date },
        ...(input.movedOutTo && { movedOutTo: { to: input.movedOutTo } }),
      },
      delegationId: grant.delegationId,
    });
    const after = await findResidentInScope(tx, scope, id);
    return (await present(ctx, tx, [after!]))[0]!;
  });
}

/* ---- Moves within the street (迁居) ---- */

const moveIssue = (path: string, code: string) =>
  new AppError('request.validation', {}, { issues: [{ path, code }] });

/**
 * Where a move goes: a dwelling in the caller's scope and in use (else 404, like any unknown one), in the
 * mover's own street: households and residents are keyed by street, and another street registers its own.
 */
async function moveTarget(tx: DbOrTx, scope: Scope, dwellingId: string, streetId: string) {
  const dwelling = await findDwellingInScope(tx, scope, dwellingId);
  if (!dwelling || dwelling.status !== 'active') throw dwellingNotFound();
  if (dwelling.streetId !== streetId) throw moveIssue('dwellingId', 'move_other_street');
  return dwelling;
}

async function addressLabelOf(tx: DbOrTx, dwellingId: string) {
  const parts = await addressOfDwelling(tx, dwellingId);
  return parts ? addressOf(parts) : null;
}

/**
 * Moves one resident to another dwelling of the street: into an active household there, or as the head of
 * a new one. The household left closes with its last member; when its head leaves others behind it has no
 * head until a worker gives one of them the relation 户主. `provenance` names where the move was learnt
 * (a form answer) when not typed in here.
 */
export async function moveResident(
  ctx: ServiceContext,
  id: string,
  input: ResidentMove,
  opts: { provenance?: string } = {},
) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.write',
    'resident.not_found',
    residentTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    const { before, grant } = await lockActiveResident(ctx, tx, scope, id, input.version);
    const dwelling = await moveTarget(tx, scope, input.dwellingId, before.streetId);
    const previous = await findHouseholdInScope(tx, scope, before.householdId, { forUpdate: true });
    if (!previous) throw residentNotFound();
    let household: HouseholdRow;
    if (input.householdId) {
      if (input.householdId === previous.id) throw moveIssue('householdId', 'move_same_household');
      const joined = await findHouseholdInScope(tx, scope, input.householdId, { forUpdate: true });
      if (!joined) throw householdNotFound();
      if (joined.status !== 'active' || joined.dwellingId !== dwelling.id) {
        throw moveIssue('householdId', 'move_household');
      }
      household = joined;
    } else {
      household = await insertHousehold(tx, {
        id: newId(),
        streetId: dwelling.streetId,
        communityId: dwelling.communityId,
        compoundId: dwelling.compoundId,
        buildingId: dwelling.buildingId,
        dwellingId: dwelling.id,
        headResidentId: id,
        movedInAt: input.movedAt,
        createdBy: ctx.actor.userId,
      });
    }
    const relationToHead = input.householdId ? input.relationToHead! : 'head';
    await updateResidentRow(tx, id, {
      communityId: household.communityId,
      compoundId: household.compoundId,
      buildingId: household.buildingId,
      dwellingId: household.dwellingId,
      householdId: household.id,
      relationToHead,
      lastVerifiedAt: new Date(),
      lastVerifiedBy: ctx.actor.userId,
    });
    if (household.communityId !== before.communityId) await moveCommunityOf(tx, household, [id], null);
    const remaining = await activeMembers(tx, previous.id);
    const wasHead =
      previous.headResidentId === id ||
      (previous.headResidentId === null && before.relationToHead === 'head');
    const headless = remaining > 0 && wasHead;
    if (remaining === 0) {
      await updateHouseholdRow(tx, previous.id, { status: 'moved_out', movedOutAt: input.movedAt });
    } else if (wasHead) {
      await updateHouseholdRow(tx, previous.id, { headResidentId: null });
    }
    await writeAudit(tx, ctx, {
      action: 'resident.move',
      entityType: 'resident',
      entityId: id,
      scope: before,
      changes: {
        address: {
          from: await addressLabelOf(tx, before.dwellingId),
          to: await addressLabelOf(tx, dwelling.id),
        },
        householdId: { from: previous.id, to: household.id },
        household: { to: input.householdId ? 'joined' : 'opened' },
        ...(relationToHead !== before.relationToHead && {
          relationToHead: { from: before.relationToHead, to: relationToHead },
        }),
        movedAt: { to: input.movedAt },
        ...(remaining === 0 && { previousHousehold: { to: 'closed' } }),
        ...(headless && { previousHousehold: { to: 'headless' } }),
        ...(opts.provenance && { provenance: { to: opts.provenance } }),
      },
      delegationId: grant.delegationId,
    });
    const after = await findResidentInScope(tx, scope, id);
    return {
      resident: (await present(ctx, tx, [after!]))[0]!,
      previousHousehold: {
        id: previous.id,
        status: remaining === 0 ? ('moved_out' as const) : ('active' as const),
        headless,
      },
    };
  });
}

/**
 * Moves a household with every active member to another dwelling of the street. Concurrency on the
 * household's version, as for its tags. Members who moved out or died keep the address they left from.
 */
export async function moveHousehold(ctx: ServiceContext, householdId: string, input: HouseholdMove) {
  const scope = await authorizeFor(ctx.actor, 'resident.write', 'household.not_found', (reach) =>
    findHouseholdInScope(ctx.db, reach, householdId),
  );
  return ctx.db.transaction(async (tx) => {
    const { household, grant } = await lockHousehold(ctx, tx, scope, householdId, input.version);
    if (household.status !== 'active') throw new AppError('household.not_active');
    const dwelling = await moveTarget(tx, scope, input.dwellingId, household.streetId);
    if (dwelling.id === household.dwellingId) throw moveIssue('dwellingId', 'move_same_dwelling');
    const members = await lockActiveMembersOf(tx, scope, householdId);
    const keys = {
      communityId: dwelling.communityId,
      compoundId: dwelling.compoundId,
      buildingId: dwelling.buildingId,
      dwellingId: dwelling.id,
    };
    const address = {
      from: await addressLabelOf(tx, household.dwellingId),
      to: await addressLabelOf(tx, dwelling.id),
    };
    await updateHouseholdRow(tx, householdId, { ...keys, movedInAt: input.movedAt });
    for (const member of members) {
      await updateResidentRow(tx, member.id, {
        ...keys,
        lastVerifiedAt: new Date(),
        lastVerifiedBy: ctx.actor.userId,
      });
      await recordResidentEvent(tx, ctx, {
        resident: member,
        action: 'household.move',
        changes: { address, householdId: { to: householdId }, movedAt: { to: input.movedAt } },
        delegationId: grant.delegationId,
      });
    }
    if (dwelling.communityId !== household.communityId) {
      await moveCommunityOf(
        tx,
        dwelling,
        members.map((m) => m.id),
        householdId,
      );
    }
    await writeAudit(tx, ctx, {
      action: 'household.move',
      entityType: 'household',
      entityId: householdId,
      scope: household,
      changes: {
        address,
        dwellingId: { from: household.dwellingId, to: dwelling.id },
        movedInAt: { from: household.movedInAt, to: input.movedAt },
        members: { to: members.length },
      },
      delegationId: grant.delegationId,
    });
    const updated = (await findHouseholdInScope(tx, scope, householdId))!;
    return (await presentHouseholds(ctx, tx, scope, [updated]))[0]!;
  });
}

/** The clear values, for a stated reason, logged in the same transaction and limited per hour. */
export async function revealResident(ctx: ServiceContext, id: string, input: z.infer<typeof RevealRequest>) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.reveal',
    'resident.not_found',
    residentTarget(ctx, id),
  );
  if (!ctx.actor.userId) throw residentNotFound();
  return ctx.db.transaction(async (tx) => {
    const found = await findResidentInScope(tx, scope, id);
    if (!found) throw residentNotFound();
    // Counting and recording happen under one lock per person, so parallel reveals cannot overrun the limit.
    await lockRevealsOf(tx, ctx.actor.userId!);
    const since = new Date(Date.now() - 3_600_000);
    if ((await revealsSince(tx, ctx.actor.userId!, since)) >= ctx.config.revealLimitPerHour) {
      throw revealLimit(ctx.config.revealLimitPerHour);
    }
    const r = found.resident;
    const fields = [...new Set(input.fields)];
    await recordSensitiveRead(tx, ctx, {
      entityType: 'resident',
      entityId: id,
      fields,
      reason: input.reason,
      scope: r,
    });
    const clear = (v: string | null) => (v ? ctx.crypto.decrypt(v) : null);
    return {
      ...(fields.includes('idNumber') && { idNumber: clear(r.idNumberEnc) }),
      ...(fields.includes('phone') && { phone: clear(r.phoneEnc) }),
      ...(fields.includes('health') && { health: clear(r.healthEnc) }),
    };
  });
}

export async function residentAccessLog(ctx: ServiceContext, id: string) {
  await getResident(ctx, id);
  const rows = await auditOfResident(ctx.db, id, ['resident.reveal']);
  return rows.map((r) => ({
    at: r.entry.at.toISOString(),
    actorName: r.actorName,
    fields: Object.keys(r.entry.changes ?? {}),
    reason: r.entry.reason,
  }));
}

/**
 * Newest first, always ending with the resident's creation. Residents written in bulk (an import, the demo)
 * have no audit row of their own: their creation is told from the row itself, where its provenance says
 * where it came from (`导入: 文件名 第N行`), under the resident's id, which no audit row carries.
 */
export async function residentTimeline(ctx: ServiceContext, id: string) {
  await getResident(ctx, id);
  const rows = await auditOfResident(ctx.db, id);
  const events = rows.map((r) => ({
    id: r.entry.id,
    at: r.entry.at.toISOString(),
    kind: r.entry.action,
    actorName: r.actorName,
    changes: r.entry.changes ?? null,
  }));
  if (events.some((e) => e.kind === 'resident.create')) return events;
  // A long timeline is cut: its creation row may lie beyond the cut.
  if ((await auditOfResident(ctx.db, id, ['resident.create'])).length > 0) return events;
  const created = await creationOfResident(ctx.db, id);
  if (!created) return events;
  return [
    ...events,
    {
      id,
      at: created.createdAt.toISOString(),
      kind: 'resident.create',
      actorName: created.actorName,
      changes: created.provenance ? { provenance: { to: created.provenance } } : null,
    },
  ];
}

export async function listHouseholds(ctx: ServiceContext, dwellingId: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'dwelling.not_found', (reach) =>
    findDwellingInScope(ctx.db, reach, dwellingId),
  );
  const dwelling = await findDwellingInScope(ctx.db, scope, dwellingId);
  if (!dwelling) throw dwellingNotFound();
  return presentHouseholds(ctx, ctx.db, scope, await householdsOfDwelling(ctx.db, scope, dwellingId));
}

/** Households with their members, tags (sensitive ones only for those who may see them) and history. */
async function presentHouseholds(ctx: ServiceContext, db: DbOrTx, scope: Scope, list: HouseholdRow[]) {
  const ids = list.map((h) => h.id);
  const tagRows = await householdTagsOf(db, ids);
  const tagChanges = await householdTagChanges(db, ids);
  const memberRows = await residentsOfHouseholds(db, scope, ids);
  const members = await present(ctx, db, memberRows);
  return list.map((h) => {
    const own = members.filter((m) => m.householdId === h.id);
    const head =
      own.find((m) => m.id === h.headResidentId) ?? own.find((m) => m.relationToHead === 'head') ?? null;
    return {
      id: h.id,
      dwellingId: h.dwellingId,
      buildingId: h.buildingId,
      address: own[0]?.address ?? '',
      headName: head?.name ?? null,
      phoneMasked: head?.phoneMasked ?? null,
      memberCount: own.filter((m) => m.status === 'active').length,
      members: own,
      tags: visibleHouseholdTags(
        ctx,
        tagRows.filter((t) => t.householdId === h.id),
      ),
      history: householdHistory(
        h,
        memberRows.filter((m) => m.resident.householdId === h.id).map((m) => m.resident),
        tagChanges.filter((c) => c.householdId === h.id).map((c) => c.at),
      ),
      movedInAt: h.movedInAt,
      movedOutAt: h.movedOutAt,
      status: h.status,
      version: h.version,
    };
  });
}

export async function buildingOccupancy(ctx: ServiceContext, buildingId: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'building.not_found', (reach) =>
    findBuildingInScope(ctx.db, reach, buildingId),
  );
  const building = await findBuildingInScope(ctx.db, scope, buildingId);
  if (!building) throw buildingNotFound();
  const { counts, tags, births } = await occupancyOfBuilding(ctx.db, scope, buildingId);
  const codec = tagCodec(ctx.crypto);
  const sensitiveOk = mayReadSensitive(ctx);
  const today = todayInShanghai();
  const tagMap = new Map<string, Set<TagCode>>();
  const add = (dwellingId: string, code: TagCode) =>
    tagMap.set(dwellingId, (tagMap.get(dwellingId) ?? new Set()).add(code));
  for (const t of tags) {
    const code = codec.fromToken(t.tag);
    if (code && (sensitiveOk || !isSensitiveTag(code))) add(t.dwellingId, code);
  }
  for (const b of births) if ((ageOf(b.birthDate, today) ?? 0) >= 80) add(b.dwellingId, 'aged_80');
  return {
    dwellings: counts.map((c) => ({
      dwellingId: c.dwellingId,
      households: Number(c.households),
      residents: Number(c.residents),
      tags: [...(tagMap.get(c.dwellingId) ?? [])],
    })),
  };
}

/* ---- Household tags ---- */

export function householdTagCodec(crypto: FieldCrypto) {
  const toToken = (code: HouseholdTagCode) =>
    HOUSEHOLD_TAGS[code].sensitive ? `s:${crypto.hash(`htag:${code}`).slice(0, 24)}` : code;
  const byToken = new Map(HOUSEHOLD_TAG_CODES.map((c) => [toToken(c), c]));
  return { toToken, fromToken: (token: string) => byToken.get(token) ?? null };
}

function visibleHouseholdTags(
  ctx: ServiceContext,
  rows: { tag: string; since: string | null; source: string | null }[],
): HouseholdTag[] {
  const codec = householdTagCodec(ctx.crypto);
  const sensitiveOk = mayReadSensitive(ctx);
  return rows.flatMap((r) => {
    const code = codec.fromToken(r.tag);
    return code && (sensitiveOk || !HOUSEHOLD_TAGS[code].sensitive)
      ? [{ code, since: r.since, source: r.source }]
      : [];
  });
}

const redactHouseholdTags = (codes: HouseholdTagCode[]) =>
  codes.map((c) => (HOUSEHOLD_TAGS[c].sensitive ? '[redacted]' : c)).sort();

/** A household in scope, locked for the change, at the version the caller saw (409 with the current one if not). */
async function lockHousehold(
  ctx: ServiceContext,
  tx: DbOrTx,
  scope: Scope,
  householdId: string,
  version: number,
) {
  const household = await findHouseholdInScope(tx, scope, householdId, { forUpdate: true });
  if (!household) throw householdNotFound();
  const grant = assertInScope(scope, household, 'household.not_found');
  if (household.version !== version) {
    const [current] = await presentHouseholds(ctx, tx, scope, [household]);
    assertVersion(household, version, 'household.version_conflict', () => current);
  }
  return { household, grant };
}

/** Sets a household's tags as a whole, with a date and a source each; sensitive ones need `read_sensitive`. */
export async function setHouseholdTags(ctx: ServiceContext, householdId: string, input: HouseholdTagsUpdate) {
  const sensitiveOk = mayReadSensitive(ctx);
  if (!sensitiveOk && input.tags.some((t) => HOUSEHOLD_TAGS[t.code].sensitive)) {
    throw new AppError('auth.forbidden');
  }
  const scope = await authorizeFor(ctx.actor, 'resident.write', 'household.not_found', (reach) =>
    findHouseholdInScope(ctx.db, reach, householdId),
  );
  return ctx.db.transaction(async (tx) => {
    const { household, grant } = await lockHousehold(ctx, tx, scope, householdId, input.version);
    const codec = householdTagCodec(ctx.crypto);
    const stored = await householdTagsOf(tx, [householdId]);
    // Sensitive tags the editor cannot see are not theirs to remove.
    const hidden = sensitiveOk
      ? []
      : stored.filter((r) => {
          const code = codec.fromToken(r.tag);
          return code !== null && HOUSEHOLD_TAGS[code].sensitive;
        });
    const given = new Map(input.tags.map((t) => [t.code, t]));
    const next = [
      ...[...given.values()].map((t) => ({
        tag: codec.toToken(t.code),
        since: t.since ?? null,
        source: t.source || null,
      })),
      ...hidden.map((r) => ({ tag: r.tag, since: r.since, source: r.source })),
    ];
    await replaceHouseholdTags(tx, household, next, ctx.actor.userId);
    await updateHouseholdRow(tx, householdId, {});
    const codesOf = (rows: { tag: string }[]) =>
      rows.map((r) => codec.fromToken(r.tag)).filter((c): c is HouseholdTagCode => c !== null);
    await writeAudit(tx, ctx, {
      action: 'household.tags',
      entityType: 'household',
      entityId: householdId,
      scope: household,
      changes: {
        tags: { from: redactHouseholdTags(codesOf(stored)), to: redactHouseholdTags(codesOf(next)) },
      },
      delegationId: grant.delegationId,
    });
    const updated = (await findHouseholdInScope(tx, scope, householdId))!;
    return (await presentHouseholds(ctx, tx, scope, [updated]))[0]!;
  });
}

/* ---- Relations between residents ---- */

function presentRelation(
  row: Awaited<ReturnType<typeof relationsOfResident>>[number],
  pageResidentId: string,
): ResidentRelation {
  const r = row.relation;
  return {
    id: r.id,
    kind: r.kind,
    residentId: r.residentId,
    residentName: row.residentName,
    otherResidentId: r.otherResidentId,
    otherName: row.otherResidentName ?? r.otherName ?? '',
    otherPhoneMasked: r.otherResidentId ? null : r.otherPhoneMasked,
    note: r.note,
    side: r.residentId === pageResidentId ? 'subject' : 'other',
    createdAt: r.createdAt.toISOString(),
  };
}

/** Relations in force on both ends: "张三 is the carer of 李四" is listed for 张三 and for 李四. */
export async function listRelations(ctx: ServiceContext, residentId: string) {
  await getResident(ctx, residentId);
  const rows = await relationsOfResident(ctx.db, residentId);
  return rows.map((r) => presentRelation(r, residentId));
}

const invalidOther = () =>
  new AppError(
    'relation.invalid_other',
    {},
    { issues: [{ path: 'otherResidentId', code: 'invalid_other' }] },
  );

export async function createRelation(ctx: ServiceContext, residentId: string, input: ResidentRelationCreate) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.write',
    'resident.not_found',
    residentTarget(ctx, residentId),
  );
  return ctx.db.transaction(async (tx) => {
    const found = await findResidentInScope(tx, scope, residentId);
    if (!found) throw residentNotFound();
    const subject = found.resident;
    const grant = assertInScope(scope, subject, 'resident.not_found');
    // The other end must be someone the editor may see, in the same street, and not the resident.
    const other = input.otherResidentId
      ? (await findResidentInScope(tx, scope, input.otherResidentId))?.resident
      : null;
    if (input.otherResidentId) {
      if (!other || other.id === subject.id || other.streetId !== subject.streetId) throw invalidOther();
      if (other.status !== 'active') throw invalidOther();
    }
    const phone = other ? null : (input.otherPhone ?? null);
    const row = await insertRelation(tx, {
      id: newId(),
      streetId: subject.streetId,
      communityId: subject.communityId,
      residentId: subject.id,
      kind: input.kind,
      otherResidentId: other?.id ?? null,
      otherName: other ? null : (input.otherName ?? null),
      otherPhoneEnc: phone ? ctx.crypto.encrypt(phone) : null,
      otherPhoneMasked: phone ? maskPhone(phone) : null,
      note: input.note || null,
      createdBy: ctx.actor.userId,
    });
    const otherName = other?.name ?? input.otherName ?? '';
    await auditRelation(tx, ctx, 'resident.relation_add', subject, other ?? null, grant.delegationId, {
      relation: { to: input.kind },
      relationId: { to: row.id },
      subject: { to: subject.name },
      other: { to: otherName },
      ...(phone && { otherPhone: { to: maskPhone(phone) } }),
    });
    const rows = await relationsOfResident(tx, subject.id);
    return presentRelation(rows.find((r) => r.relation.id === row.id)!, subject.id);
  });
}

/** A relation is ended, not deleted: the timelines of both ends keep when it began and ended. */
export async function endResidentRelation(ctx: ServiceContext, residentId: string, relationId: string) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.write',
    'resident.not_found',
    residentTarget(ctx, residentId),
  );
  return ctx.db.transaction(async (tx) => {
    const found = await findResidentInScope(tx, scope, residentId);
    if (!found) throw residentNotFound();
    const grant = assertInScope(scope, found.resident, 'resident.not_found');
    const relation = await findRelationOf(tx, residentId, relationId);
    if (!relation) throw new AppError('relation.not_found');
    const [listed] = (await relationsOfResident(tx, residentId)).filter((r) => r.relation.id === relationId);
    await endRelation(tx, relationId);
    const subjectRow =
      relation.residentId === residentId
        ? found.resident
        : ((await findResidentById(tx, relation.residentId)) ?? found.resident);
    const otherRow = relation.otherResidentId ? await findResidentById(tx, relation.otherResidentId) : null;
    await auditRelation(tx, ctx, 'resident.relation_end', subjectRow, otherRow, grant.delegationId, {
      relation: { from: relation.kind },
      relationId: { from: relationId },
      subject: { from: listed?.residentName ?? subjectRow.name },
      other: { from: listed?.otherResidentName ?? relation.otherName ?? '' },
    });
    return { ok: true as const };
  });
}

/** One audit row per resident end, so the relation shows in both timelines. */
async function auditRelation(
  tx: DbOrTx,
  ctx: ServiceContext,
  action: string,
  subject: ResidentRow,
  other: ResidentRow | null,
  delegationId: string | null | undefined,
  changes: Record<string, { from?: unknown; to?: unknown }>,
) {
  for (const end of other ? [subject, other] : [subject]) {
    await recordResidentEvent(tx, ctx, { resident: end, action, changes, delegationId });
  }
}

/* ---- Timeline ---- */

/**
 * Appends an entry to a resident's timeline, inside the caller's transaction. For later modules (visits,
 * cases, campaign outcomes) and the import and merge jobs: `action` is `<module>.<event>`, `changes` holds
 * no clear sensitive value (mask it or write '[redacted]').
 */
export async function recordResidentEvent(
  tx: DbOrTx,
  ctx: ServiceContext,
  event: {
    resident: { id: string; streetId: string; communityId: string };
    action: string;
    changes?: Record<string, { from?: unknown; to?: unknown }> | null;
    reason?: string | null;
    delegationId?: string | null;
  },
) {
  await writeAudit(tx, ctx, {
    action: event.action,
    entityType: 'resident',
    entityId: event.resident.id,
    scope: event.resident,
    changes: event.changes ?? null,
    reason: event.reason ?? null,
    delegationId: event.delegationId ?? null,
  });
}

/** The owner's or landlord's phone of a dwelling in clear: same permission, reason and hourly limit as residents. */
export async function revealDwellingOwner(ctx: ServiceContext, dwellingId: string, reason: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.reveal', 'dwelling.not_found', (reach) =>
    findDwellingInScope(ctx.db, reach, dwellingId),
  );
  if (!ctx.actor.userId) throw dwellingNotFound();
  return ctx.db.transaction(async (tx) => {
    const dwelling = await findDwellingInScope(tx, scope, dwellingId);
    if (!dwelling) throw dwellingNotFound();
    await lockRevealsOf(tx, ctx.actor.userId!);
    const since = new Date(Date.now() - 3_600_000);
    if ((await revealsSince(tx, ctx.actor.userId!, since)) >= ctx.config.revealLimitPerHour) {
      throw revealLimit(ctx.config.revealLimitPerHour);
    }
    await recordSensitiveRead(tx, ctx, {
      entityType: 'dwelling',
      entityId: dwellingId,
      fields: ['ownerPhone'],
      reason,
      scope: dwelling,
    });
    return { ownerPhone: dwelling.ownerPhoneEnc ? ctx.crypto.decrypt(dwelling.ownerPhoneEnc) : null };
  });
}
