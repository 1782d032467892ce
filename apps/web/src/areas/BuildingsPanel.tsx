import { PlusOutlined } from '@ant-design/icons';
import type { Building } from '@linli/shared';
import { App, Button, Flex, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useBuildings } from './areas.api';
import type { TreeArea } from './areaTree';
import { BuildingFormModal } from './BuildingFormModal';

interface BuildingsPanelProps {
  compound: TreeArea;
  canManage: boolean;
}

export function BuildingsPanel({ compound, canManage }: BuildingsPanelProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const buildings = useBuildings(compound.id);
  const [creating, setCreating] = useState(false);

  const columns: TableColumnsType<Building> = [
    {
      key: 'name',
      title: t('buildings.fields.name'),
      render: (_, building) => (
        <Link to={`/areas/buildings/${building.id}`} data-testid="building-link">
          {building.name}
        </Link>
      ),
    },
    {
      key: 'kind',
      title: t('buildings.fields.kind'),
      render: (_, building) => t(`buildingKind.${building.kind}`),
    },
    {
      key: 'layout',
      title: t('buildings.fields.layout'),
      render: (_, building) =>
        t('buildings.layout', {
          floors: building.floors,
          entrances: building.entranceCount,
          rooms: building.roomsPerFloor,
        }),
    },
    {
      key: 'dwellings',
      title: t('buildings.fields.dwellingCount'),
      dataIndex: 'dwellingCount',
      align: 'right',
    },
    {
      key: 'builtYear',
      title: t('buildings.fields.builtYear'),
      render: (_, building) => building.builtYear ?? '',
    },
  ];

  if (buildings.isError)
    return <QueryErrorResult error={buildings.error} onRetry={() => void buildings.refetch()} />;

  return (
    <Flex vertical gap={16}>
      {canManage && (
        <Flex justify="end">
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="building-create"
          >
            {t('buildings.create')}
          </Button>
        </Flex>
      )}
      <Table<Building>
        rowKey="id"
        columns={columns}
        dataSource={buildings.data?.items}
        loading={buildings.isPending}
        pagination={false}
        locale={{ emptyText: t('buildings.empty') }}
        data-testid="building-table"
      />
      {creating && (
        <BuildingFormModal
          target={{ mode: 'create', compound }}
          onClose={() => setCreating(false)}
          onSaved={(building) => {
            setCreating(false);
            void message.success(
              t('buildings.created', { name: building.name, count: building.dwellingCount }),
            );
          }}
        />
      )}
    </Flex>
  );
}
