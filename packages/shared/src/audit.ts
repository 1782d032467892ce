import { z } from 'zod';
import { Cursor, Id, IsoDateTime, Limit, plainString } from './common';

export const AuditChange = z.object({ from: z.unknown().optional(), to: z.unknown().optional() });

export const AuditEntry = z.object({
  id: Id,
  at: z.string(),
  actorUserId: Id.nullable(),
  actorName: z.string().nullable(),
  actorTokenId: Id.nullable(),
  delegationId: Id.nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  streetId: Id.nullable(),
  communityId: Id.nullable(),
  changes: z.record(z.string(), AuditChange).nullable(),
  reason: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.strictObject({
  actorId: Id.optional(),
  entityType: plainString(40).trim().optional(),
  entityId: plainString(64).trim().optional(),
  action: plainString(60).trim().optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type AuditQuery = z.infer<typeof AuditQuery>;
