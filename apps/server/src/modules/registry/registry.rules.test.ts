import { ageOn, idCheckChar } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import {
  ageOf,
  birthBounds,
  classifyQuery,
  householdHistory,
  lacksEmergencyContact,
  namePinyin,
} from './registry.rules';

const residentId = (birth: string, seq = '123') =>
  `110105${birth}${seq}${idCheckChar(`110105${birth}${seq}`)}`;
const toFullWidth = (s: string) =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('namePinyin', () => {
  it('gives full pinyin and initials without tones', () => {
    expect(namePinyin('张伟')).toEqual({ full: 'zhangwei', initials: 'zw' });
    expect(namePinyin('王小明')).toEqual({ full: 'wangxiaoming', initials: 'wxm' });
  });

  it('reads surnames as surnames: 曾 zeng, 单 shan', () => {
    expect(namePinyin('曾小明')).toEqual({ full: 'zengxiaoming', initials: 'zxm' });
    expect(namePinyin('单田芳')).toEqual({ full: 'shantianfang', initials: 'stf' });
  });

  it('keeps Latin letters and digits, lower case, and drops punctuation', () => {
    expect(namePinyin('Anna·李').full).toBe('annali');
    expect(namePinyin('李 2').full).toBe('li2');
  });

  it('gives the same pinyin to a name written with a homophone (张玮 for 张伟)', () => {
    expect(namePinyin('张玮').full).toBe(namePinyin('张伟').full);
  });
});

describe('classifyQuery', () => {
  it('returns null for an empty query', () => {
    expect(classifyQuery('')).toBeNull();
    expect(classifyQuery('   ')).toBeNull();
  });

  it('reads four digits as a phone tail', () => {
    expect(classifyQuery('5678')).toEqual({ kind: 'phone_tail', tail: '5678' });
    expect(classifyQuery(' 5678 ')).toEqual({ kind: 'phone_tail', tail: '5678' });
  });

  it('reads a mobile number as a phone, spaces and all', () => {
    expect(classifyQuery('13812345678')).toEqual({ kind: 'phone', phone: '13812345678' });
    expect(classifyQuery('138 1234 5678')).toEqual({ kind: 'phone', phone: '13812345678' });
  });

  it('reads an 18-digit ID number, normalising a lowercase x and full-width digits', () => {
    const id = residentId('19491001');
    expect(classifyQuery(id)).toEqual({ kind: 'id_number', idNumber: id });
    expect(classifyQuery('11010519491231002x')).toEqual({
      kind: 'id_number',
      idNumber: '11010519491231002X',
    });
    expect(classifyQuery(toFullWidth(id))).toEqual({ kind: 'id_number', idNumber: id });
    expect(classifyQuery('１１０１０５１９４９１２３１００２ｘ')).toEqual({
      kind: 'id_number',
      idNumber: '11010519491231002X',
    });
    expect(classifyQuery('110105491001123')).toEqual({ kind: 'id_number', idNumber: '110105491001123' });
  });

  it('reads an address as people write it', () => {
    const full = { kind: 'address', building: '5', entrance: 2, room: '301' };
    expect(classifyQuery('5-2-301')).toEqual(full);
    expect(classifyQuery('5－2－301')).toEqual(full);
    expect(classifyQuery('5号楼2单元301')).toEqual(full);
    expect(classifyQuery('5号楼2单元301室')).toEqual(full);
    expect(classifyQuery('5幢2门301')).toEqual(full);
    expect(classifyQuery('5号301')).toEqual({ kind: 'address', building: '5', entrance: null, room: '301' });
    expect(classifyQuery('12号楼1201')).toEqual({
      kind: 'address',
      building: '12',
      entrance: null,
      room: '1201',
    });
  });

  it('reads letters as pinyin or initials, in lower case', () => {
    expect(classifyQuery('zw')).toEqual({ kind: 'pinyin', text: 'zw' });
    expect(classifyQuery('ZhangWei')).toEqual({ kind: 'pinyin', text: 'zhangwei' });
    expect(classifyQuery('zhang wei')).toEqual({ kind: 'pinyin', text: 'zhangwei' });
  });

  it('reads anything else as a name, with its pinyin', () => {
    expect(classifyQuery('张玮')).toEqual({ kind: 'name', text: '张玮', pinyin: 'zhangwei' });
    expect(classifyQuery('曾')).toEqual({ kind: 'name', text: '曾', pinyin: 'zeng' });
  });
});

/** Every day from `from` for `n` days, as YYYY-MM-DD. */
function days(from: string, n: number) {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

describe('birthBounds', () => {
  it('turns an age range into birth-date bounds', () => {
    expect(birthBounds('2025-06-15', 80, 89)).toEqual({
      bornOnOrBefore: '1945-06-15',
      bornAfter: '1935-06-15',
    });
    expect(birthBounds('2025-06-15')).toEqual({ bornOnOrBefore: undefined, bornAfter: undefined });
    expect(birthBounds('2025-06-15', 0).bornOnOrBefore).toBe('2025-06-15');
  });

  it('on 29 February falls back to the 28th in a common year, and keeps the 29th in a leap year', () => {
    expect(birthBounds('2024-02-29', 1, 0)).toEqual({
      bornOnOrBefore: '2023-02-28',
      bornAfter: '2023-02-28',
    });
    expect(birthBounds('2024-02-29', 4, 3)).toEqual({
      bornOnOrBefore: '2020-02-29',
      bornAfter: '2020-02-29',
    });
  });

  it('agrees with ageOn for every birth date around the edges, 29 February included', () => {
    const births = [...days('2019-02-20', 20), ...days('2020-02-20', 20), ...days('2021-02-20', 20)];
    for (const today of ['2024-02-28', '2024-02-29', '2024-03-01', '2025-02-28', '2025-03-01']) {
      for (const age of [3, 4, 5]) {
        const { bornOnOrBefore, bornAfter } = birthBounds(today, age, age);
        for (const birth of births) {
          const inRange = birth <= bornOnOrBefore! && birth > bornAfter!;
          expect(inRange, `${birth} on ${today}, age ${age}`).toBe(ageOn(birth, today) === age);
        }
      }
    }
  });
});

describe('ageOf', () => {
  it('is the age in whole years, or null without a birth date', () => {
    expect(ageOf('1940-06-15', '2025-06-14')).toBe(84);
    expect(ageOf('1940-06-15', '2025-06-15')).toBe(85);
    expect(ageOf(null, '2025-06-15')).toBeNull();
  });
});

describe('lacksEmergencyContact', () => {
  it('asks a contact of residents of 60 or more tagged living alone, and of no one else', () => {
    const alone = { tags: ['living_alone'] as const, emergencyContactName: null };
    expect(lacksEmergencyContact({ ...alone, tags: [...alone.tags], age: 60 })).toBe(true);
    expect(lacksEmergencyContact({ ...alone, tags: [...alone.tags], age: 59 })).toBe(false);
    expect(lacksEmergencyContact({ ...alone, tags: [...alone.tags], age: null })).toBe(false);
    expect(lacksEmergencyContact({ tags: ['living_alone'], age: 80, emergencyContactName: '  ' })).toBe(true);
    expect(lacksEmergencyContact({ tags: ['living_alone'], age: 80, emergencyContactName: '女儿' })).toBe(
      false,
    );
    expect(lacksEmergencyContact({ tags: ['empty_nest'], age: 80, emergencyContactName: null })).toBe(false);
  });
});

describe('householdHistory', () => {
  it('lists move-in, members joining, leaving and dying, tag changes and move-out, newest first', () => {
    const at = (d: string) => new Date(`${d}T04:00:00Z`);
    const events = householdHistory(
      { movedInAt: '2010-05-01', movedOutAt: '2024-06-01', createdAt: at('2020-01-01') },
      [
        {
          id: 'a',
          name: '甲',
          createdAt: at('2020-01-01'),
          status: 'deceased',
          movedOutAt: null,
          deceasedAt: '2023-02-02',
        },
        {
          id: 'b',
          name: '乙',
          createdAt: at('2021-03-03'),
          status: 'moved_out',
          movedOutAt: '2024-06-01',
          deceasedAt: null,
        },
      ],
      [at('2022-08-08')],
    );
    expect(events.map((e) => `${e.date} ${e.kind} ${e.residentName ?? ''}`.trim())).toEqual([
      '2024-06-01 moved_out',
      '2024-06-01 member_moved_out 乙',
      '2023-02-02 member_died 甲',
      '2022-08-08 tags_changed',
      '2021-03-03 member_joined 乙',
      '2020-01-01 member_joined 甲',
      '2010-05-01 moved_in',
    ]);
  });

  it('falls back to the day the household was registered when it has no move-in date', () => {
    const events = householdHistory(
      { movedInAt: null, movedOutAt: null, createdAt: new Date('2024-01-31T20:00:00Z') },
      [],
    );
    // 20:00 UTC is the next morning in Shanghai.
    expect(events).toEqual([{ date: '2024-02-01', kind: 'moved_in', residentId: null, residentName: null }]);
  });
});
