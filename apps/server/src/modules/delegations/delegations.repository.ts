import { aliasedTable, and, desc, eq, gt, isNotNull, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { users } from '../users/users.table';
import { delegations } from './delegations.table';

const grantor = aliasedTable(users, 'grantor');
const grantee = aliasedTable(users, 'grantee');
const revoker = aliasedTable(users, 'revoker');

const withNames = (db: DbOrTx) =>
  db
    .select({
      delegation: delegations,
      grantorName: grantor.name,
      granteeName: grantee.name,
      revokedByName: revoker.name,
      areaName: areas.name,
    })
    .from(delegations)
    .innerJoin(grantor, eq(grantor.id, delegations.grantorId))
    .innerJoin(grantee, eq(grantee.id, delegations.granteeId))
    .innerJoin(areas, eq(areas.id, delegations.areaId))
    .leftJoin(revoker, eq(revoker.id, delegations.revokedBy));

export type DelegationWithNames = {
  delegation: typeof delegations.$inferSelect;
  grantorName: string;
  granteeName: string;
  revokedByName: string | null;
  areaName: string;
};

/** In scope, or about the caller (both users see a delegation on their own page). */
function visible(scope: Scope | null, selfId: string | null): SQL {
  const parts: SQL[] = [];
  if (scope) parts.push(scopeWhere(scope, delegations));
  if (selfId) parts.push(eq(delegations.granteeId, selfId), eq(delegations.grantorId, selfId));
  return (parts.length ? or(...parts) : eq(delegations.id, delegations.id)) as SQL;
}

export async function listDelegationsVisible(
  db: DbOrTx,
  scope: Scope | null,
  selfId: string | null,
  filter: { userId?: string; status?: string },
  now = new Date(),
) {
  const where: SQL[] = [visible(scope, selfId)];
  if (filter.userId)
    where.push(or(eq(delegations.granteeId, filter.userId), eq(delegations.grantorId, filter.userId))!);
  switch (filter.status) {
    case 'revoked':
      where.push(isNotNull(delegations.revokedAt));
      break;
    case 'scheduled':
      where.push(isNull(delegations.revokedAt), gt(delegations.startsAt, now));
      break;
    case 'active':
      where.push(isNull(delegations.revokedAt), lte(delegations.startsAt, now), gt(delegations.endsAt, now));
      break;
    case 'ended':
      where.push(isNull(delegations.revokedAt), lte(delegations.endsAt, now));
      break;
  }
  const rows: DelegationWithNames[] = await withNames(db)
    .where(and(...where))
    .orderBy(desc(delegations.createdAt))
    .limit(500);
  return rows;
}

export async function findDelegationVisible(
  db: DbOrTx,
  scope: Scope | null,
  selfId: string | null,
  id: string,
) {
  const rows: DelegationWithNames[] = await withNames(db).where(
    and(eq(delegations.id, id), visible(scope, selfId)),
  );
  return rows[0] ?? null;
}

export async function insertDelegation(db: DbOrTx, row: typeof delegations.$inferInsert) {
  const [created] = await db.insert(delegations).values(row).returning();
  return created!;
}

export async function revokeDelegationRow(db: DbOrTx, id: string, by: string | null, reason: string | null) {
  await db
    .update(delegations)
    .set({ revokedAt: new Date(), revokedBy: by, revokeReason: reason })
    .where(eq(delegations.id, id));
}
