import { type Resident, SENSITIVE_FIELDS } from '@linli/shared';
import { Alert, Checkbox, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { type RevealedValues, useReveal } from './residents.api';

type Field = (typeof SENSITIVE_FIELDS)[number];

interface RevealFormValues {
  fields: Field[];
  reason: string;
}

/** Fields this resident actually has, so nobody records a look at nothing. */
function availableFields(resident: Resident): Field[] {
  return SENSITIVE_FIELDS.filter((field) =>
    field === 'idNumber'
      ? resident.idNumberMasked !== null
      : field === 'phone'
        ? resident.phoneMasked !== null
        : resident.hasHealthNote,
  );
}

interface RevealModalProps {
  resident: Resident;
  onRevealed: (values: RevealedValues) => void;
  onClose: () => void;
}

/** Asks why before showing clear values: the server records every reveal with its reason. */
export function RevealModal({ resident, onRevealed, onClose }: RevealModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RevealFormValues>();
  const reveal = useReveal();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  const fields = availableFields(resident);

  const submit = (values: RevealFormValues) => {
    clearFormError();
    reveal.mutate(
      { id: resident.id, fields: values.fields, reason: values.reason.trim() },
      {
        onSuccess: (revealed) => {
          onRevealed(revealed);
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={t('residents.revealTitle', { name: resident.name })}
      testId="reveal-form"
      submitting={reveal.isPending}
      submitText={t('residents.revealSubmit')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('residents.revealHint')} />
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ fields: fields.slice(0, 1), reason: '' }}
        onFinish={submit}
      >
        <Form.Item
          name="fields"
          label={t('residents.revealFields')}
          rules={[{ required: true, type: 'array', min: 1, message: t('validation.required') }]}
        >
          <Checkbox.Group
            options={fields.map((field) => ({
              value: field,
              label: <span data-testid={`reveal-field-${field}`}>{t(`sensitiveField.${field}`)}</span>,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('residents.revealReason')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ]}
        >
          <Input.TextArea
            rows={2}
            maxLength={200}
            placeholder={t('residents.revealReasonPlaceholder')}
            data-testid="reveal-reason"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
