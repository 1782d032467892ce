import { z } from 'zod';
import {
  boundedText,
  Cursor,
  Id,
  Limit,
  MobilePhone,
  Name,
  optionalText,
  plainString,
  Version,
} from './common';
import { normaliseIdNumber, parseResidentId } from './identity';
import { TagCodeSchema } from './tags';

export const SEXES = ['male', 'female'] as const;
export const ID_TYPES = [
  'resident_id',
  'passport',
  'hk_macao_permit',
  'taiwan_permit',
  'foreign_permanent',
] as const;
export const RESIDENCE_TYPES = ['hukou', 'non_hukou', 'separated'] as const;
export const TENURES = ['owner', 'tenant', 'lodger'] as const;
export const RELATIONS_TO_HEAD = [
  'head',
  'spouse',
  'child',
  'parent',
  'grandchild',
  'sibling',
  'other_relative',
  'non_relative',
] as const;
export const SELF_CARE = ['independent', 'partial', 'dependent'] as const;
export const RESIDENT_STATUSES = ['active', 'moved_out', 'deceased'] as const;
/** The fields that are encrypted at rest and masked in every response. */
export const SENSITIVE_FIELDS = ['idNumber', 'phone', 'health'] as const;

export const ResidentStatus = z.enum(RESIDENT_STATUSES);
export const SensitiveField = z.enum(SENSITIVE_FIELDS);

export const Resident = z.object({
  id: Id,
  householdId: Id,
  dwellingId: Id,
  buildingId: Id,
  communityId: Id,
  name: z.string(),
  formerName: z.string().nullable(),
  sex: z.enum(SEXES).nullable(),
  birthDate: z.string().nullable(),
  age: z.number().int().nullable(),
  idType: z.enum(ID_TYPES).nullable(),
  /** Always masked here (310***********1234); the clear value only through reveal. */
  idNumberMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  hasHealthNote: z.boolean(),
  residenceType: z.enum(RESIDENCE_TYPES).nullable(),
  tenure: z.enum(TENURES).nullable(),
  relationToHead: z.enum(RELATIONS_TO_HEAD).nullable(),
  selfCare: z.enum(SELF_CARE).nullable(),
  hukouAddress: z.string().nullable(),
  emergencyContactName: z.string().nullable(),
  emergencyContactPhoneMasked: z.string().nullable(),
  tags: z.array(TagCodeSchema),
  address: z.string(),
  status: ResidentStatus,
  movedOutAt: z.string().nullable(),
  movedOutTo: z.string().nullable(),
  deceasedAt: z.string().nullable(),
  lastVerifiedAt: z.string().nullable(),
  version: z.number().int(),
});
export type Resident = z.infer<typeof Resident>;

export const ResidentSearchQuery = z.strictObject({
  /** Name, pinyin or initials, phone tail (4 digits), ID number, or an address like 5-2-301 / 5号楼301. */
  q: plainString(40).trim().optional(),
  communityId: Id.optional(),
  compoundId: Id.optional(),
  buildingId: Id.optional(),
  dwellingId: Id.optional(),
  tag: TagCodeSchema.optional(),
  ageMin: z.coerce.number().int().min(0).max(130).optional(),
  ageMax: z.coerce.number().int().min(0).max(130).optional(),
  status: ResidentStatus.default('active'),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type ResidentSearchQuery = z.infer<typeof ResidentSearchQuery>;

const idNumberInput = z
  .string()
  .max(40)
  .transform(normaliseIdNumber)
  .refine((v) => /^[0-9A-Z-]{5,20}$/.test(v), { error: 'id_number' });

/** An ID number of type resident_id must pass the GB 11643 checksum and carry a real birth date. */
function checkResidentId(body: { idType?: string | null; idNumber?: string | null }, ctx: z.RefinementCtx) {
  if (body.idNumber && (body.idType ?? 'resident_id') === 'resident_id' && !parseResidentId(body.idNumber)) {
    ctx.addIssue({ code: 'custom', path: ['idNumber'], message: 'resident_id_checksum' });
  }
}

const residentFields = {
  name: Name,
  formerName: optionalText(50).nullish(),
  sex: z.enum(SEXES).nullish(),
  /** Only when there is no resident ID to derive it from. */
  birthDate: z.iso.date().nullish(),
  idType: z.enum(ID_TYPES).nullish(),
  idNumber: idNumberInput.nullish(),
  phone: MobilePhone.nullish(),
  health: optionalText(500).nullish(),
  residenceType: z.enum(RESIDENCE_TYPES).nullish(),
  tenure: z.enum(TENURES).nullish(),
  relationToHead: z.enum(RELATIONS_TO_HEAD).nullish(),
  selfCare: z.enum(SELF_CARE).nullish(),
  hukouAddress: optionalText(200).nullish(),
  emergencyContactName: optionalText(50).nullish(),
  emergencyContactPhone: MobilePhone.nullish(),
  tags: z.array(TagCodeSchema).max(20).optional(),
};

export const ResidentCreate = z
  .strictObject({
    /** Join an existing household, or open a new one in a dwelling. */
    householdId: Id.optional(),
    dwellingId: Id.optional(),
    ...residentFields,
  })
  .superRefine((body, ctx) => {
    if (!body.householdId === !body.dwellingId) {
      ctx.addIssue({ code: 'custom', path: ['dwellingId'], message: 'household_or_dwelling' });
    }
    checkResidentId(body, ctx);
  });
export type ResidentCreate = z.infer<typeof ResidentCreate>;

export const ResidentUpdate = z
  .strictObject({ version: Version, ...residentFields, name: Name.optional() })
  .superRefine(checkResidentId);
export type ResidentUpdate = z.infer<typeof ResidentUpdate>;

export const ResidentMoveOut = z.strictObject({
  version: Version,
  kind: z.enum(['moved_out', 'deceased']),
  date: z.iso.date(),
  movedOutTo: optionalText(200).optional(),
});

export const RevealRequest = z.strictObject({
  fields: z.array(SensitiveField).min(1).max(3),
  reason: boundedText(200),
});
export const Revealed = z.object({
  idNumber: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  health: z.string().nullable().optional(),
});

export const AccessLogEntry = z.object({
  at: z.string(),
  actorName: z.string().nullable(),
  fields: z.array(z.string()),
  reason: z.string().nullable(),
});

export const Household = z.object({
  id: Id,
  dwellingId: Id,
  buildingId: Id,
  address: z.string(),
  headName: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  memberCount: z.number().int(),
  members: z.array(Resident),
  status: z.enum(['active', 'moved_out']),
  version: z.number().int(),
});
export type Household = z.infer<typeof Household>;

export const DwellingHouseholdsQuery = z.strictObject({ dwellingId: Id });

export const ResidentEvent = z.object({
  id: Id,
  at: z.string(),
  kind: z.string(),
  actorName: z.string().nullable(),
  changes: z
    .record(z.string(), z.object({ from: z.unknown().optional(), to: z.unknown().optional() }))
    .nullable(),
});

/** Per dwelling of a building: who lives there in numbers and key tags, for the building grid (楼栋图). */
export const BuildingOccupancy = z.object({
  dwellings: z.array(
    z.object({
      dwellingId: Id,
      households: z.number().int(),
      residents: z.number().int(),
      tags: z.array(TagCodeSchema),
    }),
  ),
});
export type BuildingOccupancy = z.infer<typeof BuildingOccupancy>;
