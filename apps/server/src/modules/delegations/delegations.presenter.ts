import type { Delegation, Role } from '@linli/shared';
import type { DelegationWithNames } from './delegations.repository';
import { delegationStatus } from './delegations.rules';

export function presentDelegation(r: DelegationWithNames, now = new Date()): Delegation {
  const d = r.delegation;
  return {
    id: d.id,
    grantorId: d.grantorId,
    grantorName: r.grantorName,
    granteeId: d.granteeId,
    granteeName: r.granteeName,
    role: d.role as Role,
    areaId: d.areaId,
    areaName: r.areaName,
    title: d.title as Delegation['title'],
    reason: d.reason,
    startsAt: d.startsAt.toISOString(),
    endsAt: d.endsAt.toISOString(),
    revokedAt: d.revokedAt?.toISOString() ?? null,
    revokedByName: r.revokedByName,
    status: delegationStatus(d, now),
    createdAt: d.createdAt.toISOString(),
  };
}
