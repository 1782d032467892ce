import { describe, expect, it } from 'vitest';
import { delegationStatus, MAX_DELEGATION_DAYS, validWindow } from './delegations.rules';

const DAY = 86_400_000;
const now = new Date('2025-03-10T08:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe('delegationStatus', () => {
  it('is scheduled before the start, active inside the window, ended from the end on', () => {
    const d = { startsAt: at(DAY), endsAt: at(2 * DAY), revokedAt: null };
    expect(delegationStatus(d, now)).toBe('scheduled');
    expect(delegationStatus(d, at(DAY - 1))).toBe('scheduled');
    expect(delegationStatus(d, at(DAY))).toBe('active');
    expect(delegationStatus(d, at(2 * DAY - 1))).toBe('active');
    expect(delegationStatus(d, at(2 * DAY))).toBe('ended');
    expect(delegationStatus(d, at(30 * DAY))).toBe('ended');
  });

  it('is revoked whatever the time, once revoked', () => {
    const d = { startsAt: at(-DAY), endsAt: at(DAY), revokedAt: at(-1000) };
    expect(delegationStatus(d, now)).toBe('revoked');
    expect(delegationStatus(d, at(-2 * DAY))).toBe('revoked');
    expect(delegationStatus(d, at(2 * DAY))).toBe('revoked');
  });
});

describe('validWindow', () => {
  it('accepts a window ending in the future, after its start, up to 90 days long', () => {
    expect(validWindow(now, at(DAY), now)).toBe(true);
    expect(validWindow(at(-DAY), at(1000), now)).toBe(true);
    expect(validWindow(at(DAY), at(2 * DAY), now)).toBe(true);
    expect(validWindow(now, at(MAX_DELEGATION_DAYS * DAY), now)).toBe(true);
  });

  it('refuses an end at or before the start', () => {
    expect(validWindow(at(2 * DAY), at(DAY), now)).toBe(false);
    expect(validWindow(at(DAY), at(DAY), now)).toBe(false);
  });

  it('refuses a window that has already ended', () => {
    expect(validWindow(at(-2 * DAY), at(-DAY), now)).toBe(false);
    expect(validWindow(at(-2 * DAY), now, now)).toBe(false);
  });

  it('refuses more than 90 days', () => {
    expect(MAX_DELEGATION_DAYS).toBe(90);
    expect(validWindow(now, at(MAX_DELEGATION_DAYS * DAY + 1), now)).toBe(false);
    expect(validWindow(at(10 * DAY), at(101 * DAY), now)).toBe(false);
  });
});
