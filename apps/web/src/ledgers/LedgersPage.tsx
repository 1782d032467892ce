import { PlusOutlined } from '@ant-design/icons';
import type { Ledger } from '@linli/shared';
import { Button, Card, Segmented, Space, Table, type TableColumnsType, Tag } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { columnLabel } from './columnLabels';
import { LedgerFormModal } from './LedgerFormModal';
import { useLedgers } from './ledgers.api';

/** Saved lists of residents: one's own, and those shared with the area. */
export function LedgersPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [status, setStatus] = useState<'active' | 'archived'>('active');
  const [creating, setCreating] = useState(false);
  const ledgers = useLedgers(status);

  const columns: TableColumnsType<Ledger> = [
    {
      key: 'name',
      title: t('ledgers.fields.name'),
      render: (_, ledger) => (
        <Link to={`/ledgers/${ledger.id}`} data-testid="ledger-link" style={{ fontSize: 16 }}>
          {ledger.name}
        </Link>
      ),
    },
    { key: 'area', title: t('ledgers.fields.area'), dataIndex: 'areaName' },
    { key: 'owner', title: t('ledgers.fields.owner'), render: (_, ledger) => ledger.ownerName ?? '' },
    {
      key: 'sharing',
      title: t('ledgers.fields.sharing'),
      render: (_, ledger) => (
        <Tag color={ledger.sharing === 'area' ? 'blue' : undefined}>
          {t(`ledgers.sharing.${ledger.sharing}`)}
        </Tag>
      ),
    },
    {
      key: 'columns',
      title: t('ledgers.fields.columns'),
      render: (_, ledger) => ledger.columns.map(columnLabel).join('、'),
      ellipsis: true,
    },
    {
      key: 'updatedAt',
      title: t('ledgers.fields.updatedAt'),
      render: (_, ledger) => dayjs(ledger.updatedAt).format('YYYY-MM-DD HH:mm'),
    },
  ];

  return (
    <Card
      title={t('nav.ledgers')}
      extra={
        <Space>
          <Segmented
            value={status}
            onChange={(value) => setStatus(value as 'active' | 'archived')}
            options={[
              { value: 'active', label: t('ledgers.status.active') },
              { value: 'archived', label: t('ledgers.status.archived') },
            ]}
          />
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="ledger-create"
          >
            {t('ledgers.create')}
          </Button>
        </Space>
      }
    >
      {ledgers.isError ? (
        <QueryErrorResult error={ledgers.error} onRetry={() => void ledgers.refetch()} />
      ) : (
        <Table<Ledger>
          rowKey="id"
          columns={columns}
          dataSource={ledgers.data?.items ?? []}
          loading={ledgers.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('ledgers.empty') }}
          onRow={(ledger) => ({
            onClick: (event) => {
              if ((event.target as HTMLElement).closest('a')) return;
              navigate(`/ledgers/${ledger.id}`);
            },
            style: { cursor: 'pointer' },
          })}
          data-testid="ledger-table"
        />
      )}
      {creating && (
        <LedgerFormModal
          onClose={() => setCreating(false)}
          onSaved={(ledger) => navigate(`/ledgers/${ledger.id}`)}
        />
      )}
    </Card>
  );
}
