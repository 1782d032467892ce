import {
  LEDGER_EXPORT_MAX_ROWS,
  LEDGER_LINK_MAX_DAYS,
  type LedgerCreate,
  type LedgerExport,
  type LedgerLinkCreate,
  type LedgerRowsQuery,
  type LedgerUpdate,
  ledgerColumnLabel,
  type Resident,
  validLinkExpiry,
} from '@linli/shared';
import ExcelJS from 'exceljs';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId, randomToken, sha256 } from '../../platform/ids';
import {
  authorize,
  authorizeFor,
  coveringGrant,
  hasPermission,
  type Scope,
  type Scoped,
} from '../../platform/scope';
import { findAreaInScope } from '../areas/areas.repository';
import { diffFields, recordExport, writeAudit } from '../audit/audit.service';
import { countResidentsWithin, searchResidentsWithin } from '../registry/registry.service';
import { ledgerNotFound, linkGone, linkNotFound } from './ledgers.errors';
import { presentLedger, presentLink } from './ledgers.presenter';
import {
  findLedger,
  findLink,
  findLinkByTokenHash,
  gridNamesOfBuildings,
  insertLedger,
  insertLink,
  type LedgerWithNames,
  linksOfLedger,
  listLedgers,
  revokeLinkRow,
  updateLedgerRow,
  userNames,
} from './ledgers.repository';
import {
  type Clear,
  contentDisposition,
  csvCell,
  exportFileName,
  linkState,
  projectResident,
  shareWatermarkText,
  watermarkText,
} from './ledgers.rules';
import type { LedgerRow } from './ledgers.table';

const AUDITED_FIELDS = ['name', 'description', 'sharing', 'filter', 'columns', 'status'] as const;

const placeOf = (l: Pick<LedgerRow, 'districtId' | 'streetId' | 'communityId'>): Scoped => ({
  districtId: l.districtId,
  streetId: l.streetId,
  communityId: l.communityId,
});

/** The residents a ledger may list: its own area, whoever looks (a user within reach, or a link). */
function areaScope(l: Pick<LedgerRow, 'streetId' | 'communityId'>): Scope {
  return {
    permission: 'resident.read',
    grants: [],
    districtIds: [],
    streetIds: l.communityId ? [] : [l.streetId],
    communityIds: l.communityId ? [l.communityId] : [],
  };
}

/** Whether the caller holds `permission` over the whole of the ledger's area. */
function holdsOver(ctx: ServiceContext, permission: 'ledger.share' | 'resident.reveal', l: LedgerRow) {
  if (!hasPermission(ctx.actor, permission)) return false;
  return coveringGrant(authorize(ctx.actor, permission), placeOf(l)) !== null;
}

const mayManage = (ctx: ServiceContext, l: LedgerRow) =>
  (ctx.actor.userId !== null && l.ownerId === ctx.actor.userId) || holdsOver(ctx, 'ledger.share', l);

const ledgerTarget = (ctx: ServiceContext, id: string) => (reach: Scope) =>
  findLedger(ctx.db, reach, ctx.actor.userId, id).then((r) => r?.ledger);

async function visibleLedger(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'ledger.not_found', ledgerTarget(ctx, id));
  const row = await findLedger(ctx.db, scope, ctx.actor.userId, id);
  if (!row) throw ledgerNotFound();
  return row;
}

export async function listLedgerList(ctx: ServiceContext, status: 'active' | 'archived') {
  const scope = authorize(ctx.actor, 'resident.read');
  const rows = await listLedgers(ctx.db, scope, ctx.actor.userId, status);
  return rows.map((r) => presentLedger(r, mayManage(ctx, r.ledger)));
}

export async function getLedger(ctx: ServiceContext, id: string) {
  const row = await visibleLedger(ctx, id);
  return presentLedger(row, mayManage(ctx, row.ledger));
}

export async function createLedger(ctx: ServiceContext, body: LedgerCreate) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'area.not_found', (reach) =>
    findAreaInScope(ctx.db, reach, body.areaId),
  );
  const area = await findAreaInScope(ctx.db, scope, body.areaId);
  if (!area) throw new AppError('area.not_found');
  if ((area.kind !== 'street' && area.kind !== 'community') || !area.streetId)
    throw new AppError('ledger.area_kind');
  const id = newId();
  const values = {
    id,
    districtId: area.districtId,
    streetId: area.streetId,
    communityId: area.kind === 'community' ? area.id : null,
    areaId: area.id,
    name: body.name,
    description: body.description ?? '',
    sharing: body.sharing,
    filter: body.filter,
    columns: body.columns,
    ownerId: ctx.actor.userId,
    status: 'active' as const,
    createdBy: ctx.actor.userId,
  };
  await ctx.db.transaction(async (tx) => {
    await insertLedger(tx, values);
    await writeAudit(tx, ctx, {
      action: 'ledger.create',
      entityType: 'ledger',
      entityId: id,
      scope: placeOf(values),
      changes: diffFields(null, values, AUDITED_FIELDS),
    });
  });
  return getLedger(ctx, id);
}

export async function updateLedger(ctx: ServiceContext, id: string, body: LedgerUpdate) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'ledger.not_found', ledgerTarget(ctx, id));
  await ctx.db.transaction(async (tx) => {
    const row = await findLedger(tx, scope, ctx.actor.userId, id, { forUpdate: true });
    if (!row) throw ledgerNotFound();
    const l = row.ledger;
    if (!mayManage(ctx, l)) throw new AppError('auth.forbidden');
    assertVersion(l, body.version, 'ledger.version_conflict', (r) =>
      presentLedger({ ...row, ledger: r }, true),
    );
    if (l.status === 'archived') throw new AppError('ledger.archived');
    const { version: _, ...patch } = body;
    const changes = diffFields(l, { ...l, ...patch }, AUDITED_FIELDS);
    if (Object.keys(changes).length === 0) return;
    await updateLedgerRow(tx, id, patch);
    await writeAudit(tx, ctx, {
      action: 'ledger.update',
      entityType: 'ledger',
      entityId: id,
      scope: placeOf(l),
      changes,
    });
  });
  return getLedger(ctx, id);
}

/** Ledgers are archived, never deleted: the audit log of its exports keeps pointing at something. */
export async function archiveLedger(ctx: ServiceContext, id: string, version: number) {
  const scope = await authorizeFor(ctx.actor, 'resident.read', 'ledger.not_found', ledgerTarget(ctx, id));
  await ctx.db.transaction(async (tx) => {
    const row = await findLedger(tx, scope, ctx.actor.userId, id, { forUpdate: true });
    if (!row) throw ledgerNotFound();
    const l = row.ledger;
    if (!mayManage(ctx, l)) throw new AppError('auth.forbidden');
    assertVersion(l, version, 'ledger.version_conflict', (r) => presentLedger({ ...row, ledger: r }, true));
    if (l.status === 'archived') throw new AppError('ledger.archived');
    await updateLedgerRow(tx, id, { status: 'archived', archivedAt: new Date() });
    await writeAudit(tx, ctx, {
      action: 'ledger.archive',
      entityType: 'ledger',
      entityId: id,
      scope: placeOf(l),
      changes: { status: { from: 'active', to: 'archived' } },
    });
  });
  return getLedger(ctx, id);
}

function pageQuery(l: LedgerRow, q: LedgerRowsQuery) {
  return { ...l.filter, cursor: q.cursor, limit: q.limit };
}

/** Grid names by building for one page, read only when the ledger shows the grid column. */
async function gridNamesOf(db: DbOrTx, l: LedgerRow, page: readonly Resident[]) {
  if (!l.columns.includes('grid')) return new Map<string, string>();
  return gridNamesOfBuildings(db, l.streetId, [...new Set(page.map((r) => r.buildingId))]);
}

export async function ledgerRows(ctx: ServiceContext, id: string, q: LedgerRowsQuery) {
  const { ledger: l } = await visibleLedger(ctx, id);
  const scope = areaScope(l);
  const page = await searchResidentsWithin(ctx, scope, pageQuery(l, q));
  const total = await countResidentsWithin(ctx, scope, l.filter);
  const gridNames = await gridNamesOf(ctx.db, l, page.items);
  return {
    columns: l.columns,
    rows: page.items.map((r) => ({
      id: r.id,
      cells: projectResident(r, l.columns, ctx.locale, { gridName: gridNames.get(r.buildingId) }),
    })),
    total,
    nextCursor: page.nextCursor,
  };
}

export type ExportFile = { fileName: string; contentType: string; disposition: string; body: Buffer };

/**
 * A ledger as a file, masked unless the caller may reveal in the whole area and gives a reason.
 * Bounded, not streamed: at most `LEDGER_EXPORT_MAX_ROWS`, counted before anything is read, so a
 * refused export leaves nothing behind; the audit row carries the exact count of rows written.
 */
export async function exportLedger(ctx: ServiceContext, id: string, body: LedgerExport): Promise<ExportFile> {
  const { ledger: l } = await visibleLedger(ctx, id);
  if (body.unmasked && !holdsOver(ctx, 'resident.reveal', l)) throw new AppError('auth.forbidden');
  const scope = areaScope(l);
  const total = await countResidentsWithin(ctx, scope, l.filter);
  if (total > LEDGER_EXPORT_MAX_ROWS) {
    throw new AppError('ledger.export_too_large', { max: LEDGER_EXPORT_MAX_ROWS });
  }
  const me = ctx.actor.userId ? await userNames(ctx.db, ctx.actor.userId) : null;
  const at = new Date();
  const watermark = watermarkText({
    name: me?.name ?? ctx.actor.name,
    username: me?.username ?? null,
    at,
    purpose: body.purpose,
  });
  const header = l.columns.map((c) => ledgerColumnLabel(c, ctx.locale));
  // Read page by page outside any transaction: a long export must not hold the (single, on PGlite)
  // connection. The audit row is committed before a byte of the file leaves.
  const cells: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await searchResidentsWithin(ctx, scope, { ...l.filter, cursor, limit: 1000 });
    const gridNames = await gridNamesOf(ctx.db, l, page.items);
    page.items.forEach((r: Resident, i) => {
      const stored = page.rows[i]!.resident;
      const clear: Clear | undefined = body.unmasked
        ? {
            idNumber: stored.idNumberEnc ? ctx.crypto.decrypt(stored.idNumberEnc) : null,
            phone: stored.phoneEnc ? ctx.crypto.decrypt(stored.phoneEnc) : null,
          }
        : undefined;
      cells.push(projectResident(r, l.columns, ctx.locale, { clear, gridName: gridNames.get(r.buildingId) }));
    });
    cursor = page.nextCursor ?? undefined;
  } while (cursor && cells.length <= LEDGER_EXPORT_MAX_ROWS);
  if (cells.length > LEDGER_EXPORT_MAX_ROWS) {
    throw new AppError('ledger.export_too_large', { max: LEDGER_EXPORT_MAX_ROWS });
  }
  await ctx.db.transaction((tx) =>
    recordExport(tx, ctx, {
      entityType: 'ledger',
      ledgerId: l.id,
      rows: cells.length,
      masked: !body.unmasked,
      reason: body.unmasked ? (body.reason ?? null) : null,
      scope: placeOf(l),
      columns: l.columns,
      format: body.format,
      purpose: body.purpose,
    }),
  );
  const fileName = exportFileName(l.name, at, body.format);
  const file =
    body.format === 'xlsx' ? await xlsxOf(l.name, watermark, header, cells) : csvOf(watermark, header, cells);
  return {
    fileName,
    disposition: contentDisposition(fileName),
    contentType:
      body.format === 'xlsx'
        ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
        : 'text/csv; charset=utf-8',
    body: file,
  };
}

/** Excel header/footer codes start with `&`: a literal one is doubled. */
const headerFooterText = (s: string) => s.replaceAll('&', '&&');

/** Also the submissions inbox's export: one watermark rule for every file that leaves. */
export async function xlsxOf(title: string, watermark: string, header: string[], rows: string[][]) {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Linli';
  const sheetName = title.replace(/[[\]:*?/\\]/g, '').slice(0, 31) || 'Ledger';
  const ws = wb.addWorksheet(sheetName, {
    headerFooter: {
      oddHeader: `&C${headerFooterText(watermark)}`,
      oddFooter: `&L${headerFooterText(watermark)}&R&P / &N`,
    },
    views: [{ state: 'frozen', ySplit: 2 }],
  });
  ws.addRow([watermark]);
  ws.mergeCells(1, 1, 1, Math.max(header.length, 1));
  ws.getRow(1).font = { italic: true, color: { argb: 'FF888888' } };
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  header.forEach((h, i) => {
    const widest = Math.max(h.length * 2, ...rows.slice(0, 200).map((r) => (r[i] ?? '').length * 1.6));
    ws.getColumn(i + 1).width = Math.min(60, Math.max(8, Math.ceil(widest)));
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A byte-order mark first, or Excel reads UTF-8 Chinese as mojibake. */
function csvOf(watermark: string, header: string[], rows: string[][]) {
  const lines = [
    csvCell(watermark),
    header.map(csvCell).join(','),
    ...rows.map((r) => r.map(csvCell).join(',')),
  ];
  lines.push(csvCell(watermark));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

async function manageableLedger(ctx: ServiceContext, id: string): Promise<LedgerWithNames> {
  const row = await visibleLedger(ctx, id);
  if (!holdsOver(ctx, 'ledger.share', row.ledger)) throw new AppError('auth.forbidden');
  return row;
}

export async function listLinks(ctx: ServiceContext, id: string) {
  const { ledger: l } = await manageableLedger(ctx, id);
  const now = new Date();
  return (await linksOfLedger(ctx.db, l.id)).map((r) => presentLink(r, now));
}

export async function createLink(ctx: ServiceContext, id: string, body: LedgerLinkCreate) {
  const { ledger: l } = await manageableLedger(ctx, id);
  if (l.status === 'archived') throw new AppError('ledger.archived');
  const expiresAt = new Date(body.expiresAt);
  if (!validLinkExpiry(expiresAt, new Date())) {
    throw new AppError('ledger.link_expiry', { days: LEDGER_LINK_MAX_DAYS });
  }
  const token = randomToken(32);
  const link = await ctx.db.transaction(async (tx) => {
    const created = await insertLink(tx, {
      id: newId(),
      ledgerId: l.id,
      districtId: l.districtId,
      streetId: l.streetId,
      communityId: l.communityId,
      areaId: l.areaId,
      tokenHash: sha256(token),
      note: body.note ?? '',
      expiresAt,
      createdBy: ctx.actor.userId,
    });
    await writeAudit(tx, ctx, {
      action: 'ledger_link.create',
      entityType: 'ledger_link',
      entityId: created.id,
      scope: placeOf(l),
      changes: { ledgerId: { to: l.id }, expiresAt: { to: expiresAt.toISOString() } },
    });
    return created;
  });
  const me = ctx.actor.userId ? await userNames(ctx.db, ctx.actor.userId) : null;
  return {
    ...presentLink({ link, createdByName: me?.name ?? null, opens: 0, lastOpenedAt: null }, new Date()),
    token,
  };
}

export async function revokeLink(ctx: ServiceContext, id: string, linkId: string) {
  const { ledger: l } = await manageableLedger(ctx, id);
  await ctx.db.transaction(async (tx) => {
    const link = await findLink(tx, l.id, linkId, { forUpdate: true });
    if (!link) throw linkNotFound();
    if (link.revokedAt) return;
    await revokeLinkRow(tx, link.id, ctx.actor.userId);
    await writeAudit(tx, ctx, {
      action: 'ledger_link.revoke',
      entityType: 'ledger_link',
      entityId: link.id,
      scope: placeOf(l),
      changes: { revokedAt: { to: new Date().toISOString() } },
    });
  });
  const now = new Date();
  const found = (await linksOfLedger(ctx.db, l.id)).find((r) => r.link.id === linkId);
  if (!found) throw linkNotFound();
  return presentLink(found, now);
}

/**
 * A partner's view through a link: no sign-in, always masked (the context has no grants, so
 * nothing can be revealed and sensitive tags stay hidden), only the area the link was made for.
 * Every page served is audited with the link as the actor's stand-in.
 */
export async function openSharedLedger(ctx: ServiceContext, token: string, q: LedgerRowsQuery) {
  const found = await findLinkByTokenHash(ctx.db, sha256(token));
  if (!found) throw linkNotFound();
  const { link, ledger: l } = found;
  const now = new Date();
  if (linkState(link, now) !== 'active' || l.status === 'archived') throw linkGone();
  const scope = areaScope(link);
  return ctx.db.transaction(async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const page = await searchResidentsWithin(txCtx, scope, pageQuery(l, q));
    const total = await countResidentsWithin(txCtx, scope, l.filter);
    const gridNames = await gridNamesOf(tx, l, page.items);
    await writeAudit(tx, ctx, {
      action: q.cursor ? 'ledger_link.page' : 'ledger_link.open',
      entityType: 'ledger_link',
      entityId: link.id,
      scope: placeOf(link),
      changes: { ledgerId: { to: l.id }, rows: { to: page.items.length } },
    });
    return {
      name: l.name,
      description: l.description,
      areaName: found.areaName,
      sharedBy: found.sharedBy ?? '',
      expiresAt: link.expiresAt.toISOString(),
      watermark: shareWatermarkText({ sharedBy: found.sharedBy ?? '', at: now, note: link.note }),
      columns: l.columns,
      rows: page.items.map((r) =>
        projectResident(r, l.columns, ctx.locale, { gridName: gridNames.get(r.buildingId) }),
      ),
      total,
      nextCursor: page.nextCursor,
    };
  });
}
