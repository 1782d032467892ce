import { sql } from 'drizzle-orm';
import { customType, foreignKey, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../platform/columns';
import { formSubmissions, forms } from '../forms/forms.table';

/** Raw bytes. PGlite hands bytea back as a Uint8Array and `pg` as a Buffer: both become a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/**
 * A photo or document a resident attached to an answer. Uploaded before the answer is sent (the
 * answer then names it), kept encrypted in the database so it is backed up, scoped and purged with
 * the answer; one never claimed by an answer within a day is deleted.
 */
export const formFiles = pgTable(
  'form_files',
  {
    id: uuid('id').primaryKey(),
    formId: uuid('form_id').notNull(),
    streetId: uuid('street_id').notNull(),
    fieldKey: text('field_key').notNull(),
    submissionId: uuid('submission_id'),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    /** `FieldCrypto.encryptBytes` of the file. */
    content: bytea('content').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ columns: [t.formId, t.streetId], foreignColumns: [forms.id, forms.streetId] }),
    foreignKey({ columns: [t.submissionId], foreignColumns: [formSubmissions.id] }).onDelete('cascade'),
    index('form_files_submission_idx').on(t.submissionId),
    index('form_files_unclaimed_idx').on(t.createdAt).where(sql`${t.submissionId} is null`),
  ],
);
export type FormFileRow = typeof formFiles.$inferSelect;
