import type { Answers } from '@linli/shared';
import { and, asc, gt, inArray, ne, notInArray } from 'drizzle-orm';
import type { FieldCrypto } from '../../platform/crypto';
import type { DbOrTx, Tx } from '../../platform/db';
import {
  addCounts,
  atRow,
  type EncryptedColumns,
  inBatches,
  parsePlain,
  type RotationCounts,
  type RotationStep,
  remainingIn,
  underOtherKey,
  updateByIds,
} from '../../platform/rotation';
import { deriveFromAnswers } from './forms.rules';
import { formSubmissions, formVersions } from './forms.table';

const SUBMISSIONS: EncryptedColumns = {
  table: formSubmissions,
  id: formSubmissions.id,
  columns: [{ enc: formSubmissions.answersEnc }],
};
const WRITTEN = {
  answersEnc: formSubmissions.answersEnc,
  nameHash: formSubmissions.nameHash,
  phoneHash: formSubmissions.phoneHash,
  idHash: formSubmissions.idHash,
  limitKey: formSubmissions.limitKey,
} as const;
type Written = { -readonly [K in keyof typeof WRITTEN]: string | null };
const RELEASED = 'form_submissions.limit_key (released)';

function selectStale(tx: Tx, crypto: FieldCrypto, after: string | null, limit: number) {
  return tx
    .select({
      id: formSubmissions.id,
      formId: formSubmissions.formId,
      versionId: formSubmissions.versionId,
      status: formSubmissions.status,
      ...WRITTEN,
    })
    .from(formSubmissions)
    .where(
      and(
        after ? gt(formSubmissions.id, after) : undefined,
        underOtherKey(formSubmissions.answersEnc, crypto),
      ),
    )
    .orderBy(asc(formSubmissions.id))
    .limit(limit)
    .for('update');
}
type Stale = Awaited<ReturnType<typeof selectStale>>[number];

/**
 * The name, phone and ID-number hashes of an answer have no ciphertext of their own: they are recomputed
 * from the answer decrypted beside them, with the submit path's own derivation. A hash is rewritten only
 * once some configured key is seen to give it from that value, so nothing is ever re-hashed from a guess.
 */
function rehash(crypto: FieldCrypto, stored: string | null, value: string | null, where: string) {
  if (stored === null) return null;
  if (value !== null && [crypto, ...crypto.previous].some((key) => key.hash(value) === stored))
    return crypto.hash(value);
  throw new Error(
    `${where} is not, under any configured key, the keyed hash of the value in its answers: add the key that wrote it to the previous keys and run again (the job stops rather than guess)`,
  );
}

async function definitionsOf(db: DbOrTx, versionIds: string[]) {
  const rows = await db
    .select({ id: formVersions.id, definition: formVersions.definition })
    .from(formVersions)
    .where(inArray(formVersions.id, [...new Set(versionIds)]));
  return new Map(rows.map((v) => [v.id, v.definition]));
}

function rotateAnswer(
  crypto: FieldCrypto,
  row: Stale,
  definitions: Awaited<ReturnType<typeof definitionsOf>>,
) {
  const where = (column: string) => `form_submissions row ${row.id}: ${column}`;
  const plain = atRow(where('answers_enc'), () => crypto.decrypt(row.answersEnc));
  const definition = definitions.get(row.versionId);
  if (!definition) throw new Error(`form_submissions row ${row.id}: its form version is missing`);
  // Place only feeds the clear summary, which the rotation leaves as it is.
  const derived = deriveFromAnswers(definition, parsePlain<Answers>(plain, where('answers_enc')), null);
  const phoneHash = rehash(crypto, row.phoneHash, derived.phone, where('phone_hash'));
  return {
    answersEnc: crypto.encrypt(plain),
    nameHash: rehash(crypto, row.nameHash, derived.name, where('name_hash')),
    phoneHash,
    idHash: rehash(crypto, row.idHash, derived.idNumber, where('id_hash')),
    // A one-answer-per-phone limit is kept on the phone hash itself (per dwelling, on the dwelling id).
    limitKey: row.phoneHash !== null && row.limitKey === row.phoneHash ? phoneHash : row.limitKey,
  } satisfies Written;
}

/**
 * The same phone may have answered the form again, under the current key, while the job was pending (the
 * old hash did not find the first answer). Both answers stay; the older one leaves the limit to the newer,
 * which already holds it, and the count tells the operator how often that happened.
 */
async function releaseTakenLimits(tx: Tx, batch: { row: Stale; next: Written }[]): Promise<RotationCounts> {
  const moving = batch.filter(
    ({ row, next }) => row.status !== 'withdrawn' && next.limitKey !== null && next.limitKey !== row.limitKey,
  );
  if (moving.length === 0) return {};
  const taken = await tx
    .select({ formId: formSubmissions.formId, limitKey: formSubmissions.limitKey })
    .from(formSubmissions)
    .where(
      and(
        inArray(
          formSubmissions.limitKey,
          moving.map(({ next }) => next.limitKey!),
        ),
        ne(formSubmissions.status, 'withdrawn'),
        notInArray(
          formSubmissions.id,
          batch.map(({ row }) => row.id),
        ),
      ),
    );
  let released = 0;
  for (const { row, next } of moving) {
    if (taken.some((t) => t.formId === row.formId && t.limitKey === next.limitKey)) {
      next.limitKey = null;
      released += 1;
    }
  }
  return released ? { [RELEASED]: released } : {};
}

export const formsRotation: RotationStep = {
  module: 'forms',
  remaining: (db, crypto) => remainingIn(db, crypto, SUBMISSIONS),
  async rotate(run) {
    const columns = Object.values(WRITTEN);
    await inBatches(
      run,
      'form_submissions',
      (tx, after, limit) => selectStale(tx, run.crypto, after, limit),
      async (tx, rows) => {
        const definitions = await definitionsOf(
          tx,
          rows.map((r) => r.versionId),
        );
        const batch = rows.map((row) => ({ row, next: rotateAnswer(run.crypto, row, definitions) }));
        const counts = await releaseTakenLimits(tx, batch);
        for (const { row, next } of batch) {
          for (const [key, column] of Object.entries(WRITTEN) as [
            keyof Written,
            (typeof columns)[number],
          ][]) {
            if (next[key] !== row[key]) addCounts(counts, { [`form_submissions.${column.name}`]: 1 });
          }
        }
        await updateByIds(
          tx,
          formSubmissions,
          formSubmissions.id,
          columns,
          batch.map(({ row, next }) => ({
            id: row.id,
            ...Object.fromEntries(
              Object.entries(WRITTEN).map(([key, c]) => [c.name, next[key as keyof Written]]),
            ),
          })),
        );
        return { rows: rows.length, counts };
      },
    );
  },
};
