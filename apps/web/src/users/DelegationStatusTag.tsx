import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DelegationStatusValue } from './delegations.api';

const STATUS_COLORS: Record<DelegationStatusValue, string> = {
  scheduled: 'blue',
  active: 'green',
  ended: 'default',
  revoked: 'red',
};

export function DelegationStatusTag({ status }: { status: DelegationStatusValue }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLORS[status]}>{t(`delegationStatus.${status}`)}</Tag>;
}
