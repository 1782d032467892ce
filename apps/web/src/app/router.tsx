import type { Permission } from '@linli/shared';
import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { PermissionGate } from '../auth/PermissionGate';
import { AppLayout } from './AppLayout';
import { FullPageSpin } from './FullPageSpin';
import { NotFoundPage } from './NotFoundPage';
import { RouteErrorBoundary } from './RouteErrorBoundary';

/** Each page is its own chunk, loaded on first visit. */
function lazyPage(load: () => Promise<ComponentType>): RouteObject['lazy'] {
  return async () => ({ Component: await load() });
}

function gated(permission: Permission, children: RouteObject[]): RouteObject {
  return { element: <PermissionGate permission={permission} />, children };
}

const pages: RouteObject[] = [
  { index: true, lazy: lazyPage(() => import('./HomePage').then((m) => m.HomePage)) },
  gated('resident.read', [
    {
      path: 'residents',
      lazy: lazyPage(() => import('../residents/ResidentsPage').then((m) => m.ResidentsPage)),
    },
    {
      path: 'residents/:residentId',
      lazy: lazyPage(() => import('../residents/ResidentPage').then((m) => m.ResidentPage)),
    },
  ]),
  gated('resident.read', [
    { path: 'ledgers', lazy: lazyPage(() => import('../ledgers/LedgersPage').then((m) => m.LedgersPage)) },
    {
      path: 'ledgers/:ledgerId',
      lazy: lazyPage(() => import('../ledgers/LedgerPage').then((m) => m.LedgerPage)),
    },
  ]),
  gated('form.read', [
    { path: 'forms', lazy: lazyPage(() => import('../forms/FormsPage').then((m) => m.FormsPage)) },
    {
      path: 'forms/:formId',
      lazy: lazyPage(() => import('../forms/FormBuilderPage').then((m) => m.FormBuilderPage)),
    },
  ]),
  gated('form.read', [
    {
      path: 'submissions',
      lazy: lazyPage(() => import('../submissions/SubmissionsPage').then((m) => m.SubmissionsPage)),
    },
    {
      path: 'submissions/:submissionId',
      lazy: lazyPage(() => import('../submissions/SubmissionPage').then((m) => m.SubmissionPage)),
    },
  ]),
  gated('resident.merge', [
    { path: 'dedupe', lazy: lazyPage(() => import('../dedupe/DedupePage').then((m) => m.DedupePage)) },
  ]),
  gated('resident.write', [
    { path: 'imports', lazy: lazyPage(() => import('../imports/ImportsPage').then((m) => m.ImportsPage)) },
  ]),
  gated('area.read', [
    { path: 'areas', lazy: lazyPage(() => import('../areas/AreasPage').then((m) => m.AreasPage)) },
    {
      path: 'areas/buildings/:buildingId',
      lazy: lazyPage(() => import('../areas/BuildingEditorPage').then((m) => m.BuildingEditorPage)),
    },
  ]),
  gated('user.read', [
    { path: 'users', lazy: lazyPage(() => import('../users/UsersPage').then((m) => m.UsersPage)) },
    {
      path: 'users/:userId',
      lazy: lazyPage(() => import('../users/UserDetailPage').then((m) => m.UserDetailPage)),
    },
  ]),
  gated('delegation.read', [
    {
      path: 'delegations',
      lazy: lazyPage(() => import('../users/DelegationsPage').then((m) => m.DelegationsPage)),
    },
  ]),
  gated('token.manage', [
    { path: 'tokens', lazy: lazyPage(() => import('../users/TokensPage').then((m) => m.TokensPage)) },
  ]),
  gated('audit.read', [
    { path: 'audit', lazy: lazyPage(() => import('../audit/AuditPage').then((m) => m.AuditPage)) },
  ]),
  {
    path: 'account/password',
    lazy: lazyPage(() => import('../auth/ChangePasswordPage').then((m) => m.ChangePasswordPage)),
  },
  { path: '*', Component: NotFoundPage },
];

export const router = createBrowserRouter([
  {
    path: '/login',
    HydrateFallback: FullPageSpin,
    lazy: lazyPage(() => import('../auth/LoginPage').then((m) => m.LoginPage)),
    ErrorBoundary: RouteErrorBoundary,
  },
  {
    // A partner's read-only view of a shared ledger: no sign-in, outside the console's layout.
    path: '/s/:token',
    HydrateFallback: FullPageSpin,
    lazy: lazyPage(() => import('../ledgers/SharedLedgerPage').then((m) => m.SharedLedgerPage)),
    ErrorBoundary: RouteErrorBoundary,
  },
  {
    path: '/',
    Component: AppLayout,
    HydrateFallback: FullPageSpin,
    ErrorBoundary: RouteErrorBoundary,
    // The pathless route keeps the menu and header on screen when a page fails.
    children: [{ ErrorBoundary: RouteErrorBoundary, children: pages }],
  },
]);
