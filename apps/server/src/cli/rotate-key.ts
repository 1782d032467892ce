import { writeAudit } from '../modules/audit/audit.service';
import { buildingsRotation } from '../modules/buildings/buildings.rotation';
import { dedupeRotation } from '../modules/dedupe/dedupe.rotation';
import { formsRotation } from '../modules/forms/forms.rotation';
import { importsRotation } from '../modules/imports/imports.rotation';
import { registryRotation } from '../modules/registry/registry.rotation';
import { uploadsRotation } from '../modules/uploads/uploads.rotation';
import type { Config } from '../platform/config';
import { systemContext } from '../platform/context';
import type { FieldCrypto } from '../platform/crypto';
import type { Db } from '../platform/db';
import { addCounts, type RotationCounts, type RotationStep } from '../platform/rotation';

/**
 * Every module that stores values under the field key, each rotating only its own tables (ADR 0010).
 * The order does not matter for correctness: no step reads another's values.
 */
export const ROTATION_STEPS: readonly RotationStep[] = [
  registryRotation,
  buildingsRotation,
  dedupeRotation,
  importsRotation,
  formsRotation,
  uploadsRotation,
];

export const total = (counts: RotationCounts) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Values under any key but the current one, per `table.column`. Reads only. */
export async function remainingUnderOldKeys(db: Db, crypto: FieldCrypto): Promise<RotationCounts> {
  const counts: RotationCounts = {};
  for (const step of ROTATION_STEPS) addCounts(counts, await step.remaining(db, crypto));
  return counts;
}

/**
 * Moves every protected value to the current key, module by module, batch by batch; then records one
 * audit row with the counts (never a value) when anything changed, and counts what is left. A run that
 * stops records what it had committed too, marked as stopped, before the error goes on to the operator:
 * those values were rewritten all the same.
 */
export async function rotateKeys(
  db: Db,
  config: Config,
  crypto: FieldCrypto,
  opts: { batchSize: number; log(line: string): void },
): Promise<{ rotated: RotationCounts; remaining: RotationCounts }> {
  const rotated: RotationCounts = {};
  const rows = new Map<string, number>();
  let stopped: unknown = null;
  try {
    for (const step of ROTATION_STEPS) {
      await step.rotate({
        db,
        crypto,
        batchSize: opts.batchSize,
        committed(table, n, counts) {
          addCounts(rotated, counts);
          rows.set(table, (rows.get(table) ?? 0) + n);
          opts.log(`  ${step.module}: ${table} ${rows.get(table)} rows rewritten`);
        },
      });
    }
  } catch (error) {
    stopped = error;
  }
  if (total(rotated) > 0) {
    const audit = writeAudit(db, systemContext(db, config, crypto, 'rotate-key'), {
      action: 'crypto.rotate',
      entityType: 'encryption_key',
      entityId: crypto.keyId,
      scope: { districtId: null, streetId: null, communityId: null },
      changes: {
        key: { from: crypto.previous.map((k) => k.keyId), to: crypto.keyId },
        ...(stopped ? { outcome: { to: 'stopped' } } : {}),
        ...Object.fromEntries(
          Object.entries(rotated)
            .filter(([, n]) => n > 0)
            .map(([column, n]) => [column, { to: n }]),
        ),
      },
    });
    // When the database itself failed, its error is the one to show, not the audit row's after it.
    if (stopped)
      await audit.catch(() => opts.log('  (the audit row of this stopped run could not be written)'));
    else await audit;
  }
  if (stopped) throw stopped;
  return { rotated, remaining: await remainingUnderOldKeys(db, crypto) };
}

/** `table.column   n` lines, aligned, for the operator; columns at zero are left out. */
export function countLines(counts: RotationCounts): string[] {
  const shown = Object.entries(counts).filter(([, n]) => n > 0);
  if (shown.length === 0) return ['  (none)'];
  const width = Math.max(...shown.map(([column]) => column.length));
  return shown.map(([column, n]) => `  ${column.padEnd(width)}  ${n}`);
}
