import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dwelling, Household } from '@linli/shared';
import { Button, Card, Drawer, Empty, Flex, List, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { usePermission } from '../auth/session';
import { AddResidentDrawer } from './AddResidentDrawer';
import { ResidentStatusTag } from './ResidentStatusTag';
import { ResidentTagList } from './ResidentTags';
import { useHouseholds } from './residents.api';

interface HouseholdDrawerProps {
  dwelling: Dwelling;
  /** Shown to people who may manage buildings: the dwelling's own rename / archive dialog. */
  onEditDwelling?: () => void;
  onClose: () => void;
}

/** Who lives in one dwelling, household by household, from the building grid. */
export function HouseholdDrawer({ dwelling, onEditDwelling, onClose }: HouseholdDrawerProps) {
  const { t } = useTranslation();
  const canWrite = usePermission('resident.write');
  const households = useHouseholds(dwelling.id);
  const [adding, setAdding] = useState(false);
  const items = households.data?.items ?? [];

  return (
    <Drawer
      open
      size={560}
      title={<span data-testid="household-drawer-title">{dwelling.label}</span>}
      onClose={onClose}
      extra={
        <Space>
          {onEditDwelling && (
            <Button icon={<EditOutlined />} onClick={onEditDwelling} data-testid="household-edit-dwelling">
              {t('residents.editDwelling')}
            </Button>
          )}
          {canWrite && dwelling.status === 'active' && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setAdding(true)}
              data-testid="household-add-resident"
            >
              {t('residents.add')}
            </Button>
          )}
        </Space>
      }
    >
      <div data-testid="household-drawer">
        {households.isPending ? (
          <Spin />
        ) : households.isError ? (
          <QueryErrorResult error={households.error} onRetry={() => void households.refetch()} />
        ) : items.length === 0 ? (
          <Empty description={t('residents.noHouseholds')} />
        ) : (
          <Flex vertical gap={12}>
            {items.map((household) => (
              <HouseholdCard key={household.id} household={household} />
            ))}
          </Flex>
        )}
      </div>
      {adding && (
        <AddResidentDrawer dwelling={dwelling} households={items} onClose={() => setAdding(false)} />
      )}
    </Drawer>
  );
}

function HouseholdCard({ household }: { household: Household }) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      data-testid="household-card"
      title={
        <Space>
          <span>
            {household.headName
              ? t('residents.householdHead', { name: household.headName })
              : household.address}
          </span>
          <Typography.Text type="secondary">
            {t('residents.memberCount', { count: household.memberCount })}
          </Typography.Text>
        </Space>
      }
    >
      <List
        dataSource={household.members}
        renderItem={(member) => (
          <List.Item>
            <Space wrap>
              <Link to={`/residents/${member.id}`} data-testid="household-member" style={{ fontSize: 16 }}>
                {member.name}
              </Link>
              {member.relationToHead && (
                <Typography.Text type="secondary">
                  {t(`relationToHead.${member.relationToHead}`)}
                </Typography.Text>
              )}
              {member.age !== null && (
                <Typography.Text type="secondary">
                  {t('residents.ageValue', { age: member.age })}
                </Typography.Text>
              )}
              {member.status !== 'active' && <ResidentStatusTag status={member.status} />}
              <ResidentTagList tags={member.tags} />
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
