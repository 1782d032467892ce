import { PlusOutlined } from '@ant-design/icons';
import type { User } from '@linli/shared';
import { Button, Card, Flex, Input, Space, Table, type TableColumnsType, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useCurrentArea } from '../app/currentArea';
import { useDebouncedValue } from '../app/useDebouncedValue';
import { usePermission } from '../auth/session';
import { CreateUserDrawer } from './CreateUserDrawer';
import { RoleTag } from './RoleTag';
import { UserStatusTag } from './UserStatusTag';
import { useUserList } from './users.api';

export function UsersPage() {
  const { t } = useTranslation();
  const { current } = useCurrentArea();
  const canManage = usePermission('user.manage');
  const [search, setSearch] = useState('');
  const q = useDebouncedValue(search.trim());
  const users = useUserList({ q: q || undefined, areaId: current?.id });
  const [creating, setCreating] = useState(false);
  const rows = users.data?.pages.flatMap((page) => page.items) ?? [];

  const columns: TableColumnsType<User> = [
    {
      key: 'name',
      title: t('users.fields.name'),
      render: (_, user) => (
        <Link to={`/users/${user.id}`} data-testid="user-link">
          {user.name}
        </Link>
      ),
    },
    { key: 'username', title: t('users.fields.username'), dataIndex: 'username' },
    { key: 'phone', title: t('users.fields.phone'), render: (_, user) => user.phone ?? '' },
    { key: 'homeArea', title: t('users.fields.homeArea'), dataIndex: 'homeAreaName' },
    {
      key: 'roles',
      title: t('users.fields.roles'),
      render: (_, user) => (
        <Space size={[0, 4]} wrap>
          {user.grants.map((grant) => (
            <RoleTag key={grant.id} grant={grant} />
          ))}
        </Space>
      ),
    },
    { key: 'status', title: t('users.fields.status'), render: (_, user) => <UserStatusTag user={user} /> },
  ];

  return (
    <Card
      title={
        <Space orientation="vertical" size={0}>
          <span>{t('nav.users')}</span>
          {current && (
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
              {t('users.inArea', { area: current.name })}
            </Typography.Text>
          )}
        </Space>
      }
      extra={
        canManage && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setCreating(true)}
            data-testid="user-create"
          >
            {t('users.create')}
          </Button>
        )
      }
    >
      <Input.Search
        allowClear
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        placeholder={t('users.searchPlaceholder')}
        style={{ maxWidth: 420, marginBottom: 16 }}
        data-testid="user-search"
      />
      {users.isError ? (
        <QueryErrorResult error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <>
          <Table<User>
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={users.isPending || (users.isFetching && !users.isFetchingNextPage)}
            pagination={false}
            scroll={{ x: 'max-content' }}
            data-testid="user-table"
          />
          {users.hasNextPage && (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button onClick={() => void users.fetchNextPage()} loading={users.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Flex>
          )}
        </>
      )}
      {creating && <CreateUserDrawer defaultAreaId={current?.id} onClose={() => setCreating(false)} />}
    </Card>
  );
}
