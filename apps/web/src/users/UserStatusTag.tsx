import type { User } from '@linli/shared';
import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';

export function UserStatusTag({ user }: { user: User }) {
  const { t } = useTranslation();
  const locked = user.lockedUntil !== null && Date.parse(user.lockedUntil) > Date.now();
  return (
    <Space size={4} wrap>
      <Tag color={user.status === 'active' ? 'green' : 'default'}>{t(`userStatus.${user.status}`)}</Tag>
      {locked && <Tag color="red">{t('users.locked')}</Tag>}
      {user.mustChangePassword && <Tag color="gold">{t('users.mustChangePassword')}</Tag>}
    </Space>
  );
}
