import { AREA_KINDS, ROLE_RANK, ROLE_SCOPE_KINDS, ROLES } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import { mayHandOut, roleFitsArea } from './users.rules';

describe('roleFitsArea', () => {
  it('scopes each role to its level', () => {
    expect(roleFitsArea('district_admin', 'district')).toBe(true);
    expect(roleFitsArea('street_admin', 'street')).toBe(true);
    expect(roleFitsArea('street_staff', 'street')).toBe(true);
    expect(roleFitsArea('community_admin', 'community')).toBe(true);
    expect(roleFitsArea('community_worker', 'community')).toBe(true);
    expect(roleFitsArea('grid_worker', 'community')).toBe(true);
    expect(roleFitsArea('volunteer', 'community')).toBe(true);
  });

  it('refuses a role on the wrong level', () => {
    expect(roleFitsArea('community_worker', 'street')).toBe(false);
    expect(roleFitsArea('community_admin', 'district')).toBe(false);
    expect(roleFitsArea('street_admin', 'community')).toBe(false);
    expect(roleFitsArea('district_admin', 'street')).toBe(false);
    expect(roleFitsArea('grid_worker', 'compound')).toBe(false);
  });

  it('lets a viewer sit on any level but a compound', () => {
    expect(roleFitsArea('viewer', 'district')).toBe(true);
    expect(roleFitsArea('viewer', 'street')).toBe(true);
    expect(roleFitsArea('viewer', 'community')).toBe(true);
    expect(roleFitsArea('viewer', 'compound')).toBe(false);
  });

  it('agrees with the shared table for every pair', () => {
    for (const role of ROLES)
      for (const kind of AREA_KINDS)
        expect(roleFitsArea(role, kind), `${role}@${kind}`).toBe(ROLE_SCOPE_KINDS[role].includes(kind));
  });
});

describe('mayHandOut', () => {
  it('hands out the same role or lower', () => {
    expect(mayHandOut('community_admin', 'community_admin')).toBe(true);
    expect(mayHandOut('community_admin', 'community_worker')).toBe(true);
    expect(mayHandOut('community_admin', 'viewer')).toBe(true);
    expect(mayHandOut('street_admin', 'community_admin')).toBe(true);
    expect(mayHandOut('district_admin', 'street_admin')).toBe(true);
  });

  it('never hands out a higher role', () => {
    expect(mayHandOut('community_admin', 'street_staff')).toBe(false);
    expect(mayHandOut('community_admin', 'street_admin')).toBe(false);
    expect(mayHandOut('street_admin', 'district_admin')).toBe(false);
    expect(mayHandOut('community_worker', 'community_admin')).toBe(false);
    expect(mayHandOut('viewer', 'volunteer')).toBe(false);
  });

  it('follows the rank order for every pair', () => {
    for (const a of ROLES)
      for (const b of ROLES) expect(mayHandOut(a, b), `${a}→${b}`).toBe(ROLE_RANK[a] >= ROLE_RANK[b]);
  });
});
