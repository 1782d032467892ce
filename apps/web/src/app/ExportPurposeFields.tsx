import { Alert, Form, Input, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePermission } from '../auth/session';

export type ExportPurposeValues = { purpose: string; unmasked: boolean; reason?: string };

/**
 * What every export of personal data asks (ledgers, form answers): the purpose printed in the
 * watermark, and — only for holders of the reveal permission — clear values with a reason for the audit log.
 * Labels come from the feature's own i18n block, which holds `purposeHint`, `unmaskedWarning` and the
 * three field labels under the keys given.
 */
export function ExportPurposeFields({
  labels,
  testIdPrefix,
}: {
  labels: { purpose: string; purposeHint: string; unmasked: string; unmaskedWarning: string; reason: string };
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  const mayReveal = usePermission('resident.reveal');
  const unmasked = Form.useWatch('unmasked', Form.useFormInstance());
  return (
    <>
      <Form.Item
        name="purpose"
        label={labels.purpose}
        extra={labels.purposeHint}
        rules={[
          { required: true, whitespace: true, message: t('validation.required') },
          { max: 60, message: t('validation.maxLength', { max: 60 }) },
        ]}
      >
        <Input data-testid={`${testIdPrefix}-purpose`} />
      </Form.Item>
      {mayReveal && (
        <Form.Item name="unmasked" label={labels.unmasked} valuePropName="checked">
          <Switch data-testid={`${testIdPrefix}-unmasked`} />
        </Form.Item>
      )}
      {unmasked && (
        <>
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={labels.unmaskedWarning} />
          <Form.Item
            name="reason"
            label={labels.reason}
            rules={[
              { required: true, whitespace: true, message: t('validation.required') },
              { max: 200, message: t('validation.maxLength', { max: 200 }) },
            ]}
          >
            <Input.TextArea rows={2} data-testid={`${testIdPrefix}-reason`} />
          </Form.Item>
        </>
      )}
    </>
  );
}
