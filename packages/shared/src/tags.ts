import { z } from 'zod';

/**
 * The tag dictionary (FIELD-NOTES §6.1). `derived` tags are computed from data and kept in sync by
 * the server; `sensitive` ones are encrypted at rest and shown only to holders of
 * `resident.read_sensitive`. Street- and community-level custom tags come with the dictionary editor.
 */
export const TAGS = {
  aged_80: { group: 'elderly', zh: '高龄(80+)', en: 'Aged 80+', derived: true, sensitive: false },
  aged_90: { group: 'elderly', zh: '高龄(90+)', en: 'Aged 90+', derived: true, sensitive: false },
  aged_100: { group: 'elderly', zh: '百岁老人', en: 'Centenarian', derived: true, sensitive: false },
  living_alone: { group: 'elderly', zh: '独居', en: 'Living alone', derived: false, sensitive: false },
  empty_nest: { group: 'elderly', zh: '空巢', en: 'Empty nest', derived: false, sensitive: false },
  childless_elderly: { group: 'elderly', zh: '孤寡', en: 'Without family', derived: false, sensitive: false },
  lost_only_child: { group: 'elderly', zh: '失独', en: 'Lost only child', derived: false, sensitive: true },
  disabled_care: { group: 'elderly', zh: '失能', en: 'Needs care (ADL)', derived: false, sensitive: true },
  dementia: { group: 'elderly', zh: '失智', en: 'Dementia', derived: false, sensitive: true },
  disability: { group: 'disability', zh: '残疾', en: 'Disability', derived: false, sensitive: true },
  subsistence: { group: 'welfare', zh: '低保', en: 'Subsistence allowance', derived: false, sensitive: true },
  low_income: { group: 'welfare', zh: '低收入', en: 'Low income', derived: false, sensitive: true },
  extreme_poverty: { group: 'welfare', zh: '特困', en: 'Extreme poverty', derived: false, sensitive: true },
  veteran_care: {
    group: 'welfare',
    zh: '优抚对象',
    en: 'Entitled group (优抚)',
    derived: false,
    sensitive: true,
  },
  left_behind_child: {
    group: 'youth',
    zh: '留守儿童',
    en: 'Left-behind child',
    derived: false,
    sensitive: true,
  },
  child_in_difficulty: {
    group: 'youth',
    zh: '困境儿童',
    en: 'Child in difficulty',
    derived: false,
    sensitive: true,
  },
  party_member: { group: 'role', zh: '党员', en: 'Party member', derived: false, sensitive: false },
  building_leader: { group: 'role', zh: '楼组长', en: 'Building leader', derived: false, sensitive: false },
  resident_rep: {
    group: 'role',
    zh: '居民代表',
    en: 'Residents’ representative',
    derived: false,
    sensitive: false,
  },
  volunteer: { group: 'role', zh: '志愿者', en: 'Volunteer', derived: false, sensitive: false },
  community_correction: {
    group: 'special',
    zh: '社区矫正',
    en: 'Community correction',
    derived: false,
    sensitive: true,
  },
} as const;

export type TagCode = keyof typeof TAGS;
export const TAG_CODES = Object.keys(TAGS) as TagCode[];
export const TagCodeSchema = z.enum(TAG_CODES as [TagCode, ...TagCode[]]);
export const TAG_GROUPS = ['elderly', 'disability', 'welfare', 'youth', 'role', 'special'] as const;

/** Age tags follow the birth date: the server recomputes them, nobody sets them by hand. */
export function derivedAgeTags(age: number | null): TagCode[] {
  if (age === null) return [];
  if (age >= 100) return ['aged_80', 'aged_90', 'aged_100'];
  if (age >= 90) return ['aged_80', 'aged_90'];
  if (age >= 80) return ['aged_80'];
  return [];
}

/** A resident counts as elderly for the living-alone rule (an emergency contact is then required). */
export const ELDERLY_AGE = 60;

/**
 * Household tags (户标签). Sensitive ones are stored as keyed tokens like sensitive resident tags and are
 * visible and settable only with `resident.read_sensitive`.
 */
export const HOUSEHOLD_TAGS = {
  living_alone_household: { zh: '独居户', en: 'Living alone', sensitive: false },
  empty_nest_household: { zh: '空巢户', en: 'Empty-nest household', sensitive: false },
  group_rental_household: { zh: '群租户', en: 'Group rental', sensitive: false },
  hardship_household: { zh: '困难户', en: 'Household in hardship', sensitive: true },
  subsistence_household: { zh: '低保户', en: 'Subsistence household', sensitive: true },
  low_income_household: { zh: '低收入户', en: 'Low-income household', sensitive: true },
  lost_only_child_family: { zh: '失独家庭', en: 'Family that lost its only child', sensitive: true },
  veteran_family: { zh: '优抚家庭', en: 'Entitled family (优抚)', sensitive: true },
  disabled_member_household: { zh: '残疾人家庭', en: 'Household with a disabled member', sensitive: true },
} as const;
export type HouseholdTagCode = keyof typeof HOUSEHOLD_TAGS;
export const HOUSEHOLD_TAG_CODES = Object.keys(HOUSEHOLD_TAGS) as HouseholdTagCode[];
export const HouseholdTagCodeSchema = z.enum(
  HOUSEHOLD_TAG_CODES as [HouseholdTagCode, ...HouseholdTagCode[]],
);
