import { Alert, Button, Card, Flex, Layout, Result, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '../api/client';
import { errorText } from '../api/errors';
import { cellColumns } from './LedgerPage';
import { useSharedLedger } from './ledgers.api';

/**
 * What a partner sees through a shared link, without signing in: the ledger read-only and masked,
 * who shared it, until when, and the watermark line. Outside the console's layout and menu.
 */
export function SharedLedgerPage() {
  const { t } = useTranslation();
  const { token = '' } = useParams();
  const shared = useSharedLedger(token);

  if (shared.isError) {
    const gone =
      shared.error instanceof ApiError && (shared.error.status === 404 || shared.error.status === 410);
    return (
      <Result
        status={gone ? '404' : 'error'}
        title={gone ? t('ledgers.sharedGone') : t('errors.loadFailed')}
        subTitle={errorText(shared.error)}
        data-testid="shared-ledger-gone"
      />
    );
  }
  const first = shared.data?.pages[0];
  const rows =
    shared.data?.pages.flatMap((p) =>
      p.rows.map((cells, i) => ({ key: `${i}:${cells.join('|')}`, cells })),
    ) ?? [];

  return (
    <Layout style={{ minHeight: '100vh', padding: 24 }}>
      <Card loading={shared.isPending} title={first?.name} data-testid="shared-ledger">
        {first && (
          <>
            <Typography.Paragraph type="secondary">
              {t('ledgers.sharedMeta', {
                area: first.areaName,
                by: first.sharedBy,
                until: dayjs(first.expiresAt).format('YYYY-MM-DD HH:mm'),
                count: first.total,
              })}
            </Typography.Paragraph>
            {first.description && <Typography.Paragraph>{first.description}</Typography.Paragraph>}
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={first.watermark}
              data-testid="shared-ledger-watermark"
            />
            <Table
              rowKey="key"
              columns={cellColumns(first.columns)}
              dataSource={rows}
              pagination={false}
              scroll={{ x: 'max-content' }}
              data-testid="shared-ledger-rows"
            />
            {shared.hasNextPage && (
              <Flex justify="center" style={{ marginTop: 16 }}>
                <Button onClick={() => void shared.fetchNextPage()} loading={shared.isFetchingNextPage}>
                  {t('common.loadMore')}
                </Button>
              </Flex>
            )}
            <Typography.Paragraph type="secondary" style={{ marginTop: 16, textAlign: 'center' }}>
              {first.watermark}
            </Typography.Paragraph>
          </>
        )}
      </Card>
    </Layout>
  );
}
