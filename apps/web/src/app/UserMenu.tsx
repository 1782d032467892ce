import { CheckOutlined, DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { LOCALES } from '@linli/shared';
import { Button, Dropdown, type MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useLogout } from '../auth/auth.api';
import { useSession } from '../auth/session';
import { LANGUAGE_NAMES } from '../i18n/LanguageSwitch';
import { useLocale } from '../i18n/useLocale';

export function UserMenu() {
  const { t } = useTranslation();
  const me = useSession();
  const navigate = useNavigate();
  const logout = useLogout();
  const { locale, setLocale } = useLocale();

  const items: MenuProps['items'] = [
    {
      type: 'group',
      key: 'language',
      label: t('layout.language'),
      children: LOCALES.map((value) => ({
        key: `language-${value}`,
        icon: value === locale ? <CheckOutlined /> : <span style={{ display: 'inline-block', width: 14 }} />,
        label: <span data-testid={`menu-language-${value}`}>{LANGUAGE_NAMES[value]}</span>,
        onClick: () => setLocale(value),
      })),
    },
    { type: 'divider' },
    {
      key: 'password',
      icon: <KeyOutlined />,
      label: <span data-testid="menu-change-password">{t('auth.changePassword')}</span>,
      onClick: () => navigate('/account/password'),
    },
    {
      key: 'logout',
      icon: <LogoutOutlined />,
      label: <span data-testid="menu-logout">{t('auth.signOut')}</span>,
      onClick: () => logout.mutate(),
    },
  ];

  return (
    <Dropdown menu={{ items }} trigger={['click']} placement="bottomRight">
      <Button type="text" data-testid="user-menu" icon={<UserOutlined />}>
        {me.user.name}
        <DownOutlined style={{ fontSize: 12 }} />
      </Button>
    </Dropdown>
  );
}
