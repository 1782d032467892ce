import { idCheckChar, maskIdNumber, maskPhone, type TagCode } from '@linli/shared';
import type { FieldCrypto } from '../../platform/crypto';
import type { DbOrTx } from '../../platform/db';
import { newId } from '../../platform/ids';
import { namePinyin } from '../registry/registry.rules';
import { households, residents, residentTags } from '../registry/registry.table';

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

/** A small deterministic generator: the same demo every time, on every machine. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: ArrayLike<T>) => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof random>;

/** A household size drawn from the profile's distribution of 1…5 people. */
function drawSize(rng: Rng, sizes: ResidentProfile['sizes']): number {
  let roll = rng.next();
  for (const [i, p] of sizes.entries()) {
    if (roll < p) return i + 1;
    roll -= p;
  }
  return sizes.length;
}

function personName(rng: Rng, sex: 'male' | 'female', surname = rng.pick(SURNAMES)) {
  const pool = sex === 'male' ? MALE : FEMALE;
  return surname + rng.pick(pool) + (rng.chance(0.7) ? rng.pick(pool) : '');
}

function birthDate(rng: Rng, age: number, today: Date) {
  const d = new Date(Date.UTC(today.getUTCFullYear() - age, 0, 1) - rng.int(0, 364) * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function residentId(rng: Rng, birth: string, sex: 'male' | 'female') {
  const seq = rng.int(0, 99) * 10 + (sex === 'male' ? rng.pick([1, 3, 5, 7, 9]) : rng.pick([0, 2, 4, 6, 8]));
  // 319901: a region code no real district uses, so demo numbers cannot collide with real people.
  const first17 = `319901${birth.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  return first17 + idCheckChar(first17);
}

type Dwelling = {
  id: string;
  streetId: string;
  communityId: string;
  compoundId: string;
  buildingId: string;
};

/**
 * Households and residents for a community's dwellings: valid ID checksums, realistic ages, people
 * aged 65+ living alone tagged and given an emergency contact, a few welfare and party tags.
 */
export async function seedResidents(
  tx: DbOrTx,
  crypto: FieldCrypto,
  dwellingList: Dwelling[],
  profile: ResidentProfile,
  seed: number,
  /** ID numbers already given out in this demo: one person, one registration. */
  usedIds: Set<string>,
) {
  const rng = random(seed);
  const today = new Date();
  const hRows: (typeof households.$inferInsert)[] = [];
  const rRows: (typeof residents.$inferInsert)[] = [];
  const tRows: (typeof residentTags.$inferInsert)[] = [];
  const token = (code: TagCode, sensitive: boolean) =>
    sensitive ? `s:${crypto.hash(`tag:${code}`).slice(0, 24)}` : code;
  for (const d of dwellingList) {
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
    let headId = '';
    for (const m of members) {
      const id = newId();
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
      rRows.push({
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
      });
      const tag = (code: TagCode, sensitive = false) =>
        tRows.push({
          residentId: id,
          tag: token(code, sensitive),
          streetId: d.streetId,
          communityId: d.communityId,
        });
      if (livingAlone) tag('living_alone');
      if (m.age >= 18 && rng.chance(0.07)) tag('party_member');
      if (m.age >= 55 && m.age <= 75 && rng.chance(0.04)) tag('volunteer');
      if (rng.chance(0.02)) tag('disability', true);
      if (m.relation === 'head' && rng.chance(size === 1 ? 0.06 : 0.015)) tag('subsistence', true);
      if (m.age >= 80 && m.relation === 'head' && size <= 2 && rng.chance(0.5)) tag('empty_nest');
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
  }
  for (let i = 0; i < hRows.length; i += 1000) await tx.insert(households).values(hRows.slice(i, i + 1000));
  for (let i = 0; i < rRows.length; i += 1000) await tx.insert(residents).values(rRows.slice(i, i + 1000));
  for (let i = 0; i < tRows.length; i += 1000) await tx.insert(residentTags).values(tRows.slice(i, i + 1000));
  return { households: hRows.length, residents: rRows.length };
}
