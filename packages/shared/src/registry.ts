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
import { normaliseIdNumber, parseResidentId, todayInShanghai } from './identity';
import { HouseholdTagCodeSchema, TagCodeSchema } from './tags';

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
/** 民族 by their GB/T 3304 codes (the two digits on forms and in ledgers), with both labels. */
export const ETHNICITIES = {
  '01': { zh: '汉族', en: 'Han' },
  '02': { zh: '蒙古族', en: 'Mongol' },
  '03': { zh: '回族', en: 'Hui' },
  '04': { zh: '藏族', en: 'Tibetan' },
  '05': { zh: '维吾尔族', en: 'Uyghur' },
  '06': { zh: '苗族', en: 'Miao' },
  '07': { zh: '彝族', en: 'Yi' },
  '08': { zh: '壮族', en: 'Zhuang' },
  '09': { zh: '布依族', en: 'Buyei' },
  '10': { zh: '朝鲜族', en: 'Korean' },
  '11': { zh: '满族', en: 'Manchu' },
  '12': { zh: '侗族', en: 'Dong' },
  '13': { zh: '瑶族', en: 'Yao' },
  '14': { zh: '白族', en: 'Bai' },
  '15': { zh: '土家族', en: 'Tujia' },
  '16': { zh: '哈尼族', en: 'Hani' },
  '17': { zh: '哈萨克族', en: 'Kazakh' },
  '18': { zh: '傣族', en: 'Dai' },
  '19': { zh: '黎族', en: 'Li' },
  '20': { zh: '傈僳族', en: 'Lisu' },
  '21': { zh: '佤族', en: 'Va' },
  '22': { zh: '畲族', en: 'She' },
  '23': { zh: '高山族', en: 'Gaoshan' },
  '24': { zh: '拉祜族', en: 'Lahu' },
  '25': { zh: '水族', en: 'Sui' },
  '26': { zh: '东乡族', en: 'Dongxiang' },
  '27': { zh: '纳西族', en: 'Nakhi' },
  '28': { zh: '景颇族', en: 'Jingpo' },
  '29': { zh: '柯尔克孜族', en: 'Kyrgyz' },
  '30': { zh: '土族', en: 'Tu' },
  '31': { zh: '达斡尔族', en: 'Daur' },
  '32': { zh: '仫佬族', en: 'Mulao' },
  '33': { zh: '羌族', en: 'Qiang' },
  '34': { zh: '布朗族', en: 'Blang' },
  '35': { zh: '撒拉族', en: 'Salar' },
  '36': { zh: '毛南族', en: 'Maonan' },
  '37': { zh: '仡佬族', en: 'Gelao' },
  '38': { zh: '锡伯族', en: 'Xibe' },
  '39': { zh: '阿昌族', en: 'Achang' },
  '40': { zh: '普米族', en: 'Pumi' },
  '41': { zh: '塔吉克族', en: 'Tajik' },
  '42': { zh: '怒族', en: 'Nu' },
  '43': { zh: '乌孜别克族', en: 'Uzbek' },
  '44': { zh: '俄罗斯族', en: 'Russian' },
  '45': { zh: '鄂温克族', en: 'Evenki' },
  '46': { zh: '德昂族', en: "De'ang" },
  '47': { zh: '保安族', en: 'Bonan' },
  '48': { zh: '裕固族', en: 'Yugur' },
  '49': { zh: '京族', en: 'Gin' },
  '50': { zh: '塔塔尔族', en: 'Tatar' },
  '51': { zh: '独龙族', en: 'Derung' },
  '52': { zh: '鄂伦春族', en: 'Oroqen' },
  '53': { zh: '赫哲族', en: 'Hezhen' },
  '54': { zh: '门巴族', en: 'Monba' },
  '55': { zh: '珞巴族', en: 'Lhoba' },
  '56': { zh: '基诺族', en: 'Jino' },
  '97': { zh: '其他', en: 'Other' },
  '98': { zh: '外国血统中国籍人士', en: 'Of foreign origin' },
} as const;
export type Ethnicity = keyof typeof ETHNICITIES;
export const ETHNICITY_CODES = Object.keys(ETHNICITIES) as Ethnicity[];
export const EthnicitySchema = z.enum(ETHNICITY_CODES as [Ethnicity, ...Ethnicity[]]);
export const MARITAL_STATUSES = ['unmarried', 'married', 'divorced', 'widowed'] as const;
export const POLITICAL_STATUSES = [
  'cpc_member',
  'cpc_probationary',
  'cyl_member',
  'democratic_party',
  'non_partisan',
  'masses',
] as const;
export const EDUCATION_LEVELS = [
  'none',
  'primary',
  'junior_secondary',
  'senior_secondary',
  'vocational',
  'college',
  'bachelor',
  'postgraduate',
] as const;
export const ARRIVAL_REASONS = ['work', 'business', 'family', 'study', 'marriage', 'other'] as const;
export const RESIDENT_STATUSES = ['active', 'moved_out', 'deceased', 'merged'] as const;
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
  ethnicity: EthnicitySchema.nullable(),
  maritalStatus: z.enum(MARITAL_STATUSES).nullable(),
  politicalStatus: z.enum(POLITICAL_STATUSES).nullable(),
  education: z.enum(EDUCATION_LEVELS).nullable(),
  occupation: z.string().nullable(),
  employer: z.string().nullable(),
  arrivalReason: z.enum(ARRIVAL_REASONS).nullable(),
  arrivalDate: z.string().nullable(),
  provenance: z.string().nullable(),
  tags: z.array(TagCodeSchema),
  address: z.string(),
  status: ResidentStatus,
  movedOutAt: z.string().nullable(),
  movedOutTo: z.string().nullable(),
  deceasedAt: z.string().nullable(),
  /** The record this one was merged into (status `merged`); the merge can be undone from the dedupe page. */
  mergedIntoId: Id.nullable(),
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
  /** Residents of the grid's buildings (网格). A grid beyond the caller's scope finds no one, like a compound. */
  gridId: Id.optional(),
  residenceType: z.enum(RESIDENCE_TYPES).optional(),
  tag: TagCodeSchema.optional(),
  ageMin: z.coerce.number().int().min(0).max(130).optional(),
  ageMax: z.coerce.number().int().min(0).max(130).optional(),
  status: ResidentStatus.default('active'),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type ResidentSearchQuery = z.infer<typeof ResidentSearchQuery>;

/** A date that has happened: an arrival, the day a tag began to apply. */
const pastDate = z.iso.date().refine((d) => d <= todayInShanghai(), { error: 'date_in_future' });

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
  ethnicity: EthnicitySchema.nullish(),
  maritalStatus: z.enum(MARITAL_STATUSES).nullish(),
  politicalStatus: z.enum(POLITICAL_STATUSES).nullish(),
  education: z.enum(EDUCATION_LEVELS).nullish(),
  occupation: optionalText(50).nullish(),
  employer: optionalText(100).nullish(),
  arrivalReason: z.enum(ARRIVAL_REASONS).nullish(),
  arrivalDate: pastDate.nullish(),
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

/** In an update a field left out stays as it is and `null` clears it (a phone, an ID number, a health note …). */
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

/**
 * 迁居: a resident moves to another dwelling of the same street, joining one of its active households
 * (with their relation to its head) or as the head of a new household opened there.
 */
export const ResidentMove = z
  .strictObject({
    version: Version,
    dwellingId: Id,
    householdId: Id.optional(),
    /** Only when joining: a new household's first member is its head. */
    relationToHead: z.enum(RELATIONS_TO_HEAD).optional(),
    movedAt: pastDate,
  })
  .superRefine((body, ctx) => {
    if (body.householdId && (!body.relationToHead || body.relationToHead === 'head')) {
      ctx.addIssue({ code: 'custom', path: ['relationToHead'], message: 'move_relation_required' });
    }
  });
export type ResidentMove = z.infer<typeof ResidentMove>;

/** The household left behind: closed with its last member, or without a head when its head moved. */
export const ResidentMoved = z.object({
  resident: Resident,
  previousHousehold: z.object({
    id: Id,
    status: z.enum(['active', 'moved_out']),
    /** Others remain and none is the head any more: a worker names a new head (relation 户主). */
    headless: z.boolean(),
  }),
});
export type ResidentMoved = z.infer<typeof ResidentMoved>;

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

/** A household tag as set by someone: since when, and on whose word (a notice, a visit, the street's list …). */
export const HouseholdTag = z.object({
  code: HouseholdTagCodeSchema,
  since: z.string().nullable(),
  source: z.string().nullable(),
});
export type HouseholdTag = z.infer<typeof HouseholdTag>;

export const HOUSEHOLD_EVENT_KINDS = [
  'moved_in',
  'moved_out',
  'member_joined',
  'member_moved_out',
  'member_died',
  'tags_changed',
] as const;
/** One line of a household's history, derived from its own dates, its members' and its audit rows. */
export const HouseholdEvent = z.object({
  date: z.string(),
  kind: z.enum(HOUSEHOLD_EVENT_KINDS),
  residentId: Id.nullable(),
  residentName: z.string().nullable(),
});
export type HouseholdEvent = z.infer<typeof HouseholdEvent>;

export const HouseholdTagsUpdate = z.strictObject({
  version: Version,
  tags: z
    .array(
      z.strictObject({
        code: HouseholdTagCodeSchema,
        since: pastDate.nullish(),
        source: optionalText(100).nullish(),
      }),
    )
    .max(20),
});
export type HouseholdTagsUpdate = z.infer<typeof HouseholdTagsUpdate>;

export const Household = z.object({
  id: Id,
  dwellingId: Id,
  buildingId: Id,
  address: z.string(),
  headName: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  memberCount: z.number().int(),
  members: z.array(Resident),
  tags: z.array(HouseholdTag),
  history: z.array(HouseholdEvent),
  movedInAt: z.string().nullable(),
  movedOutAt: z.string().nullable(),
  status: z.enum(['active', 'moved_out']),
  version: z.number().int(),
});
export type Household = z.infer<typeof Household>;

/** 整户迁居: the household and every active member move to another dwelling of the same street. */
export const HouseholdMove = z.strictObject({
  version: Version,
  dwellingId: Id,
  movedAt: pastDate,
});
export type HouseholdMove = z.infer<typeof HouseholdMove>;

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

/**
 * How the other end relates to the resident: "张三 is the carer of 李四" is stored on 李四 with kind
 * `carer` and 张三 as the other end, and shown on both pages.
 */
export const RELATION_KINDS = [
  'carer',
  'emergency_contact',
  'guardian',
  'landlord',
  'relative',
  'other',
] as const;
export const RelationKind = z.enum(RELATION_KINDS);

export const ResidentRelation = z.object({
  id: Id,
  kind: RelationKind,
  /** The resident the relation is recorded on. */
  residentId: Id,
  residentName: z.string(),
  /** The other end: a resident of the register, or a person named in free text. */
  otherResidentId: Id.nullable(),
  otherName: z.string(),
  otherPhoneMasked: z.string().nullable(),
  note: z.string().nullable(),
  /** `subject`: the page's resident is `residentId`; `other`: the page's resident is the other end. */
  side: z.enum(['subject', 'other']),
  createdAt: z.string(),
});
export type ResidentRelation = z.infer<typeof ResidentRelation>;

export const ResidentRelationCreate = z
  .strictObject({
    kind: RelationKind,
    otherResidentId: Id.nullish(),
    otherName: optionalText(50).nullish(),
    otherPhone: MobilePhone.nullish(),
    note: optionalText(200).nullish(),
  })
  .superRefine((body, ctx) => {
    if (!body.otherResidentId && !body.otherName) {
      ctx.addIssue({ code: 'custom', path: ['otherName'], message: 'relation_other_required' });
    }
    if (body.otherResidentId && (body.otherName || body.otherPhone)) {
      ctx.addIssue({ code: 'custom', path: ['otherName'], message: 'relation_other_one' });
    }
  });
export type ResidentRelationCreate = z.infer<typeof ResidentRelationCreate>;

export const RelationParams = z.strictObject({ id: Id, relationId: Id });
