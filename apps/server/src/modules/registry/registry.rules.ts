import {
  ageOn,
  ELDERLY_AGE,
  type HouseholdEvent,
  normaliseIdNumber,
  TAGS,
  type TagCode,
  todayInShanghai,
} from '@linli/shared';
import { pinyin } from 'pinyin-pro';

/**
 * Full pinyin and initials of a name, with surnames read as surnames (曾 zeng, 单 shan, 仇 qiu) and ü
 * written v, as pinyin keyboards type it (吕 lv, 女 nv).
 */
export function namePinyin(name: string): { full: string; initials: string } {
  const options = {
    toneType: 'none',
    type: 'array',
    surname: 'head',
    nonZh: 'consecutive',
    v: true,
  } as const;
  const clean = (parts: string[]) =>
    parts
      .join('')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '');
  return {
    full: clean(pinyin(name, options)),
    initials: clean(pinyin(name, { ...options, pattern: 'first' })),
  };
}

export type SearchIntent =
  | { kind: 'phone_tail'; tail: string }
  | { kind: 'phone'; phone: string }
  | { kind: 'id_number'; idNumber: string }
  | { kind: 'address'; building: string; entrance: number | null; room: string }
  | { kind: 'pinyin'; text: string }
  | { kind: 'name'; text: string; pinyin: string };

/**
 * What the one search box was given: a phone tail, a phone, an ID number, an address as people
 * write it (5-2-301, 5号楼2单元301, 5号301), pinyin or initials, or a name.
 */
export function classifyQuery(raw: string): SearchIntent | null {
  const q = raw.trim().replace(/\s+/g, '');
  if (!q) return null;
  if (/^\d{4}$/.test(q)) return { kind: 'phone_tail', tail: q };
  if (/^1[3-9]\d{9}$/.test(q)) return { kind: 'phone', phone: q };
  const id = normaliseIdNumber(q);
  if (/^\d{15}$|^\d{17}[\dX]$/.test(id)) return { kind: 'id_number', idNumber: id };
  const dashed = q.match(/^(\d+)[-－—](\d+)[-－—](\d+)$/);
  if (dashed) return { kind: 'address', building: dashed[1]!, entrance: Number(dashed[2]), room: dashed[3]! };
  const written = q.match(/^(\d+)(?:号楼|号|幢|栋)(?:(\d+)(?:单元|门))?(\d+)室?$/);
  if (written) {
    return {
      kind: 'address',
      building: written[1]!,
      entrance: written[2] ? Number(written[2]) : null,
      room: written[3]!,
    };
  }
  if (/^[a-zA-Z]+$/.test(q)) return { kind: 'pinyin', text: q.toLowerCase() };
  return { kind: 'name', text: q, pinyin: namePinyin(q).full };
}

/** Pinyin and initials hold only these characters, in this order (the order of the C collation). */
const PINYIN_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * The first string after all those starting with `prefix` over the pinyin alphabet ('zhang' → 'zhanh',
 * 'wz' → 'x'), so a prefix search is a range an ordered index can seek to; null when nothing follows
 * ('zz'). Carrying instead of appending '{' keeps the bound right under collations that ignore
 * punctuation.
 */
export function prefixUpperBound(prefix: string): string | null {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const at = PINYIN_ALPHABET.indexOf(prefix[i]!);
    if (at >= 0 && at < PINYIN_ALPHABET.length - 1) return prefix.slice(0, i) + PINYIN_ALPHABET[at + 1];
  }
  return null;
}

/** Every reading pinyin-pro knows for one character, as namePinyin writes it (长: chang, zhang). */
function readingsOf(char: string): string[] {
  const clean = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const all = [
    ...pinyin(char, { toneType: 'none', type: 'array', multiple: true, v: true }),
    namePinyin(char).full,
  ];
  return [...new Set(all.map(clean))];
}

/**
 * Every pinyin a name starting with `text` can begin with: the readings of its first two characters
 * combined (国强: guoqiang, guojiang), so a search for the start of a name is a few narrow ranges of
 * the pinyin order. A reading that another one starts with is dropped (its range already holds it),
 * so the ranges never overlap. An empty string means "any": the first character has no pinyin (a
 * symbol, a character pinyin-pro does not know).
 */
export function leadingReadings(text: string): string[] {
  const [first, second] = Array.from(text);
  if (!first) return [''];
  const firsts = readingsOf(first);
  if (firsts.includes('')) return [''];
  const seconds = second ? readingsOf(second) : [];
  // A second character with no pinyin, or too many combinations, narrows by the first alone.
  const all =
    seconds.length && !seconds.includes('') && firsts.length * seconds.length <= 8
      ? firsts.flatMap((a) => seconds.map((b) => a + b))
      : firsts;
  const unique = [...new Set(all)];
  return unique.filter((r) => !unique.some((o) => o !== r && r.startsWith(o))).sort();
}

/**
 * The overlapping two-character pieces of a name fragment (王秀英 → 王秀, 秀英): a name contains the
 * fragment only if it holds all of them, which an index of each name's pieces answers.
 */
export function nameBigrams(text: string): string[] {
  const chars = Array.from(text);
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return [...out];
}

/** Birth-date bounds for an age range on a given day: age ≥ min ⇔ born on or before day − min years. */
export function birthBounds(day: string, ageMin?: number, ageMax?: number) {
  const [y, m, d] = day.split('-') as [string, string, string];
  // 29 February has no twin in common years, where the 28th gives the same answer for whole-year
  // ages; in a leap year the 29th itself is the bound (born 2020-02-29 is 4 on 2024-02-29).
  const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const shift = (years: number) => {
    const year = Number(y) - years;
    const dd = m === '02' && d === '29' && !isLeap(year) ? '28' : d;
    return `${String(year).padStart(4, '0')}-${m}-${dd}`;
  };
  return {
    bornOnOrBefore: ageMin !== undefined ? shift(ageMin) : undefined,
    // age ≤ max ⇔ born after day − (max + 1) years
    bornAfter: ageMax !== undefined ? shift(ageMax + 1) : undefined,
  };
}

export function ageOf(birthDate: string | null, today: string): number | null {
  return birthDate ? ageOn(birthDate, today) : null;
}

export const AGE_TAG_MIN: Partial<Record<TagCode, number>> = { aged_80: 80, aged_90: 90, aged_100: 100 };

export const isSensitiveTag = (code: TagCode) => TAGS[code].sensitive;
export const isDerivedTag = (code: TagCode) => TAGS[code].derived;

/** A resident of 60 or more living alone must have someone to call: FIELD-NOTES §6, the 独居老人 ledger. */
export function lacksEmergencyContact(r: {
  age: number | null;
  tags: readonly TagCode[];
  emergencyContactName: string | null;
}): boolean {
  return (
    r.tags.includes('living_alone') &&
    r.age !== null &&
    r.age >= ELDERLY_AGE &&
    !r.emergencyContactName?.trim()
  );
}

type HistoryMember = {
  id: string;
  name: string;
  createdAt: Date;
  status: 'active' | 'moved_out' | 'deceased' | (string & {});
  movedOutAt: string | null;
  deceasedAt: string | null;
};

/**
 * A household's history from what the register already holds: its own move-in and move-out dates, each
 * member's registration, move-out and death, and the days its tags changed. Newest first.
 */
export function householdHistory(
  household: { movedInAt: string | null; movedOutAt: string | null; createdAt: Date },
  members: readonly HistoryMember[],
  tagChanges: readonly Date[] = [],
): HouseholdEvent[] {
  const day = (d: Date) => todayInShanghai(d);
  const events: HouseholdEvent[] = [];
  const member = (m: HistoryMember) => ({ residentId: m.id, residentName: m.name });
  const none = { residentId: null, residentName: null };
  events.push({ date: household.movedInAt ?? day(household.createdAt), kind: 'moved_in', ...none });
  for (const m of members) {
    events.push({ date: day(m.createdAt), kind: 'member_joined', ...member(m) });
    if (m.movedOutAt) events.push({ date: m.movedOutAt, kind: 'member_moved_out', ...member(m) });
    if (m.deceasedAt) events.push({ date: m.deceasedAt, kind: 'member_died', ...member(m) });
  }
  for (const at of tagChanges) events.push({ date: day(at), kind: 'tags_changed', ...none });
  if (household.movedOutAt) events.push({ date: household.movedOutAt, kind: 'moved_out', ...none });
  const order: Record<HouseholdEvent['kind'], number> = {
    moved_in: 0,
    member_joined: 1,
    tags_changed: 2,
    member_moved_out: 3,
    member_died: 3,
    moved_out: 4,
  };
  return events.sort((a, b) => b.date.localeCompare(a.date) || order[b.kind] - order[a.kind]);
}
