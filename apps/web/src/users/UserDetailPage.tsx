import type { User } from '@linli/shared';
import { Breadcrumb, Flex, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { usePermission } from '../auth/session';
import { DelegationsTable } from './DelegationsTable';
import { UserProfileCard } from './UserProfileCard';
import { UserRolesCard } from './UserRolesCard';
import { useUser } from './users.api';

export function UserDetailPage() {
  const { userId = '' } = useParams();
  const user = useUser(userId);
  if (user.isPending) return <Spin size="large" />;
  if (user.isError) return <QueryErrorResult error={user.error} onRetry={() => void user.refetch()} />;
  return <UserDetail user={user.data} />;
}

function UserDetail({ user }: { user: User }) {
  const { t } = useTranslation();
  const canReadDelegations = usePermission('delegation.read');
  return (
    <Flex vertical gap={16}>
      <Breadcrumb items={[{ title: <Link to="/users">{t('nav.users')}</Link> }, { title: user.name }]} />
      <UserProfileCard user={user} />
      <UserRolesCard user={user} />
      {canReadDelegations && (
        <DelegationsTable
          title={t('delegations.ofUser')}
          filter={{ userId: user.id }}
          perspective={user.id}
        />
      )}
    </Flex>
  );
}
