import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  date,
  foreignKey,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';
import { dwellings } from '../buildings/buildings.table';

/** 户: a household in a dwelling; a dwelling may hold several (a shared rental). */
export const households = pgTable(
  'households',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    compoundId: uuid('compound_id').notNull(),
    buildingId: uuid('building_id').notNull(),
    dwellingId: uuid('dwelling_id').notNull(),
    headResidentId: uuid('head_resident_id'),
    status: text('status', { enum: ['active', 'moved_out'] })
      .notNull()
      .default('active'),
    movedInAt: date('moved_in_at', { mode: 'string' }),
    movedOutAt: date('moved_out_at', { mode: 'string' }),
    ...rowMeta(),
  },
  (t) => [
    foreignKey({ columns: [t.dwellingId, t.streetId], foreignColumns: [dwellings.id, dwellings.streetId] }),
    unique('households_id_street_uq').on(t.id, t.streetId),
    index('households_dwelling_idx').on(t.dwellingId),
    index('households_community_idx').on(t.communityId),
  ],
);

/**
 * The overlapping two-character pieces of a name, as an immutable expression: the pairs from the first
 * character and those from the second (王秀英 → {王秀, 英, 秀英, ''}). The search repeats this exact
 * expression so PostgreSQL matches it to `residents_name_bigrams_idx`.
 */
export const nameBigramsOf = (name: AnyPgColumn) =>
  sql`array_cat(string_to_array(regexp_replace(${name}, '(..)', '\\1,', 'g'), ','), string_to_array(regexp_replace(substr(${name}, 2), '(..)', '\\1,', 'g'), ','))`;

/**
 * 实有人口. Sensitive values are stored encrypted (`*_enc`), with a keyed hash for exact lookup
 * (`*_hash`) and the masked form shown in lists (`*_masked`), so listing never decrypts.
 * Address keys (compound, building, dwelling) are copied from the household for search.
 */
export const residents = pgTable(
  'residents',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    compoundId: uuid('compound_id').notNull(),
    buildingId: uuid('building_id').notNull(),
    dwellingId: uuid('dwelling_id').notNull(),
    householdId: uuid('household_id').notNull(),
    name: text('name').notNull(),
    namePinyin: text('name_pinyin').notNull(),
    nameInitials: text('name_initials').notNull(),
    formerName: text('former_name'),
    sex: text('sex', { enum: ['male', 'female'] }),
    birthDate: date('birth_date', { mode: 'string' }),
    idType: text('id_type', {
      enum: ['resident_id', 'passport', 'hk_macao_permit', 'taiwan_permit', 'foreign_permanent'],
    }),
    idNumberEnc: text('id_number_enc'),
    idNumberHash: text('id_number_hash'),
    idNumberMasked: text('id_number_masked'),
    phoneEnc: text('phone_enc'),
    phoneHash: text('phone_hash'),
    phoneTail: text('phone_tail'),
    phoneMasked: text('phone_masked'),
    healthEnc: text('health_enc'),
    residenceType: text('residence_type', { enum: ['hukou', 'non_hukou', 'separated'] }),
    tenure: text('tenure', { enum: ['owner', 'tenant', 'lodger'] }),
    relationToHead: text('relation_to_head', {
      enum: ['head', 'spouse', 'child', 'parent', 'grandchild', 'sibling', 'other_relative', 'non_relative'],
    }),
    selfCare: text('self_care', { enum: ['independent', 'partial', 'dependent'] }),
    hukouAddress: text('hukou_address'),
    emergencyContactName: text('emergency_contact_name'),
    emergencyContactPhoneEnc: text('emergency_contact_phone_enc'),
    emergencyContactPhoneMasked: text('emergency_contact_phone_masked'),
    /** GB/T 3304 two-digit code. */
    ethnicity: text('ethnicity'),
    maritalStatus: text('marital_status', { enum: ['unmarried', 'married', 'divorced', 'widowed'] }),
    politicalStatus: text('political_status', {
      enum: ['cpc_member', 'cpc_probationary', 'cyl_member', 'democratic_party', 'non_partisan', 'masses'],
    }),
    education: text('education', {
      enum: [
        'none',
        'primary',
        'junior_secondary',
        'senior_secondary',
        'vocational',
        'college',
        'bachelor',
        'postgraduate',
      ],
    }),
    occupation: text('occupation'),
    employer: text('employer'),
    arrivalReason: text('arrival_reason', {
      enum: ['work', 'business', 'family', 'study', 'marriage', 'other'],
    }),
    arrivalDate: date('arrival_date', { mode: 'string' }),
    status: text('status', { enum: ['active', 'moved_out', 'deceased', 'merged'] })
      .notNull()
      .default('active'),
    /** Set with status `merged`: the record this duplicate was merged into (kept, never deleted). */
    mergedIntoId: uuid('merged_into_id'),
    movedOutAt: date('moved_out_at', { mode: 'string' }),
    movedOutTo: text('moved_out_to'),
    deceasedAt: date('deceased_at', { mode: 'string' }),
    provenance: text('provenance'),
    lastVerifiedAt: timestamp('last_verified_at', { withTimezone: true, mode: 'date' }),
    lastVerifiedBy: uuid('last_verified_by'),
    ...rowMeta(),
  },
  (t) => [
    foreignKey({
      columns: [t.householdId, t.streetId],
      foreignColumns: [households.id, households.streetId],
    }),
    // Results come in pinyin order: these let a scoped search read rows in order and stop at the page size.
    index('residents_community_order_idx').on(t.communityId, t.status, t.namePinyin, t.id),
    index('residents_street_order_idx').on(t.streetId, t.status, t.namePinyin, t.id),
    index('residents_dwelling_idx').on(t.dwellingId),
    index('residents_household_idx').on(t.householdId),
    index('residents_merged_into_idx').on(t.mergedIntoId),
    index('residents_building_idx').on(t.buildingId),
    index('residents_birth_idx').on(t.communityId, t.birthDate),
    index('residents_phone_tail_idx').on(t.phoneTail),
    index('residents_phone_hash_idx').on(t.phoneHash),
    index('residents_initials_idx').using('btree', t.nameInitials.op('text_pattern_ops')),
    index('residents_pinyin_idx').using('btree', t.namePinyin.op('text_pattern_ops')),
    index('residents_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('residents_compound_order_idx').on(t.compoundId, t.status, t.namePinyin, t.id),
    // Trigrams cannot serve a two-character fragment (秀英); the name's two-character pieces can.
    index('residents_name_bigrams_idx').using('gin', nameBigramsOf(t.name)),
    // One active registration per person; moved-out and deceased records keep their history.
    uniqueIndex('residents_id_hash_active_uq').on(t.idNumberHash).where(sql`${t.status} = 'active'`),
    // Duplicate candidates (dedupe module): each rule's key with the id, so a street-wide search for
    // keys held twice reads only the index (a few MB), never the 350 MB table at 250k residents.
    index('residents_dedupe_id_idx')
      .on(t.streetId, t.idNumberHash, t.status, t.id)
      .where(sql`${t.idNumberHash} is not null`),
    index('residents_dedupe_phone_idx')
      .on(t.streetId, t.phoneHash, t.name, t.id)
      .where(sql`${t.status} = 'active' and ${t.phoneHash} is not null`),
    index('residents_dedupe_pinyin_idx')
      .on(t.streetId, t.namePinyin, t.birthDate, t.id)
      .where(sql`${t.status} = 'active' and ${t.birthDate} is not null`),
    index('residents_dedupe_dwelling_idx')
      .on(t.streetId, t.dwellingId, t.id, t.namePinyin, t.nameInitials, t.birthDate)
      .where(sql`${t.status} = 'active'`),
  ],
);

/**
 * Tags set by people. Sensitive tags (低保, 社区矫正 …) are stored as a keyed token instead of their
 * code, so a copy of the table does not say who is on welfare. Age tags are never stored: they are
 * computed from the birth date and so can never fall out of date.
 */
export const residentTags = pgTable(
  'resident_tags',
  {
    residentId: uuid('resident_id').notNull(),
    tag: text('tag').notNull(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    primaryKey({ columns: [t.residentId, t.tag] }),
    index('resident_tags_tag_idx').on(t.tag, t.communityId),
    foreignKey({ columns: [t.residentId], foreignColumns: [residents.id] }),
  ],
);

/**
 * Relations between people (carer, guardian, landlord …): recorded on one resident, the other end being
 * another resident of the same street or a person named in free text (phone stored encrypted).
 */
export const residentRelations = pgTable(
  'resident_relations',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    residentId: uuid('resident_id').notNull(),
    kind: text('kind', {
      enum: ['carer', 'emergency_contact', 'guardian', 'landlord', 'relative', 'other'],
    }).notNull(),
    otherResidentId: uuid('other_resident_id'),
    otherName: text('other_name'),
    otherPhoneEnc: text('other_phone_enc'),
    otherPhoneMasked: text('other_phone_masked'),
    note: text('note'),
    endedAt: timestamptz('ended_at'),
    ...rowMeta(),
  },
  (t) => [
    // The service keeps both ends in one street; the street id is here for scoping like every table.
    foreignKey({ columns: [t.residentId], foreignColumns: [residents.id] }),
    foreignKey({ columns: [t.otherResidentId], foreignColumns: [residents.id] }),
    index('resident_relations_resident_idx').on(t.residentId),
    index('resident_relations_other_idx').on(t.otherResidentId),
  ],
);

/** Household tags (独居户, 低保户 …); sensitive ones stored as keyed tokens, like resident tags. */
export const householdTags = pgTable(
  'household_tags',
  {
    householdId: uuid('household_id').notNull(),
    tag: text('tag').notNull(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    since: date('since', { mode: 'string' }),
    source: text('source'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    primaryKey({ columns: [t.householdId, t.tag] }),
    index('household_tags_tag_idx').on(t.tag, t.communityId),
    foreignKey({ columns: [t.householdId], foreignColumns: [households.id] }),
  ],
);

export type HouseholdRow = typeof households.$inferSelect;
export type RelationRow = typeof residentRelations.$inferSelect;
export type ResidentRow = typeof residents.$inferSelect;
