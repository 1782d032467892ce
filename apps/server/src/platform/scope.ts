import { type AreaKind, type ErrorCode, type Permission, type Role, roleHas } from '@linli/shared';
import { type Column, inArray, or, type SQL, sql } from 'drizzle-orm';
import { AppError } from './errors';

/** A role the caller holds right now on one area node: a standing grant or an active delegation. */
export type ActiveGrant = {
  id: string;
  role: Role;
  areaId: string;
  areaKind: AreaKind;
  areaName: string;
  areaPath: string;
  districtId: string | null;
  streetId: string | null;
  communityId: string | null;
  /** For a district grant: the streets below it, so street-keyed rows can be matched. */
  streetsBelow: string[];
  via: 'grant' | 'delegation';
  delegationId: string | null;
  endsAt: Date | null;
};

export type Actor = {
  kind: 'user' | 'token';
  userId: string | null;
  tokenId: string | null;
  name: string;
  grants: ActiveGrant[];
  sessionId: string | null;
  csrfToken: string | null;
  mustChangePassword: boolean;
};

/** Where a permission reaches for this caller. */
export type Scope = {
  /** Null for the caller's whole reach, regardless of permission (see `authorizeFor`). */
  permission: Permission | null;
  grants: ActiveGrant[];
  districtIds: string[];
  streetIds: string[];
  communityIds: string[];
};

/** The row's place in the tree: every tenant row carries these (DESIGN §4). */
export type Scoped = {
  districtId?: string | null;
  streetId: string | null;
  communityId?: string | null;
};

/**
 * The one authorisation function. It answers where the caller may use `permission`;
 * a caller holding it nowhere gets 403, a row outside the answer must be reported as 404.
 */
export function authorize(actor: Actor, permission: Permission): Scope {
  const grants = actor.grants.filter((g) => roleHas(g.role, permission));
  if (grants.length === 0) throw new AppError('auth.forbidden');
  return scopeOf(permission, grants);
}

/**
 * For a request about one object: a caller lacking the permission still learns nothing about objects
 * beyond its reach. Outside every area the caller holds a role in, the answer is 404; inside, 403.
 */
export async function authorizeFor(
  actor: Actor,
  permission: Permission,
  notFound: ErrorCode,
  findTarget: (reach: Scope) => Promise<Scoped | null | undefined>,
): Promise<Scope> {
  if (hasPermission(actor, permission)) return authorize(actor, permission);
  const reach = scopeOf(null, [...actor.grants]);
  const target = await findTarget(reach);
  if (!target || !coveringGrant(reach, target)) throw new AppError(notFound);
  throw new AppError('auth.forbidden');
}

function scopeOf(permission: Permission | null, grants: ActiveGrant[]): Scope {
  const districtIds = new Set<string>();
  const streetIds = new Set<string>();
  const communityIds = new Set<string>();
  for (const g of grants) {
    if (g.areaKind === 'district') {
      districtIds.add(g.areaId);
      for (const s of g.streetsBelow) streetIds.add(s);
    } else if (g.areaKind === 'street') streetIds.add(g.areaId);
    else if (g.areaKind === 'community') communityIds.add(g.areaId);
    else if (g.communityId) communityIds.add(g.communityId);
  }
  // Standing grants first, so an action covered by both is not attributed to a delegation.
  grants.sort((a, b) => (a.via === b.via ? 0 : a.via === 'grant' ? -1 : 1));
  return {
    permission,
    grants,
    districtIds: [...districtIds],
    streetIds: [...streetIds],
    communityIds: [...communityIds],
  };
}

export function hasPermission(actor: Actor, permission: Permission): boolean {
  return actor.grants.some((g) => roleHas(g.role, permission));
}

function grantCovers(g: ActiveGrant, row: Scoped): boolean {
  switch (g.areaKind) {
    case 'district':
      return (
        (row.districtId != null && row.districtId === g.areaId) ||
        (row.streetId != null && g.streetsBelow.includes(row.streetId))
      );
    case 'street':
      return row.streetId != null && row.streetId === g.areaId;
    case 'community':
    case 'compound':
      return row.communityId != null && row.communityId === (g.communityId ?? g.areaId);
  }
}

/** The grant through which the caller reaches this row, or null when it lies outside the scope. */
export function coveringGrant(scope: Scope, row: Scoped): ActiveGrant | null {
  return scope.grants.find((g) => grantCovers(g, row)) ?? null;
}

export function assertInScope(
  scope: Scope,
  row: Scoped | undefined | null,
  notFound: ErrorCode,
): ActiveGrant {
  const grant = row ? coveringGrant(scope, row) : null;
  if (!grant) throw new AppError(notFound);
  return grant;
}

type ScopeColumns = { districtId?: Column; streetId: Column; communityId?: Column };

/** The same rule as `coveringGrant`, as SQL for repositories. */
export function scopeWhere(scope: Scope, cols: ScopeColumns): SQL {
  const parts: SQL[] = [];
  if (scope.streetIds.length) parts.push(inArray(cols.streetId, scope.streetIds));
  if (scope.communityIds.length && cols.communityId)
    parts.push(inArray(cols.communityId, scope.communityIds));
  if (scope.districtIds.length && cols.districtId) parts.push(inArray(cols.districtId, scope.districtIds));
  return parts.length ? (or(...parts) as SQL) : sql`false`;
}
