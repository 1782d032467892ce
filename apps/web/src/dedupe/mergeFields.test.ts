import type { Resident } from '@linli/shared';
import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { fieldText, followsIdNumber } from './mergeFields';

/** Echoes the key, so the test sees which label a value would use. */
const t = ((key: string) => `<${key}>`) as unknown as TFunction;

const resident = (over: Partial<Resident>) =>
  ({
    idType: null,
    idNumberMasked: null,
    phoneMasked: null,
    hasHealthNote: false,
    sex: null,
    maritalStatus: null,
    hukouAddress: null,
    ...over,
  }) as Resident;

describe('fieldText', () => {
  it('shows masked values and labels, never more, and empty text for a missing value', () => {
    const r = resident({
      idType: 'resident_id',
      idNumberMasked: '310***********1234',
      phoneMasked: '138****5678',
      hasHealthNote: true,
      sex: 'female',
      maritalStatus: 'married',
    });
    expect(fieldText(t, r, 'idNumber')).toBe('<idType.resident_id> 310***********1234');
    expect(fieldText(t, r, 'phone')).toBe('138****5678');
    expect(fieldText(t, r, 'health')).toBe('<dedupe.healthRecorded>');
    expect(fieldText(t, r, 'sex')).toBe('<sex.female>');
    expect(fieldText(t, r, 'maritalStatus')).toBe('<register.maritalStatus.married>');
    expect(fieldText(t, resident({}), 'hukouAddress')).toBe('');
    expect(fieldText(t, resident({}), 'health')).toBe('');
  });
});

describe('followsIdNumber', () => {
  it('ties sex and birth date to a resident ID, not to a passport or a missing ID', () => {
    const withId = resident({ idType: 'resident_id', idNumberMasked: '310***********1234' });
    expect(followsIdNumber('sex', withId)).toBe(true);
    expect(followsIdNumber('birthDate', withId)).toBe(true);
    expect(followsIdNumber('name', withId)).toBe(false);
    expect(followsIdNumber('sex', resident({ idType: 'passport', idNumberMasked: 'E1****78' }))).toBe(false);
    expect(followsIdNumber('sex', resident({}))).toBe(false);
  });
});
