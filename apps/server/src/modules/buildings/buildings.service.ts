import {
  type BuildingEntrancesAdd,
  type BuildingEntrancesAdded,
  type BuildingFloorsAdd,
  type BuildingFloorsAdded,
  type BuildingSpec,
  type BuildingUpdate,
  type DwellingCreate,
  type DwellingProfileUpdate,
  type DwellingUpdate,
  maskPhone,
} from '@linli/shared';
import type { z } from 'zod';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx, Tx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { type ActiveGrant, assertInScope, authorizeFor, type Scope } from '../../platform/scope';
import { areaNotFound, invalidParent } from '../areas/areas.errors';
import { findAreaInScope } from '../areas/areas.repository';
import { diffFields, writeAudit } from '../audit/audit.service';
import {
  buildingNotFound,
  duplicateBuildingName,
  duplicateDwelling,
  dwellingNotFound,
  floorOutOfRange,
} from './buildings.errors';
import {
  presentBuilding,
  presentBuildingDetail,
  presentDwelling,
  presentDwellingProfile,
} from './buildings.presenter';
import {
  buildingNameTaken,
  dwellingNumberTaken,
  dwellingsOf,
  entrancesOf,
  findBuildingInScope,
  findDwellingInScope,
  insertBuilding,
  insertDwelling,
  insertDwellings,
  insertEntrances,
  listBuildingsOfCompound,
  updateBuildingRow,
  updateDwellingRow,
  userNameOf,
} from './buildings.repository';
import { dwellingLabel, entranceName, floorRooms, generateDwellings } from './buildings.rules';
import type { BuildingRow, DwellingRow, dwellings } from './buildings.table';

const BUILDING_FIELDS = [
  'name',
  'kind',
  'floors',
  'entranceCount',
  'roomsPerFloor',
  'builtYear',
  'notes',
] as const;
const DWELLING_FIELDS = ['number', 'floor', 'status', 'entranceId'] as const;

const compoundTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findAreaInScope(ctx.db, reach, id);
const buildingTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findBuildingInScope(ctx.db, reach, id);
const dwellingTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findDwellingInScope(ctx.db, reach, id);

export async function listBuildings(ctx: ServiceContext, compoundId: string) {
  const scope = await authorizeFor(ctx.actor, 'area.read', 'area.not_found', compoundTarget(ctx, compoundId));
  const compound = await findAreaInScope(ctx.db, scope, compoundId);
  if (!compound || compound.kind !== 'compound') throw areaNotFound();
  const rows = await listBuildingsOfCompound(ctx.db, scope, compoundId);
  return rows.map((r) => presentBuilding(r.building, Number(r.dwellingCount)));
}

async function detail(db: DbOrTx, building: BuildingRow) {
  return presentBuildingDetail(
    building,
    await entrancesOf(db, building.id),
    await dwellingsOf(db, building.id),
  );
}

export async function getBuilding(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(ctx.actor, 'area.read', 'building.not_found', buildingTarget(ctx, id));
  const building = await findBuildingInScope(ctx.db, scope, id);
  if (!building) throw buildingNotFound();
  return detail(ctx.db, building);
}

/** A building is described by its regular shape; its dwellings are generated from it, then edited by hand. */
export async function createBuilding(ctx: ServiceContext, spec: BuildingSpec) {
  const scope = await authorizeFor(
    ctx.actor,
    'building.manage',
    'area.not_found',
    compoundTarget(ctx, spec.compoundId),
  );
  return ctx.db.transaction(async (tx) => {
    // Locked, so two requests creating one name meet the name check, not the unique index.
    const compound = await findAreaInScope(tx, scope, spec.compoundId, { forUpdate: true });
    if (!compound) throw areaNotFound();
    if (compound.kind !== 'compound') throw invalidParent();
    const grant = assertInScope(scope, compound, 'area.not_found');
    if (await buildingNameTaken(tx, compound.id, spec.name)) throw duplicateBuildingName();
    const keys = { streetId: compound.streetId!, communityId: compound.communityId! };
    const building = await insertBuilding(tx, {
      id: newId(),
      ...keys,
      compoundId: compound.id,
      name: spec.name,
      kind: spec.kind,
      floors: spec.floors,
      entranceCount: spec.entrances,
      roomsPerFloor: spec.roomsPerFloor,
      builtYear: spec.builtYear ?? null,
      notes: spec.notes ?? '',
      createdBy: ctx.actor.userId,
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
    const entranceIdByNumber = new Map(entranceRows.map((e) => [e.number, e.id]));
    await insertDwellings(
      tx,
      generateDwellings(spec).map((d) => ({
        id: newId(),
        ...keys,
        compoundId: compound.id,
        buildingId: building.id,
        entranceId: entranceIdByNumber.get(d.entrance)!,
        floor: d.floor,
        number: d.number,
        createdBy: ctx.actor.userId,
      })),
    );
    await writeAudit(tx, ctx, {
      action: 'building.create',
      entityType: 'building',
      entityId: building.id,
      scope: building,
      changes: diffFields(null, building, BUILDING_FIELDS),
      delegationId: grant.delegationId,
    });
    return detail(tx, building);
  });
}

/**
 * A change to a building's flats: by a holder of `building.manage` whose scope covers it (else 404),
 * inside one transaction holding the building's row lock.
 */
async function changeBuilding<T>(
  ctx: ServiceContext,
  id: string,
  work: (tx: Tx, building: BuildingRow, grant: ActiveGrant) => Promise<T>,
): Promise<T> {
  const scope = await authorizeFor(
    ctx.actor,
    'building.manage',
    'building.not_found',
    buildingTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    const building = await findBuildingInScope(tx, scope, id, { forUpdate: true });
    if (!building) throw buildingNotFound();
    return work(tx, building, assertInScope(scope, building, 'building.not_found'));
  });
}

/** A new flat of an existing building, in one of its entrances. */
const newDwellingRow = (
  ctx: ServiceContext,
  building: BuildingRow,
  entranceId: string,
  at: { floor: number; number: string },
): typeof dwellings.$inferInsert => ({
  id: newId(),
  streetId: building.streetId,
  communityId: building.communityId,
  compoundId: building.compoundId,
  buildingId: building.id,
  entranceId,
  floor: at.floor,
  number: at.number,
  createdBy: ctx.actor.userId,
});

export async function updateBuilding(ctx: ServiceContext, id: string, input: z.infer<typeof BuildingUpdate>) {
  const scope = await authorizeFor(
    ctx.actor,
    'building.manage',
    'building.not_found',
    buildingTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    // Locks are taken top-down (compound, building, dwelling), the order a compound move takes them in.
    // A rename checks its name under the compound's lock, like createBuilding.
    const current = input.name ? await findBuildingInScope(tx, scope, id) : null;
    if (current) await findAreaInScope(tx, scope, current.compoundId, { forUpdate: true });
    const building = await findBuildingInScope(tx, scope, id, { forUpdate: true });
    if (!building) throw buildingNotFound();
    const grant = assertInScope(scope, building, 'building.not_found');
    assertVersion(building, input.version, 'building.version_conflict', (b) => presentBuilding(b, 0));
    if (input.name && (await buildingNameTaken(tx, building.compoundId, input.name, building.id))) {
      throw duplicateBuildingName();
    }
    const updated = await updateBuildingRow(tx, id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.kind !== undefined && { kind: input.kind }),
      ...(input.builtYear !== undefined && { builtYear: input.builtYear ?? null }),
      ...(input.notes !== undefined && { notes: input.notes }),
    });
    await writeAudit(tx, ctx, {
      action: 'building.update',
      entityType: 'building',
      entityId: id,
      scope: updated,
      changes: diffFields(building, updated, BUILDING_FIELDS),
      delegationId: grant.delegationId,
    });
    return detail(tx, updated);
  });
}

/**
 * Raises a building (加层) — also one an import created with only the floors its file named. The new
 * floors go on top; each entrance gets their flats numbered as at creation. A number an entrance
 * already uses (a flat renumbered by hand) is left to the dwelling that has it and reported as
 * skipped: existing dwellings are never renumbered, moved or removed. Checked under the building's
 * lock, like an added dwelling, so a concurrent add meets the number check, not the unique index.
 */
export async function addFloors(
  ctx: ServiceContext,
  id: string,
  input: BuildingFloorsAdd,
): Promise<BuildingFloorsAdded> {
  return changeBuilding(ctx, id, async (tx, building, grant) => {
    const entranceRows = await entrancesOf(tx, building.id);
    const dwellingRows = await dwellingsOf(tx, building.id);
    assertVersion(building, input.version, 'building.version_conflict', (b) =>
      presentBuildingDetail(b, entranceRows, dwellingRows),
    );
    if (input.floors <= building.floors) {
      throw new AppError('building.floors_not_raised', { floors: building.floors });
    }
    const rooms = input.roomsPerFloor ?? building.roomsPerFloor;
    const taken = new Set(
      dwellingRows.filter((d) => d.status === 'active').map((d) => `${d.entranceId}|${d.number}`),
    );
    const newRows: (typeof dwellings.$inferInsert)[] = [];
    const skipped: string[] = [];
    for (const entrance of entranceRows) {
      for (const d of floorRooms(building.floors + 1, input.floors, rooms)) {
        if (taken.has(`${entrance.id}|${d.number}`)) {
          skipped.push(dwellingLabel(building.name, entrance.number, building.entranceCount, d.number));
          continue;
        }
        newRows.push(newDwellingRow(ctx, building, entrance.id, d));
      }
    }
    await insertDwellings(tx, newRows);
    const updated = await updateBuildingRow(tx, id, { floors: input.floors });
    await writeAudit(tx, ctx, {
      action: 'building.add_floors',
      entityType: 'building',
      entityId: id,
      scope: updated,
      changes: {
        floors: { from: building.floors, to: updated.floors },
        roomsPerNewFloor: { to: rooms },
        dwellingsCreated: { to: newRows.length },
        ...(skipped.length && { skipped: { to: skipped } }),
      },
      delegationId: grant.delegationId,
    });
    return { building: await detail(tx, updated), created: newRows.length, skipped };
  });
}

/**
 * Adds entrances (单元) after the last one — for a building an import created with only the entrances
 * its file named, or one extended. Each new entrance gets every floor's flats, numbered as at creation.
 * Existing dwellings keep their numbers; their labels gain the entrance when a one-entrance building
 * gets a second (5号楼301 becomes 5号楼1单元301), as every label of a multi-entrance building reads.
 */
export async function addEntrances(
  ctx: ServiceContext,
  id: string,
  input: BuildingEntrancesAdd,
): Promise<BuildingEntrancesAdded> {
  return changeBuilding(ctx, id, async (tx, building, grant) => {
    const entranceRows = await entrancesOf(tx, building.id);
    const dwellingRows = await dwellingsOf(tx, building.id);
    assertVersion(building, input.version, 'building.version_conflict', (b) =>
      presentBuildingDetail(b, entranceRows, dwellingRows),
    );
    if (input.entrances <= building.entranceCount) {
      throw new AppError('building.entrances_not_added', { entrances: building.entranceCount });
    }
    const rooms = input.roomsPerFloor ?? building.roomsPerFloor;
    // Numbers continue after the highest entrance there is, whatever the count says.
    const highest = Math.max(0, ...entranceRows.map((e) => e.number));
    const added = await insertEntrances(
      tx,
      Array.from({ length: input.entrances - building.entranceCount }, (_, i) => ({
        id: newId(),
        streetId: building.streetId,
        communityId: building.communityId,
        buildingId: building.id,
        number: highest + i + 1,
        name: entranceName(highest + i + 1),
      })),
    );
    const newRows = added.flatMap((entrance) =>
      floorRooms(1, building.floors, rooms).map((d) => newDwellingRow(ctx, building, entrance.id, d)),
    );
    await insertDwellings(tx, newRows);
    const updated = await updateBuildingRow(tx, id, { entranceCount: input.entrances });
    await writeAudit(tx, ctx, {
      action: 'building.add_entrances',
      entityType: 'building',
      entityId: id,
      scope: updated,
      changes: {
        entranceCount: { from: building.entranceCount, to: updated.entranceCount },
        entrancesAdded: { to: added.map((e) => e.name) },
        roomsPerFloor: { to: rooms },
        dwellingsCreated: { to: newRows.length },
      },
      delegationId: grant.delegationId,
    });
    return { building: await detail(tx, updated), created: newRows.length };
  });
}

export async function addDwelling(
  ctx: ServiceContext,
  buildingId: string,
  input: z.infer<typeof DwellingCreate>,
) {
  return changeBuilding(ctx, buildingId, async (tx, building, grant) => {
    const entrance = (await entrancesOf(tx, building.id)).find((e) => e.id === input.entranceId);
    if (!entrance) throw buildingNotFound();
    if (input.floor > building.floors || input.floor === 0) throw floorOutOfRange();
    if (await dwellingNumberTaken(tx, entrance.id, input.number)) throw duplicateDwelling();
    const row = await insertDwelling(tx, newDwellingRow(ctx, building, entrance.id, input));
    await writeAudit(tx, ctx, {
      action: 'dwelling.create',
      entityType: 'dwelling',
      entityId: row.id,
      scope: row,
      changes: diffFields(null, row, DWELLING_FIELDS),
      delegationId: grant.delegationId,
    });
    return presentDwelling(row, building, entrance);
  });
}

async function changeDwelling(
  ctx: ServiceContext,
  id: string,
  version: number,
  action: 'dwelling.update' | 'dwelling.archive',
  patch: { number?: string; floor?: number; status?: 'archived' },
) {
  const scope = await authorizeFor(
    ctx.actor,
    'building.manage',
    'dwelling.not_found',
    dwellingTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    // The building is locked first, as in addDwelling and a compound move: numbers are checked
    // under its lock, so two changes to one number answer 409, not a unique-index error.
    const current = await findDwellingInScope(tx, scope, id);
    if (!current) throw dwellingNotFound();
    const building = await findBuildingInScope(tx, scope, current.buildingId, { forUpdate: true });
    if (!building) throw dwellingNotFound();
    const dwelling = await findDwellingInScope(tx, scope, id, { forUpdate: true });
    if (!dwelling) throw dwellingNotFound();
    const grant = assertInScope(scope, dwelling, 'dwelling.not_found');
    if (dwelling.status === 'archived') throw new AppError('dwelling.archived');
    const entrance = (await entrancesOf(tx, building.id)).find((e) => e.id === dwelling.entranceId)!;
    assertVersion(dwelling, version, 'dwelling.version_conflict', (d) =>
      presentDwelling(d, building, entrance),
    );
    if (patch.floor !== undefined && (patch.floor > building.floors || patch.floor === 0))
      throw floorOutOfRange();
    if (patch.number && (await dwellingNumberTaken(tx, dwelling.entranceId, patch.number, dwelling.id))) {
      throw duplicateDwelling();
    }
    const updated = await updateDwellingRow(tx, id, patch);
    await writeAudit(tx, ctx, {
      action,
      entityType: 'dwelling',
      entityId: id,
      scope: updated,
      changes: diffFields(dwelling, updated, DWELLING_FIELDS),
      delegationId: grant.delegationId,
    });
    return presentDwelling(updated, building, entrance);
  });
}

export function updateDwelling(ctx: ServiceContext, id: string, input: z.infer<typeof DwellingUpdate>) {
  const { version, ...patch } = input;
  return changeDwelling(ctx, id, version, 'dwelling.update', patch);
}

/** A dwelling is never deleted: it is archived (merged into its neighbour, turned into a shop …). */
export function archiveDwelling(ctx: ServiceContext, id: string, version: number) {
  return changeDwelling(ctx, id, version, 'dwelling.archive', { status: 'archived' });
}

const PROFILE_FIELDS = ['type', 'use', 'ownerName', 'notes', 'safetyFlags', 'safetyNotes'] as const;

async function profileOf(db: DbOrTx, scope: Scope, dwelling: DwellingRow) {
  const building = await findBuildingInScope(db, scope, dwelling.buildingId);
  const entrance = building && (await entrancesOf(db, building.id)).find((e) => e.id === dwelling.entranceId);
  const label =
    building && entrance
      ? dwellingLabel(building.name, entrance.number, building.entranceCount, dwelling.number)
      : dwelling.number;
  return presentDwellingProfile(dwelling, label, await userNameOf(db, dwelling.lastVerifiedBy));
}

/** Type, use, owner and safety notes: register data, so read and kept by those who keep residents. */
export async function getDwellingProfile(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'dwelling.not_found', dwellingTarget(ctx, id));
  const dwelling = await findDwellingInScope(ctx.db, scope, id);
  if (!dwelling) throw dwellingNotFound();
  return profileOf(ctx.db, scope, dwelling);
}

export async function updateDwellingProfile(ctx: ServiceContext, id: string, input: DwellingProfileUpdate) {
  const scope = await authorizeFor(
    ctx.actor,
    'resident.write',
    'dwelling.not_found',
    dwellingTarget(ctx, id),
  );
  return ctx.db.transaction(async (tx) => {
    const dwelling = await findDwellingInScope(tx, scope, id, { forUpdate: true });
    if (!dwelling) throw dwellingNotFound();
    const grant = assertInScope(scope, dwelling, 'dwelling.not_found');
    const current = await profileOf(tx, scope, dwelling);
    assertVersion(dwelling, input.version, 'dwelling.version_conflict', () => current);
    if (dwelling.status === 'archived') throw new AppError('dwelling.archived');
    const patch: Partial<DwellingRow> = { lastVerifiedAt: new Date(), lastVerifiedBy: ctx.actor.userId };
    for (const f of ['type', 'use', 'ownerName', 'notes', 'safetyNotes'] as const) {
      if (input[f] !== undefined) (patch as Record<string, unknown>)[f] = input[f] || null;
    }
    if (input.safetyFlags !== undefined) patch.safetyFlags = [...new Set(input.safetyFlags)];
    const phone = input.ownerPhone;
    if (phone !== undefined) {
      patch.ownerPhoneEnc = phone ? ctx.crypto.encrypt(phone) : null;
      patch.ownerPhoneHash = phone ? ctx.crypto.hash(phone) : null;
      patch.ownerPhoneMasked = phone ? maskPhone(phone) : null;
    }
    const updated = await updateDwellingRow(tx, id, patch);
    const changes = diffFields(dwelling, updated, PROFILE_FIELDS);
    if (phone !== undefined && (phone ? ctx.crypto.hash(phone) : null) !== dwelling.ownerPhoneHash) {
      // Masked on both sides: the audit log never holds a clear phone.
      changes.ownerPhone = { from: dwelling.ownerPhoneMasked, to: updated.ownerPhoneMasked };
    }
    await writeAudit(tx, ctx, {
      action: 'dwelling.profile_update',
      entityType: 'dwelling',
      entityId: id,
      scope: updated,
      changes,
      delegationId: grant.delegationId,
    });
    return profileOf(tx, scope, updated);
  });
}
