import { ageOn, normaliseIdNumber, TAGS, type TagCode } from '@linli/shared';
import { pinyin } from 'pinyin-pro';

/** Full pinyin and initials of a name, with surnames read as surnames (曾 zeng, 单 shan, 仇 qiu). */
export function namePinyin(name: string): { full: string; initials: string } {
  const options = { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' } as const;
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
