import { SUBMISSION_BULK_MAX, SUBMISSION_STATUSES, type SubmissionStatus } from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Flex,
  InputNumber,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useNotifyError } from '../api/useNotifyError';
import { usePermission } from '../auth/session';
import { formatDateTimeShort } from '../i18n/format';
import { RejectModal } from './RejectModal';
import { SubmissionExportModal } from './SubmissionExportModal';
import { SubmissionStatusTag } from './SubmissionStatusTag';
import {
  type SubmissionFilter,
  type SubmissionItem,
  useBulkMark,
  useInboxForms,
  useSubmissions,
} from './submissions.api';

/** The inbox: every answer within the caller's reach, newest first, masked. */
export function SubmissionsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const notifyError = useNotifyError();
  const mayHandle = usePermission('form.apply');
  const [params] = useSearchParams();
  // A form's page links here with ?formId=…: the inbox opens on that form's answers.
  const [filter, setFilter] = useState<SubmissionFilter>(() => {
    const formId = params.get('formId');
    return formId ? { formId } : {};
  });
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [rejecting, setRejecting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const forms = useInboxForms();
  const submissions = useSubmissions(filter);
  const bulk = useBulkMark();
  const rows = submissions.data?.pages.flatMap((page) => page.items) ?? [];
  const chosenForm = forms.data?.items.find((f) => f.id === filter.formId);

  const update = (patch: SubmissionFilter) => {
    setSelected([]);
    setFilter((current) => ({ ...current, ...patch }));
  };

  const markReviewed = () =>
    bulk.mutate(
      { ids: selected, status: 'reviewed' },
      {
        onSuccess: (result) => {
          void message.success(t('submissions.bulkDone', { count: result.updated }));
          setSelected([]);
        },
        onError: notifyError,
      },
    );

  const columns: TableColumnsType<SubmissionItem> = [
    {
      key: 'submittedAt',
      title: t('submissions.columns.submittedAt'),
      render: (_, s) => (
        <Link to={`/submissions/${s.id}`} data-testid="submission-link" style={{ whiteSpace: 'nowrap' }}>
          {formatDateTimeShort(s.submittedAt)}
        </Link>
      ),
    },
    {
      key: 'form',
      title: t('submissions.columns.form'),
      render: (_, s) => (
        <span>
          {s.formTitle}{' '}
          <Typography.Text type="secondary">{t('submissions.versionNo', { n: s.versionNo })}</Typography.Text>
        </span>
      ),
    },
    { key: 'name', title: t('submissions.columns.name'), render: (_, s) => s.maskedName ?? '' },
    {
      key: 'phone',
      title: t('submissions.columns.phone'),
      render: (_, s) => <span className="tabular">{s.phoneMasked ?? ''}</span>,
    },
    {
      key: 'idNumber',
      title: t('submissions.columns.idNumber'),
      render: (_, s) => <span className="tabular">{s.idNumberMasked ?? ''}</span>,
    },
    { key: 'place', title: t('submissions.columns.place'), render: (_, s) => s.place ?? '' },
    {
      key: 'matched',
      title: t('submissions.columns.matched'),
      render: (_, s) =>
        s.matched ? (
          <Tag color="green">{t('submissions.filters.matchedYes')}</Tag>
        ) : s.nameAtAddress ? (
          <Tooltip title={t('submissions.list.nameAtAddressHint')}>
            <Tag color="gold">{t('submissions.match.reason.name_dwelling')}</Tag>
          </Tooltip>
        ) : (
          <Tag>{t('submissions.filters.matchedNo')}</Tag>
        ),
    },
    {
      key: 'status',
      title: t('submissions.columns.status'),
      render: (_, s) => <SubmissionStatusTag status={s.status} />,
    },
    { key: 'reference', title: t('submissions.columns.reference'), dataIndex: 'reference' },
  ];

  return (
    <Card title={t('nav.submissions')}>
      <Flex vertical gap={12} style={{ marginBottom: 16 }}>
        <Space wrap>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={forms.isPending}
            value={filter.formId}
            onChange={(value: string | undefined) => update({ formId: value, versionNo: undefined })}
            placeholder={t('submissions.filters.form')}
            options={(forms.data?.items ?? []).map((f) => ({ value: f.id, label: f.title }))}
            style={{ minWidth: 220 }}
            data-testid="submission-filter-form"
          />
          <InputNumber
            min={1}
            max={chosenForm?.currentVersionNo ?? undefined}
            precision={0}
            value={filter.versionNo}
            onChange={(value) => update({ versionNo: value ?? undefined })}
            placeholder={t('submissions.filters.version')}
            style={{ width: 100 }}
            data-testid="submission-filter-version"
          />
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            value={range}
            onChange={(value) => {
              setRange(value);
              update({ from: value?.[0]?.format() ?? undefined, to: value?.[1]?.format() ?? undefined });
            }}
            placeholder={[t('submissions.filters.from'), t('submissions.filters.to')]}
            data-testid="submission-filter-range"
          />
          <Select
            allowClear
            value={filter.status}
            onChange={(value: SubmissionStatus | undefined) => update({ status: value })}
            placeholder={t('submissions.filters.status')}
            options={SUBMISSION_STATUSES.map((value) => ({ value, label: t(`submissions.status.${value}`) }))}
            style={{ minWidth: 130 }}
            data-testid="submission-filter-status"
          />
          <Select
            allowClear
            value={filter.matched}
            onChange={(value: 'yes' | 'no' | undefined) => update({ matched: value })}
            placeholder={t('submissions.filters.matched')}
            options={[
              { value: 'yes', label: t('submissions.filters.matchedYes') },
              { value: 'no', label: t('submissions.filters.matchedNo') },
            ]}
            style={{ minWidth: 130 }}
            data-testid="submission-filter-matched"
          />
        </Space>
        <Space wrap>
          {mayHandle && (
            <>
              <Typography.Text type="secondary">
                {t('submissions.selected', { count: selected.length })}
              </Typography.Text>
              <Button
                disabled={!selected.length}
                loading={bulk.isPending}
                onClick={markReviewed}
                data-testid="submission-bulk-reviewed"
              >
                {t('submissions.markReviewed')}
              </Button>
              <Button
                danger
                disabled={!selected.length}
                onClick={() => setRejecting(true)}
                data-testid="submission-bulk-reject"
              >
                {t('submissions.reject')}
              </Button>
            </>
          )}
          <Tooltip title={chosenForm ? undefined : t('submissions.exportNeedsForm')}>
            <Button disabled={!chosenForm} onClick={() => setExporting(true)} data-testid="submission-export">
              {t('submissions.export')}
            </Button>
          </Tooltip>
        </Space>
        {selected.length >= SUBMISSION_BULK_MAX && (
          <Alert type="info" showIcon title={t('submissions.bulkMax', { max: SUBMISSION_BULK_MAX })} />
        )}
      </Flex>
      {submissions.isError ? (
        <QueryErrorResult error={submissions.error} onRetry={() => void submissions.refetch()} />
      ) : (
        <>
          <Table<SubmissionItem>
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={submissions.isPending}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('submissions.empty') }}
            rowSelection={
              mayHandle
                ? {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected((keys as string[]).slice(0, SUBMISSION_BULK_MAX)),
                    getCheckboxProps: (s) => ({
                      disabled: s.status === 'applied' || s.status === 'withdrawn',
                    }),
                  }
                : undefined
            }
            onRow={(s) => ({
              onClick: (event) => {
                if ((event.target as HTMLElement).closest('a, .ant-table-selection-column')) return;
                navigate(`/submissions/${s.id}`);
              },
              style: { cursor: 'pointer' },
            })}
            data-testid="submission-table"
          />
          {submissions.hasNextPage && (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button
                onClick={() => void submissions.fetchNextPage()}
                loading={submissions.isFetchingNextPage}
              >
                {t('common.loadMore')}
              </Button>
            </Flex>
          )}
        </>
      )}
      {rejecting && (
        <RejectModal
          count={selected.length}
          onReject={async (reason) => {
            const result = await bulk.mutateAsync({ ids: selected, status: 'rejected', reason });
            void message.success(t('submissions.bulkDone', { count: result.updated }));
            setSelected([]);
          }}
          onClose={() => setRejecting(false)}
        />
      )}
      {exporting && chosenForm && (
        <SubmissionExportModal
          form={{ id: chosenForm.id, title: chosenForm.title }}
          filter={filter}
          onClose={() => setExporting(false)}
        />
      )}
    </Card>
  );
}
