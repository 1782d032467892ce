import { Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';

interface RejectModalProps {
  /** How many answers are rejected at once (1 from the detail page). */
  count: number;
  onReject: (reason: string) => Promise<unknown>;
  onClose: () => void;
}

/** Rejecting always takes a reason: it stays with the answer and in the audit log. */
export function RejectModal({ count, onReject, onClose }: RejectModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const { formError, handleError, clearFormError } = useFormServerErrors(form);

  const submit = async ({ reason }: { reason: string }) => {
    clearFormError();
    setBusy(true);
    try {
      await onReject(reason.trim());
      onClose();
    } catch (error) {
      handleError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <FormModal
      title={t('submissions.rejectTitle', { count })}
      testId="submission-reject"
      submitting={busy}
      submitText={t('submissions.reject')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} />
      <Form form={form} layout="vertical" initialValues={{ reason: '' }} onFinish={(v) => void submit(v)}>
        <Form.Item
          name="reason"
          label={t('submissions.rejectReason')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ]}
        >
          <Input.TextArea rows={2} maxLength={200} data-testid="submission-reject-reason" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
