import type { ErrorCode } from '@linli/shared';
import { AppError } from './errors';

/**
 * Optimistic concurrency (DESIGN §7): an update names the version it read. When the row has moved
 * on, answer 409 with the current row so the client can show what changed.
 */
export function assertVersion<T extends { version: number }>(
  row: T,
  expected: number,
  code: ErrorCode,
  present: (row: T) => unknown,
): void {
  if (row.version !== expected) throw new AppError(code, {}, { current: present(row) });
}
