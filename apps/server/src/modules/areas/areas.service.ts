import type { AreaCreate, AreaNode, AreaUpdate } from '@linli/shared';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { assertInScope, authorize, authorizeFor, coveringGrant, type Scope } from '../../platform/scope';
import { diffFields, writeAudit } from '../audit/audit.service';
import { areaNotEmpty, areaNotFound, duplicateAreaName, invalidParent } from './areas.errors';
import { presentArea } from './areas.presenter';
import {
  countsByCompound,
  countsUnderPath,
  findAreaInScope,
  findAreasByIds,
  hasLiveChildren,
  insertArea,
  listAreasInScope,
  rekeyCompoundRows,
  siblingNameTaken,
  updateArea,
} from './areas.repository';
import { canMove, isValidParent, pathIds, placeUnder } from './areas.rules';
import type { AreaRow } from './areas.table';

const AUDITED_FIELDS = ['name', 'code', 'sortOrder', 'parentId', 'kind'] as const;

export async function getAreaTree(ctx: ServiceContext) {
  const scope = authorize(ctx.actor, 'area.read');
  const inScope = await listAreasInScope(ctx.db, scope);
  const seen = new Set(inScope.map((a) => a.id));
  const ancestorIds = [...new Set(inScope.flatMap((a) => pathIds(a.path)))].filter((id) => !seen.has(id));
  const ancestors = await findAreasByIds(ctx.db, ancestorIds);
  const counts = await countsByCompound(ctx.db, scope);
  const totals = rollUpCounts(inScope, counts);
  return [
    ...ancestors.map((a) => ({ ...presentArea(a, { buildings: 0, dwellings: 0 }), inScope: false })),
    ...inScope.map((a) => ({
      ...presentArea(a, totals.get(a.id) ?? { buildings: 0, dwellings: 0 }),
      inScope: true,
    })),
  ];
}

/** Compound counts summed up the tree, so a community shows its dwellings without another query. */
function rollUpCounts(nodes: AreaRow[], counts: Awaited<ReturnType<typeof countsByCompound>>) {
  const totals = new Map<string, { buildings: number; dwellings: number }>();
  for (const node of nodes) {
    if (node.kind !== 'compound') continue;
    const b = counts.buildings.get(node.id) ?? 0;
    const d = counts.dwellings.get(node.id) ?? 0;
    for (const id of pathIds(node.path)) {
      const t = totals.get(id) ?? { buildings: 0, dwellings: 0 };
      t.buildings += b;
      t.dwellings += d;
      totals.set(id, t);
    }
  }
  return totals;
}

const areaTarget = (ctx: ServiceContext, id: string) => (reach: Scope) => findAreaInScope(ctx.db, reach, id);

export async function getArea(ctx: ServiceContext, id: string): Promise<AreaNode> {
  const scope = await authorizeFor(ctx.actor, 'area.read', 'area.not_found', areaTarget(ctx, id));
  const row = await findAreaInScope(ctx.db, scope, id);
  if (!row) throw areaNotFound();
  return presentArea(row, await countsUnderPath(ctx.db, row.path));
}

export async function createArea(ctx: ServiceContext, input: AreaCreate): Promise<AreaNode> {
  // Districts are created from the command line (`linli create-admin`), not through the API.
  if (input.parentId === null) throw invalidParent();
  const scope = await authorizeFor(
    ctx.actor,
    'area.manage',
    'area.not_found',
    areaTarget(ctx, input.parentId),
  );
  return ctx.db.transaction(async (tx) => {
    // Locked, so two requests creating the same name under it meet the name check, not the unique index.
    const parent = await findAreaInScope(tx, scope, input.parentId!, { forUpdate: true });
    if (!parent) throw areaNotFound();
    const grant = assertInScope(scope, parent, 'area.not_found');
    if (!isValidParent(input.kind, parent.kind)) throw invalidParent();
    if (await siblingNameTaken(tx, parent.id, input.name)) throw duplicateAreaName();
    const id = newId();
    const row = await insertArea(tx, {
      id,
      kind: input.kind,
      parentId: parent.id,
      ...placeUnder(id, input.kind, parent),
      name: input.name,
      code: input.code ?? null,
      sortOrder: input.sortOrder ?? 0,
      createdBy: ctx.actor.userId,
    });
    await writeAudit(tx, ctx, {
      action: 'area.create',
      entityType: 'area',
      entityId: id,
      scope: row,
      changes: diffFields(null, row, AUDITED_FIELDS),
      delegationId: grant.delegationId,
    });
    return presentArea(row, { buildings: 0, dwellings: 0 });
  });
}

/**
 * A node is managed from above: changing it needs area.manage on its parent, so a committee
 * shapes its compounds but not its own name or place, which belong to the street.
 */
async function loadManagedNode(tx: Parameters<typeof findAreaInScope>[0], scope: Scope, id: string) {
  const node = await findAreaInScope(tx, scope, id, { forUpdate: true });
  if (!node) {
    // Visible to a reader but not in the manage scope: still a 404 (no existence leak beyond read).
    throw areaNotFound();
  }
  const parentGrant = node.parentId
    ? coveringGrant(scope, (await findAreasByIds(tx, [node.parentId]))[0] ?? { streetId: null })
    : null;
  if (!parentGrant) throw new AppError('auth.forbidden');
  return { node, grant: parentGrant };
}

export async function updateAreaNode(ctx: ServiceContext, id: string, input: AreaUpdate): Promise<AreaNode> {
  const scope = await authorizeFor(ctx.actor, 'area.manage', 'area.not_found', areaTarget(ctx, id));
  return ctx.db.transaction(async (tx) => {
    const { node, grant } = await loadManagedNode(tx, scope, id);
    assertVersion(node, input.version, 'area.version_conflict', (r) =>
      presentArea(r, { buildings: 0, dwellings: 0 }),
    );
    const patch: Partial<AreaRow> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.code !== undefined) patch.code = input.code ?? null;
    if (input.sortOrder !== undefined) patch.sortOrder = input.sortOrder;
    let movedGrids: { gridId: string; buildingId: string }[] = [];
    if (input.parentId !== undefined && input.parentId !== node.parentId) {
      const target = await findAreaInScope(tx, scope, input.parentId);
      if (!target) throw areaNotFound();
      const [current] = await findAreasByIds(tx, [node.parentId!]);
      if (!current || !canMove(node.kind, current, target)) throw invalidParent();
      patch.parentId = target.id;
      Object.assign(patch, placeUnder(node.id, node.kind, target));
      movedGrids = await rekeyCompoundRows(tx, node.id, target.id);
    }
    const name = patch.name ?? node.name;
    const parentId = patch.parentId ?? node.parentId;
    if (patch.name || patch.parentId) {
      // The parent is locked like in createArea, so concurrent renames to one name answer 409.
      if (parentId) await findAreaInScope(tx, scope, parentId, { forUpdate: true });
      if (await siblingNameTaken(tx, parentId, name, node.id)) throw duplicateAreaName();
    }
    const updated = await updateArea(tx, node.id, patch);
    const changes = diffFields(node, updated, AUDITED_FIELDS);
    if (movedGrids.length) changes.gridMemberships = { from: movedGrids, to: [] };
    await writeAudit(tx, ctx, {
      action: patch.parentId ? 'area.move' : 'area.update',
      entityType: 'area',
      entityId: node.id,
      scope: updated,
      changes,
      delegationId: grant.delegationId,
    });
    return presentArea(updated, await countsUnderPath(tx, updated.path));
  });
}

/** Only an empty node can be archived; nothing below it is ever removed as a side effect. */
export async function archiveArea(ctx: ServiceContext, id: string, version: number): Promise<void> {
  const scope = await authorizeFor(ctx.actor, 'area.manage', 'area.not_found', areaTarget(ctx, id));
  await ctx.db.transaction(async (tx) => {
    const { node, grant } = await loadManagedNode(tx, scope, id);
    assertVersion(node, version, 'area.version_conflict', (r) =>
      presentArea(r, { buildings: 0, dwellings: 0 }),
    );
    if (await hasLiveChildren(tx, node.id)) throw areaNotEmpty();
    const updated = await updateArea(tx, node.id, { archivedAt: new Date() });
    await writeAudit(tx, ctx, {
      action: 'area.archive',
      entityType: 'area',
      entityId: node.id,
      scope: updated,
      changes: { archivedAt: { from: null, to: updated.archivedAt?.toISOString() } },
      delegationId: grant.delegationId,
    });
  });
}
