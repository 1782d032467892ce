import {
  type BuildingDetail,
  type BuildingOccupancy,
  DWELLING_USES,
  type Dwelling,
  TAGS,
  type TagCode,
} from '@linli/shared';
import { Tooltip } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import styles from './DwellingGrid.module.css';
import { layoutDwellings } from './dwellingLayout';

export type DwellingOccupancy = BuildingOccupancy['dwellings'][number];

/** The tags worth a mark on the building grid: whom a worker checks on first. */
export const MARKED_TAGS = [
  'living_alone',
  'aged_80',
  'subsistence',
  'disabled_care',
] as const satisfies readonly TagCode[];

interface DwellingGridProps {
  building: BuildingDetail;
  onPick?: (dwelling: Dwelling) => void;
  /** Who lives where, for people who may read residents; without it the grid shows dwellings only. */
  occupancy?: ReadonlyMap<string, DwellingOccupancy>;
  /** A dwelling to point out, e.g. the one of the resident the user came from. */
  highlightId?: string | null;
}

/** The building drawn as on a paper 楼栋图: one column group per entrance, top floor first. */
export function DwellingGrid({ building, onPick, occupancy, highlightId }: DwellingGridProps) {
  const { t } = useTranslation();
  const layout = useMemo(() => layoutDwellings(building), [building]);

  return (
    <div className={styles.scroller}>
      <table className={styles.grid} data-testid="dwelling-grid">
        <thead>
          <tr>
            <th className={styles.floorHead}>{t('dwellings.floor')}</th>
            {layout.entrances.map((entrance) => (
              <th key={entrance.id} className={styles.entranceHead} data-testid="entrance-head">
                {entrance.name || t('dwellings.entranceName', { number: entrance.number })}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {layout.floors.map((floor) => (
            <tr key={floor}>
              <th className={styles.floorLabel} scope="row">
                {t('dwellings.floorLabel', { floor })}
              </th>
              {layout.entrances.map((entrance) => (
                <td key={entrance.id} className={styles.entranceCell}>
                  <div className={styles.rooms}>
                    {layout.dwellingsAt(entrance.id, floor).map((dwelling) => (
                      <DwellingCell
                        key={dwelling.id}
                        dwelling={dwelling}
                        onPick={onPick}
                        occupancy={occupancy && (occupancy.get(dwelling.id) ?? EMPTY)}
                        highlighted={dwelling.id === highlightId}
                      />
                    ))}
                  </div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const EMPTY: DwellingOccupancy = { dwellingId: '', households: 0, residents: 0, tags: [] };

interface DwellingCellProps {
  dwelling: Dwelling;
  onPick?: (dwelling: Dwelling) => void;
  occupancy?: DwellingOccupancy;
  highlighted: boolean;
}

function DwellingCell({ dwelling, onPick, occupancy, highlighted }: DwellingCellProps) {
  const { t, i18n } = useTranslation();
  const archived = dwelling.status === 'archived';
  const occupied = occupancy !== undefined && occupancy.residents > 0;
  const marks = occupancy ? MARKED_TAGS.filter((code) => occupancy.tags.includes(code)) : [];
  const tagLabel = (code: TagCode) => (i18n.language === 'en-US' ? TAGS[code].en : TAGS[code].zh);
  const classes = [
    styles.cell,
    archived ? styles.archived : '',
    occupancy ? (occupied ? styles.occupied : styles.vacant) : '',
    dwelling.use ? styles[`use_${dwelling.use}`] : '',
    highlighted ? styles.highlighted : '',
  ].filter(Boolean);
  const details = [
    dwelling.label,
    archived ? t('dwellingStatus.archived') : null,
    dwelling.use ? t(`register.dwellingUse.${dwelling.use}`) : null,
    occupied ? t('dwellings.residentCount', { count: occupancy.residents }) : null,
    ...marks.map(tagLabel),
  ].filter(Boolean);
  return (
    <Tooltip title={details.join(' · ')}>
      <button
        type="button"
        className={classes.join(' ')}
        onClick={onPick && (() => onPick(dwelling))}
        disabled={!onPick}
        aria-label={details.join(' ')}
        aria-current={highlighted ? 'true' : undefined}
        data-testid="dwelling-cell"
        data-status={dwelling.status}
        data-use={dwelling.use ?? undefined}
        data-dwelling-id={dwelling.id}
        data-occupied={occupancy ? String(occupied) : undefined}
        data-highlighted={highlighted ? 'true' : undefined}
      >
        <span className={styles.number}>{dwelling.number}</span>
        {occupied && (
          <span className={styles.meta}>
            <span className={styles.count} data-testid="dwelling-resident-count">
              {occupancy.residents}
            </span>
            {marks.map((code) => (
              <span key={code} className={`${styles.mark} ${styles[`mark_${code}`]}`} data-tag={code}>
                {t(`dwellings.marks.${code}`)}
              </span>
            ))}
          </span>
        )}
      </button>
    </Tooltip>
  );
}

/** What the colours and marks of the grid mean. */
export function OccupancyLegend() {
  const { t, i18n } = useTranslation();
  return (
    <div className={styles.legend} data-testid="occupancy-legend">
      <span>
        <span className={`${styles.swatch} ${styles.occupied}`} /> {t('dwellings.legendOccupied')}
      </span>
      <span>
        <span className={`${styles.swatch} ${styles.vacant}`} /> {t('dwellings.legendVacant')}
      </span>
      {DWELLING_USES.map((use) => (
        <span key={use}>
          <span className={`${styles.useSwatch} ${styles[`use_${use}`]}`} />{' '}
          {t(`register.dwellingUse.${use}`)}
        </span>
      ))}
      {MARKED_TAGS.map((code) => (
        <span key={code}>
          <span className={`${styles.mark} ${styles[`mark_${code}`]}`}>{t(`dwellings.marks.${code}`)}</span>{' '}
          {i18n.language === 'en-US' ? TAGS[code].en : TAGS[code].zh}
        </span>
      ))}
    </div>
  );
}
