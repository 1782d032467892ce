import { PlusOutlined } from '@ant-design/icons';
import { FORM_STATUSES } from '@linli/shared';
import { Button, Card, Flex, Segmented, Space, Table, type TableColumnsType, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { usePermission } from '../auth/session';
import { formatDateTimeShort } from '../i18n/format';
import { CreateFormModal } from './CreateFormModal';
import { FormStatusTag } from './FormStatusTag';
import { type FormStatus, type FormSummary, useForms } from './forms.api';

/**
 * Forms and chain sign-ups of the caller's areas, and the street-wide forms of their street: those are
 * tagged, and read only unless the caller manages forms for the whole street.
 */
export function FormsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const canManage = usePermission('form.manage');
  const [status, setStatus] = useState<FormStatus | 'all'>('all');
  const [creating, setCreating] = useState(false);
  const forms = useForms(status);
  const rows = forms.data?.pages.flatMap((page) => page.items) ?? [];

  const columns: TableColumnsType<FormSummary> = [
    {
      key: 'title',
      title: t('forms.fields.title'),
      render: (_, row) => (
        <Link to={`/forms/${row.id}`} data-testid="form-link" style={{ fontSize: 16 }}>
          {row.title}
        </Link>
      ),
    },
    {
      key: 'mode',
      title: t('forms.fields.mode'),
      render: (_, row) => (
        <Tag color={row.mode === 'chain' ? 'purple' : 'blue'}>{t(`forms.mode.${row.mode}`)}</Tag>
      ),
    },
    {
      key: 'area',
      title: t('forms.fields.area'),
      render: (_, row) => (
        <Space size={4} wrap>
          {row.areaName}
          {row.communityId === null && (
            <Tag color="geekblue" data-testid="form-street-wide">
              {t('forms.streetWide')}
            </Tag>
          )}
          {canManage && !row.canManage && <Tag data-testid="form-read-only">{t('forms.readOnly')}</Tag>}
        </Space>
      ),
    },
    {
      key: 'status',
      title: t('forms.fields.status'),
      render: (_, row) => <FormStatusTag status={row.status} state={row.state} />,
    },
    {
      key: 'version',
      title: t('forms.fields.currentVersion'),
      render: (_, row) => (row.currentVersionNo === null ? '—' : `v${row.currentVersionNo}`),
    },
    { key: 'answers', title: t('forms.fields.answers'), dataIndex: 'submissionCount', align: 'right' },
    {
      key: 'opensAt',
      title: t('forms.fields.opensAt'),
      render: (_, row) => formatDateTimeShort(row.opensAt) || '—',
    },
    {
      key: 'closesAt',
      title: t('forms.fields.closesAt'),
      render: (_, row) => formatDateTimeShort(row.closesAt) || '—',
    },
  ];

  return (
    <Card
      title={t('nav.forms')}
      extra={
        <Space wrap>
          <Segmented
            value={status}
            onChange={(value) => setStatus(value as FormStatus | 'all')}
            options={[
              { value: 'all', label: t('forms.status.all') },
              ...FORM_STATUSES.map((value) => ({ value, label: t(`forms.status.${value}`) })),
            ]}
            data-testid="forms-status-filter"
          />
          {canManage && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="form-new"
            >
              {t('forms.create')}
            </Button>
          )}
        </Space>
      }
    >
      {forms.isError ? (
        <QueryErrorResult error={forms.error} onRetry={() => void forms.refetch()} />
      ) : (
        <>
          <Table<FormSummary>
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={forms.isPending}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('forms.empty') }}
            onRow={(row) => ({
              onClick: (event) => {
                if ((event.target as HTMLElement).closest('a')) return;
                navigate(`/forms/${row.id}`);
              },
              style: { cursor: 'pointer' },
            })}
            data-testid="forms-table"
          />
          {forms.hasNextPage && (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button onClick={() => void forms.fetchNextPage()} loading={forms.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Flex>
          )}
        </>
      )}
      {creating && (
        <CreateFormModal
          onClose={() => setCreating(false)}
          onCreated={(form) => navigate(`/forms/${form.id}`)}
        />
      )}
    </Card>
  );
}
