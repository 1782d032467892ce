import type { Resident } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import {
  contentDisposition,
  csvCell,
  exportFileName,
  linkState,
  projectResident,
  shanghaiTime,
  shareWatermarkText,
  watermarkText,
} from './ledgers.rules';

// Only the fields a ledger column reads; the DTO has more.
const resident = {
  id: '0190b3c4-0000-7000-8000-000000000001',
  householdId: '0190b3c4-0000-7000-8000-000000000002',
  dwellingId: '0190b3c4-0000-7000-8000-000000000003',
  buildingId: '0190b3c4-0000-7000-8000-000000000004',
  communityId: '0190b3c4-0000-7000-8000-000000000005',
  name: '王秀英',
  formerName: null,
  sex: 'female',
  birthDate: '1940-03-05',
  age: 86,
  idType: 'resident_id',
  idNumberMasked: '310***********1234',
  phoneMasked: '138****5678',
  hasHealthNote: false,
  residenceType: 'hukou',
  tenure: 'owner',
  relationToHead: 'head',
  selfCare: 'partial',
  hukouAddress: '上海市静安区',
  emergencyContactName: '王强',
  emergencyContactPhoneMasked: '139****0000',
  tags: ['aged_80', 'living_alone'],
  address: '幸福小区 5号楼1单元301',
  status: 'active',
  movedOutAt: null,
  movedOutTo: null,
  deceasedAt: null,
  lastVerifiedAt: '2026-03-01T20:00:00.000Z',
  version: 3,
} as Resident;

describe('watermark', () => {
  it('names the exporter, the time in Shanghai and the purpose', () => {
    const at = new Date('2026-11-23T16:30:00Z');
    expect(watermarkText({ name: '李梅', username: 'limei', at, purpose: '高龄慰问' })).toBe(
      '导出人 李梅（limei） · 导出时间 2026-11-24 00:30 · 用途 高龄慰问 · 邻里 Linli',
    );
  });
  it('formats Shanghai time whatever the day boundary', () => {
    expect(shanghaiTime(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01-01 00:00');
  });
  it('marks a shared page read-only with who shared it', () => {
    const text = shareWatermarkText({
      sharedBy: '李梅',
      at: new Date('2026-11-23T02:00:00Z'),
      note: '物业核对',
    });
    expect(text).toBe(
      '只读分享 · 分享人 李梅 · 查看时间 2026-11-23 10:00 · 用途 物业核对 · 请勿转发 · 邻里 Linli',
    );
  });
});

describe('projecting a resident onto columns', () => {
  it('keeps the chosen order and masked values', () => {
    expect(projectResident(resident, ['phone', 'name', 'idNumber', 'tags', 'sex'], 'zh-CN')).toEqual([
      '138****5678',
      '王秀英',
      '310***********1234',
      '高龄(80+)、独居',
      '女',
    ]);
  });
  it('speaks English labels in en-US', () => {
    expect(projectResident(resident, ['sex', 'selfCare', 'status', 'tags'], 'en-US')).toEqual([
      'Female',
      'Partly dependent',
      'Living here',
      'Aged 80+, Living alone',
    ]);
  });
  it('puts clear values only in the secret columns when given', () => {
    const clear = { idNumber: '310101194003051234', phone: '13812345678' };
    expect(projectResident(resident, ['idNumber', 'phone', 'emergencyContact'], 'zh-CN', { clear })).toEqual([
      '310101194003051234',
      '13812345678',
      '王强 139****0000',
    ]);
  });
  it('names the grid of the building, or leaves the cell empty outside any grid', () => {
    expect(projectResident(resident, ['name', 'grid'], 'zh-CN', { gridName: '第一网格' })).toEqual([
      '王秀英',
      '第一网格',
    ]);
    expect(projectResident(resident, ['grid', 'name'], 'en-US', { gridName: null })).toEqual(['', '王秀英']);
    expect(projectResident(resident, ['grid'], 'zh-CN')).toEqual(['']);
  });
  it('leaves empty cells for missing values and dates verification in Shanghai', () => {
    const r = { ...resident, age: null, birthDate: null, sex: null, tenure: null };
    expect(projectResident(r, ['age', 'birthDate', 'sex', 'tenure', 'lastVerifiedAt'], 'zh-CN')).toEqual([
      '',
      '',
      '',
      '',
      '2026-03-02',
    ]);
  });
});

describe('file names', () => {
  it('encodes a Chinese file name per RFC 5987 with an ASCII fallback', () => {
    const name = exportFileName('高龄独居(80+) 台账', new Date('2026-11-23T02:05:00Z'), 'xlsx');
    expect(name).toBe('高龄独居(80+) 台账_20261123-1005.xlsx');
    const header = contentDisposition(name);
    expect(header).toBe(
      `attachment; filename="(80+) _20261123-1005.xlsx"; filename*=UTF-8''${encodeURIComponent('高龄独居')}%2880%2B%29%20${encodeURIComponent('台账')}_20261123-1005.xlsx`,
    );
    const encoded = header.split("filename*=UTF-8''")[1]!;
    expect(decodeURIComponent(encoded)).toBe(name);
  });
  it('drops characters no file system accepts and never leaves the name empty', () => {
    expect(exportFileName('a/b:c*?', new Date('2026-01-01T00:00:00Z'), 'csv')).toBe('abc_20260101-0800.csv');
    expect(exportFileName('///', new Date('2026-01-01T00:00:00Z'), 'csv')).toBe('ledger_20260101-0800.csv');
    expect(contentDisposition('台账.csv')).toMatch(/^attachment; filename="ledger\.csv"; filename\*=UTF-8''/);
  });
});

describe('csv cells', () => {
  it('quotes separators and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('138****5678')).toBe('138****5678');
  });
});

describe('link state', () => {
  const now = new Date('2026-11-23T00:00:00Z');
  it('is active until it expires or is revoked', () => {
    expect(linkState({ expiresAt: new Date('2026-11-24T00:00:00Z'), revokedAt: null }, now)).toBe('active');
    expect(linkState({ expiresAt: now, revokedAt: null }, now)).toBe('expired');
    expect(linkState({ expiresAt: new Date('2026-11-24T00:00:00Z'), revokedAt: now }, now)).toBe('revoked');
  });
});
