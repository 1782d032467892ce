import { DownloadOutlined, EditOutlined, ShareAltOutlined } from '@ant-design/icons';
import type { LedgerColumn } from '@linli/shared';
import { Button, Card, Flex, Popconfirm, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useNotifyError } from '../api/useNotifyError';
import { usePermission } from '../auth/session';
import { columnLabel } from './columnLabels';
import { ExportModal } from './ExportModal';
import { LedgerFormModal } from './LedgerFormModal';
import { useArchiveLedger, useLedger, useLedgerRows } from './ledgers.api';
import { ShareModal } from './ShareModal';

type Row = { id: string; cells: string[] };

export function cellColumns<T extends { cells: string[] }>(
  columns: readonly LedgerColumn[],
): TableColumnsType<T> {
  return columns.map((column, index) => ({
    key: column,
    title: columnLabel(column),
    render: (_, row) => (
      <span className={column === 'idNumber' || column === 'phone' ? 'tabular' : undefined}>
        {row.cells[index]}
      </span>
    ),
  }));
}

/** One ledger's rows as its columns show them (masked), with what can be done with it. */
export function LedgerPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { ledgerId = '' } = useParams();
  const ledger = useLedger(ledgerId);
  const rows = useLedgerRows(ledgerId);
  const archive = useArchiveLedger(ledgerId);
  const notifyError = useNotifyError();
  const mayShare = usePermission('ledger.share');
  const [dialog, setDialog] = useState<'edit' | 'export' | 'share' | null>(null);

  if (ledger.isError) return <QueryErrorResult error={ledger.error} onRetry={() => void ledger.refetch()} />;
  const l = ledger.data;
  const items: Row[] = rows.data?.pages.flatMap((p) => p.rows) ?? [];
  const total = rows.data?.pages[0]?.total;
  const active = l?.status === 'active';

  return (
    <Card
      loading={ledger.isPending}
      title={
        <Space orientation="vertical" size={0}>
          <Space>
            <Link to="/ledgers">{t('nav.ledgers')}</Link>
            <span>/</span>
            <span data-testid="ledger-title">{l?.name}</span>
            {l && !active && <Tag>{t('ledgers.status.archived')}</Tag>}
          </Space>
          {l && (
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
              {[l.areaName, l.ownerName, t(`ledgers.sharing.${l.sharing}`), l.description]
                .filter(Boolean)
                .join(' · ')}
            </Typography.Text>
          )}
        </Space>
      }
      extra={
        l && (
          <Space wrap>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => setDialog('export')}
              data-testid="ledger-export-open"
            >
              {t('ledgers.export')}
            </Button>
            {mayShare && l.canManage && active && (
              <Button
                icon={<ShareAltOutlined />}
                onClick={() => setDialog('share')}
                data-testid="ledger-share-open"
              >
                {t('ledgers.share')}
              </Button>
            )}
            {l.canManage && active && (
              <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="ledger-edit">
                {t('common.edit')}
              </Button>
            )}
            {l.canManage && active && (
              <Popconfirm
                title={t('ledgers.archiveConfirm')}
                onConfirm={() =>
                  archive.mutate(l.version, { onSuccess: () => navigate('/ledgers'), onError: notifyError })
                }
              >
                <Button danger data-testid="ledger-archive">
                  {t('ledgers.archive')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        )
      }
    >
      {rows.isError ? (
        <QueryErrorResult error={rows.error} onRetry={() => void rows.refetch()} />
      ) : (
        <>
          <Typography.Paragraph type="secondary" data-testid="ledger-total">
            {total === undefined ? '' : t('ledgers.total', { count: total })}
          </Typography.Paragraph>
          <Table<Row>
            rowKey="id"
            columns={cellColumns(rows.data?.pages[0]?.columns ?? l?.columns ?? [])}
            dataSource={items}
            loading={rows.isPending}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('residents.empty') }}
            onRow={(row) => ({
              onClick: () => navigate(`/residents/${row.id}`),
              style: { cursor: 'pointer' },
            })}
            data-testid="ledger-rows"
          />
          {rows.hasNextPage && (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button onClick={() => void rows.fetchNextPage()} loading={rows.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Flex>
          )}
        </>
      )}
      {l && dialog === 'edit' && <LedgerFormModal ledger={l} onClose={() => setDialog(null)} />}
      {l && dialog === 'export' && <ExportModal ledger={l} onClose={() => setDialog(null)} />}
      {l && dialog === 'share' && <ShareModal ledger={l} onClose={() => setDialog(null)} />}
    </Card>
  );
}
