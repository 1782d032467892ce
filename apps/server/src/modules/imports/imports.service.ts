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
 *
 * Unknown addresses: a building the register lacks in a compound it holds, or a flat missing from a
 * known building and entrance, is offered as "create or skip" (skip by default; an unknown compound is
 * never created). Creating needs building.manage in the community besides resident.write, checked when
 * the choice is saved and again at commit (403 `import.create_places_forbidden`). A chosen building is
 * created with the shape its rooms imply (floors, entrances and rooms per floor, validated by the
 * buildings module's `BuildingSpec`) and exactly the dwellings the file names, through the buildings
 * module's inserts, inside the same transaction as the residents. Each new building gets its own
 * `building.create` audit row; the dwellings created are counted in the commit's summary row.
 */

import type {
  ImportCommit,
  ImportMappingUpdate,
  ImportPlacesUpdate,
  ImportPreviewQuery,
  ImportTemplateCreate,
  ImportUploadQuery,
  TagCode,
} from '@linli/shared';
import {
  BuildingSpec,
  type ImportField,
  type ImportJob,
  type ImportPreview,
  type ImportPreviewRow,
  type ImportProblem,
  type ImportReportRow,
  type ImportUnknownPlace,
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
import {
  type ActiveGrant,
  authorize,
  authorizeFor,
  coveringGrant,
  hasPermission,
  type Scope,
  type Scoped,
} from '../../platform/scope';
import { findAreaInScope } from '../areas/areas.repository';
import { diffFields, writeAudit } from '../audit/audit.service';
import { buildingNotFound, duplicateBuildingName, duplicateDwelling } from '../buildings/buildings.errors';
import {
  buildingNameTaken,
  dwellingNumberTaken,
  findBuildingInScope,
  insertBuilding,
  insertDwellings,
  insertEntrances,
} from '../buildings/buildings.repository';
import { dwellingLabel, entranceName } from '../buildings/buildings.rules';
import { updateResidentRow } from '../registry/registry.repository';
import { ageOf, lacksEmergencyContact, namePinyin } from '../registry/registry.rules';
import { tagCodec } from '../registry/registry.service';
import type { households, residents } from '../registry/registry.table';
import { MAX_ROWS, readSpreadsheet, writeReport } from './imports.files';
import { presentJob, presentTemplate } from './imports.presenter';
import {
  activeByIdHashes,
  activeHouseholdsOf,
  addTags,
  buildingsOfCommunity,
  type CommunityBuilding,
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
  floorOfRoom,
  isTaken,
  mappingIsValid,
  normaliseText,
  type ParsedRow,
  parseRow,
  type RawRow,
  roomIndexOf,
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

/** Where a row's address lands when it names a building or dwelling the commit is to create. */
type PendingPlace = { building: string; entrance: number; room: string; floor: number };

/** A row after parsing and look-ups: what the commit would do with it. */
type Analysed = ParsedRow & {
  action: 'create' | 'update' | 'skip';
  place: Place | null;
  /** Set instead of `place` when the address is created by the commit (keyed by its new building or dwelling). */
  pending: PendingPlace | null;
  createsPlace: 'building' | 'dwelling' | null;
  existingId: string | null;
  idHash: string | null;
  addressLabel: string | null;
  notes: ImportProblem[];
};

/** A building of a known compound the file names and the register lacks. */
type NewBuilding = {
  key: string;
  compoundId: string;
  compoundName: string;
  name: string;
  /** entrance|room → the dwelling, as the file names them. */
  dwellings: Map<string, { entrance: number; room: string; floor: number }>;
  rows: number;
  spec: { floors: number; entrances: number; roomsPerFloor: number } | null;
  create: boolean;
};

/** A dwelling the file names in a known building and entrance, missing from the register. */
type NewDwelling = {
  key: string;
  building: CommunityBuilding;
  compoundName: string;
  entrance: number;
  room: string;
  floor: number;
  rows: number;
  create: boolean;
};

type Analysis = { rows: Analysed[]; newBuildings: NewBuilding[]; newDwellings: NewDwelling[] };

async function rowsOf(ctx: ServiceContext, db: DbOrTx, job: ImportJobSummary): Promise<RawRow[]> {
  const stored = await rowsOfJob(db, job.id);
  if (!stored) throw new AppError('import.rows_expired');
  return JSON.parse(ctx.crypto.decrypt(stored)) as RawRow[];
}

const compoundKey = (s: string) => s.normalize('NFKC').replace(/\s/g, '').toLowerCase();

/** Where a row's address resolves before the choices are applied. */
type Resolution =
  | { kind: 'none' }
  | { kind: 'place'; place: Place }
  | { kind: 'error'; field: ImportField; code: ImportProblem['code'] }
  | { kind: 'new_building'; key: string; entrance: number; room: string; floor: number | null }
  | { kind: 'new_dwelling'; key: string };

/**
 * Everything the preview shows and the commit does, computed the same way for both: the commit runs
 * it again inside its transaction, so what it writes matches the register at that moment.
 */
async function analyse(ctx: ServiceContext, db: DbOrTx, job: ImportJobSummary): Promise<Analysis> {
  const raw = await rowsOf(ctx, db, job);
  const maySetSensitiveTags = hasPermission(ctx.actor, 'resident.read_sensitive');
  const today = todayInShanghai();
  const parsed = raw.map((r) => parseRow(r, job.headers, job.mapping, { maySetSensitiveTags, today }));
  const [places, compounds, buildingList] = await Promise.all([
    placesOfCommunity(db, job.communityId),
    compoundsOfCommunity(db, job.communityId),
    buildingsOfCommunity(db, job.communityId),
  ]);
  const chosen = new Set(job.createPlaces);
  const compoundByName = new Map(compounds.map((c) => [compoundKey(c.name), c.id]));
  const compoundName = new Map(compounds.map((c) => [c.id, c.name]));
  const buildingsByKey = new Map<string, CommunityBuilding[]>();
  for (const b of buildingList) {
    const k = `${b.compoundId}|${buildingKey(b.name)}`;
    buildingsByKey.set(k, [...(buildingsByKey.get(k) ?? []), b]);
  }
  const placeByKey = new Map<string, Place>();
  for (const p of places) placeByKey.set(`${p.buildingId}|${p.entranceNumber}|${roomKey(p.number)}`, p);
  const hashes = new Map<string, string>();
  for (const r of parsed) if (r.idNumber) hashes.set(r.idNumber, ctx.crypto.hash(r.idNumber));
  const existing = new Map(
    (await activeByIdHashes(db, [...new Set(hashes.values())])).map((e) => [e.idNumberHash!, e]),
  );
  const firstRowOfId = new Map<string, number>();
  const newBuildings = new Map<string, NewBuilding>();
  const newDwellings = new Map<string, NewDwelling>();

  const allCompoundIds = compounds.map((c) => c.id);

  // First pass: where each address lands, collecting the unknown places of known compounds.
  const resolutions = parsed.map((r): Resolution => {
    if (!r.building || !r.room) return { kind: 'none' };
    let compoundIds = allCompoundIds;
    if (r.compound) {
      const c = compoundByName.get(compoundKey(r.compound));
      // An unknown compound is never created by an import: it stays a problem.
      if (!c) return { kind: 'error', field: 'compound', code: 'compound_unknown' };
      compoundIds = [c];
    }
    // A community without compounds has no dwelling to put anyone in.
    if (!compoundIds.length) return { kind: 'error', field: 'building', code: 'building_unknown' };
    const bKey = buildingKey(r.building);
    const candidates = compoundIds.flatMap((c) => buildingsByKey.get(`${c}|${bKey}`) ?? []);
    if (candidates.length > 1) return { kind: 'error', field: 'building', code: 'building_ambiguous' };
    if (candidates.length === 0) {
      // Which compound it would go in must be certain: named, or the community's only one.
      if (compoundIds.length !== 1) return { kind: 'error', field: 'building', code: 'building_unknown' };
      const compoundId = compoundIds[0]!;
      const key = `b:${compoundId}:${bKey}`;
      let nb = newBuildings.get(key);
      if (!nb) {
        const name = /^\d+$/.test(bKey) ? bKey : normaliseText(r.building).replace(/\s/g, '');
        nb = {
          key,
          compoundId,
          compoundName: compoundName.get(compoundId)!,
          name,
          dwellings: new Map(),
          rows: 0,
          spec: null,
          create: chosen.has(key),
        };
        newBuildings.set(key, nb);
      }
      nb.rows++;
      const entrance = r.entrance ?? 1;
      const floor = entrance >= 1 ? floorOfRoom(r.room) : null;
      if (floor !== null) nb.dwellings.set(`${entrance}|${r.room}`, { entrance, room: r.room, floor });
      return { kind: 'new_building', key, entrance, room: r.room, floor };
    }
    const building = candidates[0]!;
    const entrance = r.entrance ?? (building.entranceCount === 1 ? 1 : null);
    const dwellingError = {
      kind: 'error',
      field: r.entrance !== null ? 'room' : 'entrance',
      code: 'dwelling_unknown',
    } as const;
    if (entrance === null) return dwellingError;
    const place = placeByKey.get(`${building.id}|${entrance}|${r.room}`);
    if (place) return { kind: 'place', place };
    // A missing flat of a known building and entrance may be created, if its number names a floor the building has.
    const floor = floorOfRoom(r.room);
    if (!building.entrances.has(entrance) || floor === null || floor > building.floors) return dwellingError;
    const key = `d:${building.id}:${entrance}:${r.room}`;
    const nd = newDwellings.get(key);
    if (nd) nd.rows++;
    else
      newDwellings.set(key, {
        key,
        building,
        compoundName: compoundName.get(building.compoundId) ?? '',
        entrance,
        room: r.room,
        floor,
        rows: 1,
        create: chosen.has(key),
      });
    return { kind: 'new_dwelling', key };
  });

  // A new building takes the shape its rooms imply, checked by the buildings module's own spec.
  for (const nb of newBuildings.values()) {
    const ds = [...nb.dwellings.values()];
    const spec = {
      floors: Math.max(1, ...ds.map((d) => d.floor)),
      entrances: Math.max(1, ...ds.map((d) => d.entrance)),
      roomsPerFloor: Math.max(1, ...ds.map((d) => roomIndexOf(d.room))),
    };
    const ok =
      ds.length > 0 && BuildingSpec.safeParse({ compoundId: nb.compoundId, name: nb.name, ...spec }).success;
    nb.spec = ok ? spec : null;
    if (!ok) nb.create = false;
  }

  const rows = parsed.map((r, i): Analysed => {
    const problems = [...r.problems];
    const out: Analysed = {
      ...r,
      problems,
      action: 'skip',
      place: null,
      pending: null,
      createsPlace: null,
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

    const res = resolutions[i]!;
    if (res.kind === 'error') err(res.field, res.code);
    else if (res.kind === 'place') {
      const place = res.place;
      out.place = place;
      out.addressLabel = `${place.compoundName} ${dwellingLabel(place.buildingName, place.entranceNumber, place.entranceCount, place.number)}`;
    } else if (res.kind === 'new_building') {
      const nb = newBuildings.get(res.key)!;
      if (!nb.spec) err('building', 'building_unknown');
      else if (res.floor === null) err(r.entrance !== null ? 'room' : 'entrance', 'dwelling_unknown');
      else if (!nb.create) err('building', 'building_unknown');
      else {
        out.pending = { building: nb.key, entrance: res.entrance, room: res.room, floor: res.floor };
        out.createsPlace = 'building';
        out.addressLabel = `${nb.compoundName} ${dwellingLabel(nb.name, res.entrance, nb.spec.entrances, res.room)}`;
      }
    } else if (res.kind === 'new_dwelling') {
      const nd = newDwellings.get(res.key)!;
      if (!nd.create) err(r.entrance !== null ? 'room' : 'entrance', 'dwelling_unknown');
      else {
        const b = nd.building;
        out.pending = { building: b.id, entrance: nd.entrance, room: nd.room, floor: nd.floor };
        out.createsPlace = 'dwelling';
        out.addressLabel = `${nd.compoundName} ${dwellingLabel(b.name, nd.entrance, b.entranceCount, nd.room)}`;
      }
    }
    if (!out.addressLabel && r.building) {
      out.addressLabel = [r.compound, r.building, r.entrance !== null ? `${r.entrance}` : null, r.room]
        .filter(Boolean)
        .join(' ');
    }
    let found: Awaited<ReturnType<typeof activeByIdHashes>>[number] | undefined;
    if (r.idNumber) {
      const first = firstRowOfId.get(r.idNumber);
      if (first !== undefined) err('idNumber', 'duplicate_in_file', { row: first });
      else firstRowOfId.set(r.idNumber, r.row);
      found = existing.get(out.idHash!);
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
    if (out.action !== 'skip') {
      // The register's rule, on the resident as the commit leaves it: an update keeps what the file leaves blank.
      const prior = out.action === 'update' ? found : undefined;
      const tags: TagCode[] = prior?.livingAlone ? [...r.tags, 'living_alone'] : r.tags;
      const birthDate = prior?.birthDate ?? r.birthDate;
      const emergencyContactName = r.emergencyContactName ?? prior?.emergencyContactName ?? null;
      if (lacksEmergencyContact({ age: ageOf(birthDate, today), tags, emergencyContactName })) {
        problems.push({
          field: 'emergencyContactName',
          column: column('emergencyContactName'),
          code: 'emergency_contact_missing',
          severity: 'warning',
        });
      }
    }
    return out;
  });
  return { rows, newBuildings: [...newBuildings.values()], newDwellings: [...newDwellings.values()] };
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
    createsPlace: a.createsPlace,
    relationToHead: a.relationToHead,
    tags: a.tags,
    problems: [...a.problems, ...a.notes],
  };
}

/** The unknown places a choice can be made for: buildings with a valid shape, and missing flats. */
function unknownPlacesOf(analysis: Analysis): ImportUnknownPlace[] {
  return [
    ...analysis.newBuildings
      .filter((b) => b.spec)
      .map((b) => ({
        key: b.key,
        kind: 'building' as const,
        label: `${b.compoundName} ${dwellingLabel(b.name, 1, 1, '').trim()}`,
        dwellings: b.dwellings.size,
        rows: b.rows,
        create: b.create,
      })),
    ...analysis.newDwellings.map((d) => ({
      key: d.key,
      kind: 'dwelling' as const,
      label: `${d.compoundName} ${dwellingLabel(d.building.name, d.entrance, d.building.entranceCount, d.room)}`,
      dwellings: 1,
      rows: d.rows,
      create: d.create,
    })),
  ];
}

/** The grant through which the caller may create buildings in the job's community, if any. */
function placesGrant(ctx: ServiceContext, job: Scoped): { scope: Scope; grant: ActiveGrant } | null {
  if (!hasPermission(ctx.actor, 'building.manage')) return null;
  const scope = authorize(ctx.actor, 'building.manage');
  const grant = coveringGrant(scope, job);
  return grant ? { scope, grant } : null;
}

export async function previewImport(
  ctx: ServiceContext,
  id: string,
  q: z.infer<typeof ImportPreviewQuery>,
): Promise<ImportPreview> {
  const { job } = await jobTarget(ctx, id);
  const analysis = await analyse(ctx, ctx.db, job);
  const { rows } = analysis;
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
  const toCreate = creations(analysis);
  return {
    summary: {
      total: rows.length,
      create: count('create'),
      update: count('update'),
      skip: count('skip'),
      withProblems: withProblems.length,
    },
    unknownBuildings: [...unknown].map(([label, n]) => ({ label, rows: n })),
    unknownPlaces: unknownPlacesOf(analysis),
    mayCreatePlaces: placesGrant(ctx, job) !== null,
    toCreate: { buildings: toCreate.buildings.length, dwellings: toCreate.dwellingCount },
    rows: chosen.slice(q.offset, q.offset + q.limit).map(previewRow),
    filtered: chosen.length,
  };
}

/** What the commit creates: the chosen buildings with every dwelling the file names, and the chosen flats. */
function creations(analysis: Analysis) {
  const buildings = analysis.newBuildings.filter((b) => b.create && b.spec);
  const dwellings = analysis.newDwellings.filter((d) => d.create);
  return {
    buildings,
    dwellings,
    dwellingCount: buildings.reduce((n, b) => n + b.dwellings.size, 0) + dwellings.length,
  };
}

/**
 * The create-or-skip choice per unknown place. Choosing "create" needs building.manage in the
 * community (the same permission the buildings page asks); skipping everything never does.
 */
export async function updateImportPlaces(
  ctx: ServiceContext,
  id: string,
  input: z.infer<typeof ImportPlacesUpdate>,
) {
  const { scope } = await jobTarget(ctx, id);
  return ctx.db.transaction(async (tx) => {
    const job = await findJobInScope(tx, scope, id, { forUpdate: true });
    if (!job) throw jobNotFound();
    assertVersion(job, input.version, 'import.version_conflict', (j) => presentJob(j));
    if (job.status !== 'draft') throw new AppError('import.not_draft');
    const keys = [...new Set(input.createPlaces)];
    if (keys.length && !placesGrant(ctx, job)) throw new AppError('import.create_places_forbidden');
    return presentJob(await updateJob(tx, id, { createPlaces: keys }));
  });
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
    // Whoever commits creates the chosen places, so must be allowed to, whoever chose them.
    if (job.createPlaces.length && !placesGrant(ctx, job))
      throw new AppError('import.create_places_forbidden');
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
      const analysis = await analyse(ctx, tx, job);
      const { rows } = analysis;
      const made = await createPlaces(ctx, tx, job, analysis);
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
          buildingsCreated: { to: made.buildings },
          dwellingsCreated: { to: made.dwellings },
        },
      });
      await updateJob(tx, id, {
        status: 'succeeded',
        processedRows: rows.length,
        createdCount: result.created,
        updatedCount: result.updated,
        skippedCount: result.skipped,
        buildingsCreated: made.buildings,
        dwellingsCreated: made.dwellings,
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

const BUILDING_AUDIT_FIELDS = ['name', 'kind', 'floors', 'entranceCount', 'roomsPerFloor'] as const;

/**
 * Creates the chosen buildings and dwellings inside the commit's transaction, with the buildings
 * module's own inserts and checks (name free in the compound, number free in the entrance, taken under
 * the compound's and building's locks as createBuilding and addDwelling take them), then points the
 * rows at them. A place created meanwhile by someone else fails the commit (nothing written); the
 * retry finds it in the register.
 */
async function createPlaces(ctx: ServiceContext, tx: DbOrTx, job: ImportJobSummary, analysis: Analysis) {
  const { buildings: newBuildings, dwellings: newDwellings, dwellingCount } = creations(analysis);
  if (dwellingCount === 0) return { buildings: 0, dwellings: 0 };
  const allowed = placesGrant(ctx, job);
  if (!allowed) throw new AppError('import.create_places_forbidden');
  const { scope, grant } = allowed;
  const userId = ctx.actor.userId;
  const placeOf = new Map<string, Place>();
  const at = (building: string, entrance: number, room: string) => `${building}|${entrance}|${room}`;

  for (const nb of newBuildings) {
    const spec = nb.spec!;
    const compound = await findAreaInScope(tx, scope, nb.compoundId, { forUpdate: true });
    if (!compound || compound.kind !== 'compound') throw new AppError('area.not_found');
    if (await buildingNameTaken(tx, compound.id, nb.name)) throw duplicateBuildingName();
    const keys = { streetId: compound.streetId!, communityId: compound.communityId! };
    const building = await insertBuilding(tx, {
      id: newId(),
      ...keys,
      compoundId: compound.id,
      name: nb.name,
      kind: 'residential',
      floors: spec.floors,
      entranceCount: spec.entrances,
      roomsPerFloor: spec.roomsPerFloor,
      notes: '',
      createdBy: userId,
    });
    const entranceRows = await insertEntrances(
      tx,
      Array.from({ length: spec.entrances }, (_, i) => ({
        id: newId(),
        ...keys,
        buildingId: building.id,
        number: i + 1,
        name: entranceName(i + 1),
      })),
    );
    const entranceId = new Map(entranceRows.map((e) => [e.number, e.id]));
    const rows = [...nb.dwellings.values()].map((d) => ({
      id: newId(),
      ...keys,
      compoundId: compound.id,
      buildingId: building.id,
      entranceId: entranceId.get(d.entrance)!,
      floor: d.floor,
      number: d.room,
      createdBy: userId,
    }));
    await insertDwellings(tx, rows);
    for (const [i, d] of [...nb.dwellings.values()].entries()) {
      placeOf.set(at(nb.key, d.entrance, d.room), {
        dwellingId: rows[i]!.id,
        ...keys,
        compoundId: compound.id,
        compoundName: compound.name,
        buildingId: building.id,
        buildingName: building.name,
        entranceCount: building.entranceCount,
        entranceNumber: d.entrance,
        number: d.room,
      });
    }
    await writeAudit(tx, ctx, {
      action: 'building.create',
      entityType: 'building',
      entityId: building.id,
      scope: building,
      changes: {
        ...diffFields(null, building, BUILDING_AUDIT_FIELDS),
        dwellings: { to: rows.length },
        importId: { to: job.id },
      },
      delegationId: grant.delegationId,
    });
  }

  const byBuilding = new Map<string, NewDwelling[]>();
  for (const d of newDwellings) byBuilding.set(d.building.id, [...(byBuilding.get(d.building.id) ?? []), d]);
  for (const [buildingId, ds] of byBuilding) {
    const building = await findBuildingInScope(tx, scope, buildingId, { forUpdate: true });
    if (!building) throw buildingNotFound();
    const rows: Parameters<typeof insertDwellings>[1] = [];
    for (const d of ds) {
      const entranceId = d.building.entrances.get(d.entrance)!;
      if (await dwellingNumberTaken(tx, entranceId, d.room)) throw duplicateDwelling();
      const dwellingId = newId();
      rows.push({
        id: dwellingId,
        streetId: building.streetId,
        communityId: building.communityId,
        compoundId: building.compoundId,
        buildingId: building.id,
        entranceId,
        floor: d.floor,
        number: d.room,
        createdBy: userId,
      });
      placeOf.set(at(building.id, d.entrance, d.room), {
        dwellingId,
        streetId: building.streetId,
        communityId: building.communityId,
        compoundId: building.compoundId,
        compoundName: d.compoundName,
        buildingId: building.id,
        buildingName: building.name,
        entranceCount: building.entranceCount,
        entranceNumber: d.entrance,
        number: d.room,
      });
    }
    await insertDwellings(tx, rows);
  }

  for (const r of analysis.rows) {
    if (r.pending) r.place = placeOf.get(at(r.pending.building, r.pending.entrance, r.pending.room)) ?? null;
  }
  return { buildings: newBuildings.length, dwellings: dwellingCount };
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
        ...registerFields(m),
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
      ...(r.phone && secretColumns(ctx, { ...noSecrets, phone: r.phone })),
      ...(r.hukouAddress && { hukouAddress: r.hukouAddress }),
      ...(r.residenceType && { residenceType: r.residenceType as ResidentInsert['residenceType'] }),
      ...(r.relationToHead && { relationToHead: r.relationToHead as ResidentInsert['relationToHead'] }),
      ...registerFields(r),
      ...(r.emergencyContactPhone &&
        secretColumns(ctx, { ...noSecrets, emergencyContactPhone: r.emergencyContactPhone })),
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

/**
 * The register's finer fields as read from the file: only those the file gives, so an update never
 * blanks what the register holds, and a create leaves the rest empty.
 */
function registerFields(r: ParsedRow): Partial<ResidentInsert> {
  const out: Partial<ResidentInsert> = {};
  if (r.ethnicity) out.ethnicity = r.ethnicity;
  if (r.maritalStatus) out.maritalStatus = r.maritalStatus;
  if (r.politicalStatus) out.politicalStatus = r.politicalStatus;
  if (r.education) out.education = r.education;
  if (r.occupation) out.occupation = r.occupation;
  if (r.employer) out.employer = r.employer;
  if (r.arrivalReason) out.arrivalReason = r.arrivalReason;
  if (r.arrivalDate) out.arrivalDate = r.arrivalDate;
  if (r.emergencyContactName) out.emergencyContactName = r.emergencyContactName;
  return out;
}

const noSecrets = { idNumber: null, phone: null, emergencyContactPhone: null };

function namePinyinColumns(name: string) {
  const { full, initials } = namePinyin(name);
  return { namePinyin: full, nameInitials: initials };
}

/** Encrypted exactly as the register stores them: ciphertext, keyed hash, mask (and the phone's tail). */
function secretColumns(
  ctx: ServiceContext,
  r: { idNumber: string | null; phone: string | null; emergencyContactPhone: string | null },
) {
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
  if (r.emergencyContactPhone) {
    out.emergencyContactPhoneEnc = ctx.crypto.encrypt(r.emergencyContactPhone);
    out.emergencyContactPhoneMasked = maskPhone(r.emergencyContactPhone);
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
