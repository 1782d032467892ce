import type { AreaKind, Role } from '@linli/shared';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it, vi } from 'vitest';
import { areas } from '../modules/areas/areas.table';
import { buildings } from '../modules/buildings/buildings.table';
import { isAppError } from './errors';
import {
  type ActiveGrant,
  type Actor,
  assertInScope,
  authorize,
  authorizeFor,
  coveringGrant,
  hasPermission,
  type Scoped,
  scopeWhere,
} from './scope';

const D = 'd0000000-0000-7000-8000-000000000001';
const S1 = 'd0000000-0000-7000-8000-000000000011';
const S2 = 'd0000000-0000-7000-8000-000000000012';
const CA = 'd0000000-0000-7000-8000-000000000101';
const CB = 'd0000000-0000-7000-8000-000000000102';
const CC = 'd0000000-0000-7000-8000-000000000201';
const PA = 'd0000000-0000-7000-8000-000000001001';

let seq = 0;
function grant(
  role: Role,
  areaKind: AreaKind,
  areaId: string,
  keys: { d?: string; s?: string; c?: string; below?: string[] },
  via: ActiveGrant['via'] = 'grant',
): ActiveGrant {
  seq++;
  return {
    id: `g${seq}`,
    role,
    areaId,
    areaKind,
    areaName: areaId,
    areaPath: '/',
    districtId: keys.d ?? null,
    streetId: keys.s ?? null,
    communityId: keys.c ?? null,
    streetsBelow: keys.below ?? [],
    via,
    delegationId: via === 'delegation' ? `del${seq}` : null,
    endsAt: null,
  };
}
const districtAdmin = () => grant('district_admin', 'district', D, { d: D, below: [S1, S2] });
const streetAdmin = () => grant('street_admin', 'street', S1, { d: D, s: S1 });
const adminA = (via: ActiveGrant['via'] = 'grant') =>
  grant('community_admin', 'community', CA, { d: D, s: S1, c: CA }, via);
const workerA = () => grant('community_worker', 'community', CA, { d: D, s: S1, c: CA });
const volunteerA = () => grant('volunteer', 'community', CA, { d: D, s: S1, c: CA });
const adminB = (via: ActiveGrant['via'] = 'grant') =>
  grant('community_admin', 'community', CB, { d: D, s: S1, c: CB }, via);

function actor(...grants: ActiveGrant[]): Actor {
  return {
    kind: 'user',
    userId: 'u1',
    tokenId: null,
    name: 'tester',
    grants,
    sessionId: null,
    csrfToken: null,
    mustChangePassword: false,
  };
}

const row = (s: string | null, c: string | null = null, d: string | null = null): Scoped => ({
  districtId: d,
  streetId: s,
  communityId: c,
});

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
}
async function asyncCodeOf(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
}

describe('authorize', () => {
  it('answers 403 to a caller who holds the permission nowhere', () => {
    expect(codeOf(() => authorize(actor(), 'area.read'))).toBe('auth.forbidden');
    expect(codeOf(() => authorize(actor(volunteerA()), 'area.read'))).toBe('auth.forbidden');
    expect(codeOf(() => authorize(actor(workerA()), 'user.manage'))).toBe('auth.forbidden');
  });

  it('keeps only the grants carrying the permission', () => {
    const w = workerA();
    const b = adminB();
    const scope = authorize(actor(w, b), 'user.manage');
    expect(scope.permission).toBe('user.manage');
    expect(scope.grants).toEqual([b]);
    expect(scope.communityIds).toEqual([CB]);
    const read = authorize(actor(w, b), 'area.read');
    expect(read.communityIds.sort()).toEqual([CA, CB].sort());
  });

  it('collects the streets below a district, and the street of a street grant', () => {
    const scope = authorize(actor(districtAdmin()), 'area.read');
    expect(scope.districtIds).toEqual([D]);
    expect(scope.streetIds.sort()).toEqual([S1, S2].sort());
    expect(scope.communityIds).toEqual([]);
    const street = authorize(actor(streetAdmin()), 'area.read');
    expect(street).toMatchObject({ districtIds: [], streetIds: [S1], communityIds: [] });
  });

  it('puts standing grants before delegations, so an action covered by both is not a delegated one', () => {
    const delegated = adminA('delegation');
    const standing = adminA('grant');
    const scope = authorize(actor(delegated, standing), 'area.manage');
    expect(scope.grants.map((g) => g.via)).toEqual(['grant', 'delegation']);
    expect(coveringGrant(scope, row(S1, CA))).toBe(standing);
  });

  it('reports whether the caller holds a permission anywhere', () => {
    expect(hasPermission(actor(workerA()), 'building.manage')).toBe(true);
    expect(hasPermission(actor(workerA()), 'grid.manage')).toBe(false);
    expect(hasPermission(actor(), 'area.read')).toBe(false);
  });
});

describe('coveringGrant', () => {
  it('covers rows of the grant’s community only', () => {
    const scope = authorize(actor(adminA()), 'area.read');
    expect(coveringGrant(scope, row(S1, CA))).not.toBeNull();
    expect(coveringGrant(scope, row(S1, CB))).toBeNull();
    // A street-level row (the street node itself, a street's user) is above a community grant.
    expect(coveringGrant(scope, row(S1, null))).toBeNull();
    expect(coveringGrant(scope, row(null, null, D))).toBeNull();
  });

  it('covers every row keyed to the street for a street grant', () => {
    const scope = authorize(actor(streetAdmin()), 'area.read');
    expect(coveringGrant(scope, row(S1, CA))).not.toBeNull();
    expect(coveringGrant(scope, row(S1, CB))).not.toBeNull();
    expect(coveringGrant(scope, row(S1, null))).not.toBeNull();
    expect(coveringGrant(scope, row(S2, CC))).toBeNull();
    expect(coveringGrant(scope, row(null, null, D))).toBeNull();
  });

  it('covers the district row and every street below it for a district grant', () => {
    const scope = authorize(actor(districtAdmin()), 'area.read');
    expect(coveringGrant(scope, row(null, null, D))).not.toBeNull();
    expect(coveringGrant(scope, row(S2, CC))).not.toBeNull();
    expect(coveringGrant(scope, row('d0000000-0000-7000-8000-00000000ffff', null))).toBeNull();
    expect(coveringGrant(scope, row(null, null, 'd0000000-0000-7000-8000-00000000eeee'))).toBeNull();
  });

  it('treats a compound grant as its community', () => {
    const g = grant('viewer', 'compound', PA, { d: D, s: S1, c: CA });
    const scope = authorize(actor(g), 'area.read');
    expect(scope.communityIds).toEqual([CA]);
    expect(coveringGrant(scope, row(S1, CA))).toBe(g);
    expect(coveringGrant(scope, row(S1, CB))).toBeNull();
  });

  it('names the grant that reaches the row, delegation included', () => {
    const standing = workerA();
    const delegated = adminB('delegation');
    const scope = authorize(actor(standing, delegated), 'area.read');
    expect(coveringGrant(scope, row(S1, CA))).toBe(standing);
    expect(coveringGrant(scope, row(S1, CB))?.delegationId).toBe(delegated.delegationId);
  });

  it('assertInScope answers the given not-found code outside the scope', () => {
    const scope = authorize(actor(adminA()), 'area.read');
    expect(codeOf(() => assertInScope(scope, row(S1, CB), 'building.not_found'))).toBe('building.not_found');
    expect(codeOf(() => assertInScope(scope, null, 'grid.not_found'))).toBe('grid.not_found');
    expect(assertInScope(scope, row(S1, CA), 'area.not_found').areaId).toBe(CA);
  });
});

describe('authorizeFor', () => {
  it('returns the permission scope without looking at the target when the caller holds it', async () => {
    const find = vi.fn(async () => row(S1, CB));
    const scope = await authorizeFor(actor(adminA()), 'area.manage', 'area.not_found', find);
    expect(find).not.toHaveBeenCalled();
    expect(scope.permission).toBe('area.manage');
    expect(scope.communityIds).toEqual([CA]);
  });

  it('answers 404 for a target outside every role of the caller, 403 inside', async () => {
    const volunteer = actor(volunteerA());
    const outside = await asyncCodeOf(
      authorizeFor(volunteer, 'building.manage', 'building.not_found', async () => row(S1, CB)),
    );
    expect(outside).toBe('building.not_found');
    const missing = await asyncCodeOf(
      authorizeFor(volunteer, 'building.manage', 'building.not_found', async () => null),
    );
    expect(missing).toBe('building.not_found');
    const inside = await asyncCodeOf(
      authorizeFor(volunteer, 'building.manage', 'building.not_found', async () => row(S1, CA)),
    );
    expect(inside).toBe('auth.forbidden');
  });

  it('looks the target up across all of the caller’s grants', async () => {
    const find = vi.fn(async () => null);
    await asyncCodeOf(authorizeFor(actor(workerA(), volunteerA()), 'grid.manage', 'grid.not_found', find));
    expect(find).toHaveBeenCalledTimes(1);
    const reach = (find.mock.calls[0] as unknown as [{ permission: unknown; communityIds: string[] }])[0];
    expect(reach.permission).toBeNull();
    expect(reach.communityIds).toEqual([CA]);
  });

  it('answers 404 to a caller with no grants at all', async () => {
    expect(
      await asyncCodeOf(authorizeFor(actor(), 'area.read', 'area.not_found', async () => row(S1, CA))),
    ).toBe('area.not_found');
  });
});

describe('scopeWhere', () => {
  const dialect = new PgDialect();
  const render = (s: ReturnType<typeof scopeWhere>) => dialect.sqlToQuery(s);

  it('matches nothing for an empty scope', () => {
    const scope = { permission: null, grants: [], districtIds: [], streetIds: [], communityIds: [] };
    expect(render(scopeWhere(scope, areas)).sql).toBe('false');
  });

  it('matches a community grant on the community column', () => {
    const q = render(scopeWhere(authorize(actor(adminA()), 'area.read'), buildings));
    expect(q.sql).toBe('"buildings"."community_id" in ($1)');
    expect(q.params).toEqual([CA]);
  });

  it('matches a street grant on the street column', () => {
    const q = render(scopeWhere(authorize(actor(streetAdmin()), 'area.read'), buildings));
    expect(q.sql).toBe('"buildings"."street_id" in ($1)');
    expect(q.params).toEqual([S1]);
  });

  it('ORs the levels together, using the district column only where the table has one', () => {
    const scope = authorize(actor(districtAdmin(), adminA()), 'area.read');
    const onAreas = render(scopeWhere(scope, areas));
    expect(onAreas.sql).toBe(
      '("areas"."street_id" in ($1, $2) or "areas"."community_id" in ($3) or "areas"."district_id" in ($4))',
    );
    expect(onAreas.params).toEqual([S1, S2, CA, D]);
    const onBuildings = render(scopeWhere(scope, buildings));
    expect(onBuildings.sql).not.toContain('district_id');
    expect(onBuildings.params).toEqual([S1, S2, CA]);
  });

  it('agrees with coveringGrant on sample rows', () => {
    // Evaluate the rendered predicate by hand: column in (params of that column).
    const scopes = [
      authorize(actor(adminA()), 'area.read'),
      authorize(actor(streetAdmin()), 'area.read'),
      authorize(actor(districtAdmin()), 'area.read'),
      authorize(actor(workerA(), adminB('delegation')), 'area.read'),
    ];
    const rows = [row(S1, CA, D), row(S1, CB, D), row(S1, null, D), row(S2, CC, D), row(null, null, D)];
    for (const scope of scopes) {
      for (const r of rows) {
        const bySql =
          (r.streetId != null && scope.streetIds.includes(r.streetId)) ||
          (r.communityId != null && scope.communityIds.includes(r.communityId)) ||
          (r.districtId != null && scope.districtIds.includes(r.districtId));
        expect(Boolean(coveringGrant(scope, r)), JSON.stringify({ r, ids: scope.communityIds })).toBe(bySql);
      }
    }
  });
});
