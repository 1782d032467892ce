import { z } from 'zod';
import { Id, plainString } from './common';
import { AreaKind, Permission, Role } from './roles';

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9_.-]{3,32}$/, { error: 'username' });

/** At least 10 characters with a letter and a digit; bounded so hashing cannot be abused. */
export const Password = z
  .string()
  .min(10, { error: 'password' })
  .max(128, { error: 'password' })
  .refine((s) => /[A-Za-z]/.test(s) && /\d/.test(s), { error: 'password' });

export const LoginBody = z.strictObject({
  username: plainString(64).trim().toLowerCase().min(1),
  password: z.string().min(1).max(256),
});

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: Password,
});

export const RoleGrant = z.object({
  id: Id,
  role: Role,
  areaId: Id,
  areaName: z.string(),
  areaKind: AreaKind,
  /** A standing role grant, or a time-bounded delegation (第二书记/代理书记). */
  via: z.enum(['grant', 'delegation']),
  endsAt: z.string().nullable(),
});
export type RoleGrant = z.infer<typeof RoleGrant>;

export const Me = z.object({
  user: z.object({
    id: Id,
    username: z.string(),
    name: z.string(),
    phone: z.string().nullable(),
    mustChangePassword: z.boolean(),
  }),
  grants: z.array(RoleGrant),
  permissions: z.array(Permission),
  csrfToken: z.string(),
});
export type Me = z.infer<typeof Me>;

export const Health = z.object({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgres']),
  version: z.string(),
});
