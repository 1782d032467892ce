import { idCheckChar } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import { roomNumber } from '../buildings/buildings.rules';
import { decodeText } from './imports.files';
import {
  buildingKey,
  checkIdNumber,
  detectHeaderRow,
  floorOfRoom,
  guessField,
  isTaken,
  mappingFromTemplate,
  mappingIsValid,
  normaliseText,
  parseAddress,
  parseArrivalReason,
  parseDate,
  parseEducation,
  parseEthnicity,
  parseMaritalStatus,
  parsePhone,
  parsePoliticalStatus,
  parseRow,
  parseTags,
  suggestMapping,
} from './imports.rules';

const validId = (first17: string) => first17 + idCheckChar(first17);

describe('header detection', () => {
  it('skips title rows and picks the row naming the most known columns', () => {
    const rows = [
      { row: 1, cells: ['阳光居委会 实有人口登记表', null, null] },
      { row: 2, cells: ['制表日期：2024年3月', null, null] },
      { row: 3, cells: ['序号', '姓名', '公民身份号码', '联系电话'] },
      { row: 4, cells: [1, '张三', '110101195003050012', '13800000000'] },
    ];
    expect(detectHeaderRow(rows)).toBe(2);
  });

  it('needs a name column and at least two known headers', () => {
    expect(detectHeaderRow([{ row: 1, cells: ['a', 'b', 'c'] }])).toBeNull();
    expect(detectHeaderRow([{ row: 1, cells: ['身份证号', '手机'] }])).toBeNull();
  });

  it('recognises the headers ledgers actually use, with decorations', () => {
    expect(guessField('公民身份号码')).toBe('idNumber');
    expect(guessField('身份证号码（必填）')).toBe('idNumber');
    expect(guessField(' *姓 名 ')).toBe('name');
    expect(guessField('户主姓名')).toBe('headName');
    expect(guessField('与户主关系')).toBe('relationToHead');
    expect(guessField('楼栋')).toBe('building');
    expect(guessField('门牌号')).toBe('room');
    expect(guessField('户籍地址')).toBe('hukouAddress');
    expect(guessField('人户状态')).toBe('residenceType');
    expect(guessField('人员类别')).toBe('tags');
    expect(guessField('备注')).toBeNull();
  });

  it('maps each field to one column at most, and applies a template by header text', () => {
    expect(suggestMapping(['姓名', '手机', '联系电话'])).toEqual(['name', 'phone', null]);
    expect(mappingIsValid(['name', 'phone', null], 3)).toBe(true);
    expect(mappingIsValid(['phone', null, null], 3)).toBe(false);
    expect(mappingIsValid(['name', 'name', null], 3)).toBe(false);
    expect(mappingIsValid(['name'], 3)).toBe(false);
    expect(mappingFromTemplate(['电话', '名字 ', 'x'], { 名字: 'name', 电话: 'phone' })).toEqual([
      'phone',
      'name',
      null,
    ]);
  });
});

describe('dates', () => {
  it.each([
    ['2024.3.5', '2024-03-05'],
    ['2024年3月5日', '2024-03-05'],
    ['2024/3/5', '2024-03-05'],
    ['2024-03-05', '2024-03-05'],
    ['20240305', '2024-03-05'],
    ['２０２４年３月５日', '2024-03-05'],
  ])('reads %s', (text, iso) => {
    expect(parseDate(text)).toBe(iso);
  });

  it('reads Excel serials and date cells', () => {
    expect(parseDate(45356)).toBe('2024-03-05');
    expect(parseDate(18264)).toBe('1950-01-01');
    expect(parseDate({ date: '1952-08-17' })).toBe('1952-08-17');
  });

  it('refuses impossible dates and noise', () => {
    expect(parseDate('2023.2.29')).toBeNull();
    expect(parseDate('2024-13-01')).toBeNull();
    expect(parseDate('三月五日')).toBeNull();
    expect(parseDate(12)).toBeNull();
  });
});

describe('ID numbers', () => {
  const id = validId('11010119500305001');

  it('accepts a valid one, deriving birth date and sex', () => {
    expect(checkIdNumber(id)).toEqual({ ok: true, idNumber: id, birthDate: '1950-03-05', sex: 'male' });
  });

  it('normalises full-width digits, spaces and a lowercase x', () => {
    const full = id.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    expect(checkIdNumber(`${full.slice(0, 6)}　${full.slice(6)}`)).toMatchObject({ ok: true, idNumber: id });
    const withX = Array.from({ length: 100 }, (_, i) =>
      validId(`11010519491231${String(i).padStart(3, '0')}`),
    ).find((v) => v.endsWith('X'))!;
    expect(checkIdNumber(withX.toLowerCase())).toMatchObject({ ok: true, idNumber: withX });
  });

  it('flags an ID stored as a number or in scientific notation as unrecoverable, never guessing', () => {
    expect(checkIdNumber(110101195003050000)).toEqual({ ok: false, code: 'id_numeric' });
    expect(checkIdNumber(Number(id))).toEqual({ ok: false, code: 'id_numeric' });
    expect(checkIdNumber('3.10101E+17')).toEqual({ ok: false, code: 'id_scientific' });
    expect(checkIdNumber('1.10101195003050E+17')).toEqual({ ok: false, code: 'id_scientific' });
  });

  it('tells a failed checksum from a malformed number', () => {
    const bad = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    expect(checkIdNumber(bad)).toEqual({ ok: false, code: 'id_checksum' });
    expect(checkIdNumber('12345')).toEqual({ ok: false, code: 'id_format' });
  });
});

describe('other cells', () => {
  it('normalises full-width text and spaces', () => {
    expect(normaliseText('　５号楼　　３０１ ')).toBe('5号楼 301');
  });

  it('reads phones with spaces, dashes, +86 or full-width digits, and refuses the rest', () => {
    expect(parsePhone('139 1234-5678')).toEqual({ ok: true, phone: '13912345678' });
    expect(parsePhone('+8613912345678')).toEqual({ ok: true, phone: '13912345678' });
    expect(parsePhone('１３９１２３４５６７８')).toEqual({ ok: true, phone: '13912345678' });
    expect(parsePhone(13912345678)).toEqual({ ok: true, phone: '13912345678' });
    expect(parsePhone('1391234')).toEqual({ ok: false });
    expect(parsePhone('021-64001234')).toEqual({ ok: false });
    expect(parsePhone(null)).toBeNull();
  });

  it('reads building names and one-cell addresses as people write them', () => {
    expect(['5', '5号楼', '5号', '5幢', '５栋'].map(buildingKey)).toEqual(['5', '5', '5', '5', '5']);
    expect(buildingKey('A座')).toBe('a座');
    expect(parseAddress('5-2-301')).toEqual({ building: '5', entrance: 2, room: '301' });
    expect(parseAddress('阳光小区5号楼2单元301室')).toEqual({ building: '5', entrance: 2, room: '301' });
    expect(parseAddress('5号楼301')).toEqual({ building: '5', entrance: null, room: '301' });
    expect(parseAddress('不详')).toBeNull();
  });

  it('maps tag words to the dictionary and keeps unknown ones apart', () => {
    expect(parseTags('党员、低保户,独居老人；火星人')).toEqual({
      codes: ['party_member', 'subsistence', 'living_alone'],
      unknown: ['火星人'],
    });
  });
});

describe('a row', () => {
  const headers = ['姓名', '身份证号', '出生日期', '性别', '手机', '楼号', '房号', '标签'];
  const mapping = suggestMapping(headers);
  const id = validId('11010119500305001');

  it('derives birth date and sex from the ID and names conflicting typed values', () => {
    const row = parseRow(
      { row: 7, cells: ['张三', id, '1950.3.6', '女', '13800000000', '5', '101', '低保'] },
      headers,
      mapping,
      { maySetSensitiveTags: false, today: '2026-01-01' },
    );
    expect(row.birthDate).toBe('1950-03-05');
    expect(row.sex).toBe('male');
    expect(row.problems.map((p) => [p.column, p.code, p.severity])).toEqual([
      ['性别', 'sex_conflict', 'error'],
      ['出生日期', 'birth_conflict', 'error'],
      ['标签', 'tag_forbidden', 'warning'],
    ]);
    expect(row.tags).toEqual([]);
  });

  it('requires a name and an address', () => {
    const row = parseRow(
      { row: 8, cells: [null, null, null, null, null, '5', null, null] },
      headers,
      mapping,
      { maySetSensitiveTags: true, today: '2026-01-01' },
    );
    expect(row.problems.map((p) => p.code)).toEqual(['name_missing', 'address_missing']);
  });
});

describe('the register’s finer fields', () => {
  it('recognises their headers', () => {
    expect(
      suggestMapping([
        '民族',
        '婚姻状况',
        '政治面貌',
        '文化程度',
        '职业',
        '工作单位',
        '来沪原因',
        '来沪日期',
        '紧急联系人',
        '紧急联系电话',
      ]),
    ).toEqual([
      'ethnicity',
      'maritalStatus',
      'politicalStatus',
      'education',
      'occupation',
      'employer',
      'arrivalReason',
      'arrivalDate',
      'emergencyContactName',
      'emergencyContactPhone',
    ]);
    expect(guessField('学历')).toBe('education');
    expect(guessField('紧急联系人（必填）')).toBe('emergencyContactName');
    expect(guessField('紧急联系人电话')).toBe('emergencyContactPhone');
    // The older headers keep their meaning next to the new ones.
    expect(guessField('联系电话')).toBe('phone');
    expect(guessField('单元')).toBe('entrance');
  });

  it('maps the common Chinese values to the register’s codes', () => {
    expect(['汉', '汉族', '01', '1', ' 汉 族 '].map(parseEthnicity)).toEqual(['01', '01', '01', '01', '01']);
    expect(parseEthnicity('回族')).toBe('03');
    expect(parseEthnicity('蒙古')).toBe('02');
    expect(parseEthnicity('火星族')).toBeNull();
    expect(['未婚', '已婚', '初婚', '再婚', '离异', '离婚', '丧偶'].map(parseMaritalStatus)).toEqual([
      'unmarried',
      'married',
      'married',
      'married',
      'divorced',
      'divorced',
      'widowed',
    ]);
    expect(parseMaritalStatus('同居')).toBeNull();
    expect(
      ['中共党员', '党员', '中共预备党员', '共青团员', '团员', '群众', '无党派人士', '九三学社社员'].map(
        parsePoliticalStatus,
      ),
    ).toEqual([
      'cpc_member',
      'cpc_member',
      'cpc_probationary',
      'cyl_member',
      'cyl_member',
      'masses',
      'non_partisan',
      'democratic_party',
    ]);
    expect(
      ['大学本科', '本科', '大专', '高中', '初中', '小学', '初中毕业', '中专', '硕士研究生', '文盲'].map(
        parseEducation,
      ),
    ).toEqual([
      'bachelor',
      'bachelor',
      'college',
      'senior_secondary',
      'junior_secondary',
      'primary',
      'junior_secondary',
      'vocational',
      'postgraduate',
      'none',
    ]);
    expect(parseEducation('幼儿园')).toBeNull();
    expect(['务工', '经商', '投亲靠友', '求学', '婚嫁', '其他'].map(parseArrivalReason)).toEqual([
      'work',
      'business',
      'family',
      'study',
      'marriage',
      'other',
    ]);
    // A file exported from Linli carries the codes themselves.
    expect(parseMaritalStatus('married')).toBe('married');
  });

  const headers = [
    '姓名',
    '楼号',
    '房号',
    '民族',
    '婚姻状况',
    '文化程度',
    '来沪日期',
    '紧急联系人',
    '紧急联系电话',
  ];
  const mapping = suggestMapping(headers);
  const opts = { maySetSensitiveTags: false, today: '2026-01-01' };

  it('reads a full row', () => {
    const row = parseRow(
      { row: 3, cells: ['张三', '5', '101', '汉', '已婚', '大学本科', '2015.6.1', '张小', '139 0000 1111'] },
      headers,
      mapping,
      opts,
    );
    expect(row).toMatchObject({
      ethnicity: '01',
      maritalStatus: 'married',
      education: 'bachelor',
      arrivalDate: '2015-06-01',
      emergencyContactName: '张小',
      emergencyContactPhone: '13900001111',
      problems: [],
    });
  });

  it('leaves an unknown value empty with a warning, and still takes the row', () => {
    const row = parseRow(
      { row: 4, cells: ['李四', '5', '101', '火星族', '同居', '初中', '2030.1.1', null, '12345'] },
      headers,
      mapping,
      opts,
    );
    expect(row).toMatchObject({
      ethnicity: null,
      maritalStatus: null,
      education: 'junior_secondary',
      arrivalDate: null,
      emergencyContactPhone: null,
    });
    expect(row.problems.map((p) => [p.column, p.code, p.severity, p.params])).toEqual([
      ['民族', 'value_ignored', 'warning', { value: '火星族' }],
      ['婚姻状况', 'value_ignored', 'warning', { value: '同居' }],
      ['来沪日期', 'date_ignored', 'warning', undefined],
      ['紧急联系电话', 'contact_phone_ignored', 'warning', undefined],
    ]);
    expect(isTaken(row.problems)).toBe(true);
  });
});

describe('rooms of a building created from a file', () => {
  it('reads the floor from a number the buildings module would write, and nothing else', () => {
    expect(floorOfRoom('301')).toBe(3);
    expect(floorOfRoom('1203')).toBe(12);
    expect(floorOfRoom('101')).toBe(1);
    for (const n of ['0301', '300', '1', 'A1', '3-1', '']) expect(floorOfRoom(n), n).toBeNull();
    for (const [floor, room] of [
      [1, 1],
      [3, 2],
      [12, 14],
    ] as const) {
      expect(floorOfRoom(roomNumber(floor, room))).toBe(floor);
    }
  });
});

describe('decoding csv', () => {
  it('reads UTF-8 (with or without BOM) and falls back to GB18030', () => {
    expect(decodeText(Buffer.from('\uFEFF姓名,电话'))).toBe('姓名,电话');
    // 姓名 in GBK
    expect(decodeText(Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]))).toBe('姓名');
  });
});
