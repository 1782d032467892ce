import { useEffect, useState } from 'react';
import type { AddressValue } from './answers';
import { fetchPlaces, type Place, type PlaceLevel, type Places } from './api';
import type { Locale, Translate } from './i18n';

/** Each list is asked for once per visit: a resident going back and forth costs no extra round trips. */
const cache = new Map<string, Promise<Places>>();

function places(slug: string, locale: Locale, level: PlaceLevel): Promise<Places> {
  const id = `${slug}|${level.compoundId ?? ''}|${level.buildingId ?? ''}`;
  let found = cache.get(id);
  if (!found) {
    found = fetchPlaces(slug, locale, level);
    cache.set(id, found);
    found.catch(() => cache.delete(id));
  }
  return found;
}

type Props = {
  slug: string;
  locale: Locale;
  t: Translate;
  idBase: string;
  value: AddressValue;
  onChange: (value: AddressValue) => void;
  presetBuildingId: string | null;
  invalid: boolean;
  disabled: boolean;
};

type List = { items: Place[]; state: 'idle' | 'loading' | 'ready' | 'error' };
const IDLE: List = { items: [], state: 'idle' };

function useList(slug: string, locale: Locale, level: PlaceLevel | null, attempt: number): List {
  const [list, setList] = useState<List>(IDLE);
  const key = level ? `${level.compoundId ?? ''}|${level.buildingId ?? ''}` : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `level`, rebuilt each render.
  useEffect(() => {
    if (!level) {
      setList(IDLE);
      return;
    }
    let live = true;
    setList({ items: [], state: 'loading' });
    places(slug, locale, level).then(
      (result) => live && setList({ items: result.items, state: 'ready' }),
      () => live && setList({ items: [], state: 'error' }),
    );
    return () => {
      live = false;
    };
  }, [slug, key, attempt]);
  return list;
}

/**
 * Compound → building → dwelling, from the register, limited to the form's area. Native selects: on a
 * phone they open the system's own large picker.
 */
export function AddressField({
  slug,
  locale,
  t,
  idBase,
  value,
  onChange,
  presetBuildingId,
  invalid,
  disabled,
}: Props) {
  const [attempt, setAttempt] = useState(0);
  const compounds = useList(slug, locale, {}, attempt);
  const buildings = useList(
    slug,
    locale,
    value.compoundId ? { compoundId: value.compoundId } : null,
    attempt,
  );
  const dwellings = useList(
    slug,
    locale,
    value.buildingId ? { buildingId: value.buildingId } : null,
    attempt,
  );

  // A per-building poster (`?b=`) starts the resident in their building; the server says which compound.
  const needsPreset = Boolean(
    presetBuildingId && !value.compoundId && !value.buildingId && !value.dwellingId,
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, while nothing is chosen yet.
  useEffect(() => {
    if (!needsPreset || !presetBuildingId) return;
    let live = true;
    places(slug, locale, { buildingId: presetBuildingId }).then(
      (result) => {
        if (live && result.building)
          onChange({ compoundId: result.building.compoundId, buildingId: result.building.id });
      },
      // A poster for another area or a mistyped link: the resident simply chooses.
      () => {},
    );
    return () => {
      live = false;
    };
  }, [needsPreset]);

  const labelOf = (list: List, id: string | undefined) => list.items.find((p) => p.id === id)?.label ?? '';
  const failed = [compounds, buildings, dwellings].some((l) => l.state === 'error');

  const select = (
    level: 'compound' | 'building' | 'dwelling',
    list: List,
    selected: string | undefined,
    placeholder: string,
    onPick: (id: string) => void,
  ) => (
    <select
      id={level === 'compound' ? idBase : `${idBase}-${level}`}
      data-testid={`${idBase}-${level}`}
      className="pf-input pf-select"
      value={selected ?? ''}
      disabled={disabled || list.state !== 'ready' || list.items.length === 0}
      aria-invalid={invalid || undefined}
      aria-label={placeholder}
      onChange={(e) => onPick(e.target.value)}
    >
      <option value="">
        {list.state === 'loading'
          ? t('loading')
          : list.state === 'ready' && !list.items.length
            ? t('placesEmpty')
            : placeholder}
      </option>
      {list.items.map((p) => (
        <option key={p.id} value={p.id}>
          {p.label}
        </option>
      ))}
    </select>
  );

  return (
    <div className="pf-address">
      {select('compound', compounds, value.compoundId, t('chooseCompound'), (id) =>
        onChange(id ? { compoundId: id } : {}),
      )}
      {select('building', buildings, value.buildingId, t('chooseBuilding'), (id) =>
        onChange(id ? { compoundId: value.compoundId, buildingId: id } : { compoundId: value.compoundId }),
      )}
      {select('dwelling', dwellings, value.dwellingId, t('chooseDwelling'), (id) =>
        onChange(
          id
            ? {
                compoundId: value.compoundId,
                buildingId: value.buildingId,
                dwellingId: id,
                label: [
                  labelOf(compounds, value.compoundId),
                  labelOf(buildings, value.buildingId),
                  labelOf(dwellings, id),
                ]
                  .filter(Boolean)
                  .join(' '),
              }
            : { compoundId: value.compoundId, buildingId: value.buildingId },
        ),
      )}
      {failed && (
        <p className="pf-error">
          {t('placesFailed')}{' '}
          <button type="button" className="pf-link" onClick={() => setAttempt((n) => n + 1)}>
            {t('retry')}
          </button>
        </p>
      )}
    </div>
  );
}
