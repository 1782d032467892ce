import {
  type Ethnicity,
  type HouseholdTagCode,
  idCheckChar,
  maskIdNumber,
  maskPhone,
  type TagCode,
} from '@linli/shared';
import type { FieldCrypto } from '../../platform/crypto';
import type { DbOrTx } from '../../platform/db';
import { newId } from '../../platform/ids';
import { dwellings } from '../buildings/buildings.table';
import { namePinyin } from '../registry/registry.rules';
import { householdTagCodec, tagCodec } from '../registry/registry.service';
import {
  households,
  householdTags,
  residentRelations,
  residents,
  residentTags,
} from '../registry/registry.table';
import {
  arrival,
  CARER_NOTES,
  DAY,
  dwellingType,
  education,
  householdArrival,
  householdEthnicity,
  isoDate,
  maritalStatus,
  memberEthnicity,
  occupation,
  politicalStatus,
  type Rng,
  random,
  STREAM,
  safety,
  streamFor,
} from './demo.details';

/** How a community's households look: the old walk-ups are small and old, the newer estates younger. */
export type ResidentProfile = {
  occupancy: number;
  /** Probabilities of households of 1, 2, 3, 4 and 5 people. */
  sizes: [number, number, number, number, number];
  /** Share of heads of household aged 65 and over. */
  elderlyHeads: number;
};

export const PROFILES: Record<'mixed' | 'old' | 'estate', ResidentProfile> = {
  mixed: { occupancy: 0.92, sizes: [0.18, 0.34, 0.3, 0.14, 0.04], elderlyHeads: 0.3 },
  old: { occupancy: 0.95, sizes: [0.36, 0.44, 0.14, 0.05, 0.01], elderlyHeads: 0.68 },
  estate: { occupancy: 0.9, sizes: [0.15, 0.3, 0.33, 0.17, 0.05], elderlyHeads: 0.22 },
};

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单';
const MALE = '伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆锋建国志文海亮成林峰宏';
const FEMALE = '芳娜敏静丽艳娟霞秀英玲桂兰红梅琳燕萍雪婷慧莉倩颖洁琴云凤华佳欣怡';

/** A household size drawn from the profile's distribution of 1…5 people. */
function drawSize(rng: Rng, sizes: ResidentProfile['sizes']): number {
  let roll = rng.next();
  for (const [i, p] of sizes.entries()) {
    if (roll < p) return i + 1;
    roll -= p;
  }
  return sizes.length;
}

export function personName(rng: Rng, sex: 'male' | 'female', surname = rng.pick(SURNAMES)) {
  const pool = sex === 'male' ? MALE : FEMALE;
  return surname + rng.pick(pool) + (rng.chance(0.7) ? rng.pick(pool) : '');
}

export function birthDate(rng: Rng, age: number, today: Date) {
  const d = new Date(Date.UTC(today.getUTCFullYear() - age, 0, 1) - rng.int(0, 364) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function residentId(rng: Rng, birth: string, sex: 'male' | 'female') {
  const seq = rng.int(0, 99) * 10 + (sex === 'male' ? rng.pick([1, 3, 5, 7, 9]) : rng.pick([0, 2, 4, 6, 8]));
  // 319901: a region code no real district uses, so demo numbers cannot collide with real people.
  const first17 = `319901${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

/** A dwelling not inserted yet (its use follows who lives there), with what its type depends on. */
export type DemoDwelling = {
  row: typeof dwellings.$inferInsert & {
    id: string;
    streetId: string;
    communityId: string;
    compoundId: string;
    buildingId: string;
  };
  builtYear: number;
  floors: number;
  bungalow: boolean;
};

/** Where a household's dwelling use and safety notes come from. */
type Occupant = {
  headId: string;
  householdId: string;
  tenure: 'owner' | 'tenant' | 'lodger';
  groupRental: boolean;
  elderlyAlone: boolean;
};

/**
 * Households and residents for a community's dwellings, and the dwellings themselves: valid ID
 * checksums, realistic ages, people aged 65+ living alone tagged and given an emergency contact (some
 * also a neighbour as carer), a few welfare and party tags, the profile fields of the register, dwelling
 * type and use, and household tags. The main stream decides who lives where; everything added later comes
 * from streams of its own (`streamFor`), so adding a field never moves a person.
 */
export async function seedResidents(
  tx: DbOrTx,
  crypto: FieldCrypto,
  dwellingList: DemoDwelling[],
  profile: ResidentProfile,
  seed: number,
  /** ID numbers already given out in this demo: one person, one registration. */
  usedIds: Set<string>,
) {
  const rng = random(seed);
  const today = new Date();
  const todayMs = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const hRows: (typeof households.$inferInsert)[] = [];
  const rRows: (typeof residents.$inferInsert)[] = [];
  const tRows: (typeof residentTags.$inferInsert)[] = [];
  const htRows: (typeof householdTags.$inferInsert)[] = [];
  const relRows: (typeof residentRelations.$inferInsert)[] = [];
  const token = tagCodec(crypto).toToken;
  const householdToken = householdTagCodec(crypto).toToken;
  const occupants: (Occupant | undefined)[] = [];
  /** Residents of working age by building: the neighbours who may look in on someone living alone. */
  const neighbours = new Map<string, string[]>();
  const placeOf = ({ buildingId, streetId, communityId }: DemoDwelling['row']) => ({
    buildingId,
    streetId,
    communityId,
  });
  const aloneOld: ({ id: string; index: number } & ReturnType<typeof placeOf>)[] = [];
  for (const [di, { row: d }] of dwellingList.entries()) {
    if (!rng.chance(profile.occupancy)) continue;
    const householdId = newId();
    const size = drawSize(rng, profile.sizes);
    const elderly = rng.chance(profile.elderlyHeads);
    const headAge = elderly ? rng.int(65, 98) : rng.int(26, 64);
    const headSex = rng.chance(elderly && size === 1 ? 0.7 : 0.5) ? 'female' : 'male';
    const surname = rng.pick(SURNAMES);
    const members: {
      age: number;
      sex: 'male' | 'female';
      relation: 'head' | 'spouse' | 'child' | 'parent';
    }[] = [{ age: headAge, sex: headSex, relation: 'head' }];
    if (size >= 2)
      members.push({
        age: Math.max(20, headAge + rng.int(-4, 4)),
        sex: headSex === 'male' ? 'female' : 'male',
        relation: 'spouse',
      });
    for (let i = 2; i < size; i++) {
      const childAge = headAge - rng.int(24, 34);
      if (childAge >= 0)
        members.push({ age: childAge, sex: rng.chance(0.5) ? 'male' : 'female', relation: 'child' });
      else members.push({ age: Math.min(100, headAge + rng.int(24, 30)), sex: 'female', relation: 'parent' });
    }
    const residenceType = rng.chance(0.75) ? 'hukou' : rng.chance(0.8) ? 'non_hukou' : 'separated';
    const tenure = residenceType === 'non_hukou' ? (rng.chance(0.7) ? 'tenant' : 'lodger') : 'owner';
    const migrant = residenceType === 'non_hukou';
    const hs = streamFor(seed, STREAM.household, di);
    const ethnicity: Ethnicity = householdEthnicity(hs, migrant);
    const arrivedMs = migrant ? householdArrival(hs, todayMs) : 0;
    const groupRental = tenure !== 'owner' && hs.chance(0.07);
    let headId = '';
    let headSubsistence = false;
    let anyDisabled = false;
    for (const m of members) {
      const id = newId();
      const index = rRows.length;
      if (m.relation === 'head') headId = id;
      const name = personName(
        rng,
        m.sex,
        m.relation === 'child' || m.relation === 'head' ? surname : undefined,
      );
      const birth = birthDate(rng, m.age, today);
      let idNumber = residentId(rng, birth, m.sex);
      while (usedIds.has(idNumber)) idNumber = residentId(rng, birth, m.sex);
      usedIds.add(idNumber);
      const phone =
        m.age >= 14
          ? `1${rng.pick('3589')}${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`
          : null;
      const livingAlone = size === 1 && m.age >= 65;
      const contactPhone = livingAlone ? `139${String(rng.int(0, 99_999_999)).padStart(8, '0')}` : null;
      const { full, initials } = namePinyin(name);
      const row: typeof residents.$inferInsert = {
        id,
        streetId: d.streetId,
        communityId: d.communityId,
        compoundId: d.compoundId,
        buildingId: d.buildingId,
        dwellingId: d.id,
        householdId,
        name,
        namePinyin: full,
        nameInitials: initials,
        sex: m.sex,
        birthDate: birth,
        idType: 'resident_id',
        idNumberEnc: crypto.encrypt(idNumber),
        idNumberHash: crypto.hash(idNumber),
        idNumberMasked: maskIdNumber(idNumber),
        phoneEnc: phone ? crypto.encrypt(phone) : null,
        phoneHash: phone ? crypto.hash(phone) : null,
        phoneTail: phone?.slice(-4) ?? null,
        phoneMasked: phone ? maskPhone(phone) : null,
        healthEnc:
          m.age >= 75 && rng.chance(0.4)
            ? crypto.encrypt(rng.pick(['高血压', '糖尿病', '冠心病', '行动不便']))
            : null,
        residenceType,
        tenure,
        relationToHead: m.relation,
        selfCare: m.age >= 85 ? rng.pick(['independent', 'partial', 'dependent'] as const) : 'independent',
        emergencyContactName: livingAlone
          ? personName(rng, rng.chance(0.5) ? 'male' : 'female', surname)
          : null,
        emergencyContactPhoneEnc: contactPhone ? crypto.encrypt(contactPhone) : null,
        emergencyContactPhoneMasked: contactPhone ? maskPhone(contactPhone) : null,
        provenance: 'demo',
      };
      rRows.push(row);
      const tag = (code: TagCode) =>
        tRows.push({ residentId: id, tag: token(code), streetId: d.streetId, communityId: d.communityId });
      if (livingAlone) tag('living_alone');
      const partyMember = m.age >= 18 && rng.chance(0.07);
      if (partyMember) tag('party_member');
      if (m.age >= 55 && m.age <= 75 && rng.chance(0.04)) tag('volunteer');
      const disabled = rng.chance(0.02);
      if (disabled) tag('disability');
      const subsistence = m.relation === 'head' && rng.chance(size === 1 ? 0.06 : 0.015);
      if (subsistence) tag('subsistence');
      if (m.age >= 80 && m.relation === 'head' && size <= 2 && rng.chance(0.5)) tag('empty_nest');
      // The main stream ends here for this person; the profile comes from the person's own stream.
      const ps = streamFor(seed, STREAM.person, index);
      const birthMs = Date.parse(birth);
      row.ethnicity = memberEthnicity(ps, m.relation, ethnicity);
      row.maritalStatus = maritalStatus(ps, m, size);
      row.politicalStatus = politicalStatus(ps, m.age, partyMember);
      row.education = education(ps, m.age, Number(birth.slice(0, 4)), migrant);
      Object.assign(row, occupation(ps, m, migrant));
      if (migrant) Object.assign(row, arrival(ps, { ...m, birthMs }, arrivedMs, todayMs));
      if (m.relation === 'head') headSubsistence = subsistence;
      anyDisabled ||= disabled;
      if (m.age >= 30 && m.age <= 65) {
        const list = neighbours.get(d.buildingId);
        if (list) list.push(id);
        else neighbours.set(d.buildingId, [id]);
      }
      if (livingAlone && m.age >= 75) aloneOld.push({ id, index, ...placeOf(d) });
    }
    hRows.push({
      id: householdId,
      streetId: d.streetId,
      communityId: d.communityId,
      compoundId: d.compoundId,
      buildingId: d.buildingId,
      dwellingId: d.id,
      headResidentId: headId,
    });
    const elderlyAlone = size === 1 && headAge >= 65;
    occupants[di] = { headId, householdId, tenure, groupRental, elderlyAlone };
    // Household tags, each with the day it began to apply and who established it.
    const htag = (code: HouseholdTagCode, source: string, maxYears: number) => {
      const sinceMs = todayMs - hs.int(30, Math.round(maxYears * 365)) * DAY;
      htRows.push({
        householdId,
        tag: householdToken(code),
        streetId: d.streetId,
        communityId: d.communityId,
        since: isoDate(Math.max(sinceMs, arrivedMs)),
        source,
      });
    };
    const spouseAge = members[1]?.relation === 'spouse' ? members[1].age : 0;
    if (elderlyAlone) htag('living_alone_household', '居委会走访', 8);
    if (size === 2 && headAge >= 65 && spouseAge >= 60 && hs.chance(0.8))
      htag('empty_nest_household', '居委会走访', 8);
    if (groupRental) htag('group_rental_household', '网格巡查', 2);
    if (headSubsistence) htag('subsistence_household', '街道社区事务受理中心', 5);
    if (hs.chance(profile === PROFILES.old ? 0.03 : 0.015)) htag('hardship_household', '居委会评议', 4);
    if (hs.chance(0.01)) htag('low_income_household', '街道社区事务受理中心', 4);
    if (anyDisabled) htag('disabled_member_household', '区残联', 10);
    if (headAge >= 70 && hs.chance(0.008)) htag('veteran_family', '区退役军人事务局', 15);
    if (headAge >= 55 && size <= 2 && hs.chance(0.025)) {
      htag('lost_only_child_family', '区计生协', 12);
      for (const r of rRows.slice(rRows.length - members.length))
        tRows.push({
          residentId: r.id,
          tag: token('lost_only_child'),
          streetId: d.streetId,
          communityId: d.communityId,
        });
    }
  }

  // A neighbour of working age in the same building looks in on some of the very old who live alone.
  for (const old of aloneOld) {
    const cs = streamFor(seed, STREAM.carer, old.index);
    const nearby = neighbours.get(old.buildingId);
    if (!nearby || !cs.chance(0.4)) continue;
    relRows.push({
      id: newId(),
      streetId: old.streetId,
      communityId: old.communityId,
      residentId: old.id,
      kind: 'carer',
      otherResidentId: cs.pick(nearby),
      note: cs.pick(CARER_NOTES),
    });
  }

  const dRows = dwellingList.map(({ row, builtYear, floors, bungalow }, di) => {
    const ds = streamFor(seed, STREAM.dwelling, di);
    const occupant = occupants[di];
    const type = dwellingType(ds, builtYear, bungalow, occupant !== undefined);
    const use = !occupant
      ? type === 'shop'
        ? 'commercial'
        : 'vacant'
      : occupant.tenure === 'owner'
        ? 'owner_occupied'
        : occupant.groupRental
          ? 'group_rental'
          : 'rented';
    const dwelling: typeof dwellings.$inferInsert = {
      ...row,
      type,
      use,
      ...safety(ds, {
        floors,
        bungalow,
        groupRental: occupant?.groupRental ?? false,
        elderlyAlone: occupant?.elderlyAlone ?? false,
      }),
    };
    if (occupant && occupant.tenure !== 'owner') {
      // The landlord: on the dwelling, and as the tenant head's relation, like a worker records them.
      const ownerName = personName(ds, ds.chance(0.5) ? 'male' : 'female');
      const ownerPhone = `1${ds.pick('3589')}${ds.int(0, 9)}${String(ds.int(0, 99_999_999)).padStart(8, '0')}`;
      const phoneEnc = crypto.encrypt(ownerPhone);
      Object.assign(dwelling, {
        ownerName,
        ownerPhoneEnc: phoneEnc,
        ownerPhoneHash: crypto.hash(ownerPhone),
        ownerPhoneMasked: maskPhone(ownerPhone),
      });
      relRows.push({
        id: newId(),
        streetId: row.streetId,
        communityId: row.communityId,
        residentId: occupant.headId,
        kind: 'landlord',
        otherName: ownerName,
        otherPhoneEnc: phoneEnc,
        otherPhoneMasked: maskPhone(ownerPhone),
      });
    }
    return dwelling;
  });

  const insert = async <T>(rows: T[], write: (chunk: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 1000) await write(rows.slice(i, i + 1000));
  };
  await insert(dRows, (c) => tx.insert(dwellings).values(c));
  await insert(hRows, (c) => tx.insert(households).values(c));
  await insert(rRows, (c) => tx.insert(residents).values(c));
  await insert(tRows, (c) => tx.insert(residentTags).values(c));
  await insert(htRows, (c) => tx.insert(householdTags).values(c));
  await insert(relRows, (c) => tx.insert(residentRelations).values(c));
  return {
    households: hRows.length,
    residents: rRows.length,
    householdTags: htRows.length,
    relations: relRows.length,
  };
}
