import type { ApiTokenCreate } from '@linli/shared';
import type { z } from 'zod';
import type { ServiceContext } from '../../platform/context';
import { AppError } from '../../platform/errors';
import { newId, randomToken, sha256 } from '../../platform/ids';
import { assertInScope, authorize, authorizeFor } from '../../platform/scope';
import { findAreaInScope } from '../areas/areas.repository';
import { writeAudit } from '../audit/audit.service';
import { checkGrantable } from '../users/users.service';
import { presentToken } from './tokens.presenter';
import { findTokenInScope, insertToken, listTokensInScope, revokeTokenRow } from './tokens.repository';

export const TOKEN_PREFIX = 'linli_';

export async function listTokens(ctx: ServiceContext) {
  const scope = authorize(ctx.actor, 'token.manage');
  const rows = await listTokensInScope(ctx.db, scope);
  return rows.map((r) => presentToken(r.token, r.areaName));
}

/** A token is a machine holding one role on one area; handing it out follows the rules of granting that role. */
export async function createToken(ctx: ServiceContext, input: z.infer<typeof ApiTokenCreate>) {
  const scope = await authorizeFor(ctx.actor, 'token.manage', 'area.not_found', (reach) =>
    findAreaInScope(ctx.db, reach, input.areaId),
  );
  // A machine may not mint machines: every token traces back to a person.
  if (!ctx.actor.userId) throw new AppError('auth.forbidden');
  if (input.expiresAt && new Date(input.expiresAt) <= new Date()) {
    throw new AppError('request.validation', {}, { issues: [{ path: 'expiresAt', code: 'too_small' }] });
  }
  const secret = `${TOKEN_PREFIX}${randomToken(32)}`;
  return ctx.db.transaction(async (tx) => {
    const { area, via } = await checkGrantable(tx, scope, input.role, input.areaId);
    const row = await insertToken(tx, {
      id: newId(),
      name: input.name,
      tokenHash: sha256(secret),
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      role: input.role,
      areaId: area.id,
      districtId: area.districtId,
      streetId: area.streetId,
      communityId: area.communityId,
      createdBy: ctx.actor.userId!,
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
    });
    await writeAudit(tx, ctx, {
      action: 'token.create',
      entityType: 'api_token',
      entityId: row.id,
      scope: area,
      changes: { name: { to: row.name }, role: { to: row.role }, area: { to: area.name } },
      delegationId: via.delegationId,
    });
    return { ...presentToken(row, area.name), token: secret };
  });
}

export async function revokeToken(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(
    ctx.actor,
    'token.manage',
    'token.not_found',
    async (reach) => (await findTokenInScope(ctx.db, reach, id))?.token,
  );
  return ctx.db.transaction(async (tx) => {
    const found = await findTokenInScope(tx, scope, id);
    if (!found) throw new AppError('token.not_found');
    const grant = assertInScope(scope, found.token, 'token.not_found');
    const revoked = (await revokeTokenRow(tx, id, ctx.actor.userId)) ?? found.token;
    if (!found.token.revokedAt) {
      await writeAudit(tx, ctx, {
        action: 'token.revoke',
        entityType: 'api_token',
        entityId: id,
        scope: found.token,
        changes: { revokedAt: { from: null, to: revoked.revokedAt?.toISOString() } },
        delegationId: grant.delegationId,
      });
    }
    return presentToken(revoked, found.areaName);
  });
}
