import type { Ledger, LedgerLink } from '@linli/shared';
import type { LedgerWithNames, LinkWithStats } from './ledgers.repository';
import { linkState } from './ledgers.rules';

export function presentLedger(row: LedgerWithNames, canManage: boolean): Ledger {
  const l = row.ledger;
  return {
    id: l.id,
    name: l.name,
    description: l.description,
    areaId: l.areaId,
    areaName: row.areaName,
    sharing: l.sharing,
    filter: l.filter,
    columns: l.columns,
    ownerId: l.ownerId,
    ownerName: row.ownerName,
    canManage,
    status: l.status,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    version: l.version,
  };
}

/** The token hash never leaves: the token itself is shown once, at creation. */
export function presentLink(row: LinkWithStats, now: Date): LedgerLink {
  const l = row.link;
  return {
    id: l.id,
    ledgerId: l.ledgerId,
    note: l.note,
    expiresAt: l.expiresAt.toISOString(),
    revokedAt: l.revokedAt?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
    createdByName: row.createdByName,
    opens: row.opens,
    lastOpenedAt: row.lastOpenedAt?.toISOString() ?? null,
    status: linkState(l, now),
  };
}
