import type { Ledger } from '@linli/shared';
import { Alert, App, Form, Radio } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { ExportPurposeFields } from '../app/ExportPurposeFields';
import { FormModal } from '../app/FormModal';
import { useSession } from '../auth/session';
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
  const [form] = Form.useForm<ExportFormValues>();
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
        <ExportPurposeFields
          testIdPrefix="ledger-export"
          labels={{
            purpose: t('ledgers.fields.purpose'),
            purposeHint: t('ledgers.purposeHint'),
            unmasked: t('ledgers.fields.unmasked'),
            unmaskedWarning: t('ledgers.unmaskedWarning'),
            reason: t('ledgers.fields.reason'),
          }}
        />
      </Form>
    </FormModal>
  );
}
