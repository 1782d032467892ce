import { RESIDENCE_TYPES } from '@linli/shared';
import { Select } from 'antd';
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { useGrids } from '../areas/areas.api';

type ResidenceType = (typeof RESIDENCE_TYPES)[number];

interface GridSelectProps {
  /** The community whose grids are offered: grids are drawn per community. */
  communityId: string;
  value?: string;
  onChange?: (gridId: string | undefined) => void;
  style?: CSSProperties;
  'data-testid'?: string;
}

/**
 * The grids (网格) of one community, to find the residents of a grid's buildings. Hidden while the
 * community has no grid, or when the grids cannot be read: a filter with nothing to choose is noise.
 */
export function GridSelect({ communityId, value, onChange, style, ...rest }: GridSelectProps) {
  const { t } = useTranslation();
  const grids = useGrids(communityId);
  const items = grids.data?.items ?? [];
  if (items.length === 0 && !value) return null;
  return (
    <Select
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      onChange={(next: string | undefined) => onChange?.(next)}
      placeholder={t('residentsExtra.anyGrid')}
      loading={grids.isPending}
      options={items.map((grid) => ({
        value: grid.id,
        label: grid.workerName ? `${grid.name} · ${grid.workerName}` : grid.name,
      }))}
      style={{ minWidth: 160, ...style }}
      data-testid={rest['data-testid']}
    />
  );
}

interface ResidenceTypeSelectProps {
  value?: ResidenceType;
  onChange?: (residenceType: ResidenceType | undefined) => void;
  style?: CSSProperties;
  'data-testid'?: string;
}

/** 户籍 / 非户籍 / 人户分离, with the profile's labels. */
export function ResidenceTypeSelect({ value, onChange, style, ...rest }: ResidenceTypeSelectProps) {
  const { t } = useTranslation();
  return (
    <Select
      allowClear
      value={value}
      onChange={(next: ResidenceType | undefined) => onChange?.(next)}
      placeholder={t('residentsExtra.anyResidenceType')}
      options={RESIDENCE_TYPES.map((type) => ({ value: type, label: t(`residenceType.${type}`) }))}
      style={{ minWidth: 140, ...style }}
      data-testid={rest['data-testid']}
    />
  );
}
