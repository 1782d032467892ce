import { type DedupeResidentSummary, MERGE_FIELDS, type MergeField, type MergeRecord } from '@linli/shared';
import { addressOf } from '../registry/registry.presenter';
import type { MergeWithNames, ResidentFacts } from './dedupe.repository';

/** Masked values only: the facts never carry ciphertext. */
export function presentSummary(f: ResidentFacts): DedupeResidentSummary {
  return {
    id: f.id,
    communityId: f.communityId,
    name: f.name,
    sex: f.sex,
    birthDate: f.birthDate,
    idNumberMasked: f.idNumberMasked,
    phoneMasked: f.phoneMasked,
    address: addressOf(f),
    status: f.status,
    version: f.version,
  };
}

/** The snapshots stay in the database: a merge record answers with names, choices and who/when. */
export function presentMerge(row: MergeWithNames): MergeRecord {
  const m = row.merge;
  return {
    id: m.id,
    survivorId: m.survivorId,
    survivorName: row.survivorName,
    mergedId: m.mergedId,
    mergedName: row.mergedName,
    takenFromMerged: MERGE_FIELDS.filter((f: MergeField) => m.choices[f] === 'merged'),
    status: m.status,
    mergedAt: m.createdAt.toISOString(),
    mergedByName: row.mergedByName,
    undoneAt: m.undoneAt?.toISOString() ?? null,
    undoneByName: row.undoneByName,
    version: m.version,
  };
}
