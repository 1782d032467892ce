import type { MergeField, Resident } from '@linli/shared';
import type { TFunction } from 'i18next';

export type PairSide = 'a' | 'b';

/** Label lookups by a key built at run time; an unknown code shows as itself. */
function label(t: TFunction, key: string, value: string): string {
  return (t as unknown as (k: string, o: { defaultValue: string }) => string)(key, { defaultValue: value });
}

/** What a field shows for one record: masked for sensitive ones, labels for codes, '' when empty. */
export function fieldText(t: TFunction, r: Resident, field: MergeField): string {
  switch (field) {
    case 'idNumber':
      return r.idNumberMasked
        ? `${r.idType ? label(t, `idType.${r.idType}`, r.idType) : ''} ${r.idNumberMasked}`.trim()
        : '';
    case 'phone':
      return r.phoneMasked ?? '';
    case 'emergencyContactPhone':
      return r.emergencyContactPhoneMasked ?? '';
    case 'health':
      return r.hasHealthNote ? t('dedupe.healthRecorded') : '';
    case 'sex':
    case 'residenceType':
    case 'tenure':
    case 'relationToHead':
    case 'selfCare': {
      const v = r[field];
      return v ? label(t, `${field}.${v}`, v) : '';
    }
    case 'maritalStatus':
    case 'politicalStatus':
    case 'education':
    case 'arrivalReason': {
      const v = r[field];
      return v ? label(t, `register.${field}.${v}`, v) : '';
    }
    default: {
      const v = r[field];
      return typeof v === 'string' ? v : '';
    }
  }
}

/** Sex and birth date are derived from a resident ID: they go wherever the ID number goes. */
export function followsIdNumber(field: MergeField, idSource: Resident): boolean {
  return (
    (field === 'sex' || field === 'birthDate') &&
    idSource.idNumberMasked !== null &&
    (idSource.idType ?? 'resident_id') === 'resident_id'
  );
}
