import type { BuildingDetail, Dwelling } from '@linli/shared';
import { Tooltip } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import styles from './DwellingGrid.module.css';
import { layoutDwellings } from './dwellingLayout';

interface DwellingGridProps {
  building: BuildingDetail;
  onPick?: (dwelling: Dwelling) => void;
}

/** The building drawn as on a paper 楼栋图: one column group per entrance, top floor first. */
export function DwellingGrid({ building, onPick }: DwellingGridProps) {
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
                      <DwellingCell key={dwelling.id} dwelling={dwelling} onPick={onPick} />
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

function DwellingCell({ dwelling, onPick }: { dwelling: Dwelling; onPick?: (dwelling: Dwelling) => void }) {
  const { t } = useTranslation();
  const archived = dwelling.status === 'archived';
  return (
    <Tooltip title={archived ? `${dwelling.label}（${t('dwellingStatus.archived')}）` : dwelling.label}>
      <button
        type="button"
        className={archived ? `${styles.cell} ${styles.archived}` : styles.cell}
        onClick={onPick && (() => onPick(dwelling))}
        disabled={!onPick}
        aria-label={dwelling.label}
        data-testid="dwelling-cell"
        data-status={dwelling.status}
      >
        {dwelling.number}
      </button>
    </Tooltip>
  );
}
