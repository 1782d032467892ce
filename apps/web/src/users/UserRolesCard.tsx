import { PlusOutlined } from '@ant-design/icons';
import type { Role, RoleGrant, User } from '@linli/shared';
import { App, Button, Card, Divider, Flex, Form, Popconfirm, Table, type TableColumnsType, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useNotifyError } from '../api/useNotifyError';
import { useCurrentArea } from '../app/currentArea';
import { usePermission, useSession } from '../auth/session';
import { formatDateTimeShort } from '../i18n/format';
import { RoleAreaFields } from './RoleAreaFields';
import { grantableRoles } from './roles';
import { useGrantRole, useRevokeGrant } from './users.api';

export function UserRolesCard({ user }: { user: User }) {
  const { t } = useTranslation();
  const me = useSession();
  const canManage = usePermission('user.manage');
  // The server refuses changes to one's own roles; do not offer them.
  const editable = canManage && me.user.id !== user.id;

  const columns: TableColumnsType<RoleGrant> = [
    { key: 'role', title: t('users.fields.role'), render: (_, grant) => t(`role.${grant.role}`) },
    { key: 'area', title: t('users.fields.roleArea'), dataIndex: 'areaName' },
    {
      key: 'via',
      title: t('users.fields.via'),
      render: (_, grant) =>
        grant.via === 'delegation' ? (
          <Tag color="orange">
            {t('users.viaDelegation')} ·{' '}
            {t('users.delegatedUntil', { time: formatDateTimeShort(grant.endsAt) })}
          </Tag>
        ) : (
          <Tag color="blue">{t('users.viaGrant')}</Tag>
        ),
    },
    ...(editable
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, grant: RoleGrant) =>
              grant.via === 'grant' ? <RevokeGrantButton user={user} grant={grant} /> : null,
          },
        ]
      : []),
  ];

  return (
    <Card title={t('users.rolesTitle')}>
      <Table<RoleGrant>
        rowKey="id"
        columns={columns}
        dataSource={user.grants}
        pagination={false}
        locale={{ emptyText: t('users.noRoles') }}
        data-testid="user-roles"
      />
      {editable && (
        <>
          <Divider titlePlacement="start">{t('users.grantRole')}</Divider>
          <GrantRoleForm user={user} roles={grantableRoles(me.grants)} />
        </>
      )}
    </Card>
  );
}

function RevokeGrantButton({ user, grant }: { user: User; grant: RoleGrant }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const revoke = useRevokeGrant();
  const notifyError = useNotifyError();
  return (
    <Popconfirm
      title={t('users.revokeRoleConfirm', { role: t(`role.${grant.role}`), area: grant.areaName })}
      okButtonProps={{ danger: true }}
      onConfirm={() =>
        revoke.mutate(
          { userId: user.id, grantId: grant.id },
          { onSuccess: () => void message.success(t('users.roleRevoked')), onError: notifyError },
        )
      }
    >
      <Button type="link" danger loading={revoke.isPending}>
        {t('users.revokeRole')}
      </Button>
    </Popconfirm>
  );
}

const GRANT_CODE_FIELDS = { 'user.scope_kind_mismatch': ['areaId'], 'user.role_not_allowed': ['role'] };

interface GrantValues {
  role: Role;
  areaId: string;
}

function GrantRoleForm({ user, roles }: { user: User; roles: readonly Role[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { current } = useCurrentArea();
  const [form] = Form.useForm<GrantValues>();
  const grant = useGrantRole();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, {
    codeFields: GRANT_CODE_FIELDS,
  });

  const submit = (values: GrantValues) => {
    clearFormError();
    grant.mutate(
      { userId: user.id, ...values },
      {
        onSuccess: () => {
          void message.success(t('users.roleGranted'));
          form.resetFields();
        },
        onError: handleError,
      },
    );
  };

  return (
    <>
      <FormErrorAlert error={formError} />
      <Form form={form} layout="vertical" initialValues={{ areaId: current?.id }} onFinish={submit}>
        <Flex gap={12} align="end" wrap>
          <RoleAreaFields form={form} prefix={[]} roles={roles} testIdPrefix="grant" />
          <Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              icon={<PlusOutlined />}
              loading={grant.isPending}
              data-testid="grant-submit"
            >
              {t('users.grantRole')}
            </Button>
          </Form.Item>
        </Flex>
      </Form>
    </>
  );
}
