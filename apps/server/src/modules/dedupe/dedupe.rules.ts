import { type DedupeReason, MERGE_FIELDS, type MergeField, type MergeSide } from '@linli/shared';
import type { ResidentRow } from '../registry/registry.table';

/** What the rules look at: keys only, never a clear sensitive value. */
export type DedupeFacts = Pick<
  ResidentRow,
  'name' | 'namePinyin' | 'nameInitials' | 'birthDate' | 'idNumberHash' | 'phoneHash' | 'dwellingId'
>;

/** Levenshtein distance, giving up (returning max + 1) once it is sure to exceed `max`. */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

const yearOf = (date: string | null) => (date ? date.slice(0, 4) : null);

function birthYearsCompatible(a: string | null, b: string | null): boolean {
  return !a || !b || Math.abs(Number(yearOf(a)) - Number(yearOf(b))) <= 1;
}

/**
 * Two names that could be one person typed twice: one pinyin letter apart (张伟/张玮 are equal, 张伟/章伟
 * too, 李明/李敏 one letter) with birth years that agree, or the same initials with the same birth year
 * (a wrong second character).
 */
type NameFacts = Pick<DedupeFacts, 'namePinyin' | 'nameInitials' | 'birthDate'>;

export function similarNames(a: NameFacts, b: NameFacts): boolean {
  const close = !!a.namePinyin && !!b.namePinyin && editDistance(a.namePinyin, b.namePinyin, 1) <= 1;
  // Family members share a flat and often a name one letter apart (邵海, 邵浩): birth years far apart
  // say two people. A year typed one off, or a birth date known on one record only, still pairs.
  if (close && birthYearsCompatible(a.birthDate, b.birthDate)) return true;
  const year = yearOf(a.birthDate);
  return (
    !!a.nameInitials && a.nameInitials === b.nameInitials && year !== null && year === yearOf(b.birthDate)
  );
}

/** Every reason the pair looks like one person; empty when none holds. */
export function reasonsFor(a: DedupeFacts, b: DedupeFacts): DedupeReason[] {
  const reasons: DedupeReason[] = [];
  if (a.idNumberHash && a.idNumberHash === b.idNumberHash) reasons.push('same_id');
  if (a.phoneHash && a.phoneHash === b.phoneHash && a.name.trim() === b.name.trim())
    reasons.push('name_phone');
  if (a.namePinyin && a.namePinyin === b.namePinyin && a.birthDate && a.birthDate === b.birthDate) {
    reasons.push('pinyin_birth');
  }
  if (a.dwellingId === b.dwellingId && similarNames(a, b)) reasons.push('dwelling_similar_name');
  return reasons;
}

/** Strongest evidence first: an ID match before a name-and-phone match, and so on. */
export function candidateRank(reasons: readonly DedupeReason[]): number {
  const weight: Record<DedupeReason, number> = {
    same_id: 8,
    name_phone: 4,
    pinyin_birth: 2,
    dwelling_similar_name: 1,
  };
  return reasons.reduce((sum, r) => sum + weight[r], 0);
}

/** The columns each choosable field moves: sensitive ones as ciphertext, hash and mask together. */
export const FIELD_COLUMNS = {
  name: ['name', 'namePinyin', 'nameInitials'],
  formerName: ['formerName'],
  sex: ['sex'],
  birthDate: ['birthDate'],
  idNumber: ['idType', 'idNumberEnc', 'idNumberHash', 'idNumberMasked'],
  phone: ['phoneEnc', 'phoneHash', 'phoneTail', 'phoneMasked'],
  health: ['healthEnc'],
  residenceType: ['residenceType'],
  tenure: ['tenure'],
  relationToHead: ['relationToHead'],
  selfCare: ['selfCare'],
  hukouAddress: ['hukouAddress'],
  emergencyContactName: ['emergencyContactName'],
  emergencyContactPhone: ['emergencyContactPhoneEnc', 'emergencyContactPhoneMasked'],
  ethnicity: ['ethnicity'],
  maritalStatus: ['maritalStatus'],
  politicalStatus: ['politicalStatus'],
  education: ['education'],
  occupation: ['occupation'],
  employer: ['employer'],
  arrivalReason: ['arrivalReason'],
  arrivalDate: ['arrivalDate'],
} as const satisfies Record<MergeField, readonly (keyof ResidentRow)[]>;

/** The column that says whether the field holds a value, and which tells two values apart. */
const KEY_COLUMN: Record<MergeField, keyof ResidentRow> = {
  name: 'name',
  formerName: 'formerName',
  sex: 'sex',
  birthDate: 'birthDate',
  idNumber: 'idNumberHash',
  phone: 'phoneHash',
  health: 'healthEnc',
  residenceType: 'residenceType',
  tenure: 'tenure',
  relationToHead: 'relationToHead',
  selfCare: 'selfCare',
  hukouAddress: 'hukouAddress',
  emergencyContactName: 'emergencyContactName',
  emergencyContactPhone: 'emergencyContactPhoneEnc',
  ethnicity: 'ethnicity',
  maritalStatus: 'maritalStatus',
  politicalStatus: 'politicalStatus',
  education: 'education',
  occupation: 'occupation',
  employer: 'employer',
  arrivalReason: 'arrivalReason',
  arrivalDate: 'arrivalDate',
};

export type MergeableRow = Pick<ResidentRow, 'lastVerifiedAt' | 'updatedAt' | 'idType'> &
  Pick<ResidentRow, (typeof FIELD_COLUMNS)[MergeField][number]>;

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

function verifiedAt(r: MergeableRow): number {
  return (r.lastVerifiedAt ?? r.updatedAt).getTime();
}

/**
 * Which of two records a field's value comes from when nobody chooses: the one that has a value;
 * when both have one, the more recently verified; on a tie, the first.
 */
export function defaultSide(field: MergeField, first: MergeableRow, second: MergeableRow): 0 | 1 {
  const a = first[KEY_COLUMN[field] as keyof MergeableRow];
  const b = second[KEY_COLUMN[field] as keyof MergeableRow];
  if (isEmpty(a)) return isEmpty(b) ? 0 : 1;
  if (isEmpty(b)) return 0;
  return verifiedAt(second) > verifiedAt(first) ? 1 : 0;
}

/** Birth date and sex are derived from a resident ID: they go where the ID number goes. */
export const FOLLOW_ID_NUMBER: readonly MergeField[] = ['sex', 'birthDate'];

/**
 * The side every field is taken from: what the reviewer chose, the default otherwise, and the
 * fields derived from a resident ID forced to follow it.
 */
export function effectiveChoices(
  chosen: Partial<Record<MergeField, MergeSide>>,
  survivor: MergeableRow,
  merged: MergeableRow,
): Record<MergeField, MergeSide> {
  const out = {} as Record<MergeField, MergeSide>;
  for (const f of MERGE_FIELDS) {
    out[f] = chosen[f] ?? (defaultSide(f, survivor, merged) === 0 ? 'survivor' : 'merged');
  }
  const idSource = out.idNumber === 'merged' ? merged : survivor;
  if (idSource.idNumberHash && (idSource.idType ?? 'resident_id') === 'resident_id') {
    for (const f of FOLLOW_ID_NUMBER) out[f] = out.idNumber;
  }
  // Where both hold the same value there is nothing to take: the record says only what really moved.
  // Sensitive values compare by their keyed hash (ciphertexts of one value differ).
  for (const f of MERGE_FIELDS) {
    const same = (c: keyof MergeableRow) => survivor[c] === merged[c];
    if (same(KEY_COLUMN[f] as keyof MergeableRow) && (f !== 'idNumber' || same('idType')))
      out[f] = 'survivor';
  }
  return out;
}

/** The survivor's new column values: only the fields taken from the merged record, copied as stored. */
export function mergePatch(
  choices: Record<MergeField, MergeSide>,
  merged: MergeableRow,
): Partial<Record<keyof ResidentRow, unknown>> {
  const patch: Partial<Record<keyof ResidentRow, unknown>> = {};
  for (const f of MERGE_FIELDS) {
    if (choices[f] !== 'merged') continue;
    for (const c of FIELD_COLUMNS[f]) patch[c] = merged[c as keyof MergeableRow];
  }
  return patch;
}

/** A pair in a stable order, so (a, b) and (b, a) are one pair. */
export function orderedPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}
