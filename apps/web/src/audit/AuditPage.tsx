import type { AuditEntry } from '@linli/shared';
import { Button, Card, DatePicker, Flex, Form, Select, Table, type TableColumnsType, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { formatDateTime } from '../i18n/format';
import { UserSelect } from '../users/UserSelect';
import { AuditChanges } from './AuditChanges';
import { type AuditFilter, useAuditLog } from './audit.api';
import { actionLabel, entityTypeLabel } from './auditLabels';

interface FilterValues {
  actorId?: string;
  entityType?: string;
  range?: [Dayjs, Dayjs] | null;
}

function toFilter(values: FilterValues): AuditFilter {
  const [from, to] = values.range ?? [];
  return {
    actorId: values.actorId || undefined,
    entityType: values.entityType || undefined,
    from: from?.format(),
    to: to?.format(),
  };
}

export function AuditPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<AuditFilter>({});
  const audit = useAuditLog(filter);
  const entries = audit.data?.pages.flatMap((page) => page.items) ?? [];
  const entityTypes: Record<string, string> = t('auditEntity', { returnObjects: true });

  const columns: TableColumnsType<AuditEntry> = [
    {
      key: 'at',
      title: t('audit.fields.at'),
      width: 190,
      render: (_, entry) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.at)}</span>,
    },
    {
      key: 'actor',
      title: t('audit.fields.actor'),
      render: (_, entry) => entry.actorName ?? (entry.actorTokenId ? t('audit.apiToken') : t('audit.system')),
    },
    {
      key: 'action',
      title: t('audit.fields.action'),
      render: (_, entry) => (
        <span data-testid="audit-action" data-action={entry.action}>
          {actionLabel(t, entry.action)}
          {entry.delegationId && (
            <Typography.Text type="warning" style={{ marginLeft: 6, fontSize: 13 }}>
              {t('audit.viaDelegation')}
            </Typography.Text>
          )}
          {entry.action === 'resident.merge' && typeof entry.changes?.mergeId?.to === 'string' && (
            <Link
              to={`/dedupe?merge=${entry.changes.mergeId.to}`}
              style={{ marginLeft: 6 }}
              data-testid="audit-merge-link"
            >
              {t('dedupe.openMerge')}
            </Link>
          )}
        </span>
      ),
    },
    {
      key: 'entity',
      title: t('audit.fields.entity'),
      render: (_, entry) => (
        <span>
          {entityTypeLabel(t, entry.entityType)}
          {entry.entityId && (
            <Typography.Text
              type="secondary"
              copyable={{ text: entry.entityId }}
              style={{ marginLeft: 6, fontSize: 13 }}
            >
              {entry.entityId.slice(-8)}
            </Typography.Text>
          )}
        </span>
      ),
    },
    { key: 'ip', title: t('audit.fields.ip'), render: (_, entry) => entry.ip ?? '' },
  ];

  return (
    <Card title={t('nav.audit')}>
      <Form<FilterValues>
        layout="inline"
        onValuesChange={(_, values) => setFilter(toFilter(values))}
        style={{ rowGap: 12, marginBottom: 16 }}
      >
        <Form.Item name="actorId" label={t('audit.fields.actor')}>
          <UserSelect
            allowClear
            style={{ width: 220 }}
            placeholder={t('audit.anyone')}
            data-testid="audit-actor"
          />
        </Form.Item>
        <Form.Item name="entityType" label={t('audit.fields.entity')}>
          <Select
            allowClear
            style={{ width: 160 }}
            placeholder={t('audit.anyEntity')}
            options={Object.entries(entityTypes).map(([value, label]) => ({ value, label }))}
            data-testid="audit-entity-type"
          />
        </Form.Item>
        <Form.Item name="range" label={t('audit.fields.range')}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
      </Form>
      {audit.isError ? (
        <QueryErrorResult error={audit.error} onRetry={() => void audit.refetch()} />
      ) : (
        <>
          <Table<AuditEntry>
            rowKey="id"
            columns={columns}
            dataSource={entries}
            loading={audit.isPending || (audit.isFetching && !audit.isFetchingNextPage)}
            pagination={false}
            expandable={{
              expandedRowRender: (entry) => <AuditChanges entry={entry} />,
              rowExpandable: (entry) => Boolean(entry.changes || entry.reason),
            }}
            locale={{ emptyText: t('audit.empty') }}
            data-testid="audit-table"
          />
          {audit.hasNextPage && (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button
                onClick={() => void audit.fetchNextPage()}
                loading={audit.isFetchingNextPage}
                data-testid="audit-load-more"
              >
                {t('common.loadMore')}
              </Button>
            </Flex>
          )}
        </>
      )}
    </Card>
  );
}
