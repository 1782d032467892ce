import type { Ledger } from '@linli/shared';
import { Alert, App, Form, Input, Radio, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { usePermission, useSession } from '../auth/session';
import { downloadExport } from './ledgers.api';

interface ExportFormValues {
  format: 'xlsx' | 'csv';
  purpose: string;
  unmasked: boolean;
  reason?: string;
}

/** Masked by default; clear ID numbers and phones only with the reveal permission and a reason. */
export function ExportModal({ ledger, onClose }: { ledger: Ledger; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSession();
  const mayReveal = usePermission('resident.reveal');
  const [form] = Form.useForm<ExportFormValues>();
  const unmasked = Form.useWatch('unmasked', form);
  const [busy, setBusy] = useState(false);
  const { formError, handleError, clearFormError } = useFormServerErrors(form);

  const submit = async (values: ExportFormValues) => {
    clearFormError();
    setBusy(true);
    try {
      const name = await downloadExport(
        ledger.id,
        {
          format: values.format,
          purpose: values.purpose.trim(),
          unmasked: values.unmasked,
          ...(values.unmasked && { reason: values.reason?.trim() }),
        },
        me.csrfToken,
      );
      void message.success(t('ledgers.exported', { name }));
      onClose();
    } catch (error) {
      handleError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormModal
      title={t('ledgers.exportTitle', { name: ledger.name })}
      testId="ledger-export"
      submitting={busy}
      submitText={t('ledgers.export')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('ledgers.exportHint')} />
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ format: 'xlsx', purpose: '', unmasked: false }}
        onFinish={(values) => void submit(values)}
      >
        <Form.Item name="format" label={t('ledgers.fields.format')}>
          <Radio.Group
            options={[
              { value: 'xlsx', label: 'Excel (.xlsx)' },
              { value: 'csv', label: 'CSV' },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="purpose"
          label={t('ledgers.fields.purpose')}
          extra={t('ledgers.purposeHint')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 60, message: t('validation.maxLength', { max: 60 }) },
          ]}
        >
          <Input data-testid="ledger-export-purpose" />
        </Form.Item>
        {mayReveal && (
          <Form.Item name="unmasked" label={t('ledgers.fields.unmasked')} valuePropName="checked">
            <Switch data-testid="ledger-export-unmasked" />
          </Form.Item>
        )}
        {unmasked && (
          <>
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('ledgers.unmaskedWarning')}
            />
            <Form.Item
              name="reason"
              label={t('ledgers.fields.reason')}
              rules={[
                { required: true, whitespace: true, message: t('validation.required') },
                { max: 200, message: t('validation.maxLength', { max: 200 }) },
              ]}
            >
              <Input.TextArea rows={2} data-testid="ledger-export-reason" />
            </Form.Item>
          </>
        )}
      </Form>
    </FormModal>
  );
}
