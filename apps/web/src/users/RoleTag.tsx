import type { RoleGrant } from '@linli/shared';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTimeShort } from '../i18n/format';

/** "社工 · 示例社区"; delegated roles are orange and say when they end. */
export function RoleTag({ grant }: { grant: RoleGrant }) {
  const { t } = useTranslation();
  const text = `${t(`role.${grant.role}`)} · ${grant.areaName}`;
  if (grant.via !== 'delegation') return <Tag color="blue">{text}</Tag>;
  return (
    <Tooltip title={t('users.delegatedUntil', { time: formatDateTimeShort(grant.endsAt) })}>
      <Tag color="orange">
        {text} · {t('users.viaDelegation')}
      </Tag>
    </Tooltip>
  );
}
