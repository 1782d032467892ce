import { type Me, PERMISSIONS, type RoleGrant, roleHas } from '@linli/shared';
import type { Config } from '../../platform/config';
import type { ServiceContext } from '../../platform/context';
import type { Db } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { randomToken, sha256 } from '../../platform/ids';
import { burnPasswordCheck, hashPassword, verifyPassword } from '../../platform/passwords';
import type { ActiveGrant, Actor } from '../../platform/scope';
import { writeAudit } from '../audit/audit.service';
import { findLiveToken, touchToken } from '../tokens/tokens.repository';
import { findUserById, findUserByUsername, toActiveGrants, updateUserRow } from '../users/users.repository';
import type { UserRow } from '../users/users.table';
import {
  findLiveSessionActor,
  insertSession,
  revokeSession,
  revokeSessionsOfUser,
  touchSession,
} from './auth.repository';

/** Sliding expiry is written at most this often, so reads do not each cost a write. */
const TOUCH_INTERVAL_MS = 5 * 60_000;

/** `base` is the anonymous request context; the audit rows it writes name the user signing in. */
export async function login(
  base: ServiceContext,
  input: { username: string; password: string },
): Promise<{ token: string; userId: string }> {
  const { db, config, meta } = base;
  const user = await findUserByUsername(db, input.username);
  if (!user) {
    await burnPasswordCheck(input.password);
    throw new AppError('auth.invalid_credentials');
  }
  const now = new Date();
  if (user.lockedUntil && user.lockedUntil > now) {
    throw new AppError('auth.locked', {
      minutes: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000),
    });
  }
  const ok = await verifyPassword(user.passwordHash, input.password);
  const ctx = actorContext(base, user);
  if (!ok) {
    const failures = user.failedLoginCount + 1;
    const lock = failures >= config.loginMaxFailures;
    await db.transaction(async (tx) => {
      await updateUserRow(
        tx,
        user.id,
        {
          failedLoginCount: lock ? 0 : failures,
          lockedUntil: lock ? new Date(now.getTime() + config.loginLockMinutes * 60_000) : user.lockedUntil,
        },
        false,
      );
      await writeAudit(tx, ctx, {
        action: lock ? 'auth.lockout' : 'auth.login_failed',
        entityType: 'user',
        entityId: user.id,
        scope: user,
      });
    });
    if (lock) throw new AppError('auth.locked', { minutes: config.loginLockMinutes });
    throw new AppError('auth.invalid_credentials');
  }
  // The password is checked before the account state, so a disabled account reveals nothing to a guesser.
  if (user.status !== 'active') throw new AppError('auth.disabled');
  const token = randomToken();
  await db.transaction(async (tx) => {
    await insertSession(tx, {
      id: sha256(token),
      userId: user.id,
      csrfToken: randomToken(24),
      expiresAt: new Date(now.getTime() + config.sessionTtlHours * 3_600_000),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await updateUserRow(tx, user.id, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now }, false);
    await writeAudit(tx, ctx, { action: 'auth.login', entityType: 'user', entityId: user.id, scope: user });
  });
  return { token, userId: user.id };
}

function actorContext(base: ServiceContext, user: UserRow): ServiceContext {
  return {
    ...base,
    actor: {
      kind: 'user',
      userId: user.id,
      tokenId: null,
      name: user.name,
      grants: [],
      sessionId: null,
      csrfToken: null,
      mustChangePassword: user.mustChangePassword,
    },
  };
}

export async function logout(ctx: ServiceContext): Promise<void> {
  if (!ctx.actor.sessionId || !ctx.actor.userId) return;
  const user = await findUserById(ctx.db, ctx.actor.userId);
  await ctx.db.transaction(async (tx) => {
    await revokeSession(tx, ctx.actor.sessionId!);
    if (user)
      await writeAudit(tx, ctx, {
        action: 'auth.logout',
        entityType: 'user',
        entityId: user.id,
        scope: user,
      });
  });
}

/** Cookie → actor. Null when the session is unknown, expired, revoked or its user disabled. */
export async function actorFromSession(db: Db, config: Config, token: string): Promise<Actor | null> {
  const id = sha256(token);
  const found = await findLiveSessionActor(db, id);
  if (!found || found.status !== 'active') return null;
  const now = Date.now();
  if (now - found.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await touchSession(db, id, new Date(now + config.sessionTtlHours * 3_600_000));
  }
  return {
    kind: 'user',
    userId: found.userId,
    tokenId: null,
    name: found.name,
    grants: found.grants,
    sessionId: id,
    csrfToken: found.csrfToken,
    mustChangePassword: found.mustChangePassword,
  };
}

/** Bearer token → actor holding exactly the token's one role. */
export async function actorFromApiToken(db: Db, secret: string): Promise<Actor | null> {
  const found = await findLiveToken(db, sha256(secret));
  if (!found) return null;
  if (!found.token.lastUsedAt || Date.now() - found.token.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await touchToken(db, found.token.id);
  }
  const grants = await toActiveGrants(db, [
    {
      id: found.token.id,
      role: found.token.role as never,
      area: found.area,
      via: 'grant',
      delegationId: null,
      endsAt: found.token.expiresAt,
    },
  ]);
  return {
    kind: 'token',
    userId: null,
    tokenId: found.token.id,
    name: found.token.name,
    grants,
    sessionId: null,
    csrfToken: null,
    mustChangePassword: false,
  };
}

/** The signed-in person with the roles already resolved for this request. */
export async function getMe(ctx: ServiceContext): Promise<Me> {
  const user = ctx.actor.userId ? await findUserById(ctx.db, ctx.actor.userId) : null;
  if (!user) throw new AppError('auth.unauthenticated');
  const grants = ctx.actor.grants;
  return {
    user: {
      id: user.id,
      username: user.username,
      name: user.name,
      phone: user.phone,
      mustChangePassword: user.mustChangePassword,
    },
    grants: grants.map(presentActiveGrant),
    permissions: PERMISSIONS.filter((p) => grants.some((g) => roleHas(g.role, p))),
    csrfToken: ctx.actor.csrfToken ?? '',
  };
}

function presentActiveGrant(g: ActiveGrant): RoleGrant {
  return {
    id: g.id,
    role: g.role,
    areaId: g.areaId,
    areaName: g.areaName,
    areaKind: g.areaKind,
    via: g.via,
    endsAt: g.endsAt?.toISOString() ?? null,
  };
}

/** Other sessions of the user end; the one that changed the password stays signed in. */
export async function changePassword(ctx: ServiceContext, currentPassword: string, newPassword: string) {
  const user = ctx.actor.userId ? await findUserById(ctx.db, ctx.actor.userId) : null;
  if (!user) throw new AppError('auth.unauthenticated');
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new AppError(
      'auth.wrong_password',
      {},
      { issues: [{ path: 'currentPassword', code: 'wrong_password' }] },
    );
  }
  const passwordHash = await hashPassword(newPassword);
  await ctx.db.transaction(async (tx) => {
    await updateUserRow(tx, user.id, { passwordHash, mustChangePassword: false }, false);
    await revokeSessionsOfUser(tx, user.id, ctx.actor.sessionId ?? undefined);
    await writeAudit(tx, ctx, {
      action: 'auth.change_password',
      entityType: 'user',
      entityId: user.id,
      scope: user,
      changes: { password: { from: '[redacted]', to: '[redacted]' } },
    });
  });
}
