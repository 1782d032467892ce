import { z } from 'zod';
import { boundedText, Id, IsoDateTime } from './common';
import { Role } from './roles';

/** 第二书记 / 代理书记 / other cover. */
export const DELEGATION_TITLES = ['second_secretary', 'acting_secretary', 'cover'] as const;
export const DelegationTitle = z.enum(DELEGATION_TITLES);

export const DELEGATION_STATUSES = ['scheduled', 'active', 'ended', 'revoked'] as const;
export const DelegationStatus = z.enum(DELEGATION_STATUSES);

export const Delegation = z.object({
  id: Id,
  grantorId: Id,
  grantorName: z.string(),
  granteeId: Id,
  granteeName: z.string(),
  role: Role,
  areaId: Id,
  areaName: z.string(),
  title: DelegationTitle,
  reason: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedByName: z.string().nullable(),
  status: DelegationStatus,
  createdAt: z.string(),
});
export type Delegation = z.infer<typeof Delegation>;

export const DelegationCreate = z.strictObject({
  granteeId: Id,
  role: Role,
  areaId: Id,
  title: DelegationTitle,
  reason: boundedText(500),
  startsAt: IsoDateTime,
  endsAt: IsoDateTime,
});
export type DelegationCreate = z.infer<typeof DelegationCreate>;

export const DelegationListQuery = z.strictObject({
  userId: Id.optional(),
  status: DelegationStatus.optional(),
});

export const DelegationRevoke = z.strictObject({ reason: boundedText(500).optional() });
