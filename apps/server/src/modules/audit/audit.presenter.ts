import type { AuditEntry } from '@linli/shared';
import type { AuditRow } from './audit.table';

export function presentAuditEntry(row: AuditRow, actorName: string | null): AuditEntry {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actorUserId: row.actorUserId,
    actorName,
    actorTokenId: row.actorTokenId,
    delegationId: row.delegationId,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    streetId: row.streetId,
    communityId: row.communityId,
    changes: row.changes ?? null,
    reason: row.reason,
    ip: row.ip,
    userAgent: row.userAgent,
    requestId: row.requestId,
  };
}
