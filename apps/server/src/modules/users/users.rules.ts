import { type AreaKind, ROLE_RANK, ROLE_SCOPE_KINDS, type Role } from '@linli/shared';

/** A role fits only a node of its level: a community worker is scoped to a community, never a street. */
export function roleFitsArea(role: Role, kind: AreaKind): boolean {
  return ROLE_SCOPE_KINDS[role].includes(kind);
}

/** No escalation: what you hand out is at most what you hold over that area. */
export function mayHandOut(grantorRole: Role, role: Role): boolean {
  return ROLE_RANK[grantorRole] >= ROLE_RANK[role];
}
