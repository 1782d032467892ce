/**
 * The address cascader's lists and steps, apart from its markup so the steps are tested without a
 * browser: compound → building → entrance (单元, only in a building of several) → flat.
 */
import type { AddressValue } from './answers';
import { fetchPlaces, type Places } from './api';
import type { Locale } from './i18n';

/** The answer's address, and the entrance it was found under (kept with the draft, never sent). */
export type Chosen = AddressValue & { entranceId?: string };

export type Level = { compoundId?: string; buildingId?: string; entranceId?: string };

export const levelKey = (locale: Locale, level: Level) =>
  `${locale}|${level.compoundId ?? ''}|${level.buildingId ?? ''}|${level.entranceId ?? ''}`;

/**
 * Each list is asked for once per visit and language (entrances are worded in it): a resident going
 * back and forth costs no extra round trips.
 */
const cache = new Map<string, Promise<Places>>();

export function places(slug: string, locale: Locale, level: Level): Promise<Places> {
  const id = `${slug}|${levelKey(locale, level)}`;
  let found = cache.get(id);
  if (!found) {
    found = fetchPlaces(slug, locale, level);
    cache.set(id, found);
    found.catch(() => cache.delete(id));
  }
  return found;
}

/** Whether the flats are chosen under an entrance: the building has several, and no older draft says otherwise. */
export function byEntrance(value: Chosen, building: Places | null): boolean {
  // A flat kept from before this step existed has no entrance: it stays shown in the building's whole list.
  return Boolean(building?.entrances?.length) && !(value.dwellingId && !value.entranceId);
}

/** The list the flats come from, or null while there is none to ask for yet. */
export function flatsLevel(value: Chosen, building: Places | null): Level | null {
  if (!value.buildingId || !building) return null;
  if (!byEntrance(value, building)) return { buildingId: value.buildingId };
  return value.entranceId ? { entranceId: value.entranceId } : null;
}

const STEPS = ['compoundId', 'buildingId', 'entranceId', 'dwellingId'] as const;

/** A choice keeps the steps above it and clears those below: another building's flats are not this one's. */
export function pick(value: Chosen, step: (typeof STEPS)[number], id: string, label?: string): Chosen {
  const next: Chosen = {};
  for (const s of STEPS) {
    if (s === step) {
      if (id) next[s] = id;
      break;
    }
    if (value[s]) next[s] = value[s];
  }
  if (step === 'dwellingId' && id && label) next.label = label;
  return next;
}
