import { Password, Username } from '@linli/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { placeUnder } from '../modules/areas/areas.rules';
import { areas } from '../modules/areas/areas.table';
import { writeAudit } from '../modules/audit/audit.service';
import { roleGrants, users } from '../modules/users/users.table';
import type { Config } from '../platform/config';
import { systemContext } from '../platform/context';
import { resolveFieldCrypto } from '../platform/crypto';
import type { Db } from '../platform/db';
import { newId, randomToken } from '../platform/ids';
import { hashPassword } from '../platform/passwords';

/** The first account of a production install: a district administrator who must pick their own password. */
export async function createAdmin(
  db: Db,
  config: Config,
  opts: { username: string; name: string; district: string; districtCode?: string; password?: string },
) {
  const username = Username.parse(opts.username);
  const generatedPassword = opts.password ? null : `${randomToken(9)}1a`;
  const password = Password.parse(opts.password ?? generatedPassword);
  const passwordHash = await hashPassword(password);
  const ctx = systemContext(db, config, resolveFieldCrypto(config), 'create-admin');
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, username));
    if (taken) throw new Error(`the username ${username} is taken`);
    let [district] = await tx
      .select()
      .from(areas)
      .where(and(eq(areas.kind, 'district'), eq(areas.name, opts.district), isNull(areas.archivedAt)));
    if (!district) {
      const id = newId();
      [district] = await tx
        .insert(areas)
        .values({
          id,
          kind: 'district',
          parentId: null,
          ...placeUnder(id, 'district', null),
          name: opts.district,
          code: opts.districtCode ?? null,
        })
        .returning();
      await writeAudit(tx, ctx, {
        action: 'area.create',
        entityType: 'area',
        entityId: id,
        scope: district!,
        changes: { name: { to: opts.district }, kind: { to: 'district' } },
      });
    }
    const userId = newId();
    await tx.insert(users).values({
      id: userId,
      username,
      name: opts.name,
      passwordHash,
      mustChangePassword: true,
      homeAreaId: district!.id,
      districtId: district!.id,
    });
    await tx.insert(roleGrants).values({
      id: newId(),
      userId,
      role: 'district_admin',
      areaId: district!.id,
      districtId: district!.id,
    });
    await writeAudit(tx, ctx, {
      action: 'user.create',
      entityType: 'user',
      entityId: userId,
      scope: district!,
      changes: { username: { to: username }, role: { to: 'district_admin' } },
    });
    return { username, district: district!.name, generatedPassword };
  });
}
