import { EditOutlined, PlusOutlined, TagsOutlined } from '@ant-design/icons';
import type { Dwelling, Household } from '@linli/shared';
import {
  Button,
  Card,
  Collapse,
  Drawer,
  Empty,
  Flex,
  List,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { DwellingProfileCard } from '../areas/DwellingProfileCard';
import { usePermission } from '../auth/session';
import { useLocale } from '../i18n/useLocale';
import { AddResidentDrawer } from './AddResidentDrawer';
import { HouseholdTagsModal, householdTagLabel } from './HouseholdTagsModal';
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
        <div style={{ marginBottom: 12 }}>
          <DwellingProfileCard dwelling={dwelling} canWrite={canWrite} />
        </div>
        {households.isPending ? (
          <Spin />
        ) : households.isError ? (
          <QueryErrorResult error={households.error} onRetry={() => void households.refetch()} />
        ) : items.length === 0 ? (
          <Empty description={t('residents.noHouseholds')} />
        ) : (
          <Flex vertical gap={12}>
            {items.map((household) => (
              <HouseholdCard key={household.id} household={household} canWrite={canWrite} />
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

function HouseholdCard({ household, canWrite }: { household: Household; canWrite: boolean }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const [editingTags, setEditingTags] = useState(false);
  return (
    <Card
      size="small"
      data-testid="household-card"
      extra={
        canWrite &&
        household.status === 'active' && (
          <Button
            size="small"
            icon={<TagsOutlined />}
            onClick={() => setEditingTags(true)}
            data-testid="household-edit-tags"
          >
            {t('register.household.editTags')}
          </Button>
        )
      }
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
      <Space wrap size={4} style={{ marginTop: 8 }} data-testid="household-tags">
        <Typography.Text type="secondary">{t('register.household.tags')}：</Typography.Text>
        {household.tags.length === 0 ? (
          <Typography.Text type="secondary">{t('register.household.noTags')}</Typography.Text>
        ) : (
          household.tags.map((tag) => (
            <Tag key={tag.code} color="blue" data-tag={tag.code}>
              {householdTagLabel(tag.code, locale)}
              {(tag.since || tag.source) && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {' '}
                  {[tag.since, tag.source].filter(Boolean).join(' · ')}
                </Typography.Text>
              )}
            </Tag>
          ))
        )}
      </Space>
      <Collapse
        ghost
        size="small"
        items={[
          {
            key: 'history',
            label: t('register.household.history'),
            children: (
              <Timeline
                data-testid="household-history"
                items={household.history.map((event, i) => ({
                  key: `${event.kind}-${event.residentId ?? ''}-${event.date}-${i}`,
                  content: (
                    <Space size={8}>
                      <Typography.Text type="secondary">{event.date}</Typography.Text>
                      <span>
                        {t(`register.householdEvent.${event.kind}`, { name: event.residentName ?? '' })}
                      </span>
                    </Space>
                  ),
                }))}
              />
            ),
          },
        ]}
      />
      {editingTags && <HouseholdTagsModal household={household} onClose={() => setEditingTags(false)} />}
    </Card>
  );
}
