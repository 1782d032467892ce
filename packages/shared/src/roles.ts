import { z } from 'zod';

/** Roles of DESIGN §4. Order matters: a grantor may only hand out roles of its own rank or lower. */
export const ROLES = [
  'district_admin',
  'street_admin',
  'street_staff',
  'community_admin',
  'community_worker',
  'grid_worker',
  'volunteer',
  'viewer',
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const ROLE_RANK: Record<Role, number> = {
  district_admin: 100,
  street_admin: 80,
  street_staff: 60,
  community_admin: 50,
  community_worker: 40,
  grid_worker: 30,
  volunteer: 20,
  viewer: 10,
};

export const AREA_KINDS = ['district', 'street', 'community', 'compound'] as const;
export const AreaKind = z.enum(AREA_KINDS);
export type AreaKind = z.infer<typeof AreaKind>;

/** Which kind of area node each role's scope must be. A viewer may be scoped anywhere. */
export const ROLE_SCOPE_KINDS: Record<Role, readonly AreaKind[]> = {
  district_admin: ['district'],
  street_admin: ['street'],
  street_staff: ['street'],
  community_admin: ['community'],
  community_worker: ['community'],
  grid_worker: ['community'],
  volunteer: ['community'],
  viewer: ['district', 'street', 'community'],
};

export const PERMISSIONS = [
  'area.read',
  'area.manage',
  'building.manage',
  'grid.manage',
  'user.read',
  'user.manage',
  'delegation.read',
  'delegation.manage',
  'audit.read',
  'token.manage',
  'resident.read',
  'resident.write',
  'resident.reveal',
  'resident.read_sensitive',
  'ledger.share',
  'resident.merge',
  'form.read',
  'form.manage',
  'form.apply',
] as const;
export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

const ALL: readonly Permission[] = PERMISSIONS;

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  district_admin: ALL,
  street_admin: ALL,
  street_staff: ['area.read', 'user.read', 'delegation.read', 'resident.read', 'form.read'],
  community_admin: [
    'area.read',
    'area.manage',
    'building.manage',
    'grid.manage',
    'user.read',
    'user.manage',
    'delegation.read',
    'delegation.manage',
    'audit.read',
    'token.manage',
    'resident.read',
    'resident.write',
    'resident.reveal',
    'resident.read_sensitive',
    'ledger.share',
    'resident.merge',
    'form.read',
    'form.manage',
    'form.apply',
  ],
  community_worker: [
    'area.read',
    'building.manage',
    'user.read',
    'resident.read',
    'resident.write',
    'resident.reveal',
    'resident.merge',
    'form.read',
    'form.manage',
    'form.apply',
  ],
  grid_worker: ['area.read', 'resident.read', 'resident.write', 'form.read'],
  volunteer: [],
  viewer: ['area.read', 'user.read'],
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}
