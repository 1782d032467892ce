import type { AreaKind, RoleGrant, User } from '@linli/shared';
import type { GrantWithArea } from './users.repository';
import type { UserRow } from './users.table';

export function presentGrant(g: GrantWithArea): RoleGrant {
  return {
    id: g.id,
    role: g.role,
    areaId: g.area.id,
    areaName: g.area.name,
    areaKind: g.area.kind as AreaKind,
    via: g.via,
    endsAt: g.endsAt?.toISOString() ?? null,
  };
}

/** Never the password hash, failed-login counter or scope keys: only what a colleague may see. */
export function presentUser(row: UserRow, grants: GrantWithArea[], homeAreaName: string): User {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    phone: row.phone,
    status: row.status,
    homeAreaId: row.homeAreaId,
    homeAreaName,
    mustChangePassword: row.mustChangePassword,
    lockedUntil: row.lockedUntil && row.lockedUntil > new Date() ? row.lockedUntil.toISOString() : null,
    grants: grants.map(presentGrant),
    createdAt: row.createdAt.toISOString(),
    version: row.version,
  };
}
