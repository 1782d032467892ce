import { Alert, App, Form } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { ExportPurposeFields, type ExportPurposeValues } from '../app/ExportPurposeFields';
import { FormModal } from '../app/FormModal';
import { useSession } from '../auth/session';
import { downloadSubmissions, type SubmissionFilter } from './submissions.api';

type ExportValues = ExportPurposeValues;

/**
 * One form's answers under the inbox's filters, or all of them from a chain's tab; masked unless revealed
 * with a reason, like ledgers.
 */
export function SubmissionExportModal({
  form: target,
  filter,
  hint,
  onClose,
}: {
  form: { id: string; title: string };
  filter: SubmissionFilter;
  /** What the file holds, when it is not what the inbox's filters show. */
  hint?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSession();
  const [form] = Form.useForm<ExportValues>();
  const [busy, setBusy] = useState(false);
  const { formError, handleError, clearFormError } = useFormServerErrors(form);

  const submit = async (values: ExportValues) => {
    clearFormError();
    setBusy(true);
    try {
      const name = await downloadSubmissions(
        {
          formId: target.id,
          versionNo: filter.versionNo,
          from: filter.from,
          to: filter.to,
          status: filter.status,
          matched: filter.matched,
          format: 'xlsx',
          purpose: values.purpose.trim(),
          unmasked: values.unmasked,
          ...(values.unmasked && { reason: values.reason?.trim() }),
        },
        me.csrfToken,
      );
      void message.success(t('submissions.exported', { name }));
      onClose();
    } catch (error) {
      handleError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormModal
      title={t('submissions.exportTitle', { title: target.title })}
      testId="submission-export"
      submitting={busy}
      submitText={t('submissions.export')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={hint ?? t('submissions.exportHint')} />
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ purpose: '', unmasked: false }}
        onFinish={(values) => void submit(values)}
      >
        <ExportPurposeFields
          testIdPrefix="submission-export"
          labels={{
            purpose: t('submissions.purpose'),
            purposeHint: t('submissions.purposeHint'),
            unmasked: t('submissions.unmasked'),
            unmaskedWarning: t('submissions.unmaskedWarning'),
            reason: t('submissions.reason'),
          }}
        />
      </Form>
    </FormModal>
  );
}
