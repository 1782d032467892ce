import type { FormDefinition, PrivacyNotice } from '@linli/shared';
import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';
import { areas } from '../areas/areas.table';

/**
 * A form (表单/问卷) or chain sign-up (接龙) serving one street or community (its area). The row holds
 * the draft the builder edits and the live settings (open/close, limit); publishing freezes the draft
 * into a `form_versions` row and answers keep the version they were given on.
 */
export const forms = pgTable(
  'forms',
  {
    id: uuid('id').primaryKey(),
    districtId: uuid('district_id'),
    streetId: uuid('street_id').notNull(),
    /** Null for a street-wide form. */
    communityId: uuid('community_id'),
    areaId: uuid('area_id').notNull(),
    /** The public address `/f/{slug}`: short, random, never reused. */
    slug: text('slug').notNull(),
    mode: text('mode', { enum: ['form', 'chain'] })
      .notNull()
      .default('form'),
    status: text('status', { enum: ['draft', 'published', 'closed', 'archived'] })
      .notNull()
      .default('draft'),
    title: text('title').notNull(),
    /** The author's English texts, shown to residents who read the page in English; empty when none. */
    titleEn: text('title_en').notNull().default(''),
    description: text('description').notNull().default(''),
    descriptionEn: text('description_en').notNull().default(''),
    draft: jsonb('draft').$type<FormDefinition>().notNull(),
    privacy: jsonb('privacy').$type<PrivacyNotice>().notNull(),
    submissionLimit: text('submission_limit', { enum: ['none', 'per_phone', 'per_dwelling'] })
      .notNull()
      .default('none'),
    opensAt: timestamptz('opens_at'),
    closesAt: timestamptz('closes_at'),
    /** The template it started from, if any (for the list and for support). */
    template: text('template'),
    currentVersionId: uuid('current_version_id'),
    currentVersionNo: integer('current_version_no'),
    publishedAt: timestamptz('published_at'),
    ...rowMeta(),
  },
  (t) => [
    foreignKey({ columns: [t.areaId, t.streetId], foreignColumns: [areas.id, areas.streetId] }),
    unique('forms_id_street_uq').on(t.id, t.streetId),
    unique('forms_slug_uq').on(t.slug),
    index('forms_street_idx').on(t.streetId, t.status),
    index('forms_community_idx').on(t.communityId, t.status),
    check('forms_mode_ck', sql`${t.mode} in ('form','chain')`),
    check('forms_status_ck', sql`${t.status} in ('draft','published','closed','archived')`),
    check('forms_limit_ck', sql`${t.submissionLimit} in ('none','per_phone','per_dwelling')`),
  ],
);
export type FormRow = typeof forms.$inferSelect;

/** A published, frozen version: what a resident was shown. Never updated. */
export const formVersions = pgTable(
  'form_versions',
  {
    id: uuid('id').primaryKey(),
    formId: uuid('form_id').notNull(),
    streetId: uuid('street_id').notNull(),
    versionNo: integer('version_no').notNull(),
    title: text('title').notNull(),
    titleEn: text('title_en').notNull().default(''),
    description: text('description').notNull(),
    descriptionEn: text('description_en').notNull().default(''),
    definition: jsonb('definition').$type<FormDefinition>().notNull(),
    privacy: jsonb('privacy').$type<PrivacyNotice>().notNull(),
    publishedAt: timestamptz('published_at').notNull().defaultNow(),
    publishedBy: uuid('published_by'),
  },
  (t) => [
    foreignKey({ columns: [t.formId, t.streetId], foreignColumns: [forms.id, forms.streetId] }),
    unique('form_versions_no_uq').on(t.formId, t.versionNo),
  ],
);
export type FormVersionRow = typeof formVersions.$inferSelect;

/** What a chain list may show of an entry, and what capacity is counted on; no clear personal data. */
export type SubmissionSummary = {
  /** 张*三 */
  maskedName?: string;
  /** The building (and entrance) of the address answer, e.g. 梅园一村 5号楼. */
  place?: string;
  /** Chosen options of choice fields, by field key. */
  choices: Record<string, string[]>;
};

/**
 * One answer. The answers themselves are one AES-GCM ciphertext (they hold ID numbers, phones and
 * health); what the console filters and matches on is kept beside as keyed hashes and masks.
 */
export const formSubmissions = pgTable(
  'form_submissions',
  {
    id: uuid('id').primaryKey(),
    formId: uuid('form_id').notNull(),
    versionId: uuid('version_id').notNull(),
    versionNo: integer('version_no').notNull(),
    districtId: uuid('district_id'),
    streetId: uuid('street_id').notNull(),
    /** The community of the address answer, else the form's (null for a street-wide form without address). */
    communityId: uuid('community_id'),
    dwellingId: uuid('dwelling_id'),
    /** What the resident keeps to withdraw or ask about the answer: random, unguessable. */
    reference: text('reference').notNull(),
    idempotencyKey: text('idempotency_key').notNull(),
    /** SHA-256 of the accepted body: a replayed key with another body is refused, not silently merged. */
    bodyHash: text('body_hash').notNull(),
    answersEnc: text('answers_enc').notNull(),
    summary: jsonb('summary').$type<SubmissionSummary>().notNull(),
    nameHash: text('name_hash'),
    phoneHash: text('phone_hash'),
    phoneMask: text('phone_mask'),
    idHash: text('id_hash'),
    idMask: text('id_mask'),
    /** The phone hash or dwelling id the form's one-answer limit is enforced on (unique while not withdrawn). */
    limitKey: text('limit_key'),
    status: text('status', { enum: ['new', 'reviewed', 'applied', 'rejected', 'withdrawn'] })
      .notNull()
      .default('new'),
    rejectReason: text('reject_reason'),
    appliedResidentId: uuid('applied_resident_id'),
    appliedAt: timestamptz('applied_at'),
    appliedBy: uuid('applied_by'),
    withdrawnAt: timestamptz('withdrawn_at'),
    submittedAt: timestamptz('submitted_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  // No foreign keys to `forms` and `form_versions` (ADR 0013): each would lock the answered form's row
  // and its version's row FOR KEY SHARE on every answer, the hottest rows there are while a form is being
  // answered. Neither is ever deleted, and every insert copies these ids from the form row it reads in
  // the same statement or transaction.
  (t) => [
    unique('form_submissions_reference_uq').on(t.reference),
    unique('form_submissions_idempotency_uq').on(t.formId, t.idempotencyKey),
    uniqueIndex('form_submissions_limit_uq')
      .on(t.formId, t.limitKey)
      .where(sql`${t.limitKey} is not null and ${t.status} <> 'withdrawn'`),
    // The inbox lists newest first by (submitted_at, id) under a form, a street or a community; a status
    // filter walks the same order (most answers in view are new), so no index per status.
    index('form_submissions_form_idx').on(t.formId, t.submittedAt, t.id),
    index('form_submissions_street_idx').on(t.streetId, t.submittedAt, t.id),
    index('form_submissions_community_idx').on(t.communityId, t.submittedAt, t.id),
    // No index on the phone and ID hashes: answers are matched to residents through the register's
    // indexes, never looked up by these (ADR 0013).
    check(
      'form_submissions_status_ck',
      sql`${t.status} in ('new','reviewed','applied','rejected','withdrawn')`,
    ),
  ],
);
export type FormSubmissionRow = typeof formSubmissions.$inferSelect;
