import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Descriptions, Popconfirm, Space, Tabs, type TabsProps, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotifyError } from '../api/useNotifyError';
import { useSession } from '../auth/session';
import { AreaFormModal, type AreaFormTarget } from './AreaFormModal';
import { useArchiveArea } from './areas.api';
import { type AreaIndex, CHILD_KIND, canOnArea, type TreeArea } from './areaTree';
import { BuildingsPanel } from './BuildingsPanel';
import { GridsPanel } from './GridsPanel';

interface AreaDetailPanelProps {
  area: TreeArea;
  index: AreaIndex;
  onSelect: (areaId: string | null) => void;
}

export function AreaDetailPanel({ area, index, onSelect }: AreaDetailPanelProps) {
  const { t } = useTranslation();
  const me = useSession();
  const [formTarget, setFormTarget] = useState<AreaFormTarget | null>(null);
  const can = (permission: 'area.manage' | 'building.manage' | 'grid.manage') =>
    area.inScope && canOnArea(me.grants, permission, index, area.id);
  const childKind = CHILD_KIND[area.kind];

  const tabs: TabsProps['items'] = [];
  if (area.kind === 'compound') {
    tabs.push({
      key: 'buildings',
      label: t('areas.tabs.buildings'),
      children: <BuildingsPanel compound={area} canManage={can('building.manage')} />,
    });
  }
  tabs.push({
    key: 'overview',
    label: t('areas.tabs.overview'),
    children: <AreaOverview area={area} index={index} />,
  });
  if (area.kind === 'community') {
    tabs.push({
      key: 'grids',
      label: t('areas.tabs.grids'),
      children: <GridsPanel community={area} index={index} canManage={can('grid.manage')} />,
    });
  }

  return (
    <Card
      data-testid="area-detail"
      title={
        <Space>
          <span data-testid="area-detail-name">{area.name}</span>
          <Tag color="blue">{t(`areaKind.${area.kind}`)}</Tag>
        </Space>
      }
      extra={
        can('area.manage') && (
          <Space wrap>
            {childKind && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setFormTarget({ mode: 'create', parent: area, kind: childKind })}
                data-testid="area-add-child"
              >
                {t('areas.addChild', { kind: t(`areaKind.${childKind}`) })}
              </Button>
            )}
            <Button
              icon={<EditOutlined />}
              onClick={() => setFormTarget({ mode: 'edit', area })}
              data-testid="area-edit"
            >
              {t('common.edit')}
            </Button>
            <ArchiveAreaButton area={area} onArchived={() => onSelect(area.parentId)} />
          </Space>
        )
      }
    >
      <Tabs items={tabs} />
      {formTarget && (
        <AreaFormModal
          target={formTarget}
          onClose={() => setFormTarget(null)}
          onSaved={(saved) => {
            setFormTarget(null);
            if (formTarget.mode === 'create') onSelect(saved.id);
          }}
        />
      )}
    </Card>
  );
}

function AreaOverview({ area, index }: { area: TreeArea; index: AreaIndex }) {
  const { t } = useTranslation();
  const parent = area.parentId ? index.byId.get(area.parentId) : undefined;
  const childKind = CHILD_KIND[area.kind];
  return (
    <Descriptions
      column={{ xs: 1, md: 2 }}
      items={[
        { key: 'kind', label: t('areas.fields.kind'), children: t(`areaKind.${area.kind}`) },
        { key: 'code', label: t('areas.fields.code'), children: area.code ?? t('common.none') },
        { key: 'parent', label: t('areas.fields.parent'), children: parent?.name ?? t('common.none') },
        ...(childKind
          ? [
              {
                key: 'children',
                label: t('areas.fields.childCount', { kind: t(`areaKind.${childKind}`) }),
                children: index.childrenOf(area.id).length,
              },
            ]
          : []),
        { key: 'buildings', label: t('areas.fields.buildingCount'), children: area.buildingCount },
        { key: 'dwellings', label: t('areas.fields.dwellingCount'), children: area.dwellingCount },
      ]}
    />
  );
}

function ArchiveAreaButton({ area, onArchived }: { area: TreeArea; onArchived: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const archive = useArchiveArea();
  const notifyError = useNotifyError();
  return (
    <Popconfirm
      title={t('areas.archiveConfirm', { name: area.name })}
      description={t('areas.archiveHint')}
      okText={t('areas.archive')}
      okButtonProps={{ danger: true }}
      onConfirm={() =>
        archive.mutate(
          { id: area.id, version: area.version },
          {
            onSuccess: () => {
              void message.success(t('areas.archived', { name: area.name }));
              onArchived();
            },
            onError: notifyError,
          },
        )
      }
    >
      <Button danger icon={<DeleteOutlined />} loading={archive.isPending} data-testid="area-archive">
        {t('areas.archive')}
      </Button>
    </Popconfirm>
  );
}
