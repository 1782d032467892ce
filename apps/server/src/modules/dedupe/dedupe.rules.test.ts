import { describe, expect, it } from 'vitest';
import { namePinyin } from '../registry/registry.rules';
import type { ResidentRow } from '../registry/registry.table';
import {
  candidateRank,
  type DedupeFacts,
  defaultSide,
  editDistance,
  effectiveChoices,
  type MergeableRow,
  mergePatch,
  reasonsFor,
} from './dedupe.rules';

function facts(name: string, over: Partial<DedupeFacts> = {}): DedupeFacts {
  const { full, initials } = namePinyin(name);
  return {
    name,
    namePinyin: full,
    nameInitials: initials,
    birthDate: null,
    idNumberHash: null,
    phoneHash: null,
    dwellingId: 'd1',
    ...over,
  };
}

describe('editDistance', () => {
  it('counts substitutions, insertions and deletions, and stops early past the bound', () => {
    expect(editDistance('liming', 'limin')).toBe(1);
    expect(editDistance('zhangwei', 'zhangwen')).toBe(1);
    expect(editDistance('zhangwei', 'changwei')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('zhangjianguo', 'zhangjianhua', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 1)).toBe(2);
  });
});

describe('reasonsFor', () => {
  it('pairs the same ID hash', () => {
    expect(
      reasonsFor(
        facts('王芳', { idNumberHash: 'h1' }),
        facts('王方', { idNumberHash: 'h1', dwellingId: 'd2' }),
      ),
    ).toEqual(['same_id']);
  });

  it('pairs the same name with the same phone, but not the same name alone or the phone alone', () => {
    const a = facts('王秀兰', { phoneHash: 'p1', dwellingId: 'd1' });
    expect(reasonsFor(a, facts('王秀兰', { phoneHash: 'p1', dwellingId: 'd2' }))).toEqual(['name_phone']);
    expect(reasonsFor(a, facts('王秀兰', { phoneHash: 'p2', dwellingId: 'd2' }))).toEqual([]);
    expect(reasonsFor(a, facts('李秀兰', { phoneHash: 'p1', dwellingId: 'd2' }))).toEqual([]);
    expect(reasonsFor(facts('王秀兰', { dwellingId: 'd1' }), facts('王秀兰', { dwellingId: 'd2' }))).toEqual(
      [],
    );
  });

  it('pairs a homophone typo (张伟/张玮) born the same day, not the same pinyin born another day', () => {
    const a = facts('张伟', { birthDate: '1956-03-02', dwellingId: 'd1' });
    expect(reasonsFor(a, facts('张玮', { birthDate: '1956-03-02', dwellingId: 'd2' }))).toEqual([
      'pinyin_birth',
    ]);
    expect(reasonsFor(a, facts('张玮', { birthDate: '1986-03-02', dwellingId: 'd2' }))).toEqual([]);
    expect(reasonsFor(a, facts('张玮', { dwellingId: 'd2' }))).toEqual([]);
  });

  it('pairs a one-letter pinyin typo in the same dwelling (李明/李敏), not in another dwelling', () => {
    expect(reasonsFor(facts('李明'), facts('李敏'))).toEqual(['dwelling_similar_name']);
    expect(reasonsFor(facts('李明', { birthDate: '1960-02-01' }), facts('李敏'))).toEqual([
      'dwelling_similar_name',
    ]);
    expect(
      reasonsFor(facts('李明', { birthDate: '1960-02-01' }), facts('李敏', { birthDate: '1961-12-01' })),
    ).toEqual(['dwelling_similar_name']);
    expect(reasonsFor(facts('李明'), facts('李敏', { dwellingId: 'd9' }))).toEqual([]);
  });

  it('does not pair relatives whose names are one letter apart but born decades apart (邵海/邵浩)', () => {
    expect(editDistance(namePinyin('邵海').full, namePinyin('邵浩').full)).toBe(1);
    expect(
      reasonsFor(facts('邵海', { birthDate: '1947-07-10' }), facts('邵浩', { birthDate: '1976-11-02' })),
    ).toEqual([]);
  });

  it('pairs the same initials and birth year in the same dwelling (a wrong second character)', () => {
    expect(
      reasonsFor(facts('陈建国', { birthDate: '1950-01-01' }), facts('陈家国', { birthDate: '1950-11-30' })),
    ).toContain('dwelling_similar_name');
  });

  it('does not pair a father and son in one flat (张建国/张建华), nor spouses with different initials', () => {
    expect(
      reasonsFor(facts('张建国', { birthDate: '1950-01-01' }), facts('张建华', { birthDate: '1978-05-01' })),
    ).toEqual([]);
    expect(
      reasonsFor(facts('张建国', { birthDate: '1950-01-01' }), facts('刘桂英', { birthDate: '1950-01-01' })),
    ).toEqual([]);
  });

  it('collects every reason that holds, and ranks stronger evidence first', () => {
    const a = facts('张伟', { birthDate: '1956-03-02', phoneHash: 'p', idNumberHash: 'i' });
    const r = reasonsFor(a, { ...a });
    expect(r).toEqual(['same_id', 'name_phone', 'pinyin_birth', 'dwelling_similar_name']);
    expect(candidateRank(['same_id'])).toBeGreaterThan(
      candidateRank(['name_phone', 'pinyin_birth', 'dwelling_similar_name']),
    );
  });
});

function row(over: Partial<ResidentRow>): MergeableRow {
  return {
    name: '张伟',
    namePinyin: 'zhangwei',
    nameInitials: 'zw',
    formerName: null,
    sex: null,
    birthDate: null,
    idType: null,
    idNumberEnc: null,
    idNumberHash: null,
    idNumberMasked: null,
    phoneEnc: null,
    phoneHash: null,
    phoneTail: null,
    phoneMasked: null,
    healthEnc: null,
    residenceType: null,
    tenure: null,
    relationToHead: null,
    selfCare: null,
    hukouAddress: null,
    emergencyContactName: null,
    emergencyContactPhoneEnc: null,
    emergencyContactPhoneMasked: null,
    lastVerifiedAt: null,
    updatedAt: new Date('2025-01-01T00:00:00Z'),
    ...over,
  } as MergeableRow;
}

describe('choosing values', () => {
  it('takes nothing from the merged record where both hold the same value', () => {
    const a = row({ hukouAddress: '同一地址', lastVerifiedAt: new Date('2024-01-01T00:00:00Z') });
    const b = row({ hukouAddress: '同一地址', lastVerifiedAt: new Date('2025-01-01T00:00:00Z') });
    expect(effectiveChoices({ hukouAddress: 'merged', name: 'merged' }, a, b)).toMatchObject({
      hukouAddress: 'survivor',
      name: 'survivor',
    });
    expect(
      effectiveChoices({ hukouAddress: 'merged' }, a, row({ hukouAddress: '另一地址' })).hukouAddress,
    ).toBe('merged');
  });

  it('keeps the value that exists, then the more recently verified one', () => {
    const older = row({ hukouAddress: '老地址', lastVerifiedAt: new Date('2024-01-01T00:00:00Z') });
    const newer = row({ hukouAddress: '新地址', lastVerifiedAt: new Date('2025-06-01T00:00:00Z') });
    expect(defaultSide('hukouAddress', older, newer)).toBe(1);
    expect(defaultSide('hukouAddress', newer, older)).toBe(0);
    expect(defaultSide('hukouAddress', row({}), older)).toBe(1);
    expect(defaultSide('hukouAddress', older, row({}))).toBe(0);
    expect(defaultSide('hukouAddress', row({}), row({}))).toBe(0);
  });

  it('moves a sensitive field as stored, all its columns together', () => {
    const merged = row({
      phoneEnc: 'v1:cipher',
      phoneHash: 'h',
      phoneTail: '5678',
      phoneMasked: '138****5678',
    });
    const choices = effectiveChoices({ phone: 'merged' }, row({}), merged);
    expect(mergePatch(choices, merged)).toMatchObject({
      phoneEnc: 'v1:cipher',
      phoneHash: 'h',
      phoneTail: '5678',
      phoneMasked: '138****5678',
    });
  });

  it('makes sex and birth date follow a resident ID, whatever was chosen for them', () => {
    const survivor = row({ sex: 'female', birthDate: '1960-01-01' });
    const merged = row({
      idType: 'resident_id',
      idNumberHash: 'h',
      idNumberEnc: 'c',
      idNumberMasked: 'm',
      sex: 'male',
      birthDate: '1956-03-02',
    });
    const c = effectiveChoices(
      { idNumber: 'merged', sex: 'survivor', birthDate: 'survivor' },
      survivor,
      merged,
    );
    expect(c).toMatchObject({ idNumber: 'merged', sex: 'merged', birthDate: 'merged' });
    const passport = { ...merged, idType: 'passport' as const };
    expect(effectiveChoices({ idNumber: 'merged', sex: 'survivor' }, survivor, passport).sex).toBe(
      'survivor',
    );
  });
});
