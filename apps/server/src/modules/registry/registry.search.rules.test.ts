import { describe, expect, it } from 'vitest';
import { leadingReadings, nameBigrams, namePinyin, prefixUpperBound } from './registry.rules';

// Pure rules behind the search paths of ADR 0007.

describe('namePinyin and ü', () => {
  it('writes ü as v, as pinyin keyboards type it (吕 lv, 女 nv)', () => {
    expect(namePinyin('吕方')).toEqual({ full: 'lvfang', initials: 'lf' });
    expect(namePinyin('女娲').full).toBe('nvwa');
  });
});

describe('prefixUpperBound', () => {
  it('gives the first string after every string with the prefix, carrying past z', () => {
    expect(prefixUpperBound('zhang')).toBe('zhanh');
    expect(prefixUpperBound('wz')).toBe('x');
    expect(prefixUpperBound('li2')).toBe('li3');
    expect(prefixUpperBound('li9')).toBe('lia');
    expect(prefixUpperBound('zz')).toBeNull();
  });

  it('holds every pinyin starting with the prefix, and nothing else', () => {
    const names = ['zhang', 'zhangwei', 'zhangz', 'zhanh', 'zhan', 'wzz', 'x', 'wa', 'w9'];
    for (const prefix of ['zhang', 'wz', 'zhan', 'w', 'w9']) {
      const to = prefixUpperBound(prefix);
      const inRange = names.filter((n) => n >= prefix && (to === null || n < to));
      expect(inRange, prefix).toEqual(names.filter((n) => n.startsWith(prefix)));
    }
  });
});

describe('leadingReadings', () => {
  it('gives every reading of the first character, surname readings included', () => {
    expect(leadingReadings('长')).toEqual(['chang', 'zhang']);
    expect(leadingReadings('单')).toEqual(expect.arrayContaining(['dan', 'shan']));
    expect(leadingReadings('曾')).toEqual(expect.arrayContaining(['ceng', 'zeng']));
    expect(leadingReadings('吕')).toEqual(['lv']);
  });

  it('combines the readings of the first two characters', () => {
    expect(leadingReadings('国强')).toEqual(['guojiang', 'guoqiang']);
    expect(leadingReadings('王伟明')).toEqual(['wangwei']);
  });

  it('starts the stored pinyin of a name with one of the readings of its first one or two characters', () => {
    for (const name of [
      '单田芳',
      '曾小明',
      '长孙无忌',
      '乐嘉',
      '吕方',
      '区家明',
      '尉迟恭',
      '查良镛',
      '欧阳秀英',
    ]) {
      const full = namePinyin(name).full;
      for (const n of [1, 2]) {
        const start = Array.from(name).slice(0, n).join('');
        expect(
          leadingReadings(start).some((r) => full.startsWith(r)),
          `${name}: ${full} by ${start}`,
        ).toBe(true);
      }
    }
  });

  it('drops a reading another one already starts with, so the ranges never overlap', () => {
    for (const text of ['长', '单', '乐', '国强', '行']) {
      const r = leadingReadings(text);
      expect(
        r.some((a) => r.some((b) => a !== b && a.startsWith(b))),
        text,
      ).toBe(false);
    }
  });

  it('reads any pinyin when the first character has none', () => {
    expect(leadingReadings('·李')).toEqual(['']);
  });
});

describe('nameBigrams', () => {
  it('gives the overlapping two-character pieces, by character', () => {
    expect(nameBigrams('秀英')).toEqual(['秀英']);
    expect(nameBigrams('欧阳秀英')).toEqual(['欧阳', '阳秀', '秀英']);
    expect(nameBigrams('王')).toEqual([]);
    expect(nameBigrams('𠀀王')).toEqual(['𠀀王']);
  });
});
