import { CheckCircleOutlined, EditOutlined, KeyOutlined, StopOutlined } from '@ant-design/icons';
import type { User } from '@linli/shared';
import { App, Button, Card, Descriptions, Popconfirm, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotifyError } from '../api/useNotifyError';
import { usePermission, useSession } from '../auth/session';
import { formatDateTime } from '../i18n/format';
import { ResetPasswordModal } from './ResetPasswordModal';
import { UserEditModal } from './UserEditModal';
import { UserStatusTag } from './UserStatusTag';
import { useUpdateUser } from './users.api';

export function UserProfileCard({ user }: { user: User }) {
  const { t } = useTranslation();
  const me = useSession();
  const canManage = usePermission('user.manage');
  const [dialog, setDialog] = useState<'edit' | 'password' | null>(null);
  const isSelf = me.user.id === user.id;

  return (
    <Card
      title={user.name}
      extra={
        canManage && (
          <Space wrap>
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="user-edit">
              {t('common.edit')}
            </Button>
            <Button
              icon={<KeyOutlined />}
              onClick={() => setDialog('password')}
              data-testid="user-reset-password"
            >
              {t('users.resetPassword')}
            </Button>
            {!isSelf && <StatusToggle user={user} />}
          </Space>
        )
      }
    >
      <Descriptions
        column={{ xs: 1, md: 2 }}
        items={[
          { key: 'username', label: t('users.fields.username'), children: user.username },
          { key: 'phone', label: t('users.fields.phone'), children: user.phone ?? t('common.none') },
          { key: 'homeArea', label: t('users.fields.homeArea'), children: user.homeAreaName },
          { key: 'status', label: t('users.fields.status'), children: <UserStatusTag user={user} /> },
          { key: 'createdAt', label: t('users.fields.createdAt'), children: formatDateTime(user.createdAt) },
          ...(user.lockedUntil
            ? [
                {
                  key: 'locked',
                  label: t('users.fields.lockedUntil'),
                  children: formatDateTime(user.lockedUntil),
                },
              ]
            : []),
        ]}
      />
      {dialog === 'edit' && <UserEditModal user={user} onClose={() => setDialog(null)} />}
      {dialog === 'password' && <ResetPasswordModal user={user} onClose={() => setDialog(null)} />}
    </Card>
  );
}

function StatusToggle({ user }: { user: User }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const update = useUpdateUser();
  const notifyError = useNotifyError();
  const disabling = user.status === 'active';
  const toggle = () =>
    update.mutate(
      { id: user.id, version: user.version, status: disabling ? 'disabled' : 'active' },
      {
        onSuccess: (saved) =>
          void message.success(t(disabling ? 'users.disabled' : 'users.enabled', { name: saved.name })),
        onError: notifyError,
      },
    );
  return (
    <Popconfirm
      title={t(disabling ? 'users.disableConfirm' : 'users.enableConfirm', { name: user.name })}
      description={disabling ? t('users.disableHint') : undefined}
      okButtonProps={{ danger: disabling }}
      onConfirm={toggle}
    >
      <Button
        danger={disabling}
        icon={disabling ? <StopOutlined /> : <CheckCircleOutlined />}
        loading={update.isPending}
        data-testid="user-toggle-status"
      >
        {disabling ? t('users.disable') : t('users.enable')}
      </Button>
    </Popconfirm>
  );
}
