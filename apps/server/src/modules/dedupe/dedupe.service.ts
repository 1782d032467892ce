import {
  DEDUPE_REASONS,
  type DedupeCandidate,
  type DedupeCandidatesQuery,
  type DedupeComparison,
  type DedupeReason,
  MERGE_FIELDS,
  type MergeField,
  type MergeRequest,
  todayInShanghai,
} from '@linli/shared';
import type { ServiceContext } from '../../platform/context';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { assertInScope, authorize, authorizeFor, type Scope } from '../../platform/scope';
import { writeAudit } from '../audit/audit.service';
import type { AuditChanges } from '../audit/audit.table';
import { residentNotFound } from '../registry/registry.errors';
import {
  activeIdHashTaken,
  activeMembers,
  addTags,
  findHouseholdInScope,
  findResidentInScope,
  updateHouseholdRow,
  updateResidentRow,
} from '../registry/registry.repository';
import { getResident } from '../registry/registry.service';
import type { ResidentRow } from '../registry/registry.table';
import { alreadyUndone, mergeNotFound, notMergeable, survivorNotActive, undoConflict } from './dedupe.errors';
import { presentMerge, presentSummary } from './dedupe.presenter';
import {
  changesSince,
  dismissedAmong,
  duplicateGroups,
  dwellingPairs,
  factsOf,
  findMergeInScope,
  insertDismissal,
  insertMerge,
  listMerges,
  relationsNaming,
  repointRelation,
  restoreRow,
  restoreTags,
  snapshotRow,
  snapshotTags,
  timelineCount,
  updateMerge,
  versionOf,
} from './dedupe.repository';
import {
  candidateRank,
  defaultSide,
  effectiveChoices,
  FIELD_COLUMNS,
  mergePatch,
  orderedPair,
  reasonsFor,
  similarNames,
} from './dedupe.rules';
import type { RowSnapshot } from './dedupe.table';

/** Pairs one rule may propose per answer: enough for a day's review, bounded for a street of 250k. */
const PAIRS_PER_RULE = 500;

/** Both records must be in the caller's reach; either one missing is a 404 about the pair. */
function pairTarget(ctx: ServiceContext, aId: string, bId: string) {
  return async (reach: Scope) => {
    const [a, b] = await Promise.all([
      findResidentInScope(ctx.db, reach, aId),
      findResidentInScope(ctx.db, reach, bId),
    ]);
    return a && b ? a.resident : null;
  };
}

async function authorizePair(ctx: ServiceContext, aId: string, bId: string) {
  return authorizeFor(ctx.actor, 'resident.merge', 'resident.not_found', pairTarget(ctx, aId, bId));
}

/** Largest group a key may form before it stops meaning "one person" (a shared office phone …). */
const MAX_GROUP = 30;

function allPairs(ids: string[]): [string, string][] {
  const out: [string, string][] = [];
  const members = ids.slice(0, MAX_GROUP);
  for (let i = 0; i < members.length; i++)
    for (let j = i + 1; j < members.length; j++) out.push([members[i]!, members[j]!]);
  return out;
}

/** The pairs one rule proposes, and whether there were more than one answer carries. */
async function pairsOf(ctx: ServiceContext, scope: Scope, rule: DedupeReason, communityId?: string) {
  const pairs: [string, string][] = [];
  if (rule === 'dwelling_similar_name') {
    for (const { a, b } of await dwellingPairs(ctx.db, scope, { communityId })) {
      if (similarNames(a, b)) pairs.push([a.id, b.id]);
    }
  } else {
    const groups = await duplicateGroups(ctx.db, scope, rule, { communityId, limit: PAIRS_PER_RULE });
    for (const g of groups.slice(0, PAIRS_PER_RULE)) {
      if (rule === 'same_id') {
        const active = g.members.filter((x) => x.status === 'active');
        const gone = g.members.filter((x) => x.status !== 'active');
        for (const x of active) for (const y of gone) pairs.push([x.id, y.id]);
      } else pairs.push(...allPairs(g.members.map((x) => x.id)));
    }
    if (groups.length > PAIRS_PER_RULE) return { pairs: pairs.slice(0, PAIRS_PER_RULE), truncated: true };
  }
  return { pairs: pairs.slice(0, PAIRS_PER_RULE), truncated: pairs.length > PAIRS_PER_RULE };
}

export async function listCandidates(ctx: ServiceContext, q: DedupeCandidatesQuery) {
  const scope = authorize(ctx.actor, 'resident.merge');
  const rules = q.reason ? [q.reason] : DEDUPE_REASONS;
  const pairs = new Map<string, [string, string]>();
  let truncated = false;
  for (const rule of rules) {
    const found = await pairsOf(ctx, scope, rule, q.communityId);
    truncated ||= found.truncated;
    for (const [x, y] of found.pairs) pairs.set(orderedPair(x, y).join('|'), [x, y]);
  }
  const dismissed = await dismissedAmong(
    ctx.db,
    [...pairs.keys()].map((k) => k.split('|')[0]!),
  );
  for (const key of dismissed) pairs.delete(key);
  const ids = [...new Set([...pairs.values()].flat())];
  const facts = new Map((await factsOf(ctx.db, scope, ids)).map((f) => [f.id, f]));
  const items: DedupeCandidate[] = [];
  for (const [aId, bId] of pairs.values()) {
    const a = facts.get(aId);
    const b = facts.get(bId);
    if (!a || !b) continue;
    const reasons = reasonsFor(a, b);
    if (reasons.length === 0 || (q.reason && !reasons.includes(q.reason))) continue;
    items.push({ a: presentSummary(a), b: presentSummary(b), reasons });
  }
  items.sort((x, y) => candidateRank(y.reasons) - candidateRank(x.reasons) || x.a.id.localeCompare(y.a.id));
  return { items, truncated };
}

export async function compareResidents(
  ctx: ServiceContext,
  aId: string,
  bId: string,
): Promise<DedupeComparison> {
  const scope = await authorizePair(ctx, aId, bId);
  const [rowA, rowB] = await Promise.all([
    findResidentInScope(ctx.db, scope, aId),
    findResidentInScope(ctx.db, scope, bId),
  ]);
  if (!rowA || !rowB || aId === bId) throw residentNotFound();
  const side = async (row: NonNullable<typeof rowA>) => ({
    resident: await getResident(ctx, row.resident.id),
    timelineCount: await timelineCount(ctx.db, row.resident.id),
    lastVerifiedAt: row.resident.lastVerifiedAt?.toISOString() ?? null,
  });
  const defaults: DedupeComparison['defaults'] = {};
  for (const f of MERGE_FIELDS) defaults[f] = defaultSide(f, rowA.resident, rowB.resident) === 0 ? 'a' : 'b';
  return {
    a: await side(rowA),
    b: await side(rowB),
    reasons: reasonsFor(rowA.resident, rowB.resident),
    defaults,
  };
}

export async function dismissPair(ctx: ServiceContext, aId: string, bId: string) {
  const scope = await authorizePair(ctx, aId, bId);
  const [lo, hi] = orderedPair(aId, bId);
  await ctx.db.transaction(async (tx) => {
    const [a, b] = await Promise.all([
      findResidentInScope(tx, scope, lo),
      findResidentInScope(tx, scope, hi),
    ]);
    if (!a || !b || lo === hi) throw residentNotFound();
    const grant = assertInScope(scope, a.resident, 'resident.not_found');
    const added = await insertDismissal(tx, {
      id: newId(),
      streetId: a.resident.streetId,
      communityId: a.resident.communityId,
      residentLowId: lo,
      residentHighId: hi,
      createdBy: ctx.actor.userId,
    });
    if (!added) return;
    await writeAudit(tx, ctx, {
      action: 'resident.dedupe_dismiss',
      entityType: 'resident',
      entityId: lo,
      scope: a.resident,
      changes: { otherResidentId: { to: hi } },
      delegationId: grant.delegationId,
    });
  });
  return { ok: true as const };
}

/** How a field taken from the merged record reads in the audit log: masked, never in clear. */
function auditValue(row: ResidentRow, field: MergeField): unknown {
  switch (field) {
    case 'idNumber':
      return row.idNumberMasked;
    case 'phone':
      return row.phoneMasked;
    case 'emergencyContactPhone':
      return row.emergencyContactPhoneMasked;
    case 'health':
      return row.healthEnc ? '[redacted]' : null;
    default:
      return row[FIELD_COLUMNS[field][0]];
  }
}

/** Sensitive tags are stored as keyed tokens (`s:…`); the log names only the ones that are not. */
const redactToken = (token: string) => (token.startsWith('s:') ? '[redacted]' : token);

export async function mergeResidents(ctx: ServiceContext, input: MergeRequest) {
  const scope = await authorizePair(ctx, input.survivorId, input.mergedId);
  const outcome = await ctx.db.transaction(async (tx) => {
    // Locks in id order, so two merges of overlapping pairs cannot deadlock.
    const locked = new Map<string, NonNullable<Awaited<ReturnType<typeof findResidentInScope>>>>();
    for (const id of orderedPair(input.survivorId, input.mergedId)) {
      const row = await findResidentInScope(tx, scope, id, { forUpdate: true });
      if (!row) throw residentNotFound();
      locked.set(id, row);
    }
    const survivor = locked.get(input.survivorId)!.resident;
    const merged = locked.get(input.mergedId)!.resident;
    const grant = assertInScope(scope, survivor, 'resident.not_found');
    assertInScope(scope, merged, 'resident.not_found');
    if (survivor.version !== input.survivorVersion) return { stale: survivor.id, mergeId: null };
    if (merged.version !== input.mergedVersion) return { stale: merged.id, mergeId: null };
    if (survivor.status !== 'active') throw survivorNotActive();
    if (merged.status === 'merged') throw notMergeable();

    const household =
      (await findHouseholdInScope(tx, scope, merged.householdId, { forUpdate: true })) ?? null;
    const before = {
      survivor: (await snapshotRow(tx, 'residents', survivor.id))!,
      merged: (await snapshotRow(tx, 'residents', merged.id))!,
      survivorTags: await snapshotTags(tx, survivor.id),
      mergedTags: await snapshotTags(tx, merged.id),
      households: [] as RowSnapshot[],
    };

    const choices = effectiveChoices(input.choices, survivor, merged);
    // The merged record leaves the active register first, so the unique index on active ID numbers
    // accepts the ID number moving to the survivor.
    await updateResidentRow(tx, merged.id, { status: 'merged', mergedIntoId: survivor.id });
    await updateResidentRow(tx, survivor.id, {
      ...(mergePatch(choices, merged) as Partial<ResidentRow>),
      lastVerifiedAt: new Date(),
      lastVerifiedBy: ctx.actor.userId,
    });
    const survivorTokens = new Set((before.survivorTags as { tag: string }[]).map((t) => t.tag));
    const addedTokens = (before.mergedTags as { tag: string }[])
      .map((t) => t.tag)
      .filter((t) => !survivorTokens.has(t));
    await addTags(tx, survivor, addedTokens, ctx.actor.userId);

    // The merged record's household: its head pointer moves to the survivor when they share it and
    // is cleared otherwise; a household left with nobody living in it closes, as on a move-out.
    const householdVersionsAfter: Record<string, number> = {};
    if (household) {
      const patch: { headResidentId?: string | null; status?: 'moved_out'; movedOutAt?: string } = {};
      if (household.headResidentId === merged.id) {
        patch.headResidentId = survivor.householdId === household.id ? survivor.id : null;
      }
      if (household.status === 'active' && (await activeMembers(tx, household.id)) === 0) {
        patch.status = 'moved_out';
        patch.movedOutAt = todayInShanghai();
      }
      if (Object.keys(patch).length) {
        before.households.push((await snapshotRow(tx, 'households', household.id))!);
        await updateHouseholdRow(tx, household.id, patch);
        householdVersionsAfter[household.id] = (await versionOf(tx, 'households', household.id))!;
      }
    }

    // Relations that name the merged record (its carer, the guardian it is for …) now name the survivor.
    const relationsBefore: RowSnapshot[] = [];
    const relationVersionsAfter: Record<string, number> = {};
    for (const r of await relationsNaming(tx, merged.id, survivor.id)) {
      relationsBefore.push((await snapshotRow(tx, 'resident_relations', r.id))!);
      await repointRelation(tx, r.id, merged.id, survivor);
      relationVersionsAfter[r.id] = (await versionOf(tx, 'resident_relations', r.id))!;
    }

    const id = newId();
    await insertMerge(tx, {
      id,
      streetId: survivor.streetId,
      communityId: survivor.communityId,
      survivorId: survivor.id,
      mergedId: merged.id,
      mergedStreetId: merged.streetId,
      mergedCommunityId: merged.communityId,
      choices,
      survivorBefore: before.survivor,
      mergedBefore: before.merged,
      survivorTagsBefore: before.survivorTags,
      mergedTagsBefore: before.mergedTags,
      householdsBefore: before.households,
      survivorVersionAfter: (await versionOf(tx, 'residents', survivor.id))!,
      mergedVersionAfter: (await versionOf(tx, 'residents', merged.id))!,
      householdVersionsAfter,
      relationsBefore,
      relationVersionsAfter,
      createdBy: ctx.actor.userId,
    });
    const changes: AuditChanges = {
      mergeId: { to: id },
      mergedResidentId: { to: merged.id },
    };
    for (const f of MERGE_FIELDS) {
      if (choices[f] !== 'merged') continue;
      const from = auditValue(survivor, f);
      const to = auditValue(merged, f);
      if (JSON.stringify(from) !== JSON.stringify(to) || f === 'health') changes[f] = { from, to };
    }
    if (addedTokens.length) changes.tags = { to: addedTokens.map(redactToken) };
    if (relationsBefore.length) changes.relations = { to: relationsBefore.length };
    await writeAudit(tx, ctx, {
      action: 'resident.merge',
      entityType: 'resident',
      entityId: survivor.id,
      scope: survivor,
      changes,
      delegationId: grant.delegationId,
    });
    return { stale: null, mergeId: id };
  });
  if (outcome.stale) {
    throw new AppError('resident.version_conflict', {}, { current: await getResident(ctx, outcome.stale) });
  }
  return getMerge(ctx, outcome.mergeId!);
}

const mergeTarget = (ctx: ServiceContext, id: string) => async (reach: Scope) =>
  (await findMergeInScope(ctx.db, reach, id))?.merge;

export async function getMerge(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.merge',
    'dedupe.merge_not_found',
    mergeTarget(ctx, id),
  );
  const row = await findMergeInScope(ctx.db, scope, id);
  if (!row) throw mergeNotFound();
  return presentMerge(row);
}

export async function listMergeRecords(ctx: ServiceContext, status?: 'merged' | 'undone') {
  const scope = authorize(ctx.actor, 'resident.merge');
  return (await listMerges(ctx.db, scope, status)).map(presentMerge);
}

/**
 * Puts both records back exactly as they were before the merge. An undo never overwrites later
 * work: when either record (or the household the merge touched) changed since, it refuses with the
 * fields that changed, and the reviewer reconciles by hand.
 */
export async function undoMerge(ctx: ServiceContext, id: string, version: number) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.merge',
    'dedupe.merge_not_found',
    mergeTarget(ctx, id),
  );
  const outcome = await ctx.db.transaction(async (tx) => {
    const found = await findMergeInScope(tx, scope, id, { forUpdate: true });
    if (!found) throw mergeNotFound();
    const m = found.merge;
    if (m.version !== version) return { stale: true as const };
    if (m.status === 'undone') throw alreadyUndone();
    const grant = assertInScope(scope, m, 'dedupe.merge_not_found');
    for (const rid of orderedPair(m.survivorId, m.mergedId)) {
      if (!(await findResidentInScope(tx, scope, rid, { forUpdate: true }))) throw mergeNotFound();
    }
    const moved: string[] = [];
    if ((await versionOf(tx, 'residents', m.survivorId)) !== m.survivorVersionAfter) moved.push(m.survivorId);
    if ((await versionOf(tx, 'residents', m.mergedId)) !== m.mergedVersionAfter) moved.push(m.mergedId);
    // Households and relations the merge changed: an edit to any of them since also blocks the undo.
    let othersMoved = false;
    for (const [hid, v] of Object.entries(m.householdVersionsAfter)) {
      if ((await versionOf(tx, 'households', hid)) !== v) othersMoved = true;
    }
    for (const [rid, v] of Object.entries(m.relationVersionsAfter)) {
      if ((await versionOf(tx, 'resident_relations', rid)) !== v) othersMoved = true;
    }
    if (moved.length || othersMoved) {
      const fields = new Set<string>();
      for (const c of await changesSince(tx, moved, m.createdAt)) {
        for (const k of Object.keys(c.changes ?? {})) fields.add(k);
        if (c.action !== 'resident.update') fields.add(c.action.replace(/^resident\./, ''));
      }
      if (othersMoved) fields.add('household_or_relations');
      if (fields.size === 0) fields.add('version');
      throw undoConflict([...fields].sort());
    }
    // The merged record gets its ID number back as an active resident: nobody else may hold it now.
    const mergedBefore = m.mergedBefore as { status?: string; id_number_hash?: string | null };
    const restoredHash = mergedBefore.id_number_hash ?? null;
    if (
      mergedBefore.status === 'active' &&
      restoredHash &&
      (await activeIdHashTaken(tx, restoredHash, m.survivorId))
    ) {
      throw undoConflict(['idNumber']);
    }
    // Survivor first: it may hold the merged record's ID number, which must be free before that comes back.
    await restoreRow(tx, 'residents', m.survivorBefore);
    await restoreRow(tx, 'residents', m.mergedBefore);
    await restoreTags(tx, m.survivorId, m.survivorTagsBefore);
    await restoreTags(tx, m.mergedId, m.mergedTagsBefore);
    for (const h of m.householdsBefore) await restoreRow(tx, 'households', h);
    for (const r of m.relationsBefore) await restoreRow(tx, 'resident_relations', r);
    await updateMerge(tx, m.id, { status: 'undone', undoneAt: new Date(), undoneBy: ctx.actor.userId });
    await writeAudit(tx, ctx, {
      action: 'resident.merge_undo',
      entityType: 'resident',
      entityId: m.survivorId,
      scope: m,
      changes: { mergeId: { to: m.id }, mergedResidentId: { to: m.mergedId } },
      delegationId: grant.delegationId,
    });
    return { stale: false as const };
  });
  if (outcome.stale) {
    throw new AppError('dedupe.version_conflict', {}, { current: await getMerge(ctx, id) });
  }
  return getMerge(ctx, id);
}
