/** Fictional places and people for the demo street. Shapes follow the field notes; names are invented. */

export type CompoundSpec = {
  name: string;
  buildings: {
    count: number;
    floors: number;
    entrances: number;
    roomsPerFloor: number;
    kind?: 'residential' | 'bungalow';
  }[];
  builtYear: number;
};

export type CommunitySpec = { name: string; compounds: CompoundSpec[] };

const block = (count: number, floors: number, entrances: number, roomsPerFloor: number) => ({
  count,
  floors,
  entrances,
  roomsPerFloor,
});

/** 6 compounds, about 2,490 households: the first community, where most demo accounts work. */
export const MEIYUAN: CommunitySpec = {
  name: '梅园居民区',
  compounds: [
    { name: '梅园一村', builtYear: 1984, buildings: [block(10, 6, 3, 2)] },
    { name: '梅园二村', builtYear: 1986, buildings: [block(10, 6, 3, 2)] },
    { name: '梅园三村', builtYear: 1988, buildings: [block(12, 6, 2, 2)] },
    { name: '锦绣苑', builtYear: 2006, buildings: [block(6, 18, 2, 4)] },
    { name: '春申公寓', builtYear: 1999, buildings: [block(4, 11, 2, 4)] },
    { name: '梅园新苑', builtYear: 2012, buildings: [block(11, 6, 2, 2), block(1, 1, 1, 2)] },
  ],
};

/** 4 old walk-up compounds, 1,392 households, more than half aged 65+ once residents arrive. */
export const GUILIN: CommunitySpec = {
  name: '桂林居民区',
  compounds: [
    { name: '桂林一村', builtYear: 1979, buildings: [block(14, 5, 3, 2)] },
    { name: '桂林二村', builtYear: 1980, buildings: [block(14, 5, 3, 2)] },
    { name: '桂林三村', builtYear: 1982, buildings: [block(11, 5, 2, 3)] },
    { name: '漕溪新村', builtYear: 1985, buildings: [block(6, 6, 3, 2), block(1, 6, 1, 6)] },
  ],
};

/** One 1989 compound of 29 buildings and about 3,000 households, with a row of bungalows. */
export const SONGFENG: CommunitySpec = {
  name: '松风居民区',
  compounds: [
    {
      name: '松风苑',
      builtYear: 1989,
      buildings: [block(20, 7, 4, 3), block(8, 14, 1, 11), { ...block(1, 1, 3, 30), kind: 'bungalow' }],
    },
  ],
};

const FIRST = [
  '东',
  '西',
  '南',
  '北',
  '新',
  '春',
  '秋',
  '华',
  '康',
  '平',
  '长',
  '永',
  '和',
  '安',
  '兴',
  '福',
  '云',
  '青',
  '金',
  '玉',
];
const SECOND = ['林', '桥', '湾', '港', '苑', '坊', '泾', '浦', '塘', '园', '庄', '宁', '泉', '丰', '江'];

/** The other communities of a street-scale demo: the three shapes above, renamed, in turn. */
export function streetScaleCommunities(count: number): CommunitySpec[] {
  const shapes = [MEIYUAN, GUILIN, SONGFENG];
  const out: CommunitySpec[] = [MEIYUAN, GUILIN, SONGFENG];
  for (let i = 3; i < count; i++) {
    const stem = `${FIRST[i % FIRST.length]}${SECOND[Math.floor(i / FIRST.length) % SECOND.length]}`;
    const shape = shapes[i % shapes.length]!;
    out.push({
      name: `${stem}居民区`,
      compounds: shape.compounds.map((c, j) => ({
        ...c,
        name: `${stem}${['一村', '二村', '三村', '新苑', '公寓', '花园'][j]}`,
      })),
    });
  }
  return out;
}

export const DEMO_DISTRICT = { name: '示例区', code: '319901' };
export const DEMO_STREET = { name: '示例街道', code: '319901001' };

export const DEMO_USERS = [
  { username: 'admin', name: '周建国', role: 'district_admin', at: 'district' },
  { username: 'street_admin', name: '陈志强', role: 'street_admin', at: 'street' },
  { username: 'community_admin', name: '王秀英', role: 'community_admin', at: 'community:0' },
  { username: 'worker', name: '李娜', role: 'community_worker', at: 'community:0' },
  { username: 'grid_worker', name: '张伟', role: 'grid_worker', at: 'community:0' },
  { username: 'volunteer', name: '刘桂兰', role: 'volunteer', at: 'community:0' },
  { username: 'community_admin_b', name: '赵敏', role: 'community_admin', at: 'community:1' },
  { username: 'worker_b', name: '孙磊', role: 'community_worker', at: 'community:1' },
] as const;
