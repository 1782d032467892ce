import type { ApiToken, Role } from '@linli/shared';
import type { ApiTokenRow } from './tokens.table';

/** The hash never leaves the server; the secret is shown once, by the create call. */
export function presentToken(row: ApiTokenRow, areaName: string): ApiToken {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    areaId: row.areaId,
    areaName,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
