import { HOUSEHOLD_TAG_CODES, TAG_CODES } from '@linli/shared';
import { and, eq, getTableName, inArray, like, notInArray, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { FieldCrypto } from '../../platform/crypto';
import type { Db, Tx } from '../../platform/db';
import {
  addCounts,
  type EncryptedColumns,
  type ProtectedColumn,
  type RotationCounts,
  type RotationRun,
  type RotationStep,
  remainingIn,
  rotateColumns,
} from '../../platform/rotation';
import { householdTagCodec, tagCodec } from './registry.service';
import { householdTags, residentRelations, residents, residentTags } from './registry.table';

/**
 * A resident's protected columns. Exported for the merges' snapshots of whole resident rows (dedupe):
 * one list, so a column added here is rotated there too.
 */
export const RESIDENT_PROTECTED: readonly ProtectedColumn[] = [
  { enc: residents.idNumberEnc, hash: residents.idNumberHash },
  { enc: residents.phoneEnc, hash: residents.phoneHash },
  { enc: residents.healthEnc },
  { enc: residents.emergencyContactPhoneEnc },
];
export const RELATION_PROTECTED: readonly ProtectedColumn[] = [{ enc: residentRelations.otherPhoneEnc }];

const RESIDENTS: EncryptedColumns = { table: residents, id: residents.id, columns: RESIDENT_PROTECTED };
const RELATIONS: EncryptedColumns = {
  table: residentRelations,
  id: residentRelations.id,
  columns: RELATION_PROTECTED,
};

/**
 * Sensitive tags are stored as `s:` + a keyed hash of their code, with no key id: a token is told apart by
 * comparing it with the tokens every configured key gives each code.
 */
export type TagTokens = {
  /** The current key's tokens: anything else starting with `s:` is stale. */
  current: ReadonlySet<string>;
  /** Each previous key's token of each sensitive code, with the current key's token of that code. */
  moves: readonly { from: string; to: string }[];
  /** A token no longer current (codes of non-sensitive tags are stored in clear, never stale). */
  isStale(token: string): boolean;
  /** The current token for a stale one; null for one that is not stale. */
  translate(token: string): string | null;
};

function tagTokens<C extends string>(
  codes: readonly C[],
  codec: (crypto: FieldCrypto) => { toToken(code: C): string },
  crypto: FieldCrypto,
): TagTokens {
  const now = codec(crypto);
  const sensitive = codes.filter((c) => now.toToken(c) !== c);
  const to = new Map(sensitive.map((c) => [c, now.toToken(c)]));
  const moves = crypto.previous.flatMap((previous) => {
    const old = codec(previous);
    return sensitive.map((c) => ({ from: old.toToken(c), to: to.get(c)! }));
  });
  const current = new Set(to.values());
  const byOld = new Map(moves.map((m) => [m.from, m.to]));
  const isStale = (token: string) => token.startsWith('s:') && !current.has(token);
  return {
    current,
    moves,
    isStale,
    translate(token) {
      if (!isStale(token)) return null;
      const next = byOld.get(token);
      if (!next) throw new Error(`a sensitive tag carries a token of no configured key${NO_KEY_HINT}`);
      return next;
    },
  };
}

const NO_KEY_HINT = ': add the key that wrote it to the previous keys and run again';

/** Resident tags (also kept in merges' snapshots, hence exported). */
export const residentTagTokens = (crypto: FieldCrypto) => tagTokens(TAG_CODES, tagCodec, crypto);

type TagTable = {
  table: PgTable;
  tag: PgColumn;
  owner: PgColumn;
  tokens: (crypto: FieldCrypto) => TagTokens;
};
const TAG_TABLES: TagTable[] = [
  { table: residentTags, tag: residentTags.tag, owner: residentTags.residentId, tokens: residentTagTokens },
  {
    table: householdTags,
    tag: householdTags.tag,
    owner: householdTags.householdId,
    tokens: (crypto) => tagTokens(HOUSEHOLD_TAG_CODES, householdTagCodec, crypto),
  },
];

async function countStaleTokens(db: Db, spec: TagTable, crypto: FieldCrypto) {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(spec.table)
    .where(and(like(spec.tag, 's:%'), notInArray(spec.tag, [...spec.tokens(crypto).current])));
  return Number(row?.n ?? 0);
}

async function remainingTokens(db: Db, crypto: FieldCrypto): Promise<RotationCounts> {
  const counts: RotationCounts = {};
  for (const spec of TAG_TABLES)
    counts[`${getTableName(spec.table)}.${spec.tag.name}`] = await countStaleTokens(db, spec, crypto);
  return counts;
}

/**
 * Old token → code → current token, one code of one old key per transaction. A tag set again under the
 * current key while the job was pending already holds the new token: the old row is the duplicate and goes.
 */
async function rotateTokens(run: RotationRun): Promise<void> {
  for (const spec of TAG_TABLES) {
    const name = getTableName(spec.table);
    for (const { from, to } of spec.tokens(run.crypto).moves) {
      const changed = await run.db.transaction(async (tx) => {
        const twin = sql.raw('twin');
        const duplicates = await tx
          .delete(spec.table)
          .where(
            and(
              eq(spec.tag, from),
              sql`exists (select 1 from ${spec.table} as ${twin} where ${twin}.${sql.identifier(spec.owner.name)} = ${spec.owner} and ${twin}.${sql.identifier(spec.tag.name)} = ${to})`,
            ),
          )
          .returning({ owner: spec.owner });
        const moved = await tx
          .update(spec.table)
          .set({ tag: to })
          .where(eq(spec.tag, from))
          .returning({ owner: spec.owner });
        return duplicates.length + moved.length;
      });
      if (changed) run.committed(name, changed, { [`${name}.${spec.tag.name}`]: changed });
    }
    const left = await countStaleTokens(run.db, spec, run.crypto);
    if (left > 0)
      throw new Error(`${name}: ${left} sensitive tags carry a token of no configured key${NO_KEY_HINT}`);
  }
}

/** Pairs named in the job's message; the rest are counted (the whole list would bury the instruction). */
const PAIRS_SHOWN = 5;

/**
 * One active registration per ID number: a person registered again under the current key while the job
 * was pending (the old hash did not find them) would now collide, with a row outside the batch or, when
 * the other record was edited meanwhile, inside it. The job stops and names both records, for someone to
 * merge them, rather than pick one.
 */
async function refuseIdNumberTwins(tx: Tx, rows: ({ id: string } & Record<string, string | null>)[]) {
  const ids = rows.map((r) => r.id);
  const active = new Set(
    (
      await tx
        .select({ id: residents.id })
        .from(residents)
        .where(and(inArray(residents.id, ids), eq(residents.status, 'active')))
    ).map((r) => r.id),
  );
  const byHash = new Map<string, string[]>();
  for (const r of rows) {
    const hash = r[residents.idNumberHash.name];
    if (hash && active.has(r.id)) byHash.set(hash, [...(byHash.get(hash) ?? []), r.id]);
  }
  if (byHash.size === 0) return;
  const pairs = [...byHash.values()].filter((same) => same.length > 1).map((same) => same.join(' and '));
  const taken = await tx
    .select({ id: residents.id, hash: residents.idNumberHash })
    .from(residents)
    .where(
      and(
        inArray(residents.idNumberHash, [...byHash.keys()]),
        eq(residents.status, 'active'),
        notInArray(residents.id, ids),
      ),
    );
  for (const t of taken) pairs.push(`${byHash.get(t.hash!)![0]} and ${t.id}`);
  if (pairs.length === 0) return;
  const more = pairs.length > PAIRS_SHOWN ? ` and ${pairs.length - PAIRS_SHOWN} more pairs` : '';
  throw new Error(
    `residents: the same ID number is registered twice (${pairs.slice(0, PAIRS_SHOWN).join('; ')}${more}), once since the new key came into use: merge or move out one of each pair, then run rotate-key again`,
  );
}

export const registryRotation: RotationStep = {
  module: 'registry',
  async remaining(db, crypto) {
    return addCounts(
      addCounts(await remainingIn(db, crypto, RESIDENTS), await remainingIn(db, crypto, RELATIONS)),
      await remainingTokens(db, crypto),
    );
  },
  async rotate(run) {
    await rotateColumns(run, RESIDENTS, refuseIdNumberTwins);
    await rotateColumns(run, RELATIONS);
    await rotateTokens(run);
  },
};
