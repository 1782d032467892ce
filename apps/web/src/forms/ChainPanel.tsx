import {
  Alert,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Progress,
  Row,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { formatDateTimeShort } from '../i18n/format';
import { useLocale } from '../i18n/useLocale';
import { SubmissionExportModal } from '../submissions/SubmissionExportModal';
import { type ChainEntry, type FormDetail, useFormChain } from './forms.api';
import { localLabel } from './labels';

/**
 * The organiser's view of a chain (接龙): every entry in full, and what is left of each option. Columns
 * and choices are worded by the server from the published versions (each entry as the version it was
 * given on), never from the draft being edited. Its export is the inbox's, unfiltered: the same masking,
 * purpose and audit, with the entries' numbers.
 */
export function ChainPanel({ detail, active }: { detail: FormDetail; active: boolean }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const chain = useFormChain(detail.id, active);
  const [exporting, setExporting] = useState(false);
  const choiceFields = chain.data?.fields ?? [];

  if (chain.isError) return <QueryErrorResult error={chain.error} onRetry={() => void chain.refetch()} />;

  const columns: TableColumnsType<ChainEntry> = [
    { key: 'no', title: t('forms.chain.no'), dataIndex: 'no', width: 64 },
    { key: 'name', title: t('forms.chain.name'), render: (_, e) => e.name ?? '' },
    { key: 'phone', title: t('forms.chain.phone'), render: (_, e) => e.phone ?? '' },
    { key: 'place', title: t('forms.chain.place'), render: (_, e) => e.place ?? '' },
    ...choiceFields.map((field) => ({
      key: `choice-${field.key}`,
      title: localLabel(field, locale),
      render: (_: unknown, e: ChainEntry) =>
        (e.choices[field.key] ?? []).map((choice) => localLabel(choice, locale)).join('、'),
    })),
    {
      key: 'at',
      title: t('forms.chain.submittedAt'),
      render: (_, e) => formatDateTimeShort(e.submittedAt),
    },
  ];

  // Places are counted on the version residents answer now: only its questions have places left.
  const remaining = chain.data?.remaining ?? {};
  const capacities = choiceFields
    .filter((field) => remaining[field.key])
    .map((field) => ({ field, options: field.options.filter((o) => o.capacity !== null) }))
    .filter((entry) => entry.options.length > 0);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="form-chain">
      {chain.data && !chain.data.clear && <Alert type="info" showIcon title={t('forms.chain.masked')} />}
      <Flex justify="flex-end">
        <Button
          disabled={!chain.data?.items.length}
          onClick={() => setExporting(true)}
          data-testid="chain-export"
        >
          {t('forms.chain.export')}
        </Button>
      </Flex>
      {capacities.length > 0 && (
        <Row gutter={[16, 16]}>
          {capacities.map(({ field, options }) => (
            <Col key={field.key} xs={24} md={12}>
              <Card size="small" title={localLabel(field, locale)}>
                {options.map((option) => {
                  const capacity = option.capacity ?? 0;
                  const left = remaining[field.key]?.[option.value] ?? capacity;
                  const taken = capacity - left;
                  return (
                    <div key={option.value} data-testid="chain-capacity">
                      <Typography.Text>{localLabel(option, locale)}</Typography.Text>
                      <Progress
                        percent={capacity ? Math.round((taken / capacity) * 100) : 0}
                        format={() => t('forms.chain.remaining', { remaining: left, capacity })}
                        status={left <= 0 ? 'exception' : 'normal'}
                      />
                    </div>
                  );
                })}
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <Table<ChainEntry>
        rowKey="no"
        size="small"
        loading={chain.isPending}
        columns={columns}
        dataSource={chain.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('forms.chain.empty')} /> }}
        data-testid="chain-entries"
      />
      {exporting && (
        <SubmissionExportModal
          form={{ id: detail.id, title: detail.title }}
          filter={{}}
          hint={t('forms.chain.exportHint')}
          onClose={() => setExporting(false)}
        />
      )}
    </Space>
  );
}
