import type { AuditQuery } from '@linli/shared';
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { users } from '../users/users.table';
import { auditLog } from './audit.table';

export async function listAuditEntries(db: DbOrTx, scope: Scope, q: AuditQuery) {
  const where: SQL[] = [scopeWhere(scope, auditLog)];
  if (q.actorId) where.push(eq(auditLog.actorUserId, q.actorId));
  if (q.entityType) where.push(eq(auditLog.entityType, q.entityType));
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.from) where.push(gte(auditLog.at, new Date(q.from)));
  // Entries show milliseconds, the column keeps microseconds: `to` takes in its whole millisecond,
  // so an entry's own `at` used as `to` still includes it.
  if (q.to) where.push(lt(auditLog.at, new Date(new Date(q.to).getTime() + 1)));
  // Ids are UUID v7, so ordering by id is ordering by time and the id is a stable cursor.
  if (q.cursor && /^[0-9a-f-]{36}$/.test(q.cursor)) where.push(lt(auditLog.id, q.cursor));
  const rows = await db
    .select({ entry: auditLog, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { rows: page, nextCursor: rows.length > q.limit ? (page.at(-1)?.entry.id ?? null) : null };
}
