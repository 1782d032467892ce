import { z } from 'zod';
import { Password, RoleGrant, Username } from './auth';
import { Cursor, Id, Limit, MobilePhone, Name, plainString, Version } from './common';
import { Role } from './roles';

export const USER_STATUSES = ['active', 'disabled'] as const;
export const UserStatus = z.enum(USER_STATUSES);

export const User = z.object({
  id: Id,
  username: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  status: UserStatus,
  homeAreaId: Id,
  homeAreaName: z.string(),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  grants: z.array(RoleGrant),
  createdAt: z.string(),
  version: z.number().int(),
});
export type User = z.infer<typeof User>;

export const UserListQuery = z.strictObject({
  q: plainString(50).trim().optional(),
  areaId: Id.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});

export const GrantInput = z.strictObject({ role: Role, areaId: Id });

export const UserCreate = z.strictObject({
  username: Username,
  name: Name,
  phone: MobilePhone.nullish(),
  /** A temporary password; the user must change it at first sign-in. */
  password: Password,
  homeAreaId: Id,
  grants: z.array(GrantInput).max(10).default([]),
});
export type UserCreate = z.infer<typeof UserCreate>;

export const UserUpdate = z.strictObject({
  version: Version,
  name: Name.optional(),
  phone: MobilePhone.nullish(),
  status: UserStatus.optional(),
});

export const ResetPasswordBody = z.strictObject({ newPassword: Password });

export const GrantParams = z.strictObject({ id: Id, grantId: Id });
