import { ETHNICITIES, type Ethnicity, TAGS } from '@linli/shared';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { auditValue } from '../audit/auditLabels';
import { useLocale } from '../i18n/useLocale';
import { importedFrom, isTagCode } from './residentRules';
import type { ResidentEventItem } from './residents.api';

const ENUM_GROUPS: Record<string, string> = {
  sex: 'sex',
  idType: 'idType',
  residenceType: 'residenceType',
  tenure: 'tenure',
  relationToHead: 'relationToHead',
  selfCare: 'selfCare',
  status: 'residentStatus',
  fields: 'sensitiveField',
  maritalStatus: 'register.maritalStatus',
  politicalStatus: 'register.politicalStatus',
  education: 'register.education',
  arrivalReason: 'register.arrivalReason',
  provenance: 'register.provenance',
  relation: 'register.relationKind',
  household: 'residentMove.householdChoice',
  previousHousehold: 'residentMove.previousHousehold',
};

/** A provenance in the reader's language: a known source by its label, an import by its file and row. */
export function useProvenanceLabel() {
  const { t, i18n } = useTranslation();
  return (value: string): string => {
    const imported = importedFrom(value);
    if (imported) return t('residentsExtra.importedRow', imported);
    return i18n.exists(`register.provenance.${value}`)
      ? t(`register.provenance.${value}` as 'register.provenance.manual')
      : value;
  };
}

/** "手机号：138****5678 → 139****1234", with the same labels as the profile. */
export function ResidentEventChanges({ changes }: { changes: ResidentEventItem['changes'] }) {
  const { t, i18n } = useTranslation();
  const { locale } = useLocale();
  const provenanceLabel = useProvenanceLabel();
  if (!changes) return null;
  const fieldName = (field: string) => {
    const key = field.replace(/Masked$/, '');
    if (i18n.exists(`residents.fields.${key}`))
      return t(`residents.fields.${key}` as 'residents.fields.name');
    if (i18n.exists(`residentMove.fields.${key}`)) {
      return t(`residentMove.fields.${key}` as 'residentMove.fields.movedAt');
    }
    return t(`register.fields.${key}` as 'register.fields.ethnicity', field);
  };
  const show = (field: string, value: unknown): string => {
    if (Array.isArray(value) && field === 'tags') {
      return value.length === 0
        ? '—'
        : value
            .map((code) =>
              isTagCode(code) ? (locale === 'en-US' ? TAGS[code].en : TAGS[code].zh) : String(code),
            )
            .join('、');
    }
    if (field === 'ethnicity' && typeof value === 'string' && Object.hasOwn(ETHNICITIES, value)) {
      return ETHNICITIES[value as Ethnicity][locale === 'en-US' ? 'en' : 'zh'];
    }
    if (field === 'provenance' && typeof value === 'string') return provenanceLabel(value);
    const group = ENUM_GROUPS[field];
    if (group && typeof value === 'string') return t(`${group}.${value}` as 'sex.male', value);
    if (group && Array.isArray(value))
      return value.map((item) => t(`${group}.${item}` as 'sex.male', String(item))).join('、');
    return auditValue(t, 'resident', field, value);
  };
  return (
    <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
      {Object.entries(changes)
        // Ids tie an entry to its record in the audit log; they mean nothing to a reader here.
        .filter(([field]) => !field.endsWith('Id'))
        .map(([field, change]) => (
          <li key={field}>
            <Typography.Text type="secondary">{fieldName(field)}：</Typography.Text>
            {'from' in change && change.from !== undefined ? `${show(field, change.from)} → ` : ''}
            {show(field, change.to)}
          </li>
        ))}
    </ul>
  );
}
