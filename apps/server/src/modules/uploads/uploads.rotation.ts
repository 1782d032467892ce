import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { atRow, bytesUnderOtherKey, inBatches, type RotationStep } from '../../platform/rotation';
import { formFiles } from './uploads.table';

/** Photos and PDFs attached to answers: one ciphertext each, no hash; a few at a time, they can be large. */
export const uploadsRotation: RotationStep = {
  module: 'uploads',
  async remaining(db, crypto) {
    const [row] = await db
      .select({ n: sql<number>`count(*)` })
      .from(formFiles)
      .where(bytesUnderOtherKey(formFiles.content, crypto));
    return { 'form_files.content': Number(row?.n ?? 0) };
  },
  async rotate(run) {
    await inBatches(
      run,
      'form_files',
      (tx, after, limit) =>
        tx
          .select({ id: formFiles.id, content: formFiles.content })
          .from(formFiles)
          .where(
            and(
              after ? gt(formFiles.id, after) : undefined,
              bytesUnderOtherKey(formFiles.content, run.crypto),
            ),
          )
          .orderBy(asc(formFiles.id))
          .limit(limit)
          .for('update'),
      async (tx, rows) => {
        for (const row of rows) {
          const content = atRow(`form_files row ${row.id}: content`, () =>
            run.crypto.encryptBytes(run.crypto.decryptBytes(row.content)),
          );
          await tx.update(formFiles).set({ content }).where(eq(formFiles.id, row.id));
        }
        return { rows: rows.length, counts: { 'form_files.content': rows.length } };
      },
      16,
    );
  },
};
