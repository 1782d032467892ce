import { useEffect, useState } from 'react';
import { byEntrance, type Chosen, flatsLevel, type Level, levelKey, pick, places } from './addressPlaces';
import type { AddressValue } from './answers';
import type { Place, Places } from './api';
import type { Locale, Translate } from './i18n';

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

type List = { items: Place[]; result: Places | null; state: 'idle' | 'loading' | 'ready' | 'error' };
const IDLE: List = { items: [], result: null, state: 'idle' };

function useList(slug: string, locale: Locale, level: Level | null, attempt: number): List {
  const [list, setList] = useState<List>(IDLE);
  const key = level ? levelKey(locale, level) : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `level` and `locale`, rebuilt each render.
  useEffect(() => {
    if (!level) {
      setList(IDLE);
      return;
    }
    let live = true;
    setList({ items: [], result: null, state: 'loading' });
    places(slug, locale, level).then(
      (result) => live && setList({ items: result.items, result, state: 'ready' }),
      () => live && setList({ items: [], result: null, state: 'error' }),
    );
    return () => {
      live = false;
    };
  }, [slug, key, attempt]);
  return list;
}

/**
 * Compound → building → entrance → flat, from the register, limited to the form's area (the server
 * lists only what lies in it). The entrance step comes only in a building of several: a big one is
 * otherwise one long list of flats on a phone. Native selects: on a phone they open the system's own
 * large picker.
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
  const chosen = value as Chosen;
  const [attempt, setAttempt] = useState(0);
  const compounds = useList(slug, locale, {}, attempt);
  const buildings = useList(
    slug,
    locale,
    chosen.compoundId ? { compoundId: chosen.compoundId } : null,
    attempt,
  );
  const building = useList(
    slug,
    locale,
    chosen.buildingId ? { buildingId: chosen.buildingId } : null,
    attempt,
  );
  const underEntrance = byEntrance(chosen, building.result);
  const entrances: List = { ...building, items: building.result?.entrances ?? [] };
  const dwellings = useList(slug, locale, flatsLevel(chosen, building.result), attempt);

  // A per-building poster (`?b=`) starts the resident in their building; the server says which compound.
  const needsPreset = Boolean(
    presetBuildingId && !chosen.compoundId && !chosen.buildingId && !chosen.dwellingId,
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
  const failed = [compounds, buildings, building, dwellings].some((l) => l.state === 'error');

  const select = (
    level: 'compound' | 'building' | 'entrance' | 'dwelling',
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
      {select('compound', compounds, chosen.compoundId, t('chooseCompound'), (id) =>
        onChange(pick(chosen, 'compoundId', id)),
      )}
      {select('building', buildings, chosen.buildingId, t('chooseBuilding'), (id) =>
        onChange(pick(chosen, 'buildingId', id)),
      )}
      {underEntrance &&
        select('entrance', entrances, chosen.entranceId, t('chooseEntrance'), (id) =>
          onChange(pick(chosen, 'entranceId', id)),
        )}
      {select('dwelling', dwellings, chosen.dwellingId, t('chooseDwelling'), (id) =>
        onChange(
          pick(
            chosen,
            'dwellingId',
            id,
            [
              labelOf(compounds, chosen.compoundId),
              labelOf(buildings, chosen.buildingId),
              underEntrance ? labelOf(entrances, chosen.entranceId) : '',
              labelOf(dwellings, id),
            ]
              .filter(Boolean)
              .join(' '),
          ),
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
