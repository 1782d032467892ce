import type { Permission } from '@linli/shared';
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Outlet } from 'react-router';
import { usePermission } from './session';

/**
 * A layout route around the pages of one module. The server enforces permissions on every request;
 * this only spares people a page they cannot use.
 */
export function PermissionGate({ permission }: { permission: Permission }) {
  const { t } = useTranslation();
  const allowed = usePermission(permission);
  if (!allowed)
    return <Result status="403" title={t('errors.forbiddenTitle')} subTitle={t('errors.forbiddenPage')} />;
  return <Outlet />;
}
