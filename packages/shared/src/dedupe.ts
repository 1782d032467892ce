import { z } from 'zod';
import { Id, Version } from './common';
import { Resident } from './registry';

/** Why two records look like one person; each candidate pair carries every reason that holds. */
export const DEDUPE_REASONS = ['same_id', 'name_phone', 'pinyin_birth', 'dwelling_similar_name'] as const;
export const DedupeReason = z.enum(DEDUPE_REASONS);
export type DedupeReason = z.infer<typeof DedupeReason>;

/**
 * What a merge lets the reviewer choose per field. Sensitive fields move as stored (ciphertext, hash,
 * mask), never decrypted. Sex and birth date follow the ID number when it is a resident ID.
 */
export const MERGE_FIELDS = [
  'name',
  'formerName',
  'sex',
  'birthDate',
  'idNumber',
  'phone',
  'health',
  'residenceType',
  'tenure',
  'relationToHead',
  'selfCare',
  'hukouAddress',
  'emergencyContactName',
  'emergencyContactPhone',
  'ethnicity',
  'maritalStatus',
  'politicalStatus',
  'education',
  'occupation',
  'employer',
  'arrivalReason',
  'arrivalDate',
] as const;
export const MergeField = z.enum(MERGE_FIELDS);
export type MergeField = z.infer<typeof MergeField>;
export const MergeSide = z.enum(['survivor', 'merged']);
export type MergeSide = z.infer<typeof MergeSide>;
export const MergeChoices = z.partialRecord(MergeField, MergeSide);
export type MergeChoices = z.infer<typeof MergeChoices>;

export const DedupeCandidatesQuery = z.strictObject({
  communityId: Id.optional(),
  reason: DedupeReason.optional(),
});
export type DedupeCandidatesQuery = z.infer<typeof DedupeCandidatesQuery>;

export const DedupeResidentSummary = z.object({
  id: Id,
  communityId: Id,
  name: z.string(),
  sex: z.enum(['male', 'female']).nullable(),
  birthDate: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  address: z.string(),
  status: z.string(),
  version: z.number().int(),
});
export type DedupeResidentSummary = z.infer<typeof DedupeResidentSummary>;

export const DedupeCandidate = z.object({
  a: DedupeResidentSummary,
  b: DedupeResidentSummary,
  reasons: z.array(DedupeReason),
});
export type DedupeCandidate = z.infer<typeof DedupeCandidate>;

export const DedupeCandidateList = z.object({
  items: z.array(DedupeCandidate),
  /** True when a rule found more pairs than one answer carries: dismiss or merge, then reload. */
  truncated: z.boolean(),
});

export const DedupePairBody = z
  .strictObject({ aId: Id, bId: Id })
  .refine((p) => p.aId !== p.bId, { path: ['bId'], error: 'merge_same_resident' });
export const DedupePairQuery = z
  .strictObject({ a: Id, b: Id })
  .refine((p) => p.a !== p.b, { path: ['b'], error: 'merge_same_resident' });

export const DedupeSide = z.object({
  resident: Resident,
  timelineCount: z.number().int(),
  lastVerifiedAt: z.string().nullable(),
});
export const DedupeComparison = z.object({
  a: DedupeSide,
  b: DedupeSide,
  reasons: z.array(DedupeReason),
  /** Per field, which record's value a merge keeps when nobody chooses: a → b means b's value. */
  defaults: z.partialRecord(MergeField, z.enum(['a', 'b'])),
});
export type DedupeComparison = z.infer<typeof DedupeComparison>;

export const MergeRequest = z
  .strictObject({
    survivorId: Id,
    survivorVersion: Version,
    mergedId: Id,
    mergedVersion: Version,
    choices: MergeChoices.default({}),
  })
  .refine((b) => b.survivorId !== b.mergedId, { path: ['mergedId'], error: 'merge_same_resident' });
export type MergeRequest = z.infer<typeof MergeRequest>;

export const MERGE_STATUSES = ['merged', 'undone'] as const;
export const MergeStatus = z.enum(MERGE_STATUSES);

export const MergeRecord = z.object({
  id: Id,
  survivorId: Id,
  survivorName: z.string(),
  mergedId: Id,
  mergedName: z.string(),
  /** The fields whose value came from the merged record. */
  takenFromMerged: z.array(MergeField),
  status: MergeStatus,
  mergedAt: z.string(),
  mergedByName: z.string().nullable(),
  undoneAt: z.string().nullable(),
  undoneByName: z.string().nullable(),
  version: z.number().int(),
});
export type MergeRecord = z.infer<typeof MergeRecord>;

export const MergeListQuery = z.strictObject({ status: MergeStatus.optional() });
export const MergeUndoRequest = z.strictObject({ version: Version });
