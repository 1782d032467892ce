import type { DelegationStatus } from '@linli/shared';
import type { z } from 'zod';

export const MAX_DELEGATION_DAYS = 90;

export function delegationStatus(
  d: { startsAt: Date; endsAt: Date; revokedAt: Date | null },
  now = new Date(),
): z.infer<typeof DelegationStatus> {
  if (d.revokedAt) return 'revoked';
  if (now < d.startsAt) return 'scheduled';
  if (now >= d.endsAt) return 'ended';
  return 'active';
}

/** Cover is for an absence, not a second permanent role: bounded, in the future, end after start. */
export function validWindow(startsAt: Date, endsAt: Date, now = new Date()): boolean {
  return (
    endsAt > startsAt &&
    endsAt > now &&
    endsAt.getTime() - startsAt.getTime() <= MAX_DELEGATION_DAYS * 86_400_000
  );
}
