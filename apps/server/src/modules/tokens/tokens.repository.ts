import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { apiTokens } from './tokens.table';

export async function findLiveToken(db: DbOrTx, tokenHash: string, now = new Date()) {
  const [row] = await db
    .select({ token: apiTokens, area: areas })
    .from(apiTokens)
    .innerJoin(areas, eq(areas.id, apiTokens.areaId))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        isNull(areas.archivedAt),
      ),
    );
  return row ?? null;
}

export async function touchToken(db: DbOrTx, id: string) {
  await db.update(apiTokens).set({ lastUsedAt: new Date() }).where(eq(apiTokens.id, id));
}

export async function listTokensInScope(db: DbOrTx, scope: Scope) {
  return db
    .select({ token: apiTokens, areaName: areas.name })
    .from(apiTokens)
    .innerJoin(areas, eq(areas.id, apiTokens.areaId))
    .where(scopeWhere(scope, apiTokens))
    .orderBy(desc(apiTokens.createdAt));
}

export async function findTokenInScope(db: DbOrTx, scope: Scope, id: string) {
  const [row] = await db
    .select({ token: apiTokens, areaName: areas.name })
    .from(apiTokens)
    .innerJoin(areas, eq(areas.id, apiTokens.areaId))
    .where(and(eq(apiTokens.id, id), scopeWhere(scope, apiTokens)));
  return row ?? null;
}

export async function insertToken(db: DbOrTx, row: typeof apiTokens.$inferInsert) {
  const [created] = await db.insert(apiTokens).values(row).returning();
  return created!;
}

export async function revokeTokenRow(db: DbOrTx, id: string, by: string | null) {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: new Date(), revokedBy: by })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return row ?? null;
}
