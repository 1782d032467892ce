import { SUBMISSION_LIMITS } from '@linli/shared';
import { Col, DatePicker, Divider, Form, Input, InputNumber, Radio, Row } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';

/**
 * Title, description, what the resident is told about their data, and when and how often one may answer.
 * Each text the resident reads has an optional English beside it, for residents who read the page in English.
 */
export function FormSettings() {
  const { t } = useTranslation();
  const required = { required: true, whitespace: true, message: t('validation.required') };
  const maxLength = (max: number) => ({ max, message: t('validation.maxLength', { max }) });
  const englishHint = t('forms.englishHint');
  return (
    <Row gutter={24} style={{ maxWidth: 1200 }}>
      <Col xs={24} lg={12}>
        <Form.Item name="title" label={t('forms.fields.title')} rules={[required, maxLength(200)]}>
          <Input data-testid="settings-title" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item
          name="titleEn"
          label={t('forms.fields.titleEn')}
          extra={englishHint}
          rules={[maxLength(200)]}
        >
          <Input data-testid="settings-title-en" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item name="description" label={t('forms.fields.description')} rules={[maxLength(2000)]}>
          <Input.TextArea rows={3} data-testid="settings-description" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item name="descriptionEn" label={t('forms.fields.descriptionEn')} rules={[maxLength(2000)]}>
          <Input.TextArea rows={3} data-testid="settings-description-en" />
        </Form.Item>
      </Col>
      <Col span={24}>
        <Divider titlePlacement="start">{t('forms.settings.privacy')}</Divider>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item
          name={['privacy', 'purpose']}
          label={t('forms.settings.purpose')}
          extra={t('forms.settings.purposeHint')}
          rules={[required, maxLength(500)]}
        >
          <Input.TextArea rows={2} data-testid="settings-purpose" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item
          name={['privacy', 'purposeEn']}
          label={t('forms.settings.purposeEn')}
          rules={[maxLength(500)]}
        >
          <Input.TextArea rows={2} data-testid="settings-purpose-en" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item
          name={['privacy', 'audience']}
          label={t('forms.settings.audience')}
          extra={t('forms.settings.audienceHint')}
          rules={[required, maxLength(300)]}
        >
          <Input data-testid="settings-audience" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={12}>
        <Form.Item
          name={['privacy', 'audienceEn']}
          label={t('forms.settings.audienceEn')}
          rules={[maxLength(300)]}
        >
          <Input data-testid="settings-audience-en" />
        </Form.Item>
      </Col>
      <Col xs={24} lg={8}>
        <Form.Item
          name={['privacy', 'retentionDays']}
          label={t('forms.settings.retentionDays')}
          extra={t('forms.settings.retentionHint')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <InputNumber
            min={1}
            max={3650}
            precision={0}
            suffix={t('forms.settings.days')}
            style={{ width: '100%' }}
            data-testid="settings-retention"
          />
        </Form.Item>
      </Col>
      <Col span={24}>
        <Divider titlePlacement="start">{t('forms.settings.collection')}</Divider>
      </Col>
      <Col span={24}>
        <Form.Item name="submissionLimit" label={t('forms.settings.limit')}>
          <Radio.Group
            options={SUBMISSION_LIMITS.map((value) => ({ value, label: t(`forms.limit.${value}`) }))}
            data-testid="settings-limit"
          />
        </Form.Item>
      </Col>
      <Col span={12}>
        <Form.Item name="opensAt" label={t('forms.fields.opensAt')} extra={t('forms.settings.opensHint')}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
      </Col>
      <Col span={12}>
        <Form.Item
          name="closesAt"
          label={t('forms.fields.closesAt')}
          extra={t('forms.settings.closesHint')}
          dependencies={['opensAt']}
          rules={[
            ({ getFieldValue }) => ({
              validator(_, value: Dayjs | null) {
                const opens = getFieldValue('opensAt') as Dayjs | null;
                return !value || !opens || value.isAfter(opens)
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('forms.settings.closesAfterOpens')));
              },
            }),
          ]}
        >
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            style={{ width: '100%' }}
            data-testid="settings-closes"
          />
        </Form.Item>
      </Col>
    </Row>
  );
}
