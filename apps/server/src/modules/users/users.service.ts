import type { Role, UserCreate, UserListQuery, UserUpdate } from '@linli/shared';
import type { z } from 'zod';
import { assertVersion } from '../../platform/concurrency';
import type { ServiceContext } from '../../platform/context';
import type { DbOrTx } from '../../platform/db';
import { newId } from '../../platform/ids';
import { hashPassword } from '../../platform/passwords';
import {
  type ActiveGrant,
  assertInScope,
  authorize,
  authorizeFor,
  coveringGrant,
  type Scope,
} from '../../platform/scope';
import { areaNotFound } from '../areas/areas.errors';
import { findAreaInScope, findAreasByIds } from '../areas/areas.repository';
import type { AreaRow } from '../areas/areas.table';
import { diffFields, writeAudit } from '../audit/audit.service';
import { revokeSessionsOfUser } from '../auth/auth.repository';
import {
  cannotChangeSelf,
  delegatedCannotGrant,
  grantNotFound,
  roleNotAllowed,
  scopeKindMismatch,
  userNotFound,
  usernameTaken,
} from './users.errors';
import { presentUser } from './users.presenter';
import {
  findActiveGrant,
  findGrantOfUser,
  findUserByUsername,
  findUserInScope,
  grantsOfUsers,
  insertRoleGrant,
  insertUser,
  listUsersInScope,
  revokeGrantRow,
  updateUserRow,
} from './users.repository';
import { mayHandOut, roleFitsArea } from './users.rules';
import type { UserRow } from './users.table';

const USER_FIELDS = ['username', 'name', 'phone', 'status', 'homeAreaId'] as const;

async function present(db: DbOrTx, rows: UserRow[]) {
  const grants = await grantsOfUsers(
    db,
    rows.map((r) => r.id),
  );
  const homes = new Map(
    (await findAreasByIds(db, [...new Set(rows.map((r) => r.homeAreaId))])).map((a) => [a.id, a]),
  );
  return rows.map((r) => presentUser(r, grants.get(r.id) ?? [], homes.get(r.homeAreaId)?.name ?? ''));
}

export async function listUsers(ctx: ServiceContext, query: z.infer<typeof UserListQuery>) {
  const scope = authorize(ctx.actor, 'user.read');
  let areaPath: string | undefined;
  if (query.areaId) {
    const area = await findAreaInScope(ctx.db, scope, query.areaId);
    if (!area) throw areaNotFound();
    areaPath = area.path;
  }
  const { rows, nextCursor } = await listUsersInScope(ctx.db, scope, { ...query, areaPath });
  return { items: await present(ctx.db, rows), nextCursor };
}

const userTarget = (ctx: ServiceContext, id: string) => (reach: Scope) => findUserInScope(ctx.db, reach, id);
const areaTarget = (ctx: ServiceContext, id: string) => (reach: Scope) => findAreaInScope(ctx.db, reach, id);

export async function getUser(ctx: ServiceContext, id: string) {
  const scope = await authorizeFor(ctx.actor, 'user.read', 'user.not_found', userTarget(ctx, id));
  const row = await findUserInScope(ctx.db, scope, id);
  if (!row) throw userNotFound();
  return (await present(ctx.db, [row]))[0]!;
}

/**
 * Checks that the caller may hand `role` out on `areaId`: the area lies in its user.manage scope,
 * the role fits the area's level, and the caller holds at least that role there as a standing role.
 * Cover is for doing the work, not for handing out power that would outlast it: roles, delegations
 * and tokens granted through a delegation would survive its end.
 */
export async function checkGrantable(db: DbOrTx, scope: Scope, role: Role, areaId: string) {
  const area = await findAreaInScope(db, scope, areaId);
  if (!area) throw areaNotFound();
  if (!roleFitsArea(role, area.kind)) throw scopeKindMismatch(role);
  const qualifying = scope.grants.filter((g) => coversArea(g, area) && mayHandOut(g.role, role));
  const via = qualifying.find((g) => g.via === 'grant');
  if (!via) throw qualifying.length ? delegatedCannotGrant() : roleNotAllowed();
  return { area, via };
}

function coversArea(g: ActiveGrant, area: AreaRow) {
  return area.path.startsWith(g.areaPath);
}

/**
 * Account actions (edit, disable, reset the password) act on every role the account holds, so they
 * need standing over each of them: a committee admin who can see a street officer seconded to the
 * committee must not be able to take over or lock out that officer's street account.
 */
async function assertMayManageAccount(db: DbOrTx, scope: Scope, user: UserRow) {
  const held = (await grantsOfUsers(db, [user.id])).get(user.id) ?? [];
  for (const g of held) {
    if (!scope.grants.some((mine) => coversArea(mine, g.area) && mayHandOut(mine.role, g.role))) {
      throw roleNotAllowed();
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  for (let e = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export async function createUser(ctx: ServiceContext, input: UserCreate) {
  const scope = await authorizeFor(
    ctx.actor,
    'user.manage',
    'area.not_found',
    areaTarget(ctx, input.homeAreaId),
  );
  const passwordHash = await hashPassword(input.password);
  return ctx.db.transaction(async (tx) => {
    const home = await findAreaInScope(tx, scope, input.homeAreaId);
    if (!home) throw areaNotFound();
    const grant = assertInScope(scope, home, 'area.not_found');
    if (await findUserByUsername(tx, input.username)) throw usernameTaken();
    const checked = [];
    for (const g of input.grants)
      checked.push({ ...g, ...(await checkGrantable(tx, scope, g.role, g.areaId)) });
    const user = await insertUser(tx, {
      id: newId(),
      username: input.username,
      name: input.name,
      phone: input.phone ?? null,
      passwordHash,
      mustChangePassword: true,
      homeAreaId: home.id,
      districtId: home.districtId,
      streetId: home.streetId,
      communityId: home.communityId,
      createdBy: ctx.actor.userId,
    }).catch((error: unknown) => {
      // Two requests for one new username: the unique index decides, the loser gets a 409.
      throw isUniqueViolation(error) ? usernameTaken() : error;
    });
    await writeAudit(tx, ctx, {
      action: 'user.create',
      entityType: 'user',
      entityId: user.id,
      scope: user,
      changes: { ...diffFields(null, user, USER_FIELDS), password: { to: '[redacted]' } },
      delegationId: grant.delegationId,
    });
    for (const g of checked) await addGrant(tx, ctx, user, g.role, g.area, g.via);
    return (await present(tx, [user]))[0]!;
  });
}

async function addGrant(
  tx: DbOrTx,
  ctx: ServiceContext,
  user: UserRow,
  role: Role,
  area: AreaRow,
  via: ActiveGrant,
) {
  if (await findActiveGrant(tx, user.id, role, area.id)) return;
  const row = await insertRoleGrant(tx, {
    id: newId(),
    userId: user.id,
    role,
    areaId: area.id,
    districtId: area.districtId,
    streetId: area.streetId,
    communityId: area.communityId,
    createdBy: ctx.actor.userId,
  });
  await writeAudit(tx, ctx, {
    action: 'user.grant_role',
    entityType: 'user',
    entityId: user.id,
    scope: area,
    changes: { role: { to: role }, area: { to: area.name }, grantId: { to: row.id } },
    delegationId: via.delegationId,
  });
}

export async function updateUser(ctx: ServiceContext, id: string, input: z.infer<typeof UserUpdate>) {
  const scope = await authorizeFor(ctx.actor, 'user.manage', 'user.not_found', userTarget(ctx, id));
  return ctx.db.transaction(async (tx) => {
    const user = await findUserInScope(tx, scope, id, { forUpdate: true });
    if (!user) throw userNotFound();
    if (input.status === 'disabled' && user.id === ctx.actor.userId) throw cannotChangeSelf();
    if (user.id !== ctx.actor.userId) await assertMayManageAccount(tx, scope, user);
    const [home] = await findAreasByIds(tx, [user.homeAreaId]);
    assertVersion(user, input.version, 'user.version_conflict', (u) => presentUser(u, [], home?.name ?? ''));
    const updated = await updateUserRow(tx, id, {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.phone !== undefined && { phone: input.phone ?? null }),
      ...(input.status !== undefined && { status: input.status }),
    });
    // A disabled account loses its open sessions at once, not when they expire.
    if (input.status === 'disabled') await revokeSessionsOfUser(tx, id);
    await writeAudit(tx, ctx, {
      action: 'user.update',
      entityType: 'user',
      entityId: id,
      scope: updated,
      changes: diffFields(user, updated, USER_FIELDS),
      delegationId: coveringGrant(scope, user)?.delegationId ?? null,
    });
    return (await present(tx, [updated]))[0]!;
  });
}

/** An administrator sets a temporary password; the user must choose their own at next sign-in. */
export async function resetPassword(ctx: ServiceContext, id: string, newPassword: string) {
  const scope = await authorizeFor(ctx.actor, 'user.manage', 'user.not_found', userTarget(ctx, id));
  const passwordHash = await hashPassword(newPassword);
  await ctx.db.transaction(async (tx) => {
    const user = await findUserInScope(tx, scope, id, { forUpdate: true });
    if (!user) throw userNotFound();
    await assertMayManageAccount(tx, scope, user);
    await updateUserRow(
      tx,
      id,
      { passwordHash, mustChangePassword: true, failedLoginCount: 0, lockedUntil: null },
      false,
    );
    await revokeSessionsOfUser(tx, id);
    await writeAudit(tx, ctx, {
      action: 'user.reset_password',
      entityType: 'user',
      entityId: id,
      scope: user,
      changes: { password: { from: '[redacted]', to: '[redacted]' } },
      delegationId: coveringGrant(scope, user)?.delegationId ?? null,
    });
  });
}

export async function grantRole(ctx: ServiceContext, id: string, role: Role, areaId: string) {
  const scope = await authorizeFor(ctx.actor, 'user.manage', 'user.not_found', userTarget(ctx, id));
  return ctx.db.transaction(async (tx) => {
    const user = await findUserInScope(tx, scope, id, { forUpdate: true });
    if (!user) throw userNotFound();
    if (user.id === ctx.actor.userId) throw cannotChangeSelf();
    const { area, via } = await checkGrantable(tx, scope, role, areaId);
    await addGrant(tx, ctx, user, role, area, via);
    return (await present(tx, [user]))[0]!;
  });
}

export async function revokeRole(ctx: ServiceContext, id: string, grantId: string) {
  const scope = await authorizeFor(ctx.actor, 'user.manage', 'user.not_found', userTarget(ctx, id));
  return ctx.db.transaction(async (tx) => {
    const user = await findUserInScope(tx, scope, id, { forUpdate: true });
    if (!user) throw userNotFound();
    if (user.id === ctx.actor.userId) throw cannotChangeSelf();
    const grant = await findGrantOfUser(tx, id, grantId);
    if (!grant) throw grantNotFound();
    // Revoking needs the same standing as granting: the area in scope and a role at least as high.
    const { area, via } = await checkGrantable(tx, scope, grant.role as Role, grant.areaId).catch((error) => {
      if (error?.code === 'area.not_found') throw grantNotFound();
      throw error;
    });
    await revokeGrantRow(tx, grant.id, ctx.actor.userId);
    await writeAudit(tx, ctx, {
      action: 'user.revoke_role',
      entityType: 'user',
      entityId: user.id,
      scope: area,
      changes: { role: { from: grant.role }, area: { from: area.name }, grantId: { from: grant.id } },
      delegationId: via.delegationId,
    });
    return (await present(tx, [user]))[0]!;
  });
}
