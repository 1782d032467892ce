import { LEDGER_VALUE_LABELS, type LedgerColumn, type Locale, type Resident, TAGS } from '@linli/shared';

/** `2026-11-23 18:05` in Asia/Shanghai (UTC+8, no daylight saving), whatever the server's zone. */
export function shanghaiTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The line printed on every exported file and shared page: who, when, what for. */
export function watermarkText(w: {
  name: string;
  username: string | null;
  at: Date;
  purpose: string;
}): string {
  const who = w.username ? `${w.name}（${w.username}）` : w.name;
  return `导出人 ${who} · 导出时间 ${shanghaiTime(w.at)} · 用途 ${w.purpose} · 邻里 Linli`;
}

/** The line on a partner's shared page: shared by whom, seen when, for what; read-only. */
export function shareWatermarkText(w: { sharedBy: string; at: Date; note: string }): string {
  const purpose = w.note ? ` · 用途 ${w.note}` : '';
  return `只读分享 · 分享人 ${w.sharedBy} · 查看时间 ${shanghaiTime(w.at)}${purpose} · 请勿转发 · 邻里 Linli`;
}

/** The clear values an unmasked export may carry, decrypted by the service. */
export type Clear = { idNumber?: string | null; phone?: string | null };

const label = <K extends keyof typeof LEDGER_VALUE_LABELS>(
  kind: K,
  value: string | null,
  locale: Locale,
): string => {
  if (!value) return '';
  const entry = (LEDGER_VALUE_LABELS[kind] as Record<string, { zh: string; en: string }>)[value];
  return entry ? (locale === 'en-US' ? entry.en : entry.zh) : value;
};

/**
 * What a cell needs beyond the resident's DTO: the clear values of an unmasked export, and the name
 * of the grid its building belongs to (the register's resident carries no grid).
 */
export type CellExtras = { clear?: Clear; gridName?: string | null };

/** One resident as the cells of the ledger's columns, in order. Masked unless `extras.clear` is given. */
export function projectResident(
  r: Resident,
  columns: readonly LedgerColumn[],
  locale: Locale,
  extras: CellExtras = {},
): string[] {
  return columns.map((c) => cellOf(r, c, locale, extras));
}

function cellOf(r: Resident, c: LedgerColumn, locale: Locale, { clear, gridName }: CellExtras): string {
  const sep = locale === 'en-US' ? ', ' : '、';
  switch (c) {
    case 'name':
      return r.name;
    case 'sex':
      return label('sex', r.sex, locale);
    case 'age':
      return r.age === null ? '' : String(r.age);
    case 'birthDate':
      return r.birthDate ?? '';
    case 'idNumber':
      return (clear ? clear.idNumber : r.idNumberMasked) ?? '';
    case 'phone':
      return (clear ? clear.phone : r.phoneMasked) ?? '';
    case 'address':
      return r.address;
    case 'grid':
      return gridName ?? '';
    case 'tags':
      return r.tags.map((t) => (locale === 'en-US' ? TAGS[t].en : TAGS[t].zh)).join(sep);
    case 'residenceType':
      return label('residenceType', r.residenceType, locale);
    case 'tenure':
      return label('tenure', r.tenure, locale);
    case 'relationToHead':
      return label('relationToHead', r.relationToHead, locale);
    case 'selfCare':
      return label('selfCare', r.selfCare, locale);
    case 'hukouAddress':
      return r.hukouAddress ?? '';
    case 'emergencyContact':
      return [r.emergencyContactName, r.emergencyContactPhoneMasked].filter(Boolean).join(' ');
    case 'status':
      return label('status', r.status, locale);
    case 'lastVerifiedAt':
      return r.lastVerifiedAt ? shanghaiTime(new Date(r.lastVerifiedAt)).slice(0, 10) : '';
  }
}

/**
 * `Content-Disposition` for a file name in any script: an ASCII fallback for old clients and the
 * RFC 5987 `filename*` that every current browser uses.
 */
export function contentDisposition(fileName: string, fallbackBase = 'ledger'): string {
  const dot = fileName.lastIndexOf('.');
  const ext = dot > 0 ? fileName.slice(dot) : '';
  const ascii = fileName
    .slice(0, dot > 0 ? dot : undefined)
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/["\\;%]/g, '')
    .trim();
  const fallback = `${ascii || fallbackBase}${ext}`;
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * `<ledger name>_<yyyymmdd-hhmm>.<ext>` with characters no file system accepts taken out (control
 * characters never get into a name: the shared schema refuses them).
 */
export function exportFileName(ledgerName: string, at: Date, ext: 'xlsx' | 'csv'): string {
  const safe = ledgerName.replace(/[\\/:*?"<>|]/g, '').trim() || 'ledger';
  const stamp = shanghaiTime(at).replace(/[-:]/g, '').replace(' ', '-');
  return `${safe}_${stamp}.${ext}`;
}

/** A CSV cell a spreadsheet will not run as a formula (CSV injection), quoted when it must be. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export type LinkState = 'active' | 'expired' | 'revoked';

export function linkState(link: { expiresAt: Date; revokedAt: Date | null }, now: Date): LinkState {
  if (link.revokedAt) return 'revoked';
  return link.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}
