import { Button, Layout, Menu, Result, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation, useNavigate, useNavigation } from 'react-router';
import { errorText, isUnauthenticated } from '../api/errors';
import { useMe } from '../auth/auth.api';
import { SessionProvider, useSession } from '../auth/session';
import styles from './AppLayout.module.css';
import { AreaSwitcher } from './AreaSwitcher';
import { CurrentAreaProvider } from './currentArea';
import { FullPageSpin } from './FullPageSpin';
import { moduleForPath, visibleModules } from './modules';
import { UserMenu } from './UserMenu';

const CHANGE_PASSWORD_PATH = '/account/password';

/** Signs the user in (or sends them to /login) before any page renders, then frames every page. */
export function AppLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const location = useLocation();

  if (me.isPending) return <FullPageSpin />;
  if (me.isError) {
    if (isUnauthenticated(me.error)) {
      return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
    }
    return (
      <Result
        status="error"
        title={t('errors.loadFailed')}
        subTitle={errorText(me.error)}
        extra={
          <Button type="primary" onClick={() => void me.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (me.data.user.mustChangePassword && location.pathname !== CHANGE_PASSWORD_PATH) {
    return <Navigate to={CHANGE_PASSWORD_PATH} replace />;
  }
  return (
    <SessionProvider me={me.data}>
      <CurrentAreaProvider>
        <ConsoleFrame />
      </CurrentAreaProvider>
    </SessionProvider>
  );
}

function ConsoleFrame() {
  const { t } = useTranslation();
  const me = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [collapsed, setCollapsed] = useState(false);
  // Until the temporary password is replaced the server answers nothing else, so offer nothing else.
  const modules = me.user.mustChangePassword ? [] : visibleModules(me.permissions);
  const selected = moduleForPath(location.pathname);

  return (
    <Layout className={styles.shell}>
      <Layout.Sider
        breakpoint="lg"
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        width={220}
        theme="light"
        className={styles.sider}
      >
        <div className={styles.brand}>{collapsed ? t('app.shortName') : t('app.name')}</div>
        <Menu
          mode="inline"
          selectedKeys={selected ? [selected.key] : []}
          onClick={({ key }) => {
            const target = modules.find((module) => module.key === key);
            if (target) navigate(target.path);
          }}
          items={modules.map((module) => ({
            key: module.key,
            icon: module.icon,
            label: <span data-testid={`nav-${module.key}`}>{t(`nav.${module.key}`)}</span>,
          }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header className={styles.header}>
          <div className={styles.headerLoading}>
            {navigation.state === 'loading' && <Spin size="small" />}
          </div>
          <AreaSwitcher />
          <UserMenu />
        </Layout.Header>
        <Layout.Content className={styles.content}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
