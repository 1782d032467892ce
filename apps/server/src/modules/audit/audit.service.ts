import type { AuditQuery } from '@linli/shared';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx } from '../../platform/db';
import { newId } from '../../platform/ids';
import { authorize, type Scoped } from '../../platform/scope';
import { listAuditEntries } from './audit.repository';
import type { AuditChanges } from './audit.table';
import { auditLog } from './audit.table';

export type AuditEvent = {
  action: string;
  entityType: string;
  entityId: string | null;
  scope: Scoped;
  changes?: AuditChanges | null;
  reason?: string | null;
  /** Set when the caller acted through a delegation rather than a standing role. */
  delegationId?: string | null;
};

/** Written inside the transaction of the change it records: both commit, or neither. */
export async function writeAudit(tx: DbOrTx, ctx: ServiceContext, event: AuditEvent): Promise<void> {
  await tx.insert(auditLog).values({
    id: newId(),
    actorUserId: ctx.actor.userId,
    actorTokenId: ctx.actor.tokenId,
    delegationId: event.delegationId ?? null,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    districtId: event.scope.districtId ?? null,
    streetId: event.scope.streetId,
    communityId: event.scope.communityId ?? null,
    changes: event.changes ?? null,
    reason: event.reason ?? null,
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent?.slice(0, 300) ?? null,
    requestId: ctx.meta.requestId,
  });
}

/**
 * For later modules: every read of a sensitive field in clear is recorded with its reason.
 * Call it in the same transaction that reads the value.
 */
export function recordSensitiveRead(
  tx: DbOrTx,
  ctx: ServiceContext,
  read: { entityType: string; entityId: string; fields: string[]; reason: string; scope: Scoped },
): Promise<void> {
  return writeAudit(tx, ctx, {
    action: `${read.entityType}.reveal`,
    entityType: read.entityType,
    entityId: read.entityId,
    scope: read.scope,
    reason: read.reason,
    changes: Object.fromEntries(read.fields.map((f) => [f, { to: '[revealed]' }])),
  });
}

/** For later modules: every export is recorded with what was exported, how many rows, masked or not. */
export function recordExport(
  tx: DbOrTx,
  ctx: ServiceContext,
  exp: {
    entityType: string;
    ledgerId: string | null;
    rows: number;
    masked: boolean;
    reason: string | null;
    scope: Scoped;
    /** What the file holds and is for: column keys, file format, the purpose in its watermark. */
    columns?: string[];
    format?: string;
    purpose?: string;
  },
): Promise<void> {
  return writeAudit(tx, ctx, {
    action: `${exp.entityType}.export`,
    entityType: exp.entityType,
    entityId: exp.ledgerId,
    scope: exp.scope,
    reason: exp.reason,
    changes: {
      rows: { to: exp.rows },
      masked: { to: exp.masked },
      ...(exp.columns && { columns: { to: exp.columns } }),
      ...(exp.format && { format: { to: exp.format } }),
      ...(exp.purpose && { purpose: { to: exp.purpose } }),
    },
  });
}

const REDACTED = '[redacted]';

/**
 * The fields that changed between two versions of a row, for the audit record.
 * Values of sensitive fields never enter the log in clear: only the fact that they changed.
 */
export function diffFields<T extends Record<string, unknown>>(
  before: Partial<T> | null,
  after: Partial<T>,
  fields: readonly (keyof T & string)[],
  sensitive: readonly (keyof T & string)[] = [],
): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of fields) {
    const from = before ? normalise(before[field]) : undefined;
    const to = normalise(after[field]);
    if (before && JSON.stringify(from) === JSON.stringify(to)) continue;
    if (!before && (to === undefined || to === null)) continue;
    changes[field] = sensitive.includes(field)
      ? { ...(before ? { from: REDACTED } : {}), to: REDACTED }
      : { ...(before ? { from } : {}), to };
  }
  return changes;
}

function normalise(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

export async function listAudit(ctx: ServiceContext, query: AuditQuery) {
  const scope = authorize(ctx.actor, 'audit.read');
  return listAuditEntries(ctx.db, scope, query);
}
