import type { Delegation } from '@linli/shared';
import { Button, Card, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { usePermission } from '../auth/session';
import { formatDateTimeShort } from '../i18n/format';
import { DelegationStatusTag } from './DelegationStatusTag';
import { type DelegationFilter, useDelegations } from './delegations.api';
import { RevokeDelegationModal } from './RevokeDelegationModal';

interface DelegationsTableProps {
  title: ReactNode;
  filter: DelegationFilter;
  /** On a person's page: mark each row as given or received by that person. */
  perspective?: string;
  extra?: ReactNode;
}

export function DelegationsTable({ title, filter, perspective, extra }: DelegationsTableProps) {
  const { t } = useTranslation();
  const canManage = usePermission('delegation.manage');
  const delegations = useDelegations(filter);
  const [revoking, setRevoking] = useState<Delegation | null>(null);

  const columns: TableColumnsType<Delegation> = [
    ...(perspective
      ? [
          {
            key: 'direction',
            title: t('delegations.fields.direction'),
            render: (_: unknown, delegation: Delegation) =>
              delegation.granteeId === perspective ? (
                <Tag color="purple">{t('delegations.received')}</Tag>
              ) : (
                <Tag>{t('delegations.given')}</Tag>
              ),
          },
        ]
      : []),
    {
      key: 'grantee',
      title: t('delegations.fields.grantee'),
      render: (_, delegation) => <Link to={`/users/${delegation.granteeId}`}>{delegation.granteeName}</Link>,
    },
    {
      key: 'title',
      title: t('delegations.fields.title'),
      render: (_, delegation) => t(`delegationTitle.${delegation.title}`),
    },
    {
      key: 'role',
      title: t('delegations.fields.roleInArea'),
      render: (_, delegation) => `${t(`role.${delegation.role}`)} · ${delegation.areaName}`,
    },
    {
      key: 'window',
      title: t('delegations.fields.window'),
      render: (_, delegation) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {formatDateTimeShort(delegation.startsAt)}
          <br />
          {formatDateTimeShort(delegation.endsAt)}
        </span>
      ),
    },
    {
      key: 'status',
      title: t('delegations.fields.status'),
      render: (_, delegation) => <DelegationStatusTag status={delegation.status} />,
    },
    {
      key: 'grantor',
      title: t('delegations.fields.grantor'),
      render: (_, delegation) => <Link to={`/users/${delegation.grantorId}`}>{delegation.grantorName}</Link>,
    },
    {
      key: 'reason',
      title: t('delegations.fields.reason'),
      render: (_, delegation) => (
        <Typography.Paragraph
          ellipsis={{ rows: 2, tooltip: delegation.reason }}
          style={{ margin: 0, maxWidth: 260 }}
        >
          {delegation.reason}
          {delegation.revokedAt && (
            <Typography.Text type="secondary">
              {' '}
              {t('delegations.revokedBy', {
                name: delegation.revokedByName ?? '',
                time: formatDateTimeShort(delegation.revokedAt),
              })}
            </Typography.Text>
          )}
        </Typography.Paragraph>
      ),
    },
    ...(canManage
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, delegation: Delegation) =>
              delegation.status === 'active' || delegation.status === 'scheduled' ? (
                <Button
                  type="link"
                  danger
                  onClick={() => setRevoking(delegation)}
                  data-testid="delegation-revoke"
                >
                  {t('delegations.revoke')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <Card title={title} extra={extra}>
      {delegations.isError ? (
        <QueryErrorResult error={delegations.error} onRetry={() => void delegations.refetch()} />
      ) : (
        <Table<Delegation>
          data-testid="delegation-table"
          rowKey="id"
          columns={columns}
          dataSource={delegations.data?.items}
          loading={delegations.isPending}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('delegations.empty') }}
        />
      )}
      {revoking && <RevokeDelegationModal delegation={revoking} onClose={() => setRevoking(null)} />}
    </Card>
  );
}
