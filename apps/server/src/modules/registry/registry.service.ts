import type { ResidentMoveOut, RevealRequest } from '@linli/shared';
import {
  maskIdNumber,
  maskPhone,
  parseResidentId,
  type ResidentCreate,
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
import { presentResident } from './registry.presenter';
import {
  activeIdHashTaken,
  activeMembers,
  auditOfResident,
  findHouseholdInScope,
  findResidentInScope,
  householdsOfDwelling,
  insertHousehold,
  insertResident,
  lockRevealsOf,
  occupancyOfBuilding,
  type ResidentWithAddress,
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
  isDerivedTag,
  isSensitiveTag,
  namePinyin,
} from './registry.rules';
import type { ResidentRow } from './registry.table';

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
  'status',
] as const;
const SECRET_FIELDS = ['idNumber', 'phone', 'health', 'emergencyContactPhone'] as const;

/** Sensitive tags are stored as keyed tokens; this maps both ways for one key. */
function tagCodec(crypto: FieldCrypto) {
  const toToken = (code: TagCode) =>
    isSensitiveTag(code) ? `s:${crypto.hash(`tag:${code}`).slice(0, 24)}` : code;
  const byToken = new Map(TAG_CODES.map((c) => [toToken(c), c]));
  return { toToken, fromToken: (token: string) => byToken.get(token) ?? null };
}

function mayReadSensitive(ctx: ServiceContext) {
  return hasPermission(ctx.actor, 'resident.read_sensitive');
}

async function present(ctx: ServiceContext, db: DbOrTx, rows: ResidentWithAddress[]) {
  const codec = tagCodec(ctx.crypto);
  const stored = await tagsOf(
    db,
    rows.map((r) => r.resident.id),
  );
  const sensitiveOk = mayReadSensitive(ctx);
  const today = todayInShanghai();
  return rows.map((r) => {
    const codes = (stored.get(r.resident.id) ?? [])
      .map(codec.fromToken)
      .filter((c): c is TagCode => c !== null && (sensitiveOk || !isSensitiveTag(c)));
    return presentResident(r, codes, today);
  });
}

const residentTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findResidentInScope(ctx.db, reach, id).then((r) => r?.resident);

export async function searchResidentList(ctx: ServiceContext, q: ResidentSearchQuery) {
  const scope = authorize(ctx.actor, 'resident.read');
  const intent = q.q ? classifyQuery(q.q) : null;
  if (q.tag && isSensitiveTag(q.tag) && !mayReadSensitive(ctx)) {
    return { items: [], nextCursor: null };
  }
  const today = todayInShanghai();
  const ageMin =
    q.tag && AGE_TAG_MIN[q.tag] !== undefined ? Math.max(AGE_TAG_MIN[q.tag]!, q.ageMin ?? 0) : q.ageMin;
  const bounds = birthBounds(today, ageMin, q.ageMax);
  const [pinyin, id] = q.cursor?.split('|') ?? [];
  const rows = await searchResidents(ctx.db, scope, {
    intent,
    idNumberHash: intent?.kind === 'id_number' ? ctx.crypto.hash(intent.idNumber) : undefined,
    phoneHash: intent?.kind === 'phone' ? ctx.crypto.hash(intent.phone) : undefined,
    communityId: q.communityId,
    compoundId: q.compoundId,
    buildingId: q.buildingId,
    dwellingId: q.dwellingId,
    tagToken: q.tag && !isDerivedTag(q.tag) ? tagCodec(ctx.crypto).toToken(q.tag) : undefined,
    ...bounds,
    status: q.status,
    cursor: pinyin !== undefined && id ? { pinyin, id } : undefined,
    limit: q.limit,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1)?.resident;
  return {
    items: await present(ctx, ctx.db, page),
    nextCursor: rows.length > q.limit && last ? `${last.namePinyin}|${last.id}` : null,
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
      picked[f] = input[f as keyof typeof input] ?? null;
  return picked as Partial<ResidentRow>;
}

export async function createResident(ctx: ServiceContext, input: ResidentCreate) {
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
      provenance: 'manual',
      lastVerifiedAt: new Date(),
      lastVerifiedBy: ctx.actor.userId,
      createdBy: ctx.actor.userId,
    });
    if (input.dwellingId) await updateHouseholdRow(tx, h.id, { headResidentId: id });
    const tokens = manualTagTokens(ctx.crypto, input.tags);
    if (tokens?.length) await replaceTags(tx, row, tokens, ctx.actor.userId);
    await writeAudit(tx, ctx, {
      action: 'resident.create',
      entityType: 'resident',
      entityId: id,
      scope: row,
      changes: {
        ...diffFields(null, row as unknown as Record<string, unknown>, PLAIN_FIELDS),
        ...Object.fromEntries(SECRET_FIELDS.filter((f) => input[f]).map((f) => [f, { to: '[redacted]' }])),
        ...(input.tags?.length && { tags: { to: redactTags(input.tags) } }),
      },
      delegationId: grant.delegationId,
    });
    const created = await findResidentInScope(tx, scope, id);
    return (await present(ctx, tx, [created!]))[0]!;
  });
}

/** Tag names go into the audit log only when they are not sensitive. */
function redactTags(tags: TagCode[]) {
  return tags.map((t) => (TAGS[t].sensitive ? '[redacted]' : t));
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
    const found = await findResidentInScope(tx, scope, id, { forUpdate: true });
    if (!found) throw residentNotFound();
    const before = found.resident;
    const grant = assertInScope(scope, before, 'resident.not_found');
    const [current] = await present(ctx, tx, [found]);
    assertVersion(before, input.version, 'resident.version_conflict', () => current);
    if (before.status !== 'active') throw residentNotActive();
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
    const found = await findResidentInScope(tx, scope, id, { forUpdate: true });
    if (!found) throw residentNotFound();
    const before = found.resident;
    const grant = assertInScope(scope, before, 'resident.not_found');
    const [current] = await present(ctx, tx, [found]);
    assertVersion(before, input.version, 'resident.version_conflict', () => current);
    if (before.status !== 'active') throw residentNotActive();
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

export async function residentTimeline(ctx: ServiceContext, id: string) {
  await getResident(ctx, id);
  const rows = await auditOfResident(ctx.db, id);
  return rows.map((r) => ({
    id: r.entry.id,
    at: r.entry.at.toISOString(),
    kind: r.entry.action,
    actorName: r.actorName,
    changes: r.entry.changes ?? null,
  }));
}

export async function listHouseholds(ctx: ServiceContext, dwellingId: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'dwelling.not_found', (reach) =>
    findDwellingInScope(ctx.db, reach, dwellingId),
  );
  const dwelling = await findDwellingInScope(ctx.db, scope, dwellingId);
  if (!dwelling) throw dwellingNotFound();
  const list = await householdsOfDwelling(ctx.db, scope, dwellingId);
  const members = await present(
    ctx,
    ctx.db,
    await residentsOfHouseholds(
      ctx.db,
      scope,
      list.map((h) => h.id),
    ),
  );
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
