import { asc, eq, gt } from 'drizzle-orm';
import type { FieldCrypto } from '../../platform/crypto';
import type { Db, DbOrTx } from '../../platform/db';
import {
  addCounts,
  atRow,
  inBatches,
  type ProtectedColumn,
  type RotationCounts,
  type RotationStep,
  rotateRecord,
} from '../../platform/rotation';
import {
  RELATION_PROTECTED,
  RESIDENT_PROTECTED,
  residentTagTokens,
  type TagTokens,
} from '../registry/registry.rotation';
import { residentTags } from '../registry/registry.table';
import { type ResidentMergeRow, type RowSnapshot, residentMerges } from './dedupe.table';

/**
 * A merge keeps both records as they were, ciphertext, hashes and tag tokens included, for its undo to
 * put back: those copies move to the current key with the rows they copy, or an undo after the old key
 * is dropped would bring back values nobody can read (and hashes and tokens nothing finds). Which
 * columns are protected, and how a token moves, is the registry's to say: its lists are used as they are.
 */
type Snapshots = Pick<
  ResidentMergeRow,
  'id' | 'survivorBefore' | 'mergedBefore' | 'survivorTagsBefore' | 'mergedTagsBefore' | 'relationsBefore'
>;
const SNAPSHOT_COLUMNS = {
  survivorBefore: residentMerges.survivorBefore,
  mergedBefore: residentMerges.mergedBefore,
  survivorTagsBefore: residentMerges.survivorTagsBefore,
  mergedTagsBefore: residentMerges.mergedTagsBefore,
  relationsBefore: residentMerges.relationsBefore,
} as const;
type SnapshotKey = keyof typeof SNAPSHOT_COLUMNS;

const countOf = (key: SnapshotKey) => `resident_merges.${SNAPSHOT_COLUMNS[key].name}`;
const noCounts = (): RotationCounts =>
  Object.fromEntries(Object.keys(SNAPSHOT_COLUMNS).map((k) => [countOf(k as SnapshotKey), 0]));

const tagOf = (tag: RowSnapshot) => String(tag[residentTags.tag.name]);

/** Values in the snapshots still under another key than the current one. */
function staleIn(crypto: FieldCrypto, tokens: TagTokens, row: Snapshots): RotationCounts {
  const counts = noCounts();
  const secrets = (snapshot: RowSnapshot, columns: readonly ProtectedColumn[], key: SnapshotKey) => {
    for (const { enc } of columns) {
      const stored = snapshot[enc.name];
      if (typeof stored === 'string' && crypto.keyIdOf(stored) !== crypto.keyId) counts[countOf(key)]! += 1;
    }
  };
  const tags = (rows: RowSnapshot[], key: SnapshotKey) => {
    counts[countOf(key)] = rows.filter((t) => tokens.isStale(tagOf(t))).length;
  };
  secrets(row.survivorBefore, RESIDENT_PROTECTED, 'survivorBefore');
  secrets(row.mergedBefore, RESIDENT_PROTECTED, 'mergedBefore');
  for (const r of row.relationsBefore) secrets(r, RELATION_PROTECTED, 'relationsBefore');
  tags(row.survivorTagsBefore, 'survivorTagsBefore');
  tags(row.mergedTagsBefore, 'mergedTagsBefore');
  return counts;
}

/** The snapshots as they should be under the current key, and how many values that changed. */
function rotateMerge(crypto: FieldCrypto, tokens: TagTokens, row: Snapshots) {
  const counts = noCounts();
  const where = `resident_merges row ${row.id}`;
  const secrets = (snapshot: RowSnapshot, columns: readonly ProtectedColumn[], key: SnapshotKey) => {
    const next = { ...snapshot };
    counts[countOf(key)]! += rotateRecord(crypto, next, columns, `${where}, ${key}`).length;
    return next;
  };
  const tags = (rows: RowSnapshot[], key: SnapshotKey) =>
    rows.map((tag) => {
      const token = atRow(`${where}, ${key}`, () => tokens.translate(tagOf(tag)));
      if (token === null) return tag;
      counts[countOf(key)]! += 1;
      return { ...tag, [residentTags.tag.name]: token };
    });
  const next = {
    survivorBefore: secrets(row.survivorBefore, RESIDENT_PROTECTED, 'survivorBefore'),
    mergedBefore: secrets(row.mergedBefore, RESIDENT_PROTECTED, 'mergedBefore'),
    survivorTagsBefore: tags(row.survivorTagsBefore, 'survivorTagsBefore'),
    mergedTagsBefore: tags(row.mergedTagsBefore, 'mergedTagsBefore'),
    relationsBefore: row.relationsBefore.map((r) => secrets(r, RELATION_PROTECTED, 'relationsBefore')),
  };
  return { next, counts };
}

function selectMerges(db: DbOrTx, after: string | null, limit: number) {
  return db
    .select({ id: residentMerges.id, ...SNAPSHOT_COLUMNS })
    .from(residentMerges)
    .where(after ? gt(residentMerges.id, after) : undefined)
    .orderBy(asc(residentMerges.id))
    .limit(limit);
}

const PAGE = 500;

/**
 * Merges are made by hand, a few a day at most: every one is read (a snapshot's key ids are inside its
 * JSON, out of a WHERE clause's easy reach), only the changed ones are written.
 */
export const dedupeRotation: RotationStep = {
  module: 'dedupe',
  async remaining(db: Db, crypto: FieldCrypto) {
    const tokens = residentTagTokens(crypto);
    const totals = noCounts();
    let after: string | null = null;
    for (;;) {
      const rows = await selectMerges(db, after, PAGE);
      for (const row of rows)
        addCounts(
          totals,
          atRow(`resident_merges row ${row.id}`, () => staleIn(crypto, tokens, row)),
        );
      if (rows.length < PAGE) return totals;
      after = rows.at(-1)!.id;
    }
  },
  async rotate(run) {
    const tokens = residentTagTokens(run.crypto);
    await inBatches(
      run,
      'resident_merges',
      (tx, after, limit) => selectMerges(tx, after, limit).for('update'),
      async (tx, rows) => {
        const totals: RotationCounts = {};
        let rewritten = 0;
        for (const row of rows) {
          const { next, counts } = rotateMerge(run.crypto, tokens, row);
          if (Object.values(counts).every((n) => n === 0)) continue;
          await tx.update(residentMerges).set(next).where(eq(residentMerges.id, row.id));
          addCounts(totals, counts);
          rewritten += 1;
        }
        return { rows: rewritten, counts: totals };
      },
    );
  },
};
