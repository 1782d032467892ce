import type { User } from '@linli/shared';
import { Alert, App, Button, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { generateTemporaryPassword, passwordRules } from '../auth/passwordRules';
import { useLocale } from '../i18n/useLocale';
import { useResetPassword } from './users.api';

export function ResetPasswordModal({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ newPassword: string }>();
  const reset = useResetPassword();
  const [initialPassword] = useState(generateTemporaryPassword);
  const { formError, handleError, clearFormError } = useFormServerErrors(form);

  const submit = ({ newPassword }: { newPassword: string }) => {
    clearFormError();
    reset.mutate(
      { id: user.id, newPassword },
      {
        onSuccess: () => {
          void message.success(t('users.passwordReset', { name: user.name }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={t('users.resetPasswordTitle', { name: user.name })}
      testId="reset-password-form"
      submitting={reset.isPending}
      submitText={t('users.resetPassword')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Alert type="info" showIcon title={t('users.resetPasswordHint')} style={{ marginBottom: 16 }} />
      <FormErrorAlert error={formError} />
      <Form form={form} layout="vertical" initialValues={{ newPassword: initialPassword }} onFinish={submit}>
        <Form.Item label={t('users.fields.temporaryPassword')} required>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="newPassword" noStyle rules={passwordRules(locale)}>
              <Input autoComplete="new-password" />
            </Form.Item>
            <Button onClick={() => form.setFieldValue('newPassword', generateTemporaryPassword())}>
              {t('users.generatePassword')}
            </Button>
          </Space.Compact>
        </Form.Item>
      </Form>
    </FormModal>
  );
}
