import type {
  ARRIVAL_REASONS,
  DWELLING_TYPES,
  EDUCATION_LEVELS,
  Ethnicity,
  MARITAL_STATUSES,
  POLITICAL_STATUSES,
  SAFETY_FLAGS,
} from '@linli/shared';

/**
 * The profile fields of the demo register (民族, 婚姻, 政治面貌, 文化程度, 职业, 来沪原因, 房屋类型 …).
 * They are drawn from streams of their own, keyed by the person's, household's or dwelling's index, so
 * the main stream of `demo.residents.ts` (who lives where, names, ages, tags) stays exactly as it was.
 */

/** A small deterministic generator: the same demo every time, on every machine. */
export function random(seed: number) {
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
export type Rng = ReturnType<typeof random>;

/** murmur3's finaliser: neighbouring indexes give unrelated seeds. */
function mix(x: number) {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export const STREAM = { person: 1, household: 2, dwelling: 3, carer: 4, form: 5 } as const;

/**
 * The generator of one person, household or dwelling. Seeding `random` with consecutive numbers would
 * make one index's draws the next one's shifted by a step (its state advances by a constant), hence the mix.
 */
export function streamFor(seed: number, kind: (typeof STREAM)[keyof typeof STREAM], index: number) {
  return random(mix(mix(seed ^ Math.imul(kind, 0x9e3779b1)) + index));
}

function weighted<T>(rng: Rng, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let roll = rng.next() * total;
  for (const [value, w] of table) {
    if (roll < w) return value;
    roll -= w;
  }
  return table[table.length - 1]![0];
}

export const DAY = 86_400_000;
export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/* ---- People ---- */

type Marital = (typeof MARITAL_STATUSES)[number];
type Political = (typeof POLITICAL_STATUSES)[number];
type Education = (typeof EDUCATION_LEVELS)[number];
type ArrivalReason = (typeof ARRIVAL_REASONS)[number];
export type Relation = 'head' | 'spouse' | 'child' | 'parent';

/** Shanghai-like: about 98 % 汉族, the rest mostly 回族, 满族 and the larger southern peoples. */
const MINORITIES: readonly (readonly [Ethnicity, number])[] = [
  ['03', 24],
  ['11', 20],
  ['08', 10],
  ['15', 9],
  ['06', 8],
  ['02', 7],
  ['10', 7],
  ['07', 4],
  ['12', 3],
  ['14', 3],
  ['04', 2],
  ['22', 2],
  ['05', 1],
];

/** The household's ethnicity; migrants come from a wider mix of provinces. */
export function householdEthnicity(rng: Rng, migrant: boolean): Ethnicity {
  return rng.chance(migrant ? 0.04 : 0.018) ? weighted(rng, MINORITIES) : '01';
}

export function memberEthnicity(rng: Rng, relation: Relation, household: Ethnicity): Ethnicity {
  if (relation === 'head' || relation === 'parent' || relation === 'child') return household;
  // A spouse mostly married within the city's majority; a minority household's spouse often shares it.
  return household !== '01' && rng.chance(0.5) ? household : householdEthnicity(rng, false);
}

export function maritalStatus(
  rng: Rng,
  m: { age: number; relation: Relation },
  householdSize: number,
): Marital | null {
  if (m.age < 16) return null;
  if (m.relation === 'spouse') return 'married';
  if (m.relation === 'head')
    return householdSize > 1
      ? 'married'
      : m.age >= 65
        ? weighted(rng, [
            ['widowed', 64],
            ['divorced', 11],
            ['married', 18],
            ['unmarried', 7],
          ] as const)
        : weighted(rng, [
            ['unmarried', 55],
            ['divorced', 27],
            ['married', 14],
            ['widowed', 4],
          ] as const);
  if (m.relation === 'parent')
    return weighted(rng, [
      ['widowed', 70],
      ['married', 28],
      ['divorced', 2],
    ] as const);
  if (m.age < 22) return 'unmarried';
  if (m.age < 30)
    return weighted(rng, [
      ['unmarried', 78],
      ['married', 20],
      ['divorced', 2],
    ] as const);
  if (m.age < 40)
    return weighted(rng, [
      ['unmarried', 42],
      ['married', 46],
      ['divorced', 12],
    ] as const);
  return weighted(rng, [
    ['unmarried', 28],
    ['married', 46],
    ['divorced', 22],
    ['widowed', 4],
  ] as const);
}

/** 政治面貌 follows the 党员 tag: a tagged resident is a member, nobody else is. */
export function politicalStatus(rng: Rng, age: number, partyMember: boolean): Political | null {
  if (partyMember) return 'cpc_member';
  if (age < 14) return null;
  // The League takes members from 14; most leave it when they start work (the limit is 28).
  if (age <= 24)
    return rng.chance(0.45) ? 'cyl_member' : age >= 18 && rng.chance(0.02) ? 'cpc_probationary' : 'masses';
  return weighted(rng, [
    ['masses', 990],
    ['cpc_probationary', 4],
    ['democratic_party', 4],
    ['non_partisan', 2],
  ] as const);
}

/** Highest level reached, by birth cohort (census-like for a large city); migrants' a little lower. */
const COHORTS: readonly { born: number; local: [Education, number][]; migrant: [Education, number][] }[] = [
  {
    born: 1950,
    local: [
      ['none', 10],
      ['primary', 30],
      ['junior_secondary', 30],
      ['senior_secondary', 18],
      ['vocational', 5],
      ['college', 4],
      ['bachelor', 3],
    ],
    migrant: [
      ['none', 22],
      ['primary', 42],
      ['junior_secondary', 26],
      ['senior_secondary', 8],
      ['college', 2],
    ],
  },
  {
    born: 1965,
    local: [
      ['none', 2],
      ['primary', 10],
      ['junior_secondary', 38],
      ['senior_secondary', 30],
      ['vocational', 8],
      ['college', 7],
      ['bachelor', 5],
    ],
    migrant: [
      ['none', 5],
      ['primary', 28],
      ['junior_secondary', 44],
      ['senior_secondary', 16],
      ['vocational', 4],
      ['college', 3],
    ],
  },
  {
    born: 1980,
    local: [
      ['primary', 3],
      ['junior_secondary', 24],
      ['senior_secondary', 26],
      ['vocational', 12],
      ['college', 17],
      ['bachelor', 15],
      ['postgraduate', 3],
    ],
    migrant: [
      ['primary', 10],
      ['junior_secondary', 42],
      ['senior_secondary', 20],
      ['vocational', 10],
      ['college', 10],
      ['bachelor', 7],
      ['postgraduate', 1],
    ],
  },
  {
    born: 1995,
    local: [
      ['junior_secondary', 8],
      ['senior_secondary', 13],
      ['vocational', 12],
      ['college', 24],
      ['bachelor', 34],
      ['postgraduate', 9],
    ],
    migrant: [
      ['junior_secondary', 28],
      ['senior_secondary', 20],
      ['vocational', 14],
      ['college', 18],
      ['bachelor', 17],
      ['postgraduate', 3],
    ],
  },
  {
    born: 9999,
    local: [
      ['junior_secondary', 4],
      ['senior_secondary', 8],
      ['vocational', 12],
      ['college', 24],
      ['bachelor', 41],
      ['postgraduate', 11],
    ],
    migrant: [
      ['junior_secondary', 18],
      ['senior_secondary', 18],
      ['vocational', 16],
      ['college', 22],
      ['bachelor', 22],
      ['postgraduate', 4],
    ],
  },
];

/** Children and students are recorded at the level they are in. */
export function education(rng: Rng, age: number, bornYear: number, migrant: boolean): Education | null {
  if (age < 6) return null;
  if (age < 12) return 'primary';
  if (age < 15) return 'junior_secondary';
  if (age < 18) return rng.chance(0.78) ? 'senior_secondary' : 'vocational';
  if (age < 22)
    return weighted(rng, [
      ['senior_secondary', 14],
      ['vocational', 14],
      ['college', 26],
      ['bachelor', 46],
    ] as const);
  const cohort = COHORTS.find((c) => bornYear < c.born)!;
  return weighted(rng, migrant ? cohort.migrant : cohort.local);
}

/** Invented employers: no real company is named. */
const EMP = {
  firm: [
    '申江贸易有限公司',
    '华康医药股份有限公司',
    '浦源物流有限公司',
    '锦程会计师事务所',
    '百联达商贸有限公司',
  ],
  tech: ['星联信息科技有限公司', '云启软件有限公司', '东方精密机械有限公司'],
  build: ['申城建设集团有限公司', '示例区城建设计院'],
  school: ['示例区实验小学', '示例区第二中学', '梅园幼儿园', '示例职业技术学校'],
  health: ['示例区中心医院', '示例街道社区卫生服务中心'],
  gov: ['示例区民政局', '示例区税务局', '示例街道办事处'],
  transport: ['申城公交有限公司', '顺达出租汽车有限公司'],
  service: ['安捷物业服务有限公司', '福满楼餐饮有限公司', '好帮手家政服务有限公司'],
  courier: ['迅达快递示例网点', '速达同城配送'],
} as const;

type Job = readonly [occupation: string, weight: number, employers: readonly string[] | null];
const LOCAL_JOBS: readonly Job[] = [
  ['企业职员', 22, EMP.firm],
  ['工程师', 8, [...EMP.tech, ...EMP.build]],
  ['程序员', 5, EMP.tech],
  ['教师', 5, EMP.school],
  ['医生', 3, EMP.health],
  ['护士', 3, EMP.health],
  ['公务员', 3, EMP.gov],
  ['会计', 4, EMP.firm],
  ['销售', 6, EMP.firm],
  ['个体经营', 5, null],
  ['司机', 3, EMP.transport],
  ['保安', 2, ['安捷物业服务有限公司']],
  ['厨师', 2, ['福满楼餐饮有限公司']],
  ['自由职业', 3, null],
  ['无业', 4, null],
];
const MIGRANT_JOBS: readonly Job[] = [
  ['快递员', 9, EMP.courier],
  ['外卖骑手', 9, EMP.courier],
  ['个体经营', 12, null],
  ['家政服务', 6, ['好帮手家政服务有限公司']],
  ['建筑工人', 6, ['申城建设集团有限公司']],
  ['餐饮服务员', 8, ['福满楼餐饮有限公司']],
  ['厨师', 4, ['福满楼餐饮有限公司']],
  ['保安', 6, ['安捷物业服务有限公司']],
  ['销售', 8, EMP.firm],
  ['企业职员', 14, EMP.firm],
  ['程序员', 5, EMP.tech],
  ['工程师', 4, EMP.tech],
  ['司机', 4, EMP.transport],
  ['无业', 5, null],
];
const LOCAL_TABLE = LOCAL_JOBS.map((j) => [j, j[1]] as const);
const MIGRANT_TABLE = MIGRANT_JOBS.map((j) => [j, j[1]] as const);

export function occupation(
  rng: Rng,
  m: { age: number; sex: 'male' | 'female' },
  migrant: boolean,
): { occupation: string | null; employer: string | null } {
  if (m.age < 6) return { occupation: null, employer: null };
  if (m.age < 12) return { occupation: '学生', employer: '示例区实验小学' };
  if (m.age < 18) return { occupation: '学生', employer: '示例区第二中学' };
  if (m.age < 22 && rng.chance(0.8)) return { occupation: '学生', employer: null };
  // Retirement at 60 for men, 50–55 for women (the ages this generation retired at).
  if (m.age >= (m.sex === 'male' ? 60 : 55) || (m.sex === 'female' && m.age >= 50 && rng.chance(0.6)))
    return { occupation: migrant && m.age < 65 && rng.chance(0.3) ? '个体经营' : '退休', employer: null };
  const [job, , employers] = weighted(rng, migrant ? MIGRANT_TABLE : LOCAL_TABLE);
  return { occupation: job, employer: employers ? rng.pick(employers) : null };
}

/** When the household came: mostly in the last few years, some long ago. */
export function householdArrival(rng: Rng, todayMs: number): number {
  const years = 0.2 + 14 * rng.next() ** 1.8;
  return todayMs - Math.round(years * 365) * DAY;
}

export function arrival(
  rng: Rng,
  m: { age: number; relation: Relation; birthMs: number },
  householdArrivedMs: number,
  todayMs: number,
): { arrivalReason: ArrivalReason; arrivalDate: string } {
  let reason: ArrivalReason;
  let at = householdArrivedMs;
  if (m.relation === 'head')
    reason =
      m.age >= 65
        ? weighted(rng, [
            ['family', 70],
            ['work', 10],
            ['other', 20],
          ] as const)
        : weighted(rng, [
            ['work', 66],
            ['business', 18],
            ['study', 3],
            ['family', 6],
            ['other', 7],
          ] as const);
  else if (m.relation === 'spouse') {
    reason = weighted(rng, [
      ['family', 45],
      ['work', 38],
      ['marriage', 17],
    ] as const);
    // Some came later, to join the head.
    if (reason !== 'work' && rng.chance(0.4))
      at += Math.floor(rng.next() * Math.max(0, todayMs - householdArrivedMs - DAY));
  } else if (m.relation === 'child') reason = m.age >= 18 && rng.chance(0.3) ? 'study' : 'family';
  else reason = 'family';
  // Born here after the household came: arrived at birth.
  return { arrivalReason: reason, arrivalDate: isoDate(Math.max(at, m.birthMs)) };
}

/* ---- Dwellings ---- */

type DwellingType = (typeof DWELLING_TYPES)[number];
type SafetyFlag = (typeof SAFETY_FLAGS)[number];

/**
 * 房屋类型 by the compound's age: the walk-ups of the 1980s were sold to their tenants (售后公房) with a
 * few still let by the housing office; later estates are commodity housing with some resettlement flats.
 */
export function dwellingType(
  rng: Rng,
  builtYear: number,
  bungalow: boolean,
  occupied: boolean,
): DwellingType {
  if (bungalow) return occupied || rng.chance(0.6) ? 'private' : 'shop';
  if (builtYear < 1995)
    return weighted(rng, [
      ['reformed_public', 84],
      ['public_rental', 7],
      ['low_rent', 3],
      ['commodity', 6],
    ] as const);
  if (builtYear < 2008)
    return weighted(rng, [
      ['commodity', 90],
      ['resettlement', 6],
      ['reformed_public', 4],
    ] as const);
  return weighted(rng, [
    ['commodity', 78],
    ['resettlement', 22],
  ] as const);
}

const SAFETY: Record<SafetyFlag, readonly string[]> = {
  gas: ['燃气软管老化，已提醒更换', '燃气灶无熄火保护，建议更换', '已安装燃气报警器，每季度上门检查'],
  electric: ['电线老化，已请物业检修', '室内私拉电线给电动车电池充电，已劝导', '插线板串接，大功率电器多'],
  fire: ['楼道堆放杂物，影响疏散，已提醒清理', '阳台堆放纸板等易燃物', '灭火器过期，已提醒更换'],
  lift: ['电梯多次困人报修，已报物业', '电梯年检临期，已联系物业'],
};

/** A few dwellings with something a worker checks on each visit; group rentals always have something. */
export function safety(
  rng: Rng,
  d: { floors: number; bungalow: boolean; groupRental: boolean; elderlyAlone: boolean },
): { safetyFlags: SafetyFlag[]; safetyNotes: string | null } {
  const flags: SafetyFlag[] = [];
  if (d.groupRental) flags.push('fire', 'electric');
  else if (d.elderlyAlone && rng.chance(0.12)) flags.push('gas');
  else if (rng.chance(d.bungalow ? 0.08 : 0.025))
    flags.push(
      weighted(rng, [
        ['gas', 3],
        ['electric', 3],
        ['fire', 3],
        ['lift', d.floors >= 8 ? 2 : 0],
      ] as const),
    );
  if (flags.length === 0) return { safetyFlags: [], safetyNotes: null };
  const notes = d.groupRental
    ? ['隔断成多间出租，住户较多', rng.pick(SAFETY.electric)]
    : flags.map((f) => rng.pick(SAFETY[f]));
  return { safetyFlags: flags, safetyNotes: notes.join('；') };
}

export const CARER_NOTES = [
  '邻居，每天上门看看',
  '结对志愿者，每周探望两次',
  '楼组长，代为联系子女',
  '邻居，帮忙买菜送药',
];
