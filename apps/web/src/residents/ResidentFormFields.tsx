import {
  ID_TYPES,
  RELATIONS_TO_HEAD,
  RESIDENCE_TYPES,
  type Resident,
  SELF_CARE,
  SEXES,
  type TagCode,
  TENURES,
} from '@linli/shared';
import { Col, Form, type FormInstance, Input, Row, Select, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
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
  tags?: TagCode[];
}

export type ResidentFormBody = Omit<ResidentCreateBody, 'householdId' | 'dwellingId'>;

const text = (value: Nullable<string>) => (value?.trim() ? value.trim() : null);
/** Sensitive fields are never shown in clear in a form: empty means "leave it as it is". */
const secret = (value: Nullable<string>) => (value?.trim() ? value.trim() : undefined);

/** The form's values as the API expects them (trimmed, empty text as null, empty secrets left out). */
export function toResidentBody(values: ResidentFormValues): ResidentFormBody {
  return {
    name: values.name.trim(),
    formerName: text(values.formerName),
    sex: values.sex ?? null,
    idType: values.idType ?? null,
    idNumber: secret(values.idNumber),
    phone: secret(values.phone),
    residenceType: values.residenceType ?? null,
    tenure: values.tenure ?? null,
    relationToHead: values.relationToHead ?? null,
    selfCare: values.selfCare ?? null,
    hukouAddress: text(values.hukouAddress),
    emergencyContactName: text(values.emergencyContactName),
    emergencyContactPhone: secret(values.emergencyContactPhone),
    tags: values.tags ?? [],
  };
}

/** Fields the server reports on, keyed by error code, for `useFormServerErrors`. */
export const RESIDENT_CODE_FIELDS = { 'resident.duplicate_id': ['idNumber'] };

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
            ) : editing ? (
              t('residents.unchangedHint')
            ) : null
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
          extra={editing ? t('residents.unchangedHint') : undefined}
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
          extra={editing ? t('residents.unchangedHint') : undefined}
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
