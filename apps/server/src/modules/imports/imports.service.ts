/**
 * Excel/CSV import of resident ledgers: upload → mapping → preview → commit (a background job) → report.
 *
 * Keeping the file: the upload itself is never written anywhere. It is parsed in memory and only the
 * parsed rows (cells of the data rows, which include ID numbers and phones) are kept, as ONE AES-GCM
 * ciphertext under the same field key as the register (`import_jobs.rows_enc`), because preview and
 * commit need them again and a 50k-row file must not travel back and forth. They are dropped when the
 * commit succeeds and, for drafts never committed or failed jobs, after 24 hours (purged on the next
 * upload and at start-up). The report kept afterwards has masked ID numbers only.
 *
 * Commit: one transaction for everything (all-or-nothing); the job row is updated inside it, so a job
 * is "succeeded" exactly when its rows are there. A crash leaves the job "running" with nothing written;
 * the next start marks it failed. Progress while running is kept in memory by the instance doing the
 * work (the row cannot show it: it is locked by the very transaction being counted).
 *
 * Audit: one summary row per commit (file, counts) inside the transaction, not one per resident; each
 * resident records where it came from in `provenance` (导入: 文件名 第N行).
 */

import type {
  ImportCommit,
  ImportMappingUpdate,
  ImportPreviewQuery,
  ImportTemplateCreate,
  ImportUploadQuery,
} from '@linli/shared';
import {
  type ImportField,
  type ImportJob,
  type ImportPreview,
  type ImportPreviewRow,
  type ImportProblem,
  type ImportReportRow,
  maskIdNumber,
  maskPhone,
  todayInShanghai,
} from '@linli/shared';
import type { z } from 'zod';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx } from '../../platform/db';
import { AppError, isAppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { authorize, authorizeFor, hasPermission, type Scope } from '../../platform/scope';
import { findAreaInScope } from '../areas/areas.repository';
import { writeAudit } from '../audit/audit.service';
import { dwellingLabel } from '../buildings/buildings.rules';
import { updateResidentRow } from '../registry/registry.repository';
import { namePinyin } from '../registry/registry.rules';
import { tagCodec } from '../registry/registry.service';
import type { households, residents } from '../registry/registry.table';
import { MAX_ROWS, readSpreadsheet, writeReport } from './imports.files';
import { presentJob, presentTemplate } from './imports.presenter';
import {
  activeByIdHashes,
  activeHouseholdsOf,
  addTags,
  compoundsOfCommunity,
  findJobInScope,
  type ImportJobSummary,
  insertHouseholds,
  insertJob,
  insertResidents,
  insertTemplate,
  listJobs,
  listTemplates,
  type Place,
  placesOfCommunity,
  purgeExpiredRows,
  reportOfJob,
  rowsOfJob,
  templateNameTaken,
  updateJob,
} from './imports.repository';
import {
  buildingKey,
  cellText,
  detectHeaderRow,
  isTaken,
  mappingIsValid,
  type ParsedRow,
  parseRow,
  type RawRow,
  roomKey,
  suggestMapping,
} from './imports.rules';

const ROWS_TTL_MS = 24 * 3_600_000;

/** Runs commits after the response and lets the server wait for them before it closes. */
export class JobRunner {
  private readonly pending = new Set<Promise<void>>();
  readonly progress = new Map<string, number>();
  run(task: () => Promise<void>) {
    const p = task().finally(() => this.pending.delete(p));
    this.pending.add(p);
  }
  async drain() {
    await Promise.allSettled([...this.pending]);
  }
}

const jobNotFound = () => new AppError('import.not_found');

async function communityTarget(ctx: ServiceContext, communityId: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.write', 'area.not_found', (reach) =>
    findAreaInScope(ctx.db, reach, communityId),
  );
  const community = await findAreaInScope(ctx.db, scope, communityId);
  if (!community || community.kind !== 'community' || !community.streetId)
    throw new AppError('area.not_found');
  return { scope, community };
}

async function jobTarget(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.write', 'import.not_found', (reach) =>
    findJobInScope(ctx.db, reach, id),
  );
  const job = await findJobInScope(ctx.db, scope, id);
  if (!job) throw jobNotFound();
  return { scope, job };
}

export async function uploadImport(
  ctx: ServiceContext,
  query: z.infer<typeof ImportUploadQuery>,
  body: unknown,
): Promise<ImportJob> {
  const { community } = await communityTarget(ctx, query.communityId);
  // Only the spreadsheet content types are read raw; JSON or a form arrives parsed, and is refused.
  if (body !== undefined && body !== null && !Buffer.isBuffer(body)) {
    throw new AppError('request.unsupported_media_type');
  }
  const rows = await readSpreadsheet((body as Buffer | undefined) ?? Buffer.alloc(0));
  const headerIndex = detectHeaderRow(rows);
  if (headerIndex === null) throw new AppError('import.no_header');
  const headerCells = rows[headerIndex]!.cells;
  const data = rows.slice(headerIndex + 1);
  if (data.length > MAX_ROWS) throw new AppError('import.too_many_rows', { max: MAX_ROWS });
  const width = Math.max(headerCells.length, ...data.slice(0, 100).map((r) => r.cells.length));
  const headers = Array.from({ length: width }, (_, i) => cellText(headerCells[i] ?? null));
  const now = new Date();
  await purgeExpiredRows(ctx.db, now);
  const job = await ctx.db.transaction(async (tx) => {
    const row = await insertJob(tx, {
      id: newId(),
      streetId: community.streetId!,
      communityId: community.id,
      fileName: query.fileName,
      headerRow: rows[headerIndex]!.row,
      headers,
      mapping: suggestMapping(headers),
      rowsEnc: ctx.crypto.encrypt(JSON.stringify(data)),
      totalRows: data.length,
      expiresAt: new Date(now.getTime() + ROWS_TTL_MS),
      createdBy: ctx.actor.userId,
    });
    await writeAudit(tx, ctx, {
      action: 'import.upload',
      entityType: 'import',
      entityId: row.id,
      scope: row,
      changes: { fileName: { to: query.fileName }, rows: { to: data.length } },
    });
    return row;
  });
  return presentJob(job);
}

export async function getImport(ctx: ServiceContext, id: string, runner: JobRunner) {
  const { job } = await jobTarget(ctx, id);
  return presentJob(job, runner.progress.get(id));
}

export async function listImports(ctx: ServiceContext, communityId: string, runner: JobRunner) {
  const scope = authorize(ctx.actor, 'resident.write');
  const rows = await listJobs(ctx.db, scope, communityId);
  return rows.map((r) => presentJob(r, runner.progress.get(r.id)));
}

export async function updateImportMapping(
  ctx: ServiceContext,
  id: string,
  input: z.infer<typeof ImportMappingUpdate>,
) {
  const { scope } = await jobTarget(ctx, id);
  return ctx.db.transaction(async (tx) => {
    const job = await findJobInScope(tx, scope, id, { forUpdate: true });
    if (!job) throw jobNotFound();
    assertVersion(job, input.version, 'import.version_conflict', (j) => presentJob(j));
    if (job.status !== 'draft') throw new AppError('import.not_draft');
    if (!mappingIsValid(input.mapping, job.headers.length)) throw new AppError('import.mapping_invalid');
    const updated = await updateJob(tx, id, {
      mapping: input.mapping,
      ...(input.onDuplicate && { onDuplicate: input.onDuplicate }),
    });
    return presentJob(updated);
  });
}

/** A row after parsing and look-ups: what the commit would do with it. */
type Analysed = ParsedRow & {
  action: 'create' | 'update' | 'skip';
  place: Place | null;
  existingId: string | null;
  idHash: string | null;
  addressLabel: string | null;
  notes: ImportProblem[];
};

async function rowsOf(ctx: ServiceContext, db: DbOrTx, job: ImportJobSummary): Promise<RawRow[]> {
  const stored = await rowsOfJob(db, job.id);
  if (!stored) throw new AppError('import.rows_expired');
  return JSON.parse(ctx.crypto.decrypt(stored)) as RawRow[];
}

const compoundKey = (s: string) => s.normalize('NFKC').replace(/\s/g, '').toLowerCase();

/**
 * Everything the preview shows and the commit does, computed the same way for both: the commit runs
 * it again inside its transaction, so what it writes matches the register at that moment.
 */
async function analyse(ctx: ServiceContext, db: DbOrTx, job: ImportJobSummary): Promise<Analysed[]> {
  const raw = await rowsOf(ctx, db, job);
  const maySetSensitiveTags = hasPermission(ctx.actor, 'resident.read_sensitive');
  const parsed = raw.map((r) => parseRow(r, job.headers, job.mapping, { maySetSensitiveTags }));
  const [places, compounds] = await Promise.all([
    placesOfCommunity(db, job.communityId),
    compoundsOfCommunity(db, job.communityId),
  ]);
  const compoundByName = new Map(compounds.map((c) => [compoundKey(c.name), c.id]));
  const buildingsByKey = new Map<string, Set<string>>();
  const placeByKey = new Map<string, Place>();
  const entranceCount = new Map<string, number>();
  for (const p of places) {
    const k = `${p.compoundId}|${buildingKey(p.buildingName)}`;
    buildingsByKey.set(k, (buildingsByKey.get(k) ?? new Set()).add(p.buildingId));
    placeByKey.set(`${p.buildingId}|${p.entranceNumber}|${roomKey(p.number)}`, p);
    entranceCount.set(p.buildingId, p.entranceCount);
  }
  const hashes = new Map<string, string>();
  for (const r of parsed) if (r.idNumber) hashes.set(r.idNumber, ctx.crypto.hash(r.idNumber));
  const existing = new Map(
    (await activeByIdHashes(db, [...new Set(hashes.values())])).map((e) => [e.idNumberHash!, e]),
  );
  const firstRowOfId = new Map<string, number>();

  return parsed.map((r): Analysed => {
    const problems = [...r.problems];
    const out: Analysed = {
      ...r,
      problems,
      action: 'skip',
      place: null,
      existingId: null,
      idHash: r.idNumber ? hashes.get(r.idNumber)! : null,
      addressLabel: null,
      notes: [],
    };
    const column = (f: ImportField) => {
      const i = job.mapping.indexOf(f);
      return i < 0 ? null : (job.headers[i] ?? null);
    };
    const err = (field: ImportField, code: ImportProblem['code'], params?: Record<string, number>) =>
      problems.push({ field, column: column(field), code, severity: 'error', ...(params && { params }) });

    if (r.building && r.room) {
      let compoundIds: string[] = compounds.map((c) => c.id);
      if (r.compound) {
        const c = compoundByName.get(compoundKey(r.compound));
        compoundIds = c ? [c] : [];
        if (!c) err('compound', 'compound_unknown');
      }
      if (compoundIds.length) {
        const bKey = buildingKey(r.building);
        const candidates = compoundIds.flatMap((c) => [...(buildingsByKey.get(`${c}|${bKey}`) ?? [])]);
        if (candidates.length !== 1)
          err('building', candidates.length ? 'building_ambiguous' : 'building_unknown');
        else {
          const buildingId = candidates[0]!;
          const entrance = r.entrance ?? (entranceCount.get(buildingId) === 1 ? 1 : null);
          const place = entrance !== null ? placeByKey.get(`${buildingId}|${entrance}|${r.room}`) : undefined;
          if (!place) err(r.entrance !== null ? 'room' : 'entrance', 'dwelling_unknown');
          else {
            out.place = place;
            out.addressLabel = `${place.compoundName} ${dwellingLabel(place.buildingName, place.entranceNumber, place.entranceCount, place.number)}`;
          }
        }
      }
    }
    if (!out.addressLabel && r.building) {
      out.addressLabel = [r.compound, r.building, r.entrance !== null ? `${r.entrance}` : null, r.room]
        .filter(Boolean)
        .join(' ');
    }
    if (r.idNumber) {
      const first = firstRowOfId.get(r.idNumber);
      if (first !== undefined) err('idNumber', 'duplicate_in_file', { row: first });
      else firstRowOfId.set(r.idNumber, r.row);
      const found = existing.get(out.idHash!);
      if (found && found.communityId !== job.communityId) err('idNumber', 'registered_elsewhere');
      else if (found) out.existingId = found.id;
    }
    if (isTaken(problems)) {
      if (!out.existingId) out.action = 'create';
      else if (job.onDuplicate === 'update') out.action = 'update';
      else
        out.notes.push({
          field: 'idNumber',
          column: column('idNumber'),
          code: 'already_registered',
          severity: 'warning',
        });
    }
    return out;
  });
}

function previewRow(a: Analysed): ImportPreviewRow {
  return {
    row: a.row,
    action: a.action,
    name: a.name,
    sex: a.sex,
    birthDate: a.birthDate,
    idNumberMasked: a.idNumber ? maskIdNumber(a.idNumber) : null,
    phoneMasked: a.phone ? maskPhone(a.phone) : null,
    address: a.addressLabel,
    relationToHead: a.relationToHead,
    tags: a.tags,
    problems: [...a.problems, ...a.notes],
  };
}

export async function previewImport(
  ctx: ServiceContext,
  id: string,
  q: z.infer<typeof ImportPreviewQuery>,
): Promise<ImportPreview> {
  const { job } = await jobTarget(ctx, id);
  const rows = await analyse(ctx, ctx.db, job);
  const count = (action: string) => rows.filter((r) => r.action === action).length;
  const withProblems = rows.filter((r) => r.problems.length > 0);
  const unknown = new Map<string, number>();
  for (const r of rows) {
    if (r.problems.some((p) => p.code === 'building_unknown')) {
      const label = [r.compound, r.building].filter(Boolean).join(' ');
      unknown.set(label, (unknown.get(label) ?? 0) + 1);
    }
  }
  const chosen = q.onlyProblems ? withProblems : rows;
  return {
    summary: {
      total: rows.length,
      create: count('create'),
      update: count('update'),
      skip: count('skip'),
      withProblems: withProblems.length,
    },
    unknownBuildings: [...unknown].map(([label, n]) => ({ label, rows: n })),
    rows: chosen.slice(q.offset, q.offset + q.limit).map(previewRow),
    filtered: chosen.length,
  };
}

export async function commitImport(
  ctx: ServiceContext,
  id: string,
  input: z.infer<typeof ImportCommit>,
  runner: JobRunner,
) {
  const { scope } = await jobTarget(ctx, id);
  const queued = await ctx.db.transaction(async (tx) => {
    const job = await findJobInScope(tx, scope, id, { forUpdate: true });
    if (!job) throw jobNotFound();
    assertVersion(job, input.version, 'import.version_conflict', (j) => presentJob(j));
    if (job.status !== 'draft' && job.status !== 'failed') throw new AppError('import.not_draft');
    if (!job.hasRows) throw new AppError('import.rows_expired');
    if (!mappingIsValid(job.mapping, job.headers.length)) throw new AppError('import.mapping_invalid');
    return updateJob(tx, id, {
      status: 'queued',
      committedBy: ctx.actor.userId,
      errorCode: null,
      errorDetail: null,
      processedRows: 0,
    });
  });
  runner.progress.set(id, 0);
  runner.run(() => runCommit(ctx, scope, id, runner));
  return presentJob(queued, 0);
}

/** A database error, described without any value from the rows (constraint names and SQLSTATE only). */
function describeFailure(error: unknown): { code: string; detail: string | null } {
  if (isAppError(error)) return { code: error.code, detail: null };
  const e = error as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const state = e.cause?.code ?? e.code;
  const constraint = e.cause?.constraint ?? e.constraint;
  return {
    code: 'import.commit_failed',
    detail:
      [state && `SQLSTATE ${state}`, constraint && `constraint ${constraint}`].filter(Boolean).join(', ') ||
      null,
  };
}

async function runCommit(ctx: ServiceContext, scope: Scope, id: string, runner: JobRunner) {
  try {
    const started = await findJobInScope(ctx.db, scope, id);
    // Marked failed by a restart of another instance, or gone: nothing to do.
    if (started?.status !== 'queued') return;
    await updateJob(ctx.db, id, { status: 'running', startedAt: new Date() });
    await ctx.db.transaction(async (tx) => {
      const job = await findJobInScope(tx, scope, id, { forUpdate: true });
      if (!job || job.status !== 'running') throw jobNotFound();
      const rows = await analyse(ctx, tx, job);
      const result = await applyRows(ctx, tx, job, rows, (n) => runner.progress.set(id, n));
      await writeAudit(tx, ctx, {
        action: 'import.commit',
        entityType: 'import',
        entityId: job.id,
        scope: job,
        changes: {
          fileName: { to: job.fileName },
          created: { to: result.created },
          updated: { to: result.updated },
          skipped: { to: result.skipped },
        },
      });
      await updateJob(tx, id, {
        status: 'succeeded',
        processedRows: rows.length,
        createdCount: result.created,
        updatedCount: result.updated,
        skippedCount: result.skipped,
        report: result.report,
        rowsEnc: null,
        finishedAt: new Date(),
      });
    });
  } catch (error) {
    const { code, detail } = describeFailure(error);
    await updateJob(ctx.db, id, {
      status: 'failed',
      errorCode: code,
      errorDetail: detail,
      finishedAt: new Date(),
    }).catch(() => undefined);
  } finally {
    runner.progress.delete(id);
  }
}

type ResidentInsert = typeof residents.$inferInsert;
type HouseholdInsert = typeof households.$inferInsert;

async function applyRows(
  ctx: ServiceContext,
  tx: DbOrTx,
  job: ImportJobSummary,
  rows: Analysed[],
  progress: (n: number) => void,
) {
  const codec = tagCodec(ctx.crypto);
  const now = new Date();
  const today = todayInShanghai();
  const userId = ctx.actor.userId;
  const creates = rows.filter((r) => r.action === 'create');
  const updates = rows.filter((r) => r.action === 'update');

  // Households: per dwelling and head named in the file; an existing household of that head is joined.
  const existingHouseholds = await activeHouseholdsOf(tx, [
    ...new Set(creates.map((r) => r.place!.dwellingId)),
  ]);
  const groups = new Map<string, Analysed[]>();
  for (const r of creates) {
    const key = `${r.place!.dwellingId}|${r.headName ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const newHouseholds: HouseholdInsert[] = [];
  const residentRows: ResidentInsert[] = [];
  const tagRows: {
    residentId: string;
    tag: string;
    streetId: string;
    communityId: string;
    createdBy: string | null;
  }[] = [];
  for (const members of groups.values()) {
    const place = members[0]!.place!;
    const headName = members[0]!.headName;
    const inDwelling = existingHouseholds.filter((h) => h.dwellingId === place.dwellingId);
    const join = headName
      ? inDwelling.find((h) => h.headName === headName)
      : inDwelling.length === 1
        ? inDwelling[0]
        : undefined;
    const ids = members.map(() => newId());
    let householdId = join?.id;
    if (!householdId) {
      householdId = newId();
      const headIndex = Math.max(
        0,
        members.findIndex((m) => m.relationToHead === 'head' || (headName !== null && m.name === headName)),
      );
      if (!members[headIndex]!.relationToHead) members[headIndex]!.relationToHead = 'head';
      newHouseholds.push({
        id: householdId,
        streetId: place.streetId,
        communityId: place.communityId,
        compoundId: place.compoundId,
        buildingId: place.buildingId,
        dwellingId: place.dwellingId,
        headResidentId: ids[headIndex]!,
        movedInAt: today,
        createdBy: userId,
      });
    }
    members.forEach((m, i) => {
      const { full, initials } = namePinyin(m.name!);
      residentRows.push({
        id: ids[i]!,
        streetId: place.streetId,
        communityId: place.communityId,
        compoundId: place.compoundId,
        buildingId: place.buildingId,
        dwellingId: place.dwellingId,
        householdId: householdId!,
        name: m.name!,
        namePinyin: full,
        nameInitials: initials,
        formerName: m.formerName,
        sex: m.sex,
        birthDate: m.birthDate,
        idType: m.idNumber ? 'resident_id' : null,
        ...secretColumns(ctx, m),
        residenceType: m.residenceType as ResidentInsert['residenceType'],
        relationToHead: m.relationToHead as ResidentInsert['relationToHead'],
        hukouAddress: m.hukouAddress,
        provenance: `导入: ${job.fileName} 第${m.row}行`,
        lastVerifiedAt: now,
        lastVerifiedBy: userId,
        createdBy: userId,
      });
      for (const tag of m.tags) {
        tagRows.push({
          residentId: ids[i]!,
          tag: codec.toToken(tag),
          streetId: place.streetId,
          communityId: place.communityId,
          createdBy: userId,
        });
      }
    });
  }
  await insertHouseholds(tx, newHouseholds);
  await insertResidents(tx, residentRows, progress);

  // Updates fill in what the file says; a blank cell never erases what the register holds.
  let done = residentRows.length;
  for (const r of updates) {
    const patch: Partial<ResidentInsert> = {
      name: r.name!,
      ...namePinyinColumns(r.name!),
      ...(r.formerName && { formerName: r.formerName }),
      ...(r.phone && secretColumns(ctx, { idNumber: null, phone: r.phone })),
      ...(r.hukouAddress && { hukouAddress: r.hukouAddress }),
      ...(r.residenceType && { residenceType: r.residenceType as ResidentInsert['residenceType'] }),
      ...(r.relationToHead && { relationToHead: r.relationToHead as ResidentInsert['relationToHead'] }),
      lastVerifiedAt: now,
      lastVerifiedBy: userId,
    };
    await updateResidentRow(tx, r.existingId!, patch);
    for (const tag of r.tags) {
      tagRows.push({
        residentId: r.existingId!,
        tag: codec.toToken(tag),
        streetId: job.streetId,
        communityId: job.communityId,
        createdBy: userId,
      });
    }
    if (++done % 500 === 0) progress(done);
  }
  await addTags(tx, tagRows);
  progress(rows.length);

  const report: ImportReportRow[] = rows.map((r) => ({
    row: r.row,
    outcome: r.action === 'create' ? 'created' : r.action === 'update' ? 'updated' : 'skipped',
    name: r.name,
    idNumberMasked: r.idNumber ? maskIdNumber(r.idNumber) : null,
    address: r.addressLabel,
    reasons: [...r.problems, ...r.notes],
  }));
  return {
    created: creates.length,
    updated: updates.length,
    skipped: rows.length - creates.length - updates.length,
    report,
  };
}

function namePinyinColumns(name: string) {
  const { full, initials } = namePinyin(name);
  return { namePinyin: full, nameInitials: initials };
}

/** Encrypted exactly as the register stores them: ciphertext, keyed hash, mask (and the phone's tail). */
function secretColumns(ctx: ServiceContext, r: { idNumber: string | null; phone: string | null }) {
  const out: Partial<ResidentInsert> = {};
  if (r.idNumber) {
    out.idNumberEnc = ctx.crypto.encrypt(r.idNumber);
    out.idNumberHash = ctx.crypto.hash(r.idNumber);
    out.idNumberMasked = maskIdNumber(r.idNumber);
  }
  if (r.phone) {
    out.phoneEnc = ctx.crypto.encrypt(r.phone);
    out.phoneHash = ctx.crypto.hash(r.phone);
    out.phoneTail = r.phone.slice(-4);
    out.phoneMasked = maskPhone(r.phone);
  }
  return out;
}

export async function importReport(ctx: ServiceContext, id: string) {
  const { job } = await jobTarget(ctx, id);
  // Until a commit succeeds no row has been taken: the report is empty, not missing.
  return { job, rows: (await reportOfJob(ctx.db, id)) ?? [] };
}

export async function importReportFile(ctx: ServiceContext, id: string) {
  const { job, rows } = await importReport(ctx, id);
  return { fileName: job.fileName, body: await writeReport(job.fileName, rows, ctx.locale) };
}

export async function listImportTemplates(ctx: ServiceContext, communityId: string) {
  const scope = authorize(ctx.actor, 'resident.write');
  return (await listTemplates(ctx.db, scope, communityId)).map(presentTemplate);
}

export async function createImportTemplate(ctx: ServiceContext, input: z.infer<typeof ImportTemplateCreate>) {
  const { community } = await communityTarget(ctx, input.communityId);
  return ctx.db.transaction(async (tx) => {
    if (await templateNameTaken(tx, community.id, input.name))
      throw new AppError('import.template_duplicate');
    const row = await insertTemplate(tx, {
      id: newId(),
      streetId: community.streetId!,
      communityId: community.id,
      name: input.name,
      columns: input.columns,
      createdBy: ctx.actor.userId,
    });
    await writeAudit(tx, ctx, {
      action: 'import_template.create',
      entityType: 'import_template',
      entityId: row.id,
      scope: row,
      changes: { name: { to: input.name } },
    });
    return presentTemplate(row);
  });
}
