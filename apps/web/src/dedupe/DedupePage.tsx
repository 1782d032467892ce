import { DEDUPE_REASONS, type DedupeCandidate, type DedupeReason, type MergeRecord } from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Popconfirm,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { errorText } from '../api/errors';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { AreaTreeSelect } from '../areas/AreaTreeSelect';
import { formatDateTimeShort } from '../i18n/format';
import { CompareDrawer } from './CompareDrawer';
import { type CandidateFilter, useCandidates, useMerge, useMerges, useUndoMerge } from './dedupe.api';

const COMMUNITY_ONLY = ['community'] as const;

function CandidatesTab() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<CandidateFilter>({});
  const [pair, setPair] = useState<{ a: string; b: string } | null>(null);
  const candidates = useCandidates(filter);

  const person = (side: 'a' | 'b') => (_: unknown, c: DedupeCandidate) => {
    const r = c[side];
    return (
      <Space direction="vertical" size={0}>
        <Link to={`/residents/${r.id}`}>{r.name}</Link>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {[r.birthDate, r.idNumberMasked, r.phoneMasked].filter(Boolean).join(' · ')}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {r.address}
          {r.status !== 'active' && ` · ${t(`residentStatus.${r.status as 'active'}`)}`}
        </Typography.Text>
      </Space>
    );
  };

  const columns: TableColumnsType<DedupeCandidate> = [
    { key: 'a', title: t('dedupe.recordA'), render: person('a') },
    { key: 'b', title: t('dedupe.recordB'), render: person('b') },
    {
      key: 'reasons',
      title: t('dedupe.reasons'),
      render: (_, c) => (
        <Space size={[0, 4]} wrap>
          {c.reasons.map((r) => (
            <Tag key={r} color={r === 'same_id' ? 'red' : 'blue'} data-testid="dedupe-reason" data-reason={r}>
              {t(`dedupe.reason.${r}`)}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      width: 100,
      render: (_, c) => (
        <Button size="small" onClick={() => setPair({ a: c.a.id, b: c.b.id })} data-testid="dedupe-review">
          {t('dedupe.review')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <Form<{ reason?: DedupeReason; communityId?: string }>
        layout="inline"
        style={{ rowGap: 12, marginBottom: 16 }}
        onValuesChange={(_, v) =>
          setFilter({ reason: v.reason || undefined, communityId: v.communityId || undefined })
        }
      >
        <Form.Item name="reason" label={t('dedupe.reasons')}>
          <Select
            allowClear
            style={{ width: 220 }}
            placeholder={t('dedupe.anyReason')}
            options={DEDUPE_REASONS.map((value) => ({ value, label: t(`dedupe.reason.${value}`) }))}
            data-testid="dedupe-reason-filter"
          />
        </Form.Item>
        <Form.Item name="communityId" label={t('dedupe.community')}>
          <AreaTreeSelect allowClear allowedKinds={COMMUNITY_ONLY} style={{ width: 240 }} />
        </Form.Item>
      </Form>
      {candidates.isError ? (
        <QueryErrorResult error={candidates.error} onRetry={() => void candidates.refetch()} />
      ) : (
        <>
          {candidates.data?.truncated && (
            <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('dedupe.truncated')} />
          )}
          <Table<DedupeCandidate>
            rowKey={(c) => `${c.a.id}|${c.b.id}`}
            columns={columns}
            dataSource={candidates.data?.items ?? []}
            loading={candidates.isPending || candidates.isFetching}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: t('dedupe.noCandidates') }}
            data-testid="dedupe-candidates"
          />
        </>
      )}
      <CompareDrawer pair={pair} onClose={() => setPair(null)} />
    </>
  );
}

function UndoButton({ record }: { record: MergeRecord }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const undo = useUndoMerge();
  if (record.status !== 'merged') return null;
  return (
    <Popconfirm
      title={t('dedupe.undoConfirm', { survivor: record.survivorName, merged: record.mergedName })}
      onConfirm={() =>
        undo.mutate(
          { id: record.id, version: record.version },
          {
            onSuccess: () => void message.success(t('dedupe.undone')),
            onError: (error) => void message.error(errorText(error), 8),
          },
        )
      }
    >
      <Button size="small" danger loading={undo.isPending} data-testid="dedupe-undo">
        {t('dedupe.undo')}
      </Button>
    </Popconfirm>
  );
}

function MergesTab({ focus }: { focus: string | null }) {
  const { t } = useTranslation();
  const merges = useMerges();
  const focused = useMerge(focus);
  const fieldList = (r: MergeRecord) =>
    r.takenFromMerged.length
      ? r.takenFromMerged.map((f) => t(`dedupe.fields.${f}`)).join('、')
      : t('common.none');

  const columns: TableColumnsType<MergeRecord> = [
    { key: 'at', title: t('dedupe.mergedAt'), width: 160, render: (_, r) => formatDateTimeShort(r.mergedAt) },
    {
      key: 'survivor',
      title: t('dedupe.survivor'),
      render: (_, r) => <Link to={`/residents/${r.survivorId}`}>{r.survivorName}</Link>,
    },
    {
      key: 'merged',
      title: t('dedupe.mergedRecord'),
      render: (_, r) => <Link to={`/residents/${r.mergedId}`}>{r.mergedName}</Link>,
    },
    { key: 'fields', title: t('dedupe.takenFromMerged'), render: (_, r) => fieldList(r) },
    { key: 'by', title: t('dedupe.by'), render: (_, r) => r.mergedByName ?? '' },
    {
      key: 'status',
      title: t('dedupe.status'),
      render: (_, r) => (
        <span data-testid="merge-status" data-status={r.status}>
          {r.status === 'merged' ? (
            <Tag color="green">{t('dedupe.mergeStatus.merged')}</Tag>
          ) : (
            <Tag>
              {t('dedupe.mergeStatus.undone')} {formatDateTimeShort(r.undoneAt)} {r.undoneByName ?? ''}
            </Tag>
          )}
        </span>
      ),
    },
    { key: 'actions', title: t('common.actions'), width: 90, render: (_, r) => <UndoButton record={r} /> },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      {focus &&
        (focused.isError ? (
          <QueryErrorResult error={focused.error} onRetry={() => void focused.refetch()} />
        ) : (
          focused.data && (
            <Card size="small" title={t('dedupe.fromAudit')} data-testid="merge-focus">
              <Flex justify="space-between" align="center" wrap gap={8}>
                <span>
                  {t('dedupe.focusLine', {
                    merged: focused.data.mergedName,
                    survivor: focused.data.survivorName,
                    at: formatDateTimeShort(focused.data.mergedAt),
                  })}{' '}
                  · {t('dedupe.takenFromMerged')}：{fieldList(focused.data)}
                </span>
                {focused.data.status === 'merged' ? (
                  <UndoButton record={focused.data} />
                ) : (
                  <Tag>{t('dedupe.mergeStatus.undone')}</Tag>
                )}
              </Flex>
            </Card>
          )
        ))}
      {merges.isError ? (
        <QueryErrorResult error={merges.error} onRetry={() => void merges.refetch()} />
      ) : (
        <Table<MergeRecord>
          rowKey="id"
          columns={columns}
          dataSource={merges.data?.items ?? []}
          loading={merges.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          rowClassName={(r) => (r.id === focus ? 'ant-table-row-selected' : '')}
          locale={{ emptyText: t('dedupe.noMerges') }}
          data-testid="dedupe-merges"
        />
      )}
    </Space>
  );
}

/** 查重合并: likely duplicates to review, and the merges done so far (each can be undone). */
export function DedupePage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const focus = params.get('merge');
  const tab = focus ? 'merges' : (params.get('tab') ?? 'candidates');
  return (
    <Card title={t('nav.dedupe')}>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'candidates' ? {} : { tab: key })}
        items={[
          { key: 'candidates', label: t('dedupe.candidatesTab'), children: <CandidatesTab /> },
          { key: 'merges', label: t('dedupe.mergesTab'), children: <MergesTab focus={focus} /> },
        ]}
      />
    </Card>
  );
}
