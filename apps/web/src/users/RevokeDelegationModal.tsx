import type { Delegation } from '@linli/shared';
import { App, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { useRevokeDelegation } from './delegations.api';

export function RevokeDelegationModal({
  delegation,
  onClose,
}: {
  delegation: Delegation;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const revoke = useRevokeDelegation();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);

  const submit = ({ reason }: { reason?: string }) => {
    clearFormError();
    revoke.mutate(
      { id: delegation.id, reason: reason?.trim() ? reason.trim() : undefined },
      {
        onSuccess: () => {
          void message.success(t('delegations.revoked'));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={t('delegations.revokeTitle')}
      testId="delegation-revoke-form"
      submitting={revoke.isPending}
      submitText={t('delegations.revoke')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Typography.Paragraph>
        {t('delegations.revokeSummary', {
          grantee: delegation.granteeName,
          title: t(`delegationTitle.${delegation.title}`),
          area: delegation.areaName,
        })}
      </Typography.Paragraph>
      <FormErrorAlert error={formError} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="reason"
          label={t('delegations.revokeReason')}
          rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
        >
          <Input.TextArea rows={3} showCount maxLength={500} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
