import type { GridCreate, GridUpdate } from '@linli/shared';
import type { z } from 'zod';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { assertInScope, authorizeFor, type Scope } from '../../platform/scope';
import { areaNotFound } from '../areas/areas.errors';
import { findAreaInScope } from '../areas/areas.repository';
import { writeAudit } from '../audit/audit.service';
import { findBuildingsInScope } from '../buildings/buildings.repository';
import { presentGrid } from './grids.presenter';
import {
  buildingIdsOfGrids,
  findGridInScope,
  gridNameTaken,
  insertGrid,
  isGridWorkerOf,
  listGridsOfCommunity,
  setGridBuildings,
  updateGridRow,
} from './grids.repository';

const communityTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findAreaInScope(ctx.db, reach, id);
const gridTarget = (ctx: ServiceContext, id: string) => async (reach: Scope) =>
  (await findGridInScope(ctx.db, reach, id))?.grid;

export async function listGrids(ctx: ServiceContext, communityId: string) {
  const scope = await authorizeFor(
    ctx.actor,
    'area.read',
    'area.not_found',
    communityTarget(ctx, communityId),
  );
  const community = await findAreaInScope(ctx.db, scope, communityId);
  if (!community || community.kind !== 'community') throw areaNotFound();
  const rows = await listGridsOfCommunity(ctx.db, scope, communityId);
  const members = await buildingIdsOfGrids(
    ctx.db,
    rows.map((r) => r.grid.id),
  );
  return rows.map((r) => presentGrid(r.grid, r.workerName, members.get(r.grid.id) ?? []));
}

async function checkMembers(
  tx: DbOrTx,
  scope: Scope,
  communityId: string,
  workerUserId: string | null | undefined,
  buildingIds: string[] | undefined,
) {
  if (workerUserId && !(await isGridWorkerOf(tx, workerUserId, communityId))) {
    throw new AppError('grid.worker_outside');
  }
  if (buildingIds?.length) {
    const unique = [...new Set(buildingIds)];
    const found = await findBuildingsInScope(tx, scope, unique);
    if (found.length !== unique.length || found.some((b) => b.communityId !== communityId)) {
      throw new AppError('grid.building_outside');
    }
    return unique;
  }
  return buildingIds;
}

export async function createGrid(ctx: ServiceContext, input: z.infer<typeof GridCreate>) {
  const scope = await authorizeFor(
    ctx.actor,
    'grid.manage',
    'area.not_found',
    communityTarget(ctx, input.communityId),
  );
  return ctx.db.transaction(async (tx) => {
    // Grid names and building memberships are checked under the community's lock (see updateGrid).
    const community = await findAreaInScope(tx, scope, input.communityId, { forUpdate: true });
    if (!community || community.kind !== 'community') throw areaNotFound();
    const grant = assertInScope(scope, community, 'area.not_found');
    if (await gridNameTaken(tx, community.id, input.name)) {
      throw new AppError('request.validation', {}, { issues: [{ path: 'name', code: 'duplicate' }] });
    }
    const buildingIds =
      (await checkMembers(tx, scope, community.id, input.workerUserId, input.buildingIds)) ?? [];
    const grid = await insertGrid(tx, {
      id: newId(),
      streetId: community.streetId!,
      communityId: community.id,
      name: input.name,
      workerUserId: input.workerUserId ?? null,
      createdBy: ctx.actor.userId,
    });
    const moved = await setGridBuildings(tx, grid.id, grid.streetId, buildingIds);
    await writeAudit(tx, ctx, {
      action: 'grid.create',
      entityType: 'grid',
      entityId: grid.id,
      scope: grid,
      changes: {
        name: { to: grid.name },
        workerUserId: { to: grid.workerUserId },
        buildingIds: { to: buildingIds },
        ...(moved.length && { takenFromOtherGrids: { to: moved } }),
      },
      delegationId: grant.delegationId,
    });
    const created = await findGridInScope(tx, scope, grid.id);
    return presentGrid(grid, created?.workerName ?? null, buildingIds);
  });
}

export async function updateGrid(ctx: ServiceContext, id: string, input: z.infer<typeof GridUpdate>) {
  const scope = await authorizeFor(ctx.actor, 'grid.manage', 'grid.not_found', gridTarget(ctx, id));
  return ctx.db.transaction(async (tx) => {
    const found = await findGridInScope(tx, scope, id, { forUpdate: true });
    if (!found) throw new AppError('grid.not_found');
    const grant = assertInScope(scope, found.grid, 'grid.not_found');
    await findAreaInScope(tx, scope, found.grid.communityId, { forUpdate: true });
    const before = (await buildingIdsOfGrids(tx, [id])).get(id) ?? [];
    assertVersion(found.grid, input.version, 'grid.version_conflict', (g) =>
      presentGrid(g, found.workerName, before),
    );
    if (input.name && (await gridNameTaken(tx, found.grid.communityId, input.name, id))) {
      throw new AppError('request.validation', {}, { issues: [{ path: 'name', code: 'duplicate' }] });
    }
    const buildingIds = await checkMembers(
      tx,
      scope,
      found.grid.communityId,
      input.workerUserId,
      input.buildingIds,
    );
    const updated = await updateGridRow(tx, id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.workerUserId !== undefined && { workerUserId: input.workerUserId ?? null }),
    });
    const moved = buildingIds ? await setGridBuildings(tx, id, updated.streetId, buildingIds) : [];
    const after = buildingIds ?? before;
    await writeAudit(tx, ctx, {
      action: 'grid.update',
      entityType: 'grid',
      entityId: id,
      scope: updated,
      changes: {
        ...(updated.name !== found.grid.name && { name: { from: found.grid.name, to: updated.name } }),
        ...(updated.workerUserId !== found.grid.workerUserId && {
          workerUserId: { from: found.grid.workerUserId, to: updated.workerUserId },
        }),
        ...(buildingIds && { buildingIds: { from: [...before].sort(), to: [...after].sort() } }),
        ...(moved.length && { takenFromOtherGrids: { to: moved } }),
      },
      delegationId: grant.delegationId,
    });
    const refreshed = await findGridInScope(tx, scope, id);
    return presentGrid(updated, refreshed?.workerName ?? null, after);
  });
}
