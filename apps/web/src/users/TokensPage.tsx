import { PlusOutlined } from '@ant-design/icons';
import type { ApiToken } from '@linli/shared';
import { App, Button, Card, Popconfirm, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useNotifyError } from '../api/useNotifyError';
import { formatDateTimeShort } from '../i18n/format';
import { CreateTokenModal } from './CreateTokenModal';
import { TokenSecretModal } from './TokenSecretModal';
import { type ApiTokenWithSecret, useApiTokens, useRevokeApiToken } from './tokens.api';

type TokenState = 'active' | 'expired' | 'revoked';

function tokenState(token: ApiToken): TokenState {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

const STATE_COLORS: Record<TokenState, string> = { active: 'green', expired: 'default', revoked: 'red' };

export function TokensPage() {
  const { t } = useTranslation();
  const tokens = useApiTokens();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiTokenWithSecret | null>(null);

  const columns: TableColumnsType<ApiToken> = [
    { key: 'name', title: t('tokens.fields.name'), dataIndex: 'name' },
    {
      key: 'prefix',
      title: t('tokens.fields.prefix'),
      render: (_, token) => <Typography.Text code>{token.prefix}…</Typography.Text>,
    },
    {
      key: 'role',
      title: t('tokens.fields.role'),
      render: (_, token) => `${t(`role.${token.role}`)} · ${token.areaName}`,
    },
    {
      key: 'created',
      title: t('tokens.fields.createdAt'),
      render: (_, token) => formatDateTimeShort(token.createdAt),
    },
    {
      key: 'expires',
      title: t('tokens.fields.expiresAt'),
      render: (_, token) => (token.expiresAt ? formatDateTimeShort(token.expiresAt) : t('tokens.never')),
    },
    {
      key: 'lastUsed',
      title: t('tokens.fields.lastUsedAt'),
      render: (_, token) =>
        token.lastUsedAt ? formatDateTimeShort(token.lastUsedAt) : t('tokens.neverUsed'),
    },
    {
      key: 'state',
      title: t('tokens.fields.status'),
      render: (_, token) => {
        const state = tokenState(token);
        return <Tag color={STATE_COLORS[state]}>{t(`tokens.state.${state}`)}</Tag>;
      },
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, token) => (tokenState(token) === 'active' ? <RevokeTokenButton token={token} /> : null),
    },
  ];

  return (
    <Card
      title={t('nav.tokens')}
      extra={
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => setCreating(true)}
          data-testid="token-create"
        >
          {t('tokens.create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('tokens.intro')}</Typography.Paragraph>
      {tokens.isError ? (
        <QueryErrorResult error={tokens.error} onRetry={() => void tokens.refetch()} />
      ) : (
        <Table<ApiToken>
          rowKey="id"
          columns={columns}
          dataSource={tokens.data?.items}
          loading={tokens.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('tokens.empty') }}
          data-testid="token-table"
        />
      )}
      {creating && (
        <CreateTokenModal
          onClose={() => setCreating(false)}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
          }}
        />
      )}
      {created && <TokenSecretModal token={created} onClose={() => setCreated(null)} />}
    </Card>
  );
}

function RevokeTokenButton({ token }: { token: ApiToken }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const revoke = useRevokeApiToken();
  const notifyError = useNotifyError();
  return (
    <Popconfirm
      title={t('tokens.revokeConfirm', { name: token.name })}
      description={t('tokens.revokeHint')}
      okButtonProps={{ danger: true }}
      onConfirm={() =>
        revoke.mutate(token.id, {
          onSuccess: () => void message.success(t('tokens.revoked', { name: token.name })),
          onError: notifyError,
        })
      }
    >
      <Button type="link" danger loading={revoke.isPending} data-testid="token-revoke">
        {t('tokens.revoke')}
      </Button>
    </Popconfirm>
  );
}
