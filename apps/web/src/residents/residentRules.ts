import { parseResidentId, type ResidentIdFacts, TAG_CODES, TAGS, type TagCode } from '@linli/shared';

/** Mirrors the shared `MobilePhone` schema; surrounding spaces are trimmed before sending. */
export const MOBILE_PHONE = /^\s*1[3-9]\d{9}\s*$/;

export type IdNumberCheck =
  | { state: 'empty' }
  | { state: 'valid'; facts: ResidentIdFacts }
  | { state: 'invalid' }
  /** Not a resident ID card: only the server's format rule applies. */
  | { state: 'other' };

/** What the console can tell about an ID number while it is typed (GB 11643 checksum and birth date). */
export function checkIdNumber(
  raw: string | null | undefined,
  idType: string | null | undefined,
): IdNumberCheck {
  const value = raw?.trim() ?? '';
  if (!value) return { state: 'empty' };
  if ((idType ?? 'resident_id') !== 'resident_id') return { state: 'other' };
  const facts = parseResidentId(value);
  return facts ? { state: 'valid', facts } : { state: 'invalid' };
}

/** Age tags follow the birth date; the server sets them, so forms offer only the others. */
export const SETTABLE_TAGS: readonly TagCode[] = TAG_CODES.filter((code) => !TAGS[code].derived);

export function isDerivedTag(code: TagCode): boolean {
  return TAGS[code].derived;
}

/** The tags a person may set by hand out of what a resident carries. */
export function settableTagsOf(tags: readonly TagCode[]): TagCode[] {
  return tags.filter((code) => !isDerivedTag(code));
}

/** Only what changed goes into a PATCH, so fields the form could not show (clear values) stay as they are. */
export function changedFields<T extends Record<string, unknown>>(before: Partial<T>, after: T): Partial<T> {
  const result: Partial<T> = {};
  for (const key of Object.keys(after) as (keyof T)[]) {
    const a = after[key];
    const b = before[key];
    const same = Array.isArray(a) && Array.isArray(b) ? sameSet(a, b) : a === b;
    if (!same) result[key] = a;
  }
  return result;
}

function sameSet(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/**
 * The building a resident lives in, for the link to the building grid. The shared `Resident` does not
 * carry it yet; once it does (`buildingId`), the link appears without further change here.
 */
export function buildingIdOf(resident: object): string | null {
  return 'buildingId' in resident && typeof resident.buildingId === 'string' ? resident.buildingId : null;
}

export function isTagCode(value: unknown): value is TagCode {
  return typeof value === 'string' && Object.hasOwn(TAGS, value);
}

type TimelineEvent = {
  at: string;
  actorName: string | null;
  changes: Record<string, { from?: unknown; to?: unknown }> | null;
};
const asList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/**
 * The tag changes in a resident's timeline, newest first: the codes added and removed by each entry.
 * Sensitive tags are logged as '[redacted]', so they count by number, not by name.
 */
export function tagChangesOf(events: readonly TimelineEvent[]) {
  return events.flatMap((event) => {
    const change = event.changes?.tags;
    if (!change) return [];
    const before = asList(change.from);
    const after = asList(change.to);
    const added = [...after];
    const removed: string[] = [];
    for (const code of before) {
      const i = added.indexOf(code);
      if (i >= 0) added.splice(i, 1);
      else removed.push(code);
    }
    return added.length || removed.length
      ? [{ at: event.at, actorName: event.actorName, added, removed }]
      : [];
  });
}

/**
 * The file and row an import wrote in a resident's provenance (`导入: 文件名 第N行`), so it can be shown in
 * the reader's language; null for any other provenance, which is shown by its label or as written.
 */
export function importedFrom(provenance: unknown): { file: string; row: number } | null {
  if (typeof provenance !== 'string') return null;
  const match = /^导入[:：]\s*(\S.*?)\s*第\s*(\d+)\s*行$/.exec(provenance.trim());
  return match ? { file: match[1]!, row: Number(match[2]) } : null;
}
