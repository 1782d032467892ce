import { and, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { formSubmissions, forms, formVersions } from '../forms/forms.table';
import { formFiles } from './uploads.table';

/** A published form by its public address, with the version residents are given now. */
export async function findPublishedFormBySlug(db: DbOrTx, slug: string) {
  const [row] = await db
    .select({ form: forms, version: formVersions })
    .from(forms)
    .innerJoin(formVersions, eq(formVersions.id, forms.currentVersionId))
    .where(and(eq(forms.slug, slug), eq(forms.status, 'published')))
    .limit(1);
  return row ?? null;
}

export async function insertFormFile(db: DbOrTx, row: typeof formFiles.$inferInsert) {
  await db.insert(formFiles).values(row);
}

/** The files an answer names that are still free to claim (same form, same field, not yet claimed). */
export async function lockClaimableFiles(db: DbOrTx, formId: string, ids: string[]) {
  if (!ids.length) return [];
  return db
    .select({
      id: formFiles.id,
      fieldKey: formFiles.fieldKey,
      name: formFiles.name,
      size: formFiles.size,
      contentType: formFiles.contentType,
    })
    .from(formFiles)
    .where(and(eq(formFiles.formId, formId), inArray(formFiles.id, ids), isNull(formFiles.submissionId)))
    .for('update');
}

export async function setFilesSubmission(db: DbOrTx, ids: string[], submissionId: string) {
  if (!ids.length) return;
  await db.update(formFiles).set({ submissionId }).where(inArray(formFiles.id, ids));
}

export async function deleteUnclaimedFilesBefore(db: DbOrTx, before: Date) {
  const gone = await db
    .delete(formFiles)
    .where(and(isNull(formFiles.submissionId), lt(formFiles.createdAt, before)))
    .returning({ id: formFiles.id });
  return gone.length;
}

/** A claimed file, only through an answer inside the scope; the scope columns are the answer's. */
export async function findFileInScope(db: DbOrTx, scope: Scope, id: string) {
  const [row] = await db
    .select({
      file: formFiles,
      submission: {
        id: formSubmissions.id,
        districtId: formSubmissions.districtId,
        streetId: formSubmissions.streetId,
        communityId: formSubmissions.communityId,
      },
    })
    .from(formFiles)
    .innerJoin(formSubmissions, eq(formSubmissions.id, formFiles.submissionId))
    .where(and(eq(formFiles.id, id), scopeWhere(scope, formSubmissions)))
    .limit(1);
  return row ?? null;
}
