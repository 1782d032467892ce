import {
  EditOutlined,
  EyeOutlined,
  HomeOutlined,
  LogoutOutlined,
  SwapOutlined,
  TableOutlined,
} from '@ant-design/icons';
import { ETHNICITIES, type Resident, type SensitiveField, TAGS } from '@linli/shared';
import {
  Alert,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  type DescriptionsProps,
  Empty,
  Flex,
  List,
  Row,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { z } from 'zod';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { usePermission } from '../auth/session';
import { formatDateTime, formatDateTimeShort } from '../i18n/format';
import { useLocale } from '../i18n/useLocale';
import { householdTagLabel } from './HouseholdTagsModal';
import { MoveHouseholdModal } from './MoveHouseholdModal';
import { MoveOutModal } from './MoveOutModal';
import { MoveResidentModal } from './MoveResidentModal';
import { ResidentEditDrawer } from './ResidentEditDrawer';
import { ResidentEventChanges, useProvenanceLabel } from './ResidentEventChanges';
import { RelationsCard } from './ResidentRelations';
import { ResidentStatusTag } from './ResidentStatusTag';
import { ResidentTagList } from './ResidentTags';
import { RevealModal } from './RevealModal';
import { buildingIdOf, isTagCode, tagChangesOf } from './residentRules';
import { type RevealedValues, useAccessLog, useHouseholds, useResident, useTimeline } from './residents.api';

type Field = z.infer<typeof SensitiveField>;

export function ResidentPage() {
  const { residentId = '' } = useParams();
  const resident = useResident(residentId);
  if (resident.isPending) return <Spin size="large" />;
  if (resident.isError)
    return <QueryErrorResult error={resident.error} onRetry={() => void resident.refetch()} />;
  // Keyed by id: clear values shown for one person never carry over to the next.
  return <ResidentView key={resident.data.id} resident={resident.data} />;
}

type Dialog = 'edit' | 'reveal' | 'move' | 'move-out';

function ResidentView({ resident }: { resident: Resident }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const canWrite = usePermission('resident.write');
  const canReveal = usePermission('resident.reveal');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  // Clear values live in this component only: gone when the page is left or hidden again.
  const [revealed, setRevealed] = useState<RevealedValues>({});
  const active = resident.status === 'active';
  const buildingId = buildingIdOf(resident);
  const hasRevealed = Object.values(revealed).some((value) => value !== undefined);
  const provenanceLabel = useProvenanceLabel();
  const close = () => setDialog(null);

  const secret = (field: Field, masked: string | null, testId: string): ReactNode => {
    const clear = revealed[field];
    if (clear !== undefined) {
      return (
        <Space>
          <Typography.Text
            strong
            copyable={clear ? { text: clear } : false}
            data-testid={testId}
            data-revealed="true"
          >
            {clear ?? t('common.none')}
          </Typography.Text>
          <Tag color="red">{t('residents.revealed')}</Tag>
        </Space>
      );
    }
    return (
      <span data-testid={testId} data-revealed="false">
        {masked ?? t('common.none')}
      </span>
    );
  };

  const enumText = (group: string, value: string | null) =>
    value === null ? t('common.none') : t(`${group}.${value}` as 'sex.male');
  const plain = (value: string | number | null) =>
    value === null || value === '' ? t('common.none') : value;

  const items: DescriptionsProps['items'] = [
    { key: 'address', label: t('residents.fields.address'), children: resident.address, span: 'filled' },
    { key: 'sex', label: t('residents.fields.sex'), children: enumText('sex', resident.sex) },
    { key: 'birthDate', label: t('residents.fields.birthDate'), children: plain(resident.birthDate) },
    { key: 'age', label: t('residents.fields.age'), children: plain(resident.age) },
    { key: 'formerName', label: t('residents.fields.formerName'), children: plain(resident.formerName) },
    { key: 'idType', label: t('residents.fields.idType'), children: enumText('idType', resident.idType) },
    {
      key: 'idNumber',
      label: t('residents.fields.idNumber'),
      children: secret('idNumber', resident.idNumberMasked, 'resident-id-number'),
    },
    {
      key: 'phone',
      label: t('residents.fields.phone'),
      children: secret('phone', resident.phoneMasked, 'resident-phone'),
    },
    {
      key: 'health',
      label: t('residents.fields.health'),
      children: secret(
        'health',
        resident.hasHealthNote ? t('residents.healthNote') : t('residents.noHealthNote'),
        'resident-health',
      ),
    },
    {
      key: 'relationToHead',
      label: t('residents.fields.relationToHead'),
      children: enumText('relationToHead', resident.relationToHead),
    },
    {
      key: 'residenceType',
      label: t('residents.fields.residenceType'),
      children: enumText('residenceType', resident.residenceType),
    },
    { key: 'tenure', label: t('residents.fields.tenure'), children: enumText('tenure', resident.tenure) },
    {
      key: 'selfCare',
      label: t('residents.fields.selfCare'),
      children: enumText('selfCare', resident.selfCare),
    },
    {
      key: 'hukouAddress',
      label: t('residents.fields.hukouAddress'),
      children: plain(resident.hukouAddress),
    },
    {
      key: 'emergencyContactName',
      label: t('residents.fields.emergencyContactName'),
      children: plain(resident.emergencyContactName),
    },
    {
      key: 'emergencyContactPhone',
      label: t('residents.fields.emergencyContactPhone'),
      children: plain(resident.emergencyContactPhoneMasked),
    },
    {
      key: 'ethnicity',
      label: t('register.fields.ethnicity'),
      children: resident.ethnicity
        ? ETHNICITIES[resident.ethnicity][locale === 'en-US' ? 'en' : 'zh']
        : t('common.none'),
    },
    {
      key: 'maritalStatus',
      label: t('register.fields.maritalStatus'),
      children: enumText('register.maritalStatus', resident.maritalStatus),
    },
    {
      key: 'politicalStatus',
      label: t('register.fields.politicalStatus'),
      children: (
        <span data-testid="resident-political-status">
          {enumText('register.politicalStatus', resident.politicalStatus)}
        </span>
      ),
    },
    {
      key: 'education',
      label: t('register.fields.education'),
      children: enumText('register.education', resident.education),
    },
    { key: 'occupation', label: t('register.fields.occupation'), children: plain(resident.occupation) },
    { key: 'employer', label: t('register.fields.employer'), children: plain(resident.employer) },
    ...(resident.residenceType === 'non_hukou' || resident.arrivalReason || resident.arrivalDate
      ? [
          {
            key: 'arrivalReason',
            label: t('register.fields.arrivalReason'),
            children: enumText('register.arrivalReason', resident.arrivalReason),
          },
          {
            key: 'arrivalDate',
            label: t('register.fields.arrivalDate'),
            children: plain(resident.arrivalDate),
          },
        ]
      : []),
    ...(resident.status === 'moved_out'
      ? [
          {
            key: 'movedOutAt',
            label: t('residents.fields.movedOutAt'),
            children: plain(resident.movedOutAt),
          },
          {
            key: 'movedOutTo',
            label: t('residents.fields.movedOutTo'),
            children: plain(resident.movedOutTo),
          },
        ]
      : []),
    ...(resident.status === 'deceased'
      ? [{ key: 'deceasedAt', label: t('residents.fields.deceasedAt'), children: plain(resident.deceasedAt) }]
      : []),
    ...(resident.mergedIntoId
      ? [
          {
            key: 'mergedInto',
            label: t('residentsExtra.mergedInto'),
            children: (
              <Link to={`/residents/${resident.mergedIntoId}`} data-testid="resident-merged-into">
                {t('residentsExtra.openMergedInto')}
              </Link>
            ),
          },
        ]
      : []),
    {
      key: 'lastVerifiedAt',
      label: t('residents.fields.lastVerifiedAt'),
      children: resident.lastVerifiedAt ? formatDateTimeShort(resident.lastVerifiedAt) : t('common.none'),
    },
    {
      key: 'provenance',
      label: t('register.fields.provenance'),
      // Known sources by label; an import by its file and row; anything else as written.
      children: resident.provenance ? provenanceLabel(resident.provenance) : plain(null),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Breadcrumb
        items={[
          { title: <Link to="/residents">{t('residents.backToList')}</Link> },
          { title: resident.name },
        ]}
      />
      <Card
        title={
          <Space wrap>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="resident-name">
              {resident.name}
            </Typography.Title>
            <ResidentStatusTag status={resident.status} />
            <ResidentTagList tags={resident.tags} />
          </Space>
        }
        extra={
          <Space wrap>
            {buildingId && (
              <Link
                to={`/areas/buildings/${buildingId}?dwelling=${resident.dwellingId}`}
                data-testid="resident-show-in-building"
              >
                <Button icon={<TableOutlined />}>{t('residents.showInBuilding')}</Button>
              </Link>
            )}
            {canReveal &&
              (hasRevealed ? (
                <Button icon={<EyeOutlined />} onClick={() => setRevealed({})} data-testid="resident-hide">
                  {t('residents.hideRevealed')}
                </Button>
              ) : (
                <Button
                  icon={<EyeOutlined />}
                  onClick={() => setDialog('reveal')}
                  data-testid="resident-reveal"
                >
                  {t('residents.reveal')}
                </Button>
              ))}
            {canWrite && active && (
              <>
                <Button icon={<SwapOutlined />} onClick={() => setDialog('move')} data-testid="resident-move">
                  {t('residentMove.action')}
                </Button>
                <Button
                  icon={<LogoutOutlined />}
                  onClick={() => setDialog('move-out')}
                  data-testid="resident-move-out"
                >
                  {t('residents.moveOut')}
                </Button>
                <Button
                  type="primary"
                  icon={<EditOutlined />}
                  onClick={() => setDialog('edit')}
                  data-testid="resident-edit"
                >
                  {t('residents.edit')}
                </Button>
              </>
            )}
          </Space>
        }
      >
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} items={items} data-testid="resident-profile" />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <HouseholdCard resident={resident} />
        </Col>
        <Col xs={24} lg={8}>
          <AccessLogCard residentId={resident.id} />
        </Col>
        <Col xs={24} lg={8}>
          <TimelineCard residentId={resident.id} />
        </Col>
        <Col xs={24} lg={12}>
          <RelationsCard resident={resident} />
        </Col>
        <Col xs={24} lg={12}>
          <TagHistoryCard residentId={resident.id} />
        </Col>
      </Row>
      {dialog === 'edit' && <ResidentEditDrawer resident={resident} onClose={close} />}
      {dialog === 'move' && <MoveResidentModal resident={resident} onClose={close} />}
      {dialog === 'move-out' && <MoveOutModal resident={resident} onClose={close} />}
      {dialog === 'reveal' && (
        <RevealModal
          resident={resident}
          onRevealed={(values) => setRevealed((previous) => ({ ...previous, ...values }))}
          onClose={close}
        />
      )}
    </Flex>
  );
}

function HouseholdCard({ resident }: { resident: Resident }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const canWrite = usePermission('resident.write');
  const [moving, setMoving] = useState(false);
  const households = useHouseholds(resident.dwellingId);
  const household = households.data?.items.find((candidate) => candidate.id === resident.householdId);
  const others = household?.members.filter((member) => member.id !== resident.id) ?? [];
  const living = household?.status === 'active' && resident.status === 'active';
  return (
    <Card
      title={t('residents.household')}
      size="small"
      data-testid="resident-household"
      extra={
        <Space size={2} wrap>
          {household?.tags.map((tag) => (
            <Tag key={tag.code} color="blue">
              {householdTagLabel(tag.code, locale)}
            </Tag>
          ))}
          {canWrite && living && (
            <Button
              size="small"
              icon={<HomeOutlined />}
              onClick={() => setMoving(true)}
              data-testid="household-move"
            >
              {t('residentMove.householdAction')}
            </Button>
          )}
        </Space>
      }
    >
      {living && household.headName === null && (
        // Left without a head when the head moved away: named again by giving someone the relation 户主.
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('residentMove.noHead')}
          data-testid="household-no-head"
        />
      )}
      {moving && household && <MoveHouseholdModal household={household} onClose={() => setMoving(false)} />}
      {households.isError ? (
        <QueryErrorResult error={households.error} onRetry={() => void households.refetch()} />
      ) : (
        <List
          loading={households.isPending}
          dataSource={others}
          locale={{ emptyText: t('residents.householdEmpty') }}
          renderItem={(member) => (
            <List.Item>
              <Space wrap>
                <Link to={`/residents/${member.id}`} data-testid="household-member">
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
                <ResidentTagList tags={member.tags} />
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function AccessLogCard({ residentId }: { residentId: string }) {
  const { t } = useTranslation();
  const log = useAccessLog(residentId);
  return (
    <Card title={t('residents.accessLog')} size="small" data-testid="resident-access-log">
      {log.isError ? (
        <QueryErrorResult error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <List
          loading={log.isPending}
          dataSource={log.data?.items ?? []}
          locale={{ emptyText: t('residents.accessLogEmpty') }}
          renderItem={(entry) => (
            <List.Item data-testid="access-log-entry">
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{entry.actorName ?? t('audit.system')}</span>
                    <Typography.Text type="secondary">{formatDateTime(entry.at)}</Typography.Text>
                  </Space>
                }
                description={
                  <Space orientation="vertical" size={0}>
                    <span>
                      {entry.fields
                        .map((field) => t(`sensitiveField.${field}` as 'sensitiveField.idNumber', field))
                        .join('、')}
                    </span>
                    {entry.reason && (
                      <span>
                        {t('residents.fields.reason')}：{entry.reason}
                      </span>
                    )}
                  </Space>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function TimelineCard({ residentId }: { residentId: string }) {
  const { t, i18n } = useTranslation();
  const timeline = useTimeline(residentId);
  if (timeline.isError)
    return (
      <Card title={t('residents.timeline')} size="small">
        <QueryErrorResult error={timeline.error} onRetry={() => void timeline.refetch()} />
      </Card>
    );
  const items = timeline.data?.items ?? [];
  return (
    <Card
      title={t('residents.timeline')}
      size="small"
      loading={timeline.isPending}
      data-testid="resident-timeline"
    >
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('residents.timelineEmpty')} />
      ) : (
        <Timeline
          items={items.map((event) => ({
            key: event.id,
            content: (
              <div data-testid="timeline-entry" data-kind={event.kind}>
                <Space wrap>
                  <Typography.Text strong>
                    {i18n.exists(eventKey(event.kind)) ? t(eventKey(event.kind) as 'sex.male') : event.kind}
                  </Typography.Text>
                  <Typography.Text type="secondary">
                    {formatDateTimeShort(event.at)} · {event.actorName ?? t('audit.system')}
                  </Typography.Text>
                </Space>
                <ResidentEventChanges changes={event.changes} />
              </div>
            ),
          }))}
        />
      )}
    </Card>
  );
}

/** Events added with relations are labelled in the register's block of strings. */
const REGISTER_EVENTS = new Set(['relation_add', 'relation_end']);

/** The translation key of a timeline entry; later modules' events fall back to their own name. */
function eventKey(kind: string): string {
  const verb = kind.startsWith('resident.') ? kind.slice('resident.'.length) : kind;
  return REGISTER_EVENTS.has(verb) ? `register.events.${verb}` : `residentEvent.${verb}`;
}

/** Each change of the resident's tags, from the timeline: what was added and what removed, when, by whom. */
function TagHistoryCard({ residentId }: { residentId: string }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const timeline = useTimeline(residentId);
  const changes = tagChangesOf(timeline.data?.items ?? []);
  const label = (code: string) =>
    isTagCode(code) ? (locale === 'en-US' ? TAGS[code].en : TAGS[code].zh) : t('audit.redacted', code);
  return (
    <Card
      title={t('register.tagHistory.title')}
      size="small"
      loading={timeline.isPending}
      data-testid="resident-tag-history"
    >
      {timeline.isError ? (
        <QueryErrorResult error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : changes.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('register.tagHistory.empty')} />
      ) : (
        <List
          dataSource={changes}
          renderItem={(change) => (
            <List.Item data-testid="tag-history-entry">
              <Space wrap size={4}>
                <Typography.Text type="secondary">
                  {formatDateTimeShort(change.at)} · {change.actorName ?? t('audit.system')}
                </Typography.Text>
                {change.added.length > 0 && (
                  <Tag color="green">
                    {t('register.tagHistory.added')} {change.added.map(label).join('、')}
                  </Tag>
                )}
                {change.removed.length > 0 && (
                  <Tag>
                    {t('register.tagHistory.removed')} {change.removed.map(label).join('、')}
                  </Tag>
                )}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
