import { PlusOutlined } from '@ant-design/icons';
import { DELEGATION_STATUSES } from '@linli/shared';
import { Button, Flex, Segmented, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePermission } from '../auth/session';
import { DelegationFormModal } from './DelegationFormModal';
import { DelegationsTable } from './DelegationsTable';
import type { DelegationStatusValue } from './delegations.api';

type StatusFilter = DelegationStatusValue | 'all';

export function DelegationsPage() {
  const { t } = useTranslation();
  const canManage = usePermission('delegation.manage');
  const [status, setStatus] = useState<StatusFilter>('all');
  const [creating, setCreating] = useState(false);

  return (
    <Flex vertical gap={16}>
      <DelegationsTable
        title={t('nav.delegations')}
        filter={status === 'all' ? {} : { status }}
        extra={
          <Space wrap>
            <Segmented<StatusFilter>
              value={status}
              onChange={setStatus}
              options={[
                { value: 'all', label: t('delegations.allStatuses') },
                ...DELEGATION_STATUSES.map((value) => ({ value, label: t(`delegationStatus.${value}`) })),
              ]}
              data-testid="delegation-status-filter"
            />
            {canManage && (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setCreating(true)}
                data-testid="delegation-create"
              >
                {t('delegations.create')}
              </Button>
            )}
          </Space>
        }
      />
      {creating && <DelegationFormModal onClose={() => setCreating(false)} />}
    </Flex>
  );
}
