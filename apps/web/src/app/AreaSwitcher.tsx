import { EnvironmentOutlined } from '@ant-design/icons';
import { Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCurrentArea } from './currentArea';

/**
 * The area the areas and users pages start from. People with roles in several areas choose it here;
 * everyone else just sees where they work.
 */
export function AreaSwitcher() {
  const { t } = useTranslation();
  const { areas, current, setCurrentId } = useCurrentArea();
  if (!current) return null;
  const label = (area: typeof current) => `${area.name}（${t(`areaKind.${area.kind}`)}）`;
  return (
    <Space size="small">
      <EnvironmentOutlined aria-hidden />
      {areas.length < 2 ? (
        <Typography.Text data-testid="current-area">{label(current)}</Typography.Text>
      ) : (
        <Select
          data-testid="area-switcher"
          aria-label={t('layout.currentArea')}
          value={current.id}
          onChange={setCurrentId}
          style={{ minWidth: 200 }}
          popupMatchSelectWidth={false}
          options={areas.map((area) => ({ value: area.id, label: label(area) }))}
        />
      )}
    </Space>
  );
}
