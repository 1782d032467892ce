import { UploadOutlined } from '@ant-design/icons';
import {
  type FormDefinition,
  type FormField,
  isFieldVisible,
  localText,
  type PrivacyNotice,
  TEMPERATURE_MAX,
  TEMPERATURE_MIN,
} from '@linli/shared';
import {
  Alert,
  Button,
  Checkbox,
  DatePicker,
  Divider,
  Form,
  Input,
  InputNumber,
  Radio,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../i18n/useLocale';
import { localLabel } from './labels';

interface FormPreviewProps {
  title: string;
  titleEn?: string;
  description: string;
  descriptionEn?: string;
  definition: FormDefinition;
  privacy?: Partial<PrivacyNotice>;
}

/**
 * What the resident will roughly see, as the worker edits: fields in order, show-if conditions applied
 * to what is tried out here, in the console's language (the English texts where given, as the page does).
 * The public page itself is a separate light bundle; this is the console's view.
 */
export function FormPreview({
  title,
  titleEn,
  description,
  descriptionEn,
  definition,
  privacy,
}: FormPreviewProps) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const local = (zh: string | undefined, en: string | undefined) => localText(zh, en, locale);
  const [answers, setAnswers] = useState<Record<string, unknown>>({});
  const set = (key: string, value: unknown) => setAnswers((prev) => ({ ...prev, [key]: value }));

  const input = (field: FormField) => {
    const value = answers[field.key];
    switch (field.type) {
      case 'text':
      case 'phone':
      case 'id_number':
        return (
          <Input
            size="large"
            value={(value as string) ?? ''}
            onChange={(e) => set(field.key, e.target.value)}
          />
        );
      case 'textarea':
        return (
          <Input.TextArea
            rows={3}
            value={(value as string) ?? ''}
            onChange={(e) => set(field.key, e.target.value)}
          />
        );
      case 'number':
        return (
          <InputNumber
            size="large"
            min={field.min}
            max={field.max}
            suffix={field.unit || undefined}
            style={{ width: '100%' }}
          />
        );
      case 'temperature':
        return (
          <InputNumber
            size="large"
            step={0.1}
            min={TEMPERATURE_MIN}
            max={TEMPERATURE_MAX}
            suffix="℃"
            style={{ width: '100%' }}
          />
        );
      case 'single':
        return (
          <Radio.Group value={value} onChange={(e) => set(field.key, e.target.value)}>
            <Space orientation="vertical">
              {(field.options ?? []).map((o) => (
                <Radio key={o.value} value={o.value}>
                  {localLabel(o, locale)}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        );
      case 'multi':
        return (
          <Checkbox.Group value={(value as string[]) ?? []} onChange={(v) => set(field.key, v)}>
            <Space orientation="vertical">
              {(field.options ?? []).map((o) => (
                <Checkbox key={o.value} value={o.value}>
                  {localLabel(o, locale)}
                </Checkbox>
              ))}
            </Space>
          </Checkbox.Group>
        );
      case 'date':
        return <DatePicker size="large" style={{ width: '100%' }} />;
      case 'datetime':
        return <DatePicker size="large" showTime style={{ width: '100%' }} />;
      case 'address':
        return <Input size="large" disabled placeholder={t('forms.preview.addressPlaceholder')} />;
      case 'yes_no':
        return (
          <Radio.Group value={value} onChange={(e) => set(field.key, e.target.value)}>
            <Radio value={true}>{t('forms.preview.yes')}</Radio>
            <Radio value={false}>{t('forms.preview.no')}</Radio>
          </Radio.Group>
        );
      case 'consent':
        return (
          <Checkbox checked={value === true} onChange={(e) => set(field.key, e.target.checked)}>
            {t('forms.preview.agree')}
          </Checkbox>
        );
      case 'file':
        return (
          <Button icon={<UploadOutlined />} disabled>
            {t('forms.preview.upload')}
          </Button>
        );
      case 'info':
        return null;
    }
  };

  return (
    <div data-testid="form-preview">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {local(title, titleEn) || t('forms.builder.untitled')}
      </Typography.Title>
      {description && (
        <Typography.Paragraph type="secondary">{local(description, descriptionEn)}</Typography.Paragraph>
      )}
      <Form layout="vertical" component="div">
        {definition.sections.map((section, s) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: sections have no id of their own; the order is the identity
          <div key={s}>
            {(section.title || definition.sections.length > 1) && (
              <Divider titlePlacement="start" style={{ marginTop: s === 0 ? 0 : undefined }}>
                {local(section.title, section.titleEn)}
              </Divider>
            )}
            {section.description && (
              <Typography.Paragraph>{local(section.description, section.descriptionEn)}</Typography.Paragraph>
            )}
            {section.fields
              .filter((field) => isFieldVisible(field, answers))
              .map((field, f) =>
                field.type === 'info' ? (
                  <Alert
                    // biome-ignore lint/suspicious/noArrayIndexKey: keys may repeat while being edited
                    key={`${field.key}-${f}`}
                    type="info"
                    style={{ marginBottom: 16 }}
                    title={localLabel(field, locale)}
                    description={local(field.help, field.helpEn) || undefined}
                  />
                ) : (
                  <Form.Item
                    // biome-ignore lint/suspicious/noArrayIndexKey: keys may repeat while being edited
                    key={`${field.key}-${f}`}
                    label={localLabel(field, locale) || t('forms.builder.untitled')}
                    required={field.required}
                    extra={local(field.help, field.helpEn) || undefined}
                  >
                    {input(field)}
                  </Form.Item>
                ),
              )}
          </div>
        ))}
      </Form>
      {privacy?.purpose && (
        <Alert
          type="warning"
          style={{ marginBottom: 16 }}
          title={t('forms.preview.privacyTitle')}
          description={t('forms.preview.privacyText', {
            purpose: local(privacy.purpose, privacy.purposeEn),
            audience: local(privacy.audience, privacy.audienceEn),
            days: privacy.retentionDays ?? '',
          })}
        />
      )}
      <Button type="primary" size="large" block disabled>
        {t('forms.preview.submit')}
      </Button>
    </div>
  );
}
