import { and, count, desc, eq, inArray, isNull, max, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { auditLog } from '../audit/audit.table';
import { gridBuildings, grids } from '../grids/grids.table';
import { users } from '../users/users.table';
import { type LedgerLinkRow, type LedgerRow, ledgerLinks, ledgers } from './ledgers.table';

export type LedgerWithNames = { ledger: LedgerRow; areaName: string; ownerName: string | null };

const withNames = (db: DbOrTx) =>
  db
    .select({ ledger: ledgers, areaName: areas.name, ownerName: users.name })
    .from(ledgers)
    .innerJoin(areas, eq(areas.id, ledgers.areaId))
    .leftJoin(users, eq(users.id, ledgers.ownerId));

/**
 * Ledgers the caller may see: in its scope, and either its own or shared with the area. A ledger's
 * area must lie wholly inside the scope, so a community worker never sees a street-wide list.
 */
function visible(scope: Scope, userId: string | null): SQL {
  return and(
    ledgerScopeWhere(scope),
    or(eq(ledgers.sharing, 'area'), userId ? eq(ledgers.ownerId, userId) : sql`false`),
  ) as SQL;
}

/** A street ledger (community_id null) is reached only through a street or district grant. */
function ledgerScopeWhere(scope: Scope): SQL {
  return scopeWhere(scope, {
    districtId: ledgers.districtId,
    streetId: ledgers.streetId,
    communityId: ledgers.communityId,
  });
}

export async function listLedgers(
  db: DbOrTx,
  scope: Scope,
  userId: string | null,
  status: 'active' | 'archived',
): Promise<LedgerWithNames[]> {
  return withNames(db)
    .where(and(visible(scope, userId), eq(ledgers.status, status)))
    .orderBy(desc(ledgers.updatedAt))
    .limit(500);
}

export async function findLedger(
  db: DbOrTx,
  scope: Scope,
  userId: string | null,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<LedgerWithNames | null> {
  const q = withNames(db).where(and(eq(ledgers.id, id), visible(scope, userId)));
  const [row] = opts.forUpdate ? await q.for('update', { of: ledgers }) : await q;
  return row ?? null;
}

export async function insertLedger(db: DbOrTx, row: typeof ledgers.$inferInsert) {
  await db.insert(ledgers).values(row);
}

export async function updateLedgerRow(db: DbOrTx, id: string, patch: Partial<typeof ledgers.$inferInsert>) {
  await db
    .update(ledgers)
    .set({ ...patch, updatedAt: new Date(), version: sql`${ledgers.version} + 1` })
    .where(eq(ledgers.id, id));
}

export async function insertLink(db: DbOrTx, row: typeof ledgerLinks.$inferInsert) {
  const [created] = await db.insert(ledgerLinks).values(row).returning();
  return created!;
}

export type LinkWithStats = {
  link: LedgerLinkRow;
  createdByName: string | null;
  opens: number;
  lastOpenedAt: Date | null;
};

/** The links of one ledger with how often and when they were last opened, from the audit log. */
export async function linksOfLedger(db: DbOrTx, ledgerId: string): Promise<LinkWithStats[]> {
  const rows = await db
    .select({ link: ledgerLinks, createdByName: users.name })
    .from(ledgerLinks)
    .leftJoin(users, eq(users.id, ledgerLinks.createdBy))
    .where(eq(ledgerLinks.ledgerId, ledgerId))
    .orderBy(desc(ledgerLinks.createdAt));
  const stats = await openStats(
    db,
    rows.map((r) => r.link.id),
  );
  return rows.map((r) => ({
    ...r,
    opens: stats.get(r.link.id)?.opens ?? 0,
    lastOpenedAt: stats.get(r.link.id)?.last ?? null,
  }));
}

async function openStats(db: DbOrTx, linkIds: string[]) {
  const map = new Map<string, { opens: number; last: Date | null }>();
  if (linkIds.length === 0) return map;
  const rows = await db
    .select({ id: auditLog.entityId, opens: count(), last: max(auditLog.at) })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entityType, 'ledger_link'),
        inArray(auditLog.entityId, linkIds),
        eq(auditLog.action, 'ledger_link.open'),
      ),
    )
    .groupBy(auditLog.entityId);
  for (const r of rows) if (r.id) map.set(r.id, { opens: Number(r.opens), last: r.last });
  return map;
}

export async function findLink(
  db: DbOrTx,
  ledgerId: string,
  linkId: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select()
    .from(ledgerLinks)
    .where(and(eq(ledgerLinks.id, linkId), eq(ledgerLinks.ledgerId, ledgerId)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function revokeLinkRow(db: DbOrTx, id: string, by: string | null) {
  await db.update(ledgerLinks).set({ revokedAt: new Date(), revokedBy: by }).where(eq(ledgerLinks.id, id));
}

/** The link of a token hash with its ledger, and the names the shared page shows. */
export async function findLinkByTokenHash(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({
      link: ledgerLinks,
      ledger: ledgers,
      areaName: areas.name,
      sharedBy: users.name,
    })
    .from(ledgerLinks)
    .innerJoin(ledgers, eq(ledgers.id, ledgerLinks.ledgerId))
    .innerJoin(areas, eq(areas.id, ledgerLinks.areaId))
    .leftJoin(users, eq(users.id, ledgerLinks.createdBy))
    .where(eq(ledgerLinks.tokenHash, tokenHash));
  return row ?? null;
}

export async function userNames(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ name: users.name, username: users.username })
    .from(users)
    .where(eq(users.id, id));
  return row ?? null;
}

/**
 * The name of the live grid each of `buildingIds` belongs to (a building is in at most one), within
 * the ledger's street: the buildings come from a scoped search, the street keeps the join there too.
 */
export async function gridNamesOfBuildings(db: DbOrTx, streetId: string, buildingIds: string[]) {
  const names = new Map<string, string>();
  if (buildingIds.length === 0) return names;
  const rows = await db
    .select({ buildingId: gridBuildings.buildingId, name: grids.name })
    .from(gridBuildings)
    .innerJoin(grids, and(eq(grids.id, gridBuildings.gridId), eq(grids.streetId, gridBuildings.streetId)))
    .where(
      and(
        eq(gridBuildings.streetId, streetId),
        inArray(gridBuildings.buildingId, buildingIds),
        isNull(grids.archivedAt),
      ),
    );
  for (const r of rows) names.set(r.buildingId, r.name);
  return names;
}
