import type { DelegationCreate, DelegationListQuery } from '@linli/shared';
import type { z } from 'zod';
import type { ServiceContext } from '../../platform/context';
import { AppError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { authorize, authorizeFor, coveringGrant, hasPermission, type Scope } from '../../platform/scope';
import { findAreaInScope } from '../areas/areas.repository';
import { writeAudit } from '../audit/audit.service';
import { userNotFound } from '../users/users.errors';
import { findUserInScope } from '../users/users.repository';
import { checkGrantable } from '../users/users.service';
import { presentDelegation } from './delegations.presenter';
import {
  findDelegationVisible,
  insertDelegation,
  listDelegationsVisible,
  revokeDelegationRow,
} from './delegations.repository';
import { delegationStatus, validWindow } from './delegations.rules';

function readScope(ctx: ServiceContext): Scope | null {
  return hasPermission(ctx.actor, 'delegation.read') ? authorize(ctx.actor, 'delegation.read') : null;
}

/** Everyone sees delegations given to or by themselves; readers also see those in their scope. */
export async function listDelegations(ctx: ServiceContext, filter: z.infer<typeof DelegationListQuery>) {
  const rows = await listDelegationsVisible(ctx.db, readScope(ctx), ctx.actor.userId, filter);
  const now = new Date();
  return rows.map((r) => presentDelegation(r, now));
}

export async function createDelegation(ctx: ServiceContext, input: z.infer<typeof DelegationCreate>) {
  const scope = await authorizeFor(ctx.actor, 'delegation.manage', 'area.not_found', (reach) =>
    findAreaInScope(ctx.db, reach, input.areaId),
  );
  if (!ctx.actor.userId) throw new AppError('auth.forbidden');
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (!validWindow(startsAt, endsAt)) throw new AppError('delegation.invalid_window');
  if (input.granteeId === ctx.actor.userId) throw new AppError('delegation.self');
  return ctx.db.transaction(async (tx) => {
    const grantee = await findUserInScope(tx, scope, input.granteeId);
    if (!grantee || grantee.status !== 'active') throw userNotFound();
    const { area, via } = await checkGrantable(tx, scope, input.role, input.areaId);
    const row = await insertDelegation(tx, {
      id: newId(),
      grantorId: ctx.actor.userId!,
      granteeId: grantee.id,
      role: input.role,
      areaId: area.id,
      districtId: area.districtId,
      streetId: area.streetId,
      communityId: area.communityId,
      title: input.title,
      reason: input.reason,
      startsAt,
      endsAt,
    });
    await writeAudit(tx, ctx, {
      action: 'delegation.create',
      entityType: 'delegation',
      entityId: row.id,
      scope: area,
      reason: input.reason,
      changes: {
        grantee: { to: grantee.name },
        role: { to: input.role },
        area: { to: area.name },
        title: { to: input.title },
        startsAt: { to: startsAt.toISOString() },
        endsAt: { to: endsAt.toISOString() },
      },
      delegationId: via.delegationId,
    });
    const created = await findDelegationVisible(tx, scope, ctx.actor.userId, row.id);
    return presentDelegation(created!);
  });
}

export async function revokeDelegation(ctx: ServiceContext, id: string, reason: string | undefined) {
  const scope = await authorizeFor(
    ctx.actor,
    'delegation.manage',
    'delegation.not_found',
    async (reach) => (await findDelegationVisible(ctx.db, reach, null, id))?.delegation,
  );
  return ctx.db.transaction(async (tx) => {
    const found = await findDelegationVisible(tx, scope, null, id);
    if (!found) throw new AppError('delegation.not_found');
    const grant = coveringGrant(scope, found.delegation);
    if (!grant) throw new AppError('delegation.not_found');
    const status = delegationStatus(found.delegation);
    if (status === 'ended' || status === 'revoked') throw new AppError('delegation.already_ended');
    await revokeDelegationRow(tx, id, ctx.actor.userId, reason ?? null);
    await writeAudit(tx, ctx, {
      action: 'delegation.revoke',
      entityType: 'delegation',
      entityId: id,
      scope: found.delegation,
      reason: reason ?? null,
      changes: { status: { from: status, to: 'revoked' } },
      delegationId: grant.delegationId,
    });
    const updated = await findDelegationVisible(tx, scope, null, id);
    return presentDelegation(updated!);
  });
}
