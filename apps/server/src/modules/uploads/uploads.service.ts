import { createHash } from 'node:crypto';
import {
  type Answers,
  type FileAnswer,
  type FormAnswerIssue,
  type FormDefinition,
  type FormFileUploaded,
  fieldsOf,
} from '@linli/shared';
import type { ServiceContext } from '../../platform/context';
import type { Db, DbOrTx } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { authorizeFor } from '../../platform/scope';
import { writeAudit } from '../audit/audit.service';
import { answersRefused } from '../forms/forms.rules';
import {
  deleteUnclaimedFilesBefore,
  findFileInScope,
  findPublishedFormBySlug,
  insertFormFile,
  lockClaimableFiles,
  setFilesSubmission,
} from './uploads.repository';
import { cleanFileName, maxFileBytes, servedFileName, sniffFileType } from './uploads.rules';

/** A file not named by any answer within a day was abandoned (the phone never sent the answer). */
const UNCLAIMED_TTL_MS = 24 * 3_600_000;

/**
 * A resident attaches a file while filling the form, before the answer is sent: the answer then
 * names the file by id. The bytes are checked for what they really are and stored encrypted.
 */
export async function uploadFormFile(
  ctx: ServiceContext,
  slug: string,
  query: { field: string; name: string },
  body: Buffer | undefined,
): Promise<FormFileUploaded> {
  const found = await findPublishedFormBySlug(ctx.db, slug);
  if (!found) throw new AppError('upload.form_not_found');
  if (answersRefused(found.form, new Date())) throw new AppError('upload.form_closed');
  const field = fieldsOf(found.version.definition).find((f) => f.key === query.field && f.type === 'file');
  if (!field) throw new AppError('upload.not_a_file_field', { field: query.field });
  if (!body?.length) throw new AppError('upload.empty');
  const max = maxFileBytes(field.maxSizeKb);
  if (body.length > max) throw new AppError('upload.too_large', { maxKb: Math.floor(max / 1024) });
  const type = sniffFileType(body);
  if (!type) throw new AppError('upload.type');
  const id = newId();
  const name = servedFileName(cleanFileName(query.name), type);
  await insertFormFile(ctx.db, {
    id,
    formId: found.form.id,
    streetId: found.form.streetId,
    fieldKey: field.key,
    name,
    contentType: type,
    size: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    content: ctx.crypto.encryptBytes(body),
  });
  return { fileId: id, name, size: body.length };
}

/**
 * Inside the transaction that stores an answer: ties the files it names to it. A file that is
 * unknown, belongs to another form or field, or is already another answer's is a problem on that
 * field. The answer's file entries are replaced by what was really stored (name, size).
 */
export async function claimFormFiles(
  tx: DbOrTx,
  args: { formId: string; submissionId: string; definition: FormDefinition; answers: Answers },
): Promise<{ answers: Answers; issues: FormAnswerIssue[] }> {
  const named = fieldsOf(args.definition)
    .filter((f) => f.type === 'file' && args.answers[f.key])
    .map((f) => ({ field: f.key, fileId: (args.answers[f.key] as FileAnswer).fileId }));
  if (!named.length) return { answers: args.answers, issues: [] };
  const rows = await lockClaimableFiles(
    tx,
    args.formId,
    named.map((n) => n.fileId),
  );
  const answers = { ...args.answers };
  const issues: FormAnswerIssue[] = [];
  const claimed: string[] = [];
  for (const n of named) {
    const row = rows.find((r) => r.id === n.fileId && r.fieldKey === n.field);
    if (!row || claimed.includes(row.id)) {
      issues.push({ field: n.field, code: 'file_missing' });
      continue;
    }
    claimed.push(row.id);
    answers[n.field] = { fileId: row.id, name: row.name, size: row.size };
  }
  if (!issues.length) await setFilesSubmission(tx, claimed, args.submissionId);
  return { answers, issues };
}

export function purgeUnclaimedFiles(db: Db, now: Date): Promise<number> {
  return deleteUnclaimedFilesBefore(db, new Date(now.getTime() - UNCLAIMED_TTL_MS));
}

/** A worker opens a file attached to an answer in the scope; every opening is in the audit log. */
export async function readFormFile(ctx: ServiceContext, id: string, reason: string | undefined) {
  const scope = await authorizeFor(
    ctx.actor,
    'form.read',
    'upload.not_found',
    async (reach) => (await findFileInScope(ctx.db, reach, id))?.submission,
  );
  const found = await ctx.db.transaction(async (tx) => {
    const row = await findFileInScope(tx, scope, id);
    if (!row) throw new AppError('upload.not_found');
    await writeAudit(tx, ctx, {
      action: 'form_file.read',
      entityType: 'submission',
      entityId: row.submission.id,
      scope: row.submission,
      reason: reason ?? null,
      changes: { [row.file.fieldKey]: { to: row.file.name } },
    });
    return row.file;
  });
  return {
    name: found.name,
    contentType: found.contentType,
    content: ctx.crypto.decryptBytes(found.content),
  };
}
