import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { Grid } from '@linli/shared';
import { Button, Flex, Table, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useGrids } from './areas.api';
import type { AreaIndex, TreeArea } from './areaTree';
import { GridFormModal } from './GridFormModal';

interface GridsPanelProps {
  community: TreeArea;
  index: AreaIndex;
  canManage: boolean;
}

export function GridsPanel({ community, index, canManage }: GridsPanelProps) {
  const { t } = useTranslation();
  const grids = useGrids(community.id);
  const [editing, setEditing] = useState<Grid | 'new' | null>(null);

  const columns: TableColumnsType<Grid> = [
    { key: 'name', title: t('grids.fields.name'), dataIndex: 'name' },
    {
      key: 'worker',
      title: t('grids.fields.worker'),
      render: (_, grid) => grid.workerName ?? t('grids.noWorker'),
    },
    {
      key: 'buildings',
      title: t('grids.fields.buildingCount'),
      align: 'right',
      render: (_, grid) => grid.buildingIds.length,
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, grid: Grid) => (
              <Button type="link" icon={<EditOutlined />} onClick={() => setEditing(grid)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  if (grids.isError) return <QueryErrorResult error={grids.error} onRetry={() => void grids.refetch()} />;

  return (
    <Flex vertical gap={16}>
      {canManage && (
        <Flex justify="end">
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="grid-create"
          >
            {t('grids.create')}
          </Button>
        </Flex>
      )}
      <Table<Grid>
        rowKey="id"
        columns={columns}
        dataSource={grids.data?.items}
        loading={grids.isPending}
        pagination={false}
        locale={{ emptyText: t('grids.empty') }}
      />
      {editing && (
        <GridFormModal
          community={community}
          index={index}
          grid={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Flex>
  );
}
