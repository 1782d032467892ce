import { ROLE_RANK, ROLES, type Role, type RoleGrant } from '@linli/shared';

/** The server lets a grantor hand out roles of its own rank or lower; offer exactly those. */
export function grantableRoles(grants: readonly RoleGrant[]): Role[] {
  const top = Math.max(0, ...grants.map((grant) => ROLE_RANK[grant.role]));
  return ROLES.filter((role) => ROLE_RANK[role] <= top);
}
