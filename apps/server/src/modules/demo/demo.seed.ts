import { eq, isNull, sql } from 'drizzle-orm';
import type { Config } from '../../platform/config';
import type { FieldCrypto } from '../../platform/crypto';
import type { Db, DbOrTx } from '../../platform/db';
import { newId } from '../../platform/ids';
import { hashPassword } from '../../platform/passwords';
import { placeUnder } from '../areas/areas.rules';
import { type AreaRow, areas } from '../areas/areas.table';
import { auditLog } from '../audit/audit.table';
import { generateDwellings } from '../buildings/buildings.rules';
import { buildings, entrances } from '../buildings/buildings.table';
import { gridBuildings, grids } from '../grids/grids.table';
import { roleGrants, users } from '../users/users.table';
import {
  type CommunitySpec,
  DEMO_DISTRICT,
  DEMO_STREET,
  DEMO_USERS,
  GUILIN,
  MEIYUAN,
  SONGFENG,
  streetScaleCommunities,
} from './demo.data';
import { seedDemoForms } from './demo.forms';
import { type DemoDwelling, PROFILES, seedResidents } from './demo.residents';

export type DemoScale = 'community' | 'street';

/** 49 communities of the three shapes in turn: about 254,000 residents, the size the search goal names. */
export const STREET_COMMUNITIES = 49;

export async function hasAnyArea(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: areas.id }).from(areas).limit(1);
  return Boolean(row);
}

const CHUNK = 1000;
async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/**
 * The demo street: the area tree, buildings, dwellings, residents and households, one grid and the demo
 * accounts, in one transaction so a failed seed leaves nothing behind; then two forms with answers in the
 * first community, written through the forms module as its community worker.
 */
export async function seedDemo(
  db: Db,
  opts: { scale: DemoScale; password: string; crypto: FieldCrypto; config: Config },
) {
  const [existing] = await db
    .select({ id: areas.id })
    .from(areas)
    .where(eq(areas.name, DEMO_DISTRICT.name))
    .limit(1);
  if (existing) return { created: false, dwellings: 0, communities: 0, residents: 0, answers: 0 };
  const passwordHash = await hashPassword(opts.password);
  const specs =
    opts.scale === 'street' ? streetScaleCommunities(STREET_COMMUNITIES) : [MEIYUAN, GUILIN, SONGFENG];
  const result = await db.transaction(async (tx) => {
    const district = await area(tx, 'district', null, DEMO_DISTRICT.name, DEMO_DISTRICT.code, 0);
    const street = await area(tx, 'street', district, DEMO_STREET.name, DEMO_STREET.code, 0);
    const communities: AreaRow[] = [];
    let dwellingTotal = 0;
    let residentTotal = 0;
    const usedIds = new Set<string>();
    const firstCompoundBuildings: string[] = [];
    for (const [i, spec] of specs.entries()) {
      const code = `${DEMO_STREET.code}${String(i + 1).padStart(3, '0')}`;
      const community = await area(tx, 'community', street, spec.name, code, i);
      communities.push(community);
      const built = await seedCommunity(tx, community, spec);
      dwellingTotal += built.dwellings.length;
      const profile = [PROFILES.mixed, PROFILES.old, PROFILES.estate][i % 3]!;
      residentTotal += (await seedResidents(tx, opts.crypto, built.dwellings, profile, 1989 + i, usedIds))
        .residents;
      if (i === 0) firstCompoundBuildings.push(...built.firstCompoundBuildings);
    }
    const places: Record<string, AreaRow> = { district, street };
    communities.forEach((c, i) => {
      places[`community:${i}`] = c;
    });
    const userIds: Record<string, string> = {};
    for (const u of DEMO_USERS) {
      const home = places[u.at]!;
      const id = newId();
      userIds[u.username] = id;
      await tx.insert(users).values({
        id,
        username: u.username,
        name: u.name,
        passwordHash,
        homeAreaId: home.id,
        districtId: home.districtId,
        streetId: home.streetId,
        communityId: home.communityId,
      });
      await tx.insert(roleGrants).values({
        id: newId(),
        userId: id,
        role: u.role,
        areaId: home.id,
        districtId: home.districtId,
        streetId: home.streetId,
        communityId: home.communityId,
      });
    }
    const first = communities[0]!;
    const gridId = newId();
    await tx.insert(grids).values({
      id: gridId,
      streetId: first.streetId!,
      communityId: first.id,
      name: `${MEIYUAN.compounds[0]!.name}网格`,
      workerUserId: userIds.grid_worker!,
    });
    await tx
      .insert(gridBuildings)
      .values(
        firstCompoundBuildings.map((buildingId) => ({ gridId, buildingId, streetId: first.streetId! })),
      );
    await tx.insert(auditLog).values({
      id: newId(),
      action: 'demo.seed',
      entityType: 'area',
      entityId: district.id,
      districtId: district.id,
      changes: {
        scale: { to: opts.scale },
        communities: { to: communities.length },
        dwellings: { to: dwellingTotal },
        residents: { to: residentTotal },
      },
      userAgent: 'linli-cli/seed-demo',
    });
    return {
      created: true,
      dwellings: dwellingTotal,
      communities: communities.length,
      residents: residentTotal,
      firstCommunityId: first.id,
    };
  });
  // PGlite runs no autovacuum: without fresh statistics the planner treats the new tables as empty and
  // picks nested loops that take seconds at this size.
  await db.execute(sql`analyze`);
  const { firstCommunityId, ...counts } = result;
  const forms = await seedDemoForms(db, opts.config, opts.crypto, {
    communityId: firstCommunityId,
    username: 'worker',
  });
  return { ...counts, answers: forms.answers };
}

async function area(
  tx: DbOrTx,
  kind: AreaRow['kind'],
  parent: AreaRow | null,
  name: string,
  code: string | null,
  sortOrder: number,
) {
  const id = newId();
  const [row] = await tx
    .insert(areas)
    .values({
      id,
      kind,
      parentId: parent?.id ?? null,
      ...placeUnder(id, kind, parent),
      name,
      code,
      sortOrder,
    })
    .returning();
  return row!;
}

async function seedCommunity(tx: DbOrTx, community: AreaRow, spec: CommunitySpec) {
  const keys = { streetId: community.streetId!, communityId: community.id };
  const buildingRows: (typeof buildings.$inferInsert)[] = [];
  const entranceRows: (typeof entrances.$inferInsert)[] = [];
  const dwellingRows: DemoDwelling[] = [];
  const firstCompoundBuildings: string[] = [];
  for (const [ci, compoundSpec] of spec.compounds.entries()) {
    const compound = await area(tx, 'compound', community, compoundSpec.name, null, ci);
    let number = 1;
    for (const shape of compoundSpec.buildings) {
      for (let b = 0; b < shape.count; b++) {
        const buildingId = newId();
        if (ci === 0) firstCompoundBuildings.push(buildingId);
        const bungalow = shape.kind === 'bungalow';
        buildingRows.push({
          id: buildingId,
          ...keys,
          compoundId: compound.id,
          name: bungalow ? '平房' : String(number++),
          kind: shape.kind ?? 'residential',
          floors: shape.floors,
          entranceCount: shape.entrances,
          roomsPerFloor: shape.roomsPerFloor,
          builtYear: compoundSpec.builtYear,
        });
        const entranceIds: string[] = [];
        for (let e = 1; e <= shape.entrances; e++) {
          const id = newId();
          entranceIds.push(id);
          entranceRows.push({ id, ...keys, buildingId, number: e, name: `${e}单元` });
        }
        for (const d of generateDwellings(shape)) {
          dwellingRows.push({
            row: {
              id: newId(),
              ...keys,
              compoundId: compound.id,
              buildingId,
              entranceId: entranceIds[d.entrance - 1]!,
              floor: d.floor,
              number: d.number,
            },
            builtYear: compoundSpec.builtYear,
            floors: shape.floors,
            bungalow,
          });
        }
      }
    }
  }
  await insertChunked(buildingRows, (c) => tx.insert(buildings).values(c));
  await insertChunked(entranceRows, (c) => tx.insert(entrances).values(c));
  // The dwellings go in with the residents, once their use is known from who lives there.
  return { dwellings: dwellingRows, firstCompoundBuildings };
}

export async function districtCount(db: Db) {
  return (await db.select({ id: areas.id }).from(areas).where(isNull(areas.parentId))).length;
}
