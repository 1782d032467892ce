import { Card, Col, Empty, Row, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { formatDateTimeShort } from '../i18n/format';
import { visibleModules } from './modules';

export function HomePage() {
  const { t } = useTranslation();
  const me = useSession();
  const shortcuts = visibleModules(me.permissions).filter((module) => module.key !== 'home');

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('home.greeting', { name: me.user.name })}
      </Typography.Title>
      <Card title={t('home.myRoles')}>
        {me.grants.length === 0 ? (
          <Empty description={t('home.noRoles')} />
        ) : (
          <Space wrap>
            {me.grants.map((grant) => (
              <Tag
                key={grant.id}
                color={grant.via === 'delegation' ? 'orange' : 'blue'}
                style={{ fontSize: 15, padding: '4px 8px' }}
              >
                {t(`role.${grant.role}`)} · {grant.areaName}
                {grant.endsAt && ` · ${t('home.until', { time: formatDateTimeShort(grant.endsAt) })}`}
              </Tag>
            ))}
          </Space>
        )}
        {me.permissions.length > 0 && (
          <>
            <Typography.Paragraph type="secondary" style={{ margin: '16px 0 8px' }}>
              {t('home.myPermissions')}
            </Typography.Paragraph>
            <Space size={[8, 8]} wrap>
              {me.permissions.map((permission) => (
                <Tag key={permission}>{t(`permission.${permission}`)}</Tag>
              ))}
            </Space>
          </>
        )}
      </Card>
      <Row gutter={[16, 16]}>
        {shortcuts.map((module) => (
          <Col key={module.key} xs={24} sm={12} lg={8}>
            <Link to={module.path} data-testid={`home-${module.key}`}>
              <Card hoverable>
                <Card.Meta
                  avatar={<span style={{ fontSize: 28, color: '#1668dc' }}>{module.icon}</span>}
                  title={t(`nav.${module.key}`)}
                  description={t(`home.describe.${module.key}`)}
                />
              </Card>
            </Link>
          </Col>
        ))}
      </Row>
    </Space>
  );
}
