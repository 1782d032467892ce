import {
  type Answers,
  type FormDefinition,
  fieldsOf,
  Id,
  isSensitiveAnswerField,
  type RegisterTarget,
  ResidentCreate,
  ResidentMove,
  ResidentUpdate,
  SUBMISSION_EXPORT_MAX_ROWS,
  type SubmissionApply,
  type SubmissionBulkMark,
  type SubmissionDiffRow,
  type SubmissionExport,
  type SubmissionListQuery,
  type SubmissionMark,
  TAGS,
  type TagCode,
  todayInShanghai,
} from '@linli/shared';
import type { z } from 'zod';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx } from '../../platform/db';
import { AppError, isAppError } from '../../platform/errors';
import {
  assertInScope,
  authorize,
  authorizeFor,
  coveringGrant,
  hasPermission,
  type Scope,
} from '../../platform/scope';
import { recordExport, recordSensitiveRead, writeAudit } from '../audit/audit.service';
import { findDwellingInScope } from '../buildings/buildings.repository';
import type { FormVersionRow } from '../forms/forms.table';
import { userNames } from '../ledgers/ledgers.repository';
import { contentDisposition, exportFileName, shanghaiTime, watermarkText } from '../ledgers/ledgers.rules';
import { type ExportFile, xlsxOf } from '../ledgers/ledgers.service';
import { revealLimit } from '../registry/registry.errors';
import {
  findResidentById,
  findResidentInScope,
  lockRevealsOf,
  revealsSince,
} from '../registry/registry.repository';
import {
  createResident,
  getResident,
  moveResident,
  recordResidentEvent,
  updateResident,
} from '../registry/registry.service';
import { invalidStatus, notAnswered, submissionNotFound } from './submissions.errors';
import { presentSubmission } from './submissions.presenter';
import {
  activeNamesIn,
  candidateResidents,
  findFormInReach,
  findSubmissionInScope,
  findVersion,
  listSubmissions,
  liveChainIds,
  lockSubmissionsInScope,
  type SubmissionFilters,
  type SubmissionWithForm,
  updateSubmissionRows,
  userName,
  versionsOfForm,
} from './submissions.repository';
import {
  answerTags,
  CHAIN_NO_HEADER,
  canApply,
  canMark,
  decodeCursor,
  diffState,
  displayAnswer,
  EXPORT_HEADERS,
  encodeCursor,
  type MatchReason,
  mappedAnswers,
  maskAnswer,
  maskAnswers,
  maskTarget,
  matchStrength,
  provenanceText,
  RESIDENT_FIELD,
  registerLabel,
  registerValue,
  SENSITIVE_TARGETS,
  STATUS_LABELS,
  sensitiveAnswers,
  tagsText,
  targetOfResidentField,
} from './submissions.rules';

const submissionTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findSubmissionInScope(ctx.db, reach, id).then((r) => r?.submission);

function answersOf(ctx: ServiceContext, row: SubmissionWithForm): Answers {
  return JSON.parse(ctx.crypto.decrypt(row.submission.answersEnc)) as Answers;
}

async function versionOf(db: DbOrTx, row: SubmissionWithForm): Promise<FormVersionRow> {
  const version = await findVersion(db, row.submission.versionId);
  // Versions are never deleted and every answer names the one it was checked against (ADR 0013); a
  // broken row must not pass for an empty form.
  if (!version) throw new Error(`form version ${row.submission.versionId} is missing`);
  return version;
}

function filtersOf(q: Omit<SubmissionListQuery, 'cursor' | 'limit'>): SubmissionFilters {
  return {
    formId: q.formId,
    versionNo: q.versionNo,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    status: q.status,
    matched: q.matched,
  };
}

export async function listInbox(ctx: ServiceContext, q: SubmissionListQuery) {
  const scope = authorize(ctx.actor, 'form.read');
  const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (cursor === null) {
    throw new AppError('request.validation', {}, { issues: [{ path: 'cursor', code: 'invalid_format' }] });
  }
  const rows = await listSubmissions(ctx.db, [scope], filtersOf(q), { cursor, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: await presentAll(ctx, ctx.db, page),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.submission) : null,
  };
}

/**
 * Answers as the inbox lists them. An answer matched by neither ID number nor phone is looked up once
 * more by the name it gives in the dwelling it names (compared by keyed hash: the name is stored only
 * encrypted), the weak match its page offers; only for callers who may read residents.
 */
async function presentAll(ctx: ServiceContext, db: DbOrTx, rows: SubmissionWithForm[]) {
  const unmatched = rows.filter((r) => !r.matched && r.submission.dwellingId && r.submission.nameHash);
  const named = new Set<string>();
  if (unmatched.length && hasPermission(ctx.actor, 'resident.read')) {
    const scope = authorize(ctx.actor, 'resident.read');
    const dwellingIds = [...new Set(unmatched.map((r) => r.submission.dwellingId!))];
    for (const r of await activeNamesIn(db, scope, dwellingIds)) {
      named.add(`${r.dwellingId}:${ctx.crypto.hash(r.name.trim())}`);
    }
  }
  return rows.map((r) =>
    presentSubmission(r, !r.matched && named.has(`${r.submission.dwellingId}:${r.submission.nameHash}`)),
  );
}

async function visibleSubmission(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(ctx.actor, 'form.read', 'submission.not_found', submissionTarget(ctx, id));
  const row = await findSubmissionInScope(ctx.db, scope, id);
  if (!row) throw submissionNotFound();
  return row;
}

function definitionView(definition: FormDefinition) {
  return {
    sections: definition.sections.map((s) => ({
      title: s.title,
      ...(s.description !== undefined && { description: s.description }),
      fields: s.fields.map((f) => ({
        key: f.key,
        type: f.type,
        label: f.label,
        ...(f.labelEn !== undefined && { labelEn: f.labelEn }),
        ...(f.help !== undefined && { help: f.help }),
        ...(f.unit !== undefined && { unit: f.unit }),
        ...(f.options && {
          options: f.options.map((o) => ({
            value: o.value,
            label: o.label,
            ...(o.labelEn !== undefined && { labelEn: o.labelEn }),
          })),
        }),
        ...(f.maps !== undefined && { maps: f.maps }),
        sensitive: isSensitiveAnswerField(f),
      })),
    })),
  };
}

/** The answer with its labels; phones and ID numbers masked (the clear values only through reveal). */
export async function getSubmission(ctx: ServiceContext, id: string) {
  const row = await visibleSubmission(ctx, id);
  const version = await versionOf(ctx.db, row);
  const { answers, maskedKeys } = maskAnswers(version.definition, answersOf(ctx, row));
  const s = row.submission;
  const [item] = await presentAll(ctx, ctx.db, [row]);
  return {
    ...item!,
    formSlug: row.formSlug,
    formMode: row.formMode,
    definition: definitionView(version.definition),
    answers,
    maskedKeys,
    dwellingId: s.dwellingId,
    appliedAt: s.appliedAt?.toISOString() ?? null,
    appliedByName: await userName(ctx.db, s.appliedBy),
  };
}

/** The clear sensitive answers, for a stated reason: audited and counted like the register's reveals. */
export async function revealSubmission(ctx: ServiceContext, id: string, reason: string) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.reveal',
    'submission.not_found',
    submissionTarget(ctx, id),
  );
  if (!ctx.actor.userId) throw submissionNotFound();
  const userId = ctx.actor.userId;
  return ctx.db.transaction(async (tx) => {
    const row = await findSubmissionInScope(tx, scope, id);
    if (!row) throw submissionNotFound();
    const version = await versionOf(tx, row);
    const clear = sensitiveAnswers(version.definition, answersOf(ctx, row));
    const fields = Object.keys(clear);
    if (!fields.length) return { answers: {} };
    // One lock per person around counting and recording, as for residents: parallel reveals cannot overrun.
    await lockRevealsOf(tx, userId);
    if ((await revealsSince(tx, userId, new Date(Date.now() - 3_600_000))) >= ctx.config.revealLimitPerHour) {
      throw revealLimit(ctx.config.revealLimitPerHour);
    }
    await recordSensitiveRead(tx, ctx, {
      entityType: 'submission',
      entityId: id,
      fields,
      reason,
      scope: row.submission,
    });
    return { answers: clear };
  });
}

/** Reviewed or rejected (with a reason), naming the version read. Handling the inbox is `form.apply`'s. */
export async function markSubmission(ctx: ServiceContext, id: string, body: SubmissionMark) {
  const scope = await authorizeFor(
    ctx.actor,
    'form.apply',
    'submission.not_found',
    submissionTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    const row = await findSubmissionInScope(tx, scope, id, { forUpdate: true });
    if (!row) throw submissionNotFound();
    const s = row.submission;
    const grant = assertInScope(scope, s, 'submission.not_found');
    const [current] = await presentAll(ctx, tx, [row]);
    assertVersion(s, body.version, 'submission.version_conflict', () => current);
    if (!canMark(s.status, body.status)) throw invalidStatus(s.status);
    const reason = body.reason || null;
    await updateSubmissionRows(tx, [id], {
      status: body.status,
      rejectReason: body.status === 'rejected' ? reason : null,
    });
    await writeAudit(tx, ctx, {
      action: 'submission.mark',
      entityType: 'submission',
      entityId: id,
      scope: s,
      changes: { status: { from: s.status, to: body.status } },
      reason,
      delegationId: grant.delegationId,
    });
    const [marked] = await presentAll(ctx, tx, [(await findSubmissionInScope(tx, scope, id))!]);
    return marked!;
  });
}

/** Up to a page of answers at once, all or nothing: one missing or unmovable answer changes none. */
export async function bulkMarkSubmissions(ctx: ServiceContext, body: SubmissionBulkMark) {
  const scope = authorize(ctx.actor, 'form.apply');
  const ids = [...new Set(body.ids)];
  return ctx.db.transaction(async (tx) => {
    const rows = await lockSubmissionsInScope(tx, scope, ids);
    if (rows.length !== ids.length) {
      const found = new Set(rows.map((r) => r.id));
      throw new AppError('submission.not_found', {}, { ids: ids.filter((i) => !found.has(i)) });
    }
    const stuck = rows.filter((r) => !canMark(r.status, body.status));
    if (stuck.length)
      throw invalidStatus(
        stuck[0]!.status,
        stuck.map((r) => r.id),
      );
    const reason = body.reason || null;
    await updateSubmissionRows(tx, ids, {
      status: body.status,
      rejectReason: body.status === 'rejected' ? reason : null,
    });
    for (const r of rows) {
      await writeAudit(tx, ctx, {
        action: 'submission.mark',
        entityType: 'submission',
        entityId: r.id,
        scope: r,
        changes: { status: { from: r.status, to: body.status }, bulk: { to: ids.length } },
        reason,
        delegationId: coveringGrant(scope, r)?.delegationId ?? null,
      });
    }
    return { updated: rows.length };
  });
}

/* ---- Matching and applying ---- */

/** The answering person's name: the field feeding `resident.name`, else a text field keyed `name`. */
function nameOf(definition: FormDefinition, answers: Answers): string | null {
  const value =
    mappedAnswers(definition, answers).get('resident.name')?.value ??
    answers[fieldsOf(definition).find((f) => f.type === 'text' && f.key === 'name')?.key ?? ''];
  return typeof value === 'string' ? value.trim() : null;
}

/** People of the register the answer may be about, strongest reason first; needs `resident.read`. */
export async function submissionCandidates(ctx: ServiceContext, id: string) {
  const row = await visibleSubmission(ctx, id);
  if (!hasPermission(ctx.actor, 'resident.read')) return { items: [] };
  const residentScope = authorize(ctx.actor, 'resident.read');
  const version = await versionOf(ctx.db, row);
  const s = row.submission;
  const name = nameOf(version.definition, answersOf(ctx, row));
  const found = await candidateResidents(ctx.db, residentScope, {
    idHash: s.idHash,
    phoneHash: s.phoneHash,
    dwellingId: s.dwellingId,
    name,
  });
  const items = [];
  for (const r of found) {
    const reasons: MatchReason[] = [];
    if (s.idHash && r.idNumberHash === s.idHash) reasons.push('id_number');
    if (s.phoneHash && r.phoneHash === s.phoneHash) reasons.push('phone');
    if (s.dwellingId && name && r.dwellingId === s.dwellingId && r.name === name)
      reasons.push('name_dwelling');
    const resident = await getResident(ctx, r.id);
    items.push({
      residentId: resident.id,
      name: resident.name,
      address: resident.address,
      age: resident.age,
      phoneMasked: resident.phoneMasked,
      idNumberMasked: resident.idNumberMasked,
      version: resident.version,
      reasons,
      strength: matchStrength(reasons),
    });
  }
  const rank = { strong: 0, medium: 1, weak: 2 } as const;
  items.sort((a, b) => rank[a.strength] - rank[b.strength] || a.name.localeCompare(b.name));
  return { items };
}

type ResidentRowOf = NonNullable<Awaited<ReturnType<typeof findResidentInScope>>>;

/** The register's value of a target, masked where sensitive, and whether the proposed one equals it. */
function currentOf(
  ctx: ServiceContext,
  found: ResidentRowOf,
  address: string,
  target: Exclude<RegisterTarget, 'resident.tags'>,
  proposed: string,
): { current: string | null; equal: boolean } {
  const r = found.resident;
  switch (target) {
    case 'resident.phone':
      return { current: r.phoneMasked, equal: r.phoneHash === ctx.crypto.hash(proposed) };
    case 'resident.idNumber':
      return { current: r.idNumberMasked, equal: r.idNumberHash === ctx.crypto.hash(proposed) };
    case 'resident.emergencyContactPhone':
      return {
        current: r.emergencyContactPhoneMasked,
        equal: !!r.emergencyContactPhoneEnc && ctx.crypto.decrypt(r.emergencyContactPhoneEnc) === proposed,
      };
    case 'household.dwelling':
      return { current: address, equal: r.dwellingId === proposed };
    default: {
      const value = (r as unknown as Record<string, string | null>)[RESIDENT_FIELD[target]] ?? null;
      return {
        current: registerLabel(target, value, ctx.locale),
        equal: value !== null && value === proposed,
      };
    }
  }
}

/** A different answered address is applied as a move: only into a dwelling in use that the worker may register in. */
async function mayMoveInto(ctx: ServiceContext, dwellingId: string) {
  if (!hasPermission(ctx.actor, 'resident.write') || !Id.safeParse(dwellingId).success) return false;
  const dwelling = await findDwellingInScope(ctx.db, authorize(ctx.actor, 'resident.write'), dwellingId);
  return dwelling?.status === 'active';
}

/** Field by field: what the register holds, what the answer proposes, and whether it would change. */
export async function submissionDiff(ctx: ServiceContext, id: string, residentId: string | undefined) {
  const row = await visibleSubmission(ctx, id);
  const version = await versionOf(ctx.db, row);
  const mapped = mappedAnswers(version.definition, answersOf(ctx, row));
  let found: ResidentRowOf | null = null;
  let address = '';
  let tags: TagCode[] = [];
  if (residentId) {
    // The presented record answers 404/403 by the register's own rules before anything is compared.
    const resident = await getResident(ctx, residentId);
    address = resident.address;
    // An answer can add no sensitive tag, so the ones the resident has stay on their own page.
    tags = resident.tags.filter((code) => !TAGS[code].sensitive);
    found = await findResidentInScope(ctx.db, authorize(ctx.actor, 'resident.read'), residentId);
    if (!found) throw new AppError('resident.not_found');
  }
  const rows: SubmissionDiffRow[] = [];
  for (const [target, { field, value }] of mapped) {
    const label = ctx.locale === 'en-US' && field.labelEn ? field.labelEn : field.label;
    if (target === 'resident.tags') {
      const chosen = answerTags(value);
      if (!chosen.length) continue;
      // Applying only adds: a tag the resident has and the answer leaves out is kept, so never 'changed'.
      const adding = chosen.filter((code) => !tags.includes(code));
      rows.push({
        target,
        fieldKey: field.key,
        label,
        current: found && tags.length ? tagsText(tags, ctx.locale) : null,
        proposed: tagsText(chosen, ctx.locale),
        state: adding.length ? 'new' : 'same',
        sensitive: false,
        applicable: true,
      });
      continue;
    }
    const raw = registerValue(value);
    if (raw === null) continue;
    const sensitive = SENSITIVE_TARGETS.includes(target);
    const proposed = sensitive ? maskTarget(target, raw) : displayAnswer(field, value, ctx.locale);
    if (!found) {
      rows.push({
        target,
        fieldKey: field.key,
        label,
        current: null,
        proposed,
        state: 'new',
        sensitive,
        applicable: true,
      });
      continue;
    }
    const { current, equal } = currentOf(ctx, found, address, target, raw);
    const state = diffState(current === null || current === '', equal);
    rows.push({
      target,
      fieldKey: field.key,
      label,
      current,
      proposed,
      state,
      sensitive,
      applicable: target !== 'household.dwelling' || equal || (await mayMoveInto(ctx, raw)),
    });
  }
  return {
    residentId: found?.resident.id ?? null,
    residentName: found?.resident.name ?? null,
    residentVersion: found?.resident.version ?? null,
    rows,
  };
}

/** Zod's issues on the register's input, renamed to the targets the console shows. */
function registerIssues(error: z.ZodError) {
  return error.issues.map((i) => {
    const path = String(i.path[0] ?? '');
    return {
      path:
        path === 'dwellingId'
          ? 'household.dwelling'
          : path === 'version'
            ? 'residentVersion'
            : targetOfResidentField(path),
      code: ['phone', 'id_number', 'resident_id_checksum', 'date_in_future'].includes(i.message)
        ? i.message
        : 'invalid_format',
    };
  });
}

/** A register error naming a resident field comes back naming the target the worker chose. */
async function namingTargets<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const issues = isAppError(error)
      ? (error.details?.issues as { path: string; code: string }[] | undefined)
      : undefined;
    if (!isAppError(error) || !issues) throw error;
    throw new AppError(error.code, error.params, {
      ...error.details,
      issues: issues.map((i) => ({ ...i, path: targetOfResidentField(i.path) })),
    });
  }
}

/**
 * Writes the chosen fields of an answer into the register through the registry's own update or create
 * (in a savepoint of this transaction), adds the provenance to the resident's timeline, and marks the
 * answer applied: all in one transaction with their audit rows, or nothing.
 */
export async function applySubmission(ctx: ServiceContext, id: string, body: SubmissionApply) {
  const scope = await authorizeFor(
    ctx.actor,
    'form.apply',
    'submission.not_found',
    submissionTarget(ctx, id),
  );
  if (!hasPermission(ctx.actor, 'resident.write')) throw new AppError('auth.forbidden');
  const fields = [...new Set(body.fields)];
  return ctx.db.transaction(async (tx) => {
    const row = await findSubmissionInScope(tx, scope, id, { forUpdate: true });
    if (!row) throw submissionNotFound();
    const s = row.submission;
    const grant = assertInScope(scope, s, 'submission.not_found');
    const [current] = await presentAll(ctx, tx, [row]);
    assertVersion(s, body.version, 'submission.version_conflict', () => current);
    if (!canApply(s.status)) throw invalidStatus(s.status);
    const version = await versionOf(tx, row);
    const mapped = mappedAnswers(version.definition, answersOf(ctx, row));
    const missing = fields.filter((t) => !mapped.has(t));
    if (missing.length) throw notAnswered(missing);
    const values: Record<string, string> = {};
    for (const target of fields) {
      if (target === 'household.dwelling' || target === 'resident.tags') continue;
      values[RESIDENT_FIELD[target]] = registerValue(mapped.get(target)!.value)!;
    }
    if (values.idNumber) values.idType = 'resident_id';
    const chosenTags = fields.includes('resident.tags') ? answerTags(mapped.get('resident.tags')!.value) : [];
    let addedTags = chosenTags;
    const txCtx: ServiceContext = { ...ctx, db: tx };
    let residentId: string;
    if (body.residentId) {
      const current = await findResidentInScope(tx, authorize(ctx.actor, 'resident.write'), body.residentId);
      if (!current) throw new AppError('resident.not_found');
      const answered = fields.includes('household.dwelling')
        ? registerValue(mapped.get('household.dwelling')!.value)
        : null;
      const moving = answered !== null && answered !== current.resident.dwellingId;
      let residentVersion = body.residentVersion ?? current.resident.version;
      let tags: TagCode[] | undefined;
      if (chosenTags.length) {
        // The register's update takes the whole list the worker can see (and keeps what is hidden from
        // them), so the answer's tags are added to that list: an answer never takes a tag away. Read
        // after the version above, so a tag changed in between fails the update's version check.
        const have = (await getResident(txCtx, body.residentId)).tags.filter((code) => !TAGS[code].derived);
        addedTags = chosenTags.filter((code) => !have.includes(code));
        if (addedTags.length) tags = [...have, ...addedTags];
      }
      // A move alone is not also an empty edit of the record.
      if (!moving || Object.keys(values).length > 0 || tags) {
        const input = ResidentUpdate.safeParse({ version: residentVersion, ...values, tags });
        if (!input.success)
          throw new AppError('request.validation', {}, { issues: registerIssues(input.error) });
        const updated = await namingTargets(() => updateResident(txCtx, body.residentId!, input.data));
        residentVersion = updated.version;
      }
      if (moving) {
        // An answered address is a move (迁居) into a new household there, dated the day of the answer.
        const input = ResidentMove.safeParse({
          version: residentVersion,
          dwellingId: answered,
          movedAt: todayInShanghai(s.submittedAt),
        });
        if (!input.success)
          throw new AppError('request.validation', {}, { issues: registerIssues(input.error) });
        await namingTargets(() =>
          moveResident(txCtx, body.residentId!, input.data, {
            provenance: provenanceText(version.title, s.versionNo, s.reference),
          }),
        );
      }
      residentId = body.residentId;
    } else {
      if (!fields.includes('resident.name')) throw notAnswered(['resident.name']);
      const address =
        mapped.get('household.dwelling')?.value ??
        fieldsOf(version.definition)
          .filter((f) => f.type === 'address')
          .map((f) => answersOf(ctx, row)[f.key])
          .find((v) => v !== undefined);
      const dwellingId = address === undefined ? null : registerValue(address);
      if (!dwellingId) throw notAnswered(['household.dwelling']);
      const input = ResidentCreate.safeParse({
        dwellingId,
        ...values,
        ...(chosenTags.length > 0 && { tags: chosenTags }),
      });
      if (!input.success)
        throw new AppError('request.validation', {}, { issues: registerIssues(input.error) });
      residentId = (
        await namingTargets(() =>
          createResident(txCtx, input.data, {
            provenance: provenanceText(version.title, s.versionNo, s.reference),
          }),
        )
      ).id;
    }
    const resident = (await findResidentById(tx, residentId))!;
    await recordResidentEvent(tx, ctx, {
      resident,
      action: 'submission.apply',
      changes: {
        provenance: { to: provenanceText(version.title, s.versionNo, s.reference) },
        submissionId: { to: s.id },
      },
      delegationId: grant.delegationId,
    });
    await updateSubmissionRows(tx, [id], {
      status: 'applied',
      appliedResidentId: residentId,
      appliedAt: new Date(),
      appliedBy: ctx.actor.userId,
    });
    await writeAudit(tx, ctx, {
      action: 'submission.apply',
      entityType: 'submission',
      entityId: id,
      scope: s,
      changes: {
        status: { from: s.status, to: 'applied' },
        residentId: { to: residentId },
        fields: { to: fields },
        ...(fields.includes('resident.tags') && { tags: { to: addedTags } }),
        ...(body.create && { created: { to: true } }),
      },
      delegationId: grant.delegationId,
    });
    const [applied] = await presentAll(ctx, tx, [(await findSubmissionInScope(tx, scope, id))!]);
    return { residentId, submission: applied! };
  });
}

/* ---- Export ---- */

/**
 * One form's answers as a watermarked xlsx, masked unless the caller may reveal where the answers are and
 * gives a reason. Bounded like ledger exports; the audit row is committed before the file leaves. A chain
 * (接龙) comes in sign-up order with each entry's number first.
 */
export async function exportSubmissions(ctx: ServiceContext, body: SubmissionExport): Promise<ExportFile> {
  const scope = authorize(ctx.actor, 'form.read');
  const form = await findFormInReach(ctx.db, scope, body.formId);
  if (!form) throw new AppError('form.not_found');
  const scopes = [scope];
  if (body.unmasked) {
    if (!hasPermission(ctx.actor, 'resident.reveal')) throw new AppError('auth.forbidden');
    // Clear values only of answers within the reveal scope too.
    scopes.push(authorize(ctx.actor, 'resident.reveal'));
  }
  const filters = filtersOf({ ...body, formId: form.id });
  const rows: SubmissionWithForm[] = [];
  let cursor: { at: Date; id: string } | undefined;
  for (;;) {
    const page = await listSubmissions(ctx.db, scopes, filters, { cursor, limit: 1000 });
    rows.push(...page);
    if (rows.length > SUBMISSION_EXPORT_MAX_ROWS)
      throw new AppError('submission.export_too_large', { max: SUBMISSION_EXPORT_MAX_ROWS });
    if (page.length < 1000) break;
    cursor = { at: page.at(-1)!.submission.submittedAt, id: page.at(-1)!.submission.id };
  }
  const chain = form.mode === 'chain';
  if (chain) rows.sort((a, b) => compareIds(a.submission.id, b.submission.id));
  // Counted over the whole form, not the filtered or scoped rows: an entry keeps the number the public
  // list gives it, and a withdrawn one (numberless) leaves no gap.
  const chainNos = chain ? new Map((await liveChainIds(ctx.db, form.id)).map((id, i) => [id, i + 1])) : null;
  const versions = await versionsOfForm(ctx.db, form.id);
  const byVersion = new Map(versions.map((v) => [v.id, v]));
  // Columns: the newest version's fields first, then those only older versions had.
  const columns = new Map<string, string>();
  for (const v of versions)
    for (const f of fieldsOf(v.definition))
      if (f.type !== 'info' && !columns.has(f.key))
        columns.set(f.key, ctx.locale === 'en-US' && f.labelEn ? f.labelEn : f.label);
  const fixed = chainNos
    ? [CHAIN_NO_HEADER[ctx.locale], ...EXPORT_HEADERS[ctx.locale]]
    : EXPORT_HEADERS[ctx.locale];
  const header = [...fixed, ...columns.values()];
  const cells = rows.map((row) => {
    const s = row.submission;
    const definition = byVersion.get(s.versionId)?.definition ?? { sections: [] };
    const answers = answersOf(ctx, row);
    const fieldByKey = new Map(fieldsOf(definition).map((f) => [f.key, f]));
    return [
      ...(chainNos ? [String(chainNos.get(s.id) ?? '')] : []),
      s.reference,
      shanghaiTime(s.submittedAt),
      String(s.versionNo),
      STATUS_LABELS[ctx.locale][s.status],
      s.summary?.place ?? '',
      ...[...columns.keys()].map((key) => {
        const field = fieldByKey.get(key);
        const value = answers[key];
        if (!field || value === undefined) return '';
        return displayAnswer(field, body.unmasked ? value : maskAnswer(field, value), ctx.locale);
      }),
    ];
  });
  const place = { districtId: form.districtId, streetId: form.streetId, communityId: form.communityId };
  await ctx.db.transaction((tx) =>
    recordExport(tx, ctx, {
      entityType: 'submission',
      ledgerId: form.id,
      rows: cells.length,
      masked: !body.unmasked,
      reason: body.unmasked ? (body.reason ?? null) : null,
      scope: place,
      columns: [
        ...(chainNos ? ['chainNo'] : []),
        'reference',
        'submittedAt',
        'versionNo',
        'status',
        'place',
        ...columns.keys(),
      ],
      format: 'xlsx',
      purpose: body.purpose,
    }),
  );
  const me = ctx.actor.userId ? await userNames(ctx.db, ctx.actor.userId) : null;
  const at = new Date();
  const watermark = watermarkText({
    name: me?.name ?? ctx.actor.name,
    username: me?.username ?? null,
    at,
    purpose: body.purpose,
  });
  const fileName = exportFileName(form.title, at, 'xlsx');
  return {
    fileName,
    disposition: contentDisposition(fileName, 'submissions'),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    body: await xlsxOf(form.title, watermark, header, cells),
  };
}

/** Postgres orders uuids byte by byte, which is the order of their lower-case text. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
