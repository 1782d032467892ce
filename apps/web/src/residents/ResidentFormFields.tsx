import {
  ARRIVAL_REASONS,
  EDUCATION_LEVELS,
  ETHNICITIES,
  ETHNICITY_CODES,
  type Ethnicity,
  ID_TYPES,
  MARITAL_STATUSES,
  POLITICAL_STATUSES,
  RELATIONS_TO_HEAD,
  RESIDENCE_TYPES,
  type Resident,
  SELF_CARE,
  SEXES,
  type TagCode,
  TENURES,
} from '@linli/shared';
import {
  Checkbox,
  Col,
  DatePicker,
  Divider,
  Form,
  type FormInstance,
  Input,
  Row,
  Select,
  Typography,
} from 'antd';
import type { Rule } from 'antd/es/form';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { fieldMessage } from '../i18n/fieldMessage';
import { useLocale } from '../i18n/useLocale';
import { useTagOptions } from './ResidentTags';
import { checkIdNumber, MOBILE_PHONE, SETTABLE_TAGS } from './residentRules';
import type { ResidentCreateBody } from './residents.api';

type Nullable<T> = T | null | undefined;

export interface ResidentFormValues {
  name: string;
  formerName?: string | null;
  sex?: Resident['sex'];
  idType?: Resident['idType'];
  idNumber?: string;
  phone?: string;
  residenceType?: Resident['residenceType'];
  tenure?: Resident['tenure'];
  relationToHead?: Resident['relationToHead'];
  selfCare?: Resident['selfCare'];
  hukouAddress?: string | null;
  emergencyContactName?: string | null;
  emergencyContactPhone?: string;
  health?: string;
  ethnicity?: Ethnicity | null;
  maritalStatus?: Resident['maritalStatus'];
  politicalStatus?: Resident['politicalStatus'];
  education?: Resident['education'];
  occupation?: string | null;
  employer?: string | null;
  arrivalReason?: Resident['arrivalReason'];
  arrivalDate?: Dayjs | null;
  /** Ticked to delete a stored sensitive value: an empty box alone means "leave it as it is". */
  clear?: Partial<Record<SecretField, boolean>>;
  tags?: TagCode[];
}

export type SecretField = 'idNumber' | 'phone' | 'health' | 'emergencyContactPhone';

export type ResidentFormBody = Omit<ResidentCreateBody, 'householdId' | 'dwellingId'>;

const text = (value: Nullable<string>) => (value?.trim() ? value.trim() : null);
/**
 * Sensitive fields are never shown in clear in a form: empty means "leave it as it is", and a stored
 * value is deleted only when its "clear" box is ticked (sent as null).
 */
const secret = (value: Nullable<string>, clear: boolean | undefined) =>
  clear ? null : value?.trim() ? value.trim() : undefined;

/** The form's values as the API expects them (trimmed, empty text as null, empty secrets left out). */
export function toResidentBody(values: ResidentFormValues): ResidentFormBody {
  const clear = values.clear ?? {};
  return {
    name: values.name.trim(),
    formerName: text(values.formerName),
    sex: values.sex ?? null,
    idType: values.idType ?? null,
    idNumber: secret(values.idNumber, clear.idNumber),
    phone: secret(values.phone, clear.phone),
    health: secret(values.health, clear.health),
    residenceType: values.residenceType ?? null,
    tenure: values.tenure ?? null,
    relationToHead: values.relationToHead ?? null,
    selfCare: values.selfCare ?? null,
    hukouAddress: text(values.hukouAddress),
    emergencyContactName: text(values.emergencyContactName),
    emergencyContactPhone: secret(values.emergencyContactPhone, clear.emergencyContactPhone),
    ethnicity: values.ethnicity ?? null,
    maritalStatus: values.maritalStatus ?? null,
    politicalStatus: values.politicalStatus ?? null,
    education: values.education ?? null,
    occupation: text(values.occupation),
    employer: text(values.employer),
    arrivalReason: values.arrivalReason ?? null,
    arrivalDate: values.arrivalDate ? values.arrivalDate.format('YYYY-MM-DD') : null,
    tags: values.tags ?? [],
  };
}

/** Fields the server reports on, keyed by error code, for `useFormServerErrors`. */
export const RESIDENT_CODE_FIELDS = {
  'resident.duplicate_id': ['idNumber'],
  'resident.emergency_contact_required': ['emergencyContactName'],
};

/** A date field's value from the API's `YYYY-MM-DD`. */
export const dayOf = (value: string | null) => (value ? dayjs(value) : null);

interface ResidentFormFieldsProps {
  // Any form whose values include the resident fields (the add form also picks a household).
  form: FormInstance;
  /** When editing: the masked values shown as placeholders of the secret fields. */
  resident?: Resident;
}

export function ResidentFormFields({ form, resident }: ResidentFormFieldsProps) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const tagOptions = useTagOptions(SETTABLE_TAGS);
  const idType = Form.useWatch('idType', form);
  const idNumber = Form.useWatch('idNumber', form);
  const idCheck = checkIdNumber(idNumber, idType);
  const editing = resident !== undefined;
  const phoneRules: Rule[] = [{ pattern: MOBILE_PHONE, message: fieldMessage('phone', locale) }];
  const enumOptions = <T extends string>(values: readonly T[], group: string) =>
    values.map((value) => ({ value, label: t(`${group}.${value}` as 'sex.male') }));
  const ethnicityOptions = ETHNICITY_CODES.map((code) => ({
    value: code,
    label: locale === 'en-US' ? ETHNICITIES[code].en : ETHNICITIES[code].zh,
  }));
  const residenceType = Form.useWatch('residenceType', form);
  /** Under a secret field being edited: a box to delete what is stored, when something is. */
  const clearBox = (field: SecretField, stored: boolean) =>
    editing && stored ? (
      <Form.Item name={['clear', field]} valuePropName="checked" noStyle>
        <Checkbox data-testid={`resident-form-clear-${field}`}>{t('register.clearValue')}</Checkbox>
      </Form.Item>
    ) : null;
  const secretExtra = (field: SecretField, stored: boolean) =>
    editing ? (
      <>
        <div>{t('residents.unchangedHint')}</div>
        {clearBox(field, stored)}
      </>
    ) : undefined;

  return (
    <Row gutter={16}>
      <Col xs={24} sm={12}>
        <Form.Item
          name="name"
          label={t('residents.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 50, message: t('validation.maxLength', { max: 50 }) },
          ]}
        >
          <Input data-testid="resident-form-name" />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="sex" label={t('residents.fields.sex')}>
          <Select allowClear options={enumOptions(SEXES, 'sex')} data-testid="resident-form-sex" />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="idType" label={t('residents.fields.idType')}>
          <Select allowClear options={enumOptions(ID_TYPES, 'idType')} data-testid="resident-form-id-type" />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item
          name="idNumber"
          label={t('residents.fields.idNumber')}
          rules={[
            { max: 40, message: t('validation.maxLength', { max: 40 }) },
            {
              validator: async (_, value: string | undefined) => {
                if (checkIdNumber(value, form.getFieldValue('idType')).state === 'invalid') {
                  throw new Error(fieldMessage('resident_id_checksum', locale));
                }
              },
            },
          ]}
          extra={
            idCheck.state === 'valid' ? (
              <Typography.Text type="success" data-testid="resident-form-id-hint">
                {t('residents.idNumberValid', {
                  birthDate: idCheck.facts.birthDate,
                  sex: t(`sex.${idCheck.facts.sex}`),
                })}
              </Typography.Text>
            ) : (
              (secretExtra('idNumber', Boolean(resident?.idNumberMasked)) ?? null)
            )
          }
        >
          <Input
            placeholder={resident?.idNumberMasked ?? undefined}
            autoComplete="off"
            maxLength={40}
            data-testid="resident-form-id-number"
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item
          name="phone"
          label={t('residents.fields.phone')}
          rules={phoneRules}
          extra={secretExtra('phone', Boolean(resident?.phoneMasked))}
        >
          <Input
            inputMode="tel"
            maxLength={11}
            placeholder={resident?.phoneMasked ?? undefined}
            autoComplete="off"
            data-testid="resident-form-phone"
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="formerName" label={t('residents.fields.formerName')}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="relationToHead" label={t('residents.fields.relationToHead')}>
          <Select
            allowClear
            options={enumOptions(RELATIONS_TO_HEAD, 'relationToHead')}
            data-testid="resident-form-relation"
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="residenceType" label={t('residents.fields.residenceType')}>
          <Select allowClear options={enumOptions(RESIDENCE_TYPES, 'residenceType')} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="tenure" label={t('residents.fields.tenure')}>
          <Select allowClear options={enumOptions(TENURES, 'tenure')} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="selfCare" label={t('residents.fields.selfCare')}>
          <Select allowClear options={enumOptions(SELF_CARE, 'selfCare')} />
        </Form.Item>
      </Col>
      <Col xs={24}>
        <Form.Item
          name="hukouAddress"
          label={t('residents.fields.hukouAddress')}
          rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
        >
          <Input maxLength={200} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="emergencyContactName" label={t('residents.fields.emergencyContactName')}>
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item
          name="emergencyContactPhone"
          label={t('residents.fields.emergencyContactPhone')}
          rules={phoneRules}
          extra={secretExtra('emergencyContactPhone', Boolean(resident?.emergencyContactPhoneMasked))}
        >
          <Input
            inputMode="tel"
            maxLength={11}
            placeholder={resident?.emergencyContactPhoneMasked ?? undefined}
            autoComplete="off"
          />
        </Form.Item>
      </Col>
      <Col xs={24}>
        <Form.Item
          name="health"
          label={t('register.fields.health')}
          rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
          extra={
            editing ? (
              <>
                <div>{t('register.healthHint')}</div>
                {clearBox('health', Boolean(resident?.hasHealthNote))}
              </>
            ) : undefined
          }
        >
          <Input.TextArea
            rows={2}
            maxLength={500}
            autoComplete="off"
            placeholder={resident?.hasHealthNote ? t('residents.healthNote') : undefined}
            data-testid="resident-form-health"
          />
        </Form.Item>
      </Col>
      <Col xs={24}>
        <Divider style={{ margin: '0 0 16px' }} />
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="ethnicity" label={t('register.fields.ethnicity')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={ethnicityOptions}
            data-testid="resident-form-ethnicity"
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="maritalStatus" label={t('register.fields.maritalStatus')}>
          <Select allowClear options={enumOptions(MARITAL_STATUSES, 'register.maritalStatus')} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="politicalStatus" label={t('register.fields.politicalStatus')}>
          <Select
            allowClear
            options={enumOptions(POLITICAL_STATUSES, 'register.politicalStatus')}
            data-testid="resident-form-political"
          />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item name="education" label={t('register.fields.education')}>
          <Select allowClear options={enumOptions(EDUCATION_LEVELS, 'register.education')} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item
          name="occupation"
          label={t('register.fields.occupation')}
          rules={[{ max: 50, message: t('validation.maxLength', { max: 50 }) }]}
        >
          <Input maxLength={50} />
        </Form.Item>
      </Col>
      <Col xs={24} sm={12}>
        <Form.Item
          name="employer"
          label={t('register.fields.employer')}
          rules={[{ max: 100, message: t('validation.maxLength', { max: 100 }) }]}
        >
          <Input maxLength={100} />
        </Form.Item>
      </Col>
      {(residenceType === 'non_hukou' || residenceType === 'separated') && (
        <>
          <Col xs={24} sm={12}>
            <Form.Item name="arrivalReason" label={t('register.fields.arrivalReason')}>
              <Select allowClear options={enumOptions(ARRIVAL_REASONS, 'register.arrivalReason')} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="arrivalDate" label={t('register.fields.arrivalDate')}>
              <DatePicker style={{ width: '100%' }} disabledDate={(day) => day.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
        </>
      )}
      <Col xs={24}>
        <Form.Item name="tags" label={t('residents.fields.tags')} extra={t('residents.tagsHint')}>
          <Select
            mode="multiple"
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={tagOptions}
            data-testid="resident-form-tags"
          />
        </Form.Item>
      </Col>
    </Row>
  );
}
