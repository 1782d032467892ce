import {
  ApartmentOutlined,
  AuditOutlined,
  DiffOutlined,
  FormOutlined,
  HomeOutlined,
  ImportOutlined,
  InboxOutlined,
  KeyOutlined,
  ProfileOutlined,
  SwapOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { Permission } from '@linli/shared';
import type { ReactNode } from 'react';

export type ModuleKey =
  | 'home'
  | 'residents'
  | 'ledgers'
  | 'forms'
  | 'submissions'
  | 'dedupe'
  | 'imports'
  | 'areas'
  | 'users'
  | 'delegations'
  | 'tokens'
  | 'audit';

export interface ConsoleModule {
  key: ModuleKey;
  path: string;
  icon: ReactNode;
  /** Needed to see the module at all; null for modules every signed-in person has. */
  permission: Permission | null;
}

export const MODULES: readonly ConsoleModule[] = [
  { key: 'home', path: '/', icon: <HomeOutlined />, permission: null },
  { key: 'residents', path: '/residents', icon: <UserOutlined />, permission: 'resident.read' },
  { key: 'ledgers', path: '/ledgers', icon: <ProfileOutlined />, permission: 'resident.read' },
  { key: 'forms', path: '/forms', icon: <FormOutlined />, permission: 'form.read' },
  { key: 'submissions', path: '/submissions', icon: <InboxOutlined />, permission: 'form.read' },
  { key: 'dedupe', path: '/dedupe', icon: <DiffOutlined />, permission: 'resident.merge' },
  { key: 'imports', path: '/imports', icon: <ImportOutlined />, permission: 'resident.write' },
  { key: 'areas', path: '/areas', icon: <ApartmentOutlined />, permission: 'area.read' },
  { key: 'users', path: '/users', icon: <TeamOutlined />, permission: 'user.read' },
  { key: 'delegations', path: '/delegations', icon: <SwapOutlined />, permission: 'delegation.read' },
  { key: 'tokens', path: '/tokens', icon: <KeyOutlined />, permission: 'token.manage' },
  { key: 'audit', path: '/audit', icon: <AuditOutlined />, permission: 'audit.read' },
];

export function visibleModules(permissions: readonly Permission[]): ConsoleModule[] {
  return MODULES.filter((module) => module.permission === null || permissions.includes(module.permission));
}

export function moduleForPath(pathname: string): ConsoleModule | undefined {
  return [...MODULES]
    .reverse()
    .find((module) =>
      module.path === '/'
        ? pathname === '/'
        : pathname === module.path || pathname.startsWith(`${module.path}/`),
    );
}
