import { describe, expect, it } from 'vitest';
import { ageOn, idCheckChar, maskIdNumber, maskPhone, normaliseIdNumber, parseResidentId } from './identity';

/** A resident ID with a correct check character: region, YYYYMMDD birth date, 3-digit sequence. */
const residentId = (birth: string, seq: string, region = '110105') =>
  `${region}${birth}${seq}${idCheckChar(`${region}${birth}${seq}`)}`;

/** The first sequence number whose check character is X, so the X case is really exercised. */
function idEndingInX(birth: string) {
  for (let n = 0; n < 1000; n++) {
    const id = residentId(birth, String(n).padStart(3, '0'));
    if (id.endsWith('X')) return id;
  }
  throw new Error('no sequence gives X');
}

const toFullWidth = (s: string) =>
  s.replace(/[0-9A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('idCheckChar', () => {
  it('computes the ISO 7064 MOD 11-2 check character of a published example', () => {
    // GB 11643-1999 appendix example.
    expect(idCheckChar('11010519491231002')).toBe('X');
    expect(idCheckChar('44052418800101001')).toBe('4');
  });
});

describe('parseResidentId', () => {
  it('reads birth date and sex from a valid ID, odd sequence for men', () => {
    expect(parseResidentId(residentId('19491001', '123'))).toEqual({ birthDate: '1949-10-01', sex: 'male' });
    expect(parseResidentId(residentId('19800229', '124'))).toEqual({
      birthDate: '1980-02-29',
      sex: 'female',
    });
  });

  it('accepts a check character X, typed in lower case or full width, with spaces', () => {
    const id = idEndingInX('19491231');
    expect(id).toMatch(/^\d{17}X$/);
    expect(parseResidentId(id)).toEqual({ birthDate: '1949-12-31', sex: expect.any(String) });
    expect(parseResidentId(id.toLowerCase())).not.toBeNull();
    expect(parseResidentId(toFullWidth(id.toLowerCase()))).not.toBeNull();
    expect(parseResidentId(`${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14)}`)).not.toBeNull();
  });

  it('refuses a wrong check character', () => {
    const id = residentId('19491001', '123');
    const wrong = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    expect(parseResidentId(wrong)).toBeNull();
    // Any single changed digit of the body breaks the checksum too.
    expect(parseResidentId(`${id.slice(0, 5)}${(Number(id[5]) + 1) % 10}${id.slice(6)}`)).toBeNull();
  });

  it('refuses an impossible date even with a correct checksum', () => {
    expect(parseResidentId(residentId('19990230', '123'))).toBeNull();
    expect(parseResidentId(residentId('19991301', '123'))).toBeNull();
    expect(parseResidentId(residentId('19990229', '123'))).toBeNull(); // 1999 is no leap year
    expect(parseResidentId(residentId('20000229', '123'))).not.toBeNull(); // 2000 is
  });

  it('refuses a birth date in the future or before 1880', () => {
    const next = new Date().getUTCFullYear() + 1;
    expect(parseResidentId(residentId(`${next}0101`, '123'))).toBeNull();
    expect(parseResidentId(residentId('20990101', '123'))).toBeNull();
    expect(parseResidentId(residentId('18791231', '123'))).toBeNull();
  });

  it('refuses wrong lengths and shapes', () => {
    const id = residentId('19491001', '123');
    expect(parseResidentId(id.slice(0, 17))).toBeNull();
    expect(parseResidentId(`${id}0`)).toBeNull();
    expect(parseResidentId('110105491001123')).toBeNull(); // 15-digit first generation: no facts here
    expect(parseResidentId('')).toBeNull();
    expect(parseResidentId(`X${id.slice(1)}`)).toBeNull();
  });
});

describe('normaliseIdNumber', () => {
  it('turns full-width digits and letters into ASCII, drops spaces, upper-cases', () => {
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２ｘ')).toBe('11010519491231002X');
    expect(normaliseIdNumber(' 110105 19491231 002x ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('e12345678')).toBe('E12345678');
    expect(normaliseIdNumber('Ｇ１２３')).toBe('G123');
  });
});

describe('maskIdNumber', () => {
  it('keeps the first three and the last four characters', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
    expect(maskIdNumber('E12345678')).toBe('E12**5678');
  });
  it('hides a short number completely', () => {
    expect(maskIdNumber('1234567')).toBe('*******');
    expect(maskIdNumber('12')).toBe('**');
  });
});

describe('maskPhone', () => {
  it('masks the middle four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
  it('hides a short value completely', () => {
    expect(maskPhone('123456')).toBe('******');
  });
});

describe('ageOn', () => {
  it('counts whole years, turning over on the birthday', () => {
    expect(ageOn('1940-06-15', '2025-06-14')).toBe(84);
    expect(ageOn('1940-06-15', '2025-06-15')).toBe(85);
    expect(ageOn('1940-06-15', '2025-12-31')).toBe(85);
    expect(ageOn('2025-01-01', '2025-01-01')).toBe(0);
  });
  it('turns a 29 February birthday over on 1 March in common years', () => {
    expect(ageOn('2000-02-29', '2023-02-28')).toBe(22);
    expect(ageOn('2000-02-29', '2023-03-01')).toBe(23);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });
});
