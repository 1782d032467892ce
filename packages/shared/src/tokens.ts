import { z } from 'zod';
import { boundedText, Id, IsoDateTime } from './common';
import { Role } from './roles';

export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  role: Role,
  areaId: Id,
  areaName: z.string(),
  /** First characters of the secret, so people can tell tokens apart; the rest is never shown again. */
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokenCreate = z.strictObject({
  name: boundedText(60),
  role: Role,
  areaId: Id,
  expiresAt: IsoDateTime.nullish(),
});

export const ApiTokenCreated = ApiToken.extend({ token: z.string() });
