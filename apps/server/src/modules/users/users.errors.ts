import { ROLE_SCOPE_KINDS, type Role } from '@linli/shared';
import { AppError } from '../../platform/errors';

export const userNotFound = () => new AppError('user.not_found');
export const usernameTaken = () => new AppError('user.username_taken');
export const roleNotAllowed = () => new AppError('user.role_not_allowed');
export const delegatedCannotGrant = () => new AppError('user.delegated_cannot_grant');
export const scopeKindMismatch = (role: Role) =>
  new AppError('user.scope_kind_mismatch', { role, kinds: ROLE_SCOPE_KINDS[role].join('/') });
export const grantNotFound = () => new AppError('user.grant_not_found');
export const cannotChangeSelf = () => new AppError('user.cannot_change_self');
