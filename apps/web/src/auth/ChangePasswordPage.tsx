import { Alert, App, Button, Card, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useLocale } from '../i18n/useLocale';
import { useChangePassword } from './auth.api';
import { passwordRules } from './passwordRules';
import { useSession } from './session';

interface ChangePasswordValues {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

const CODE_FIELDS = { 'auth.wrong_password': ['currentPassword'] };

export function ChangePasswordPage() {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const me = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<ChangePasswordValues>();
  const changePassword = useChangePassword();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });

  const submit = ({ currentPassword, newPassword }: ChangePasswordValues) => {
    clearFormError();
    changePassword.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          void message.success(t('auth.passwordChanged'));
          navigate('/', { replace: true });
        },
        onError: handleError,
      },
    );
  };

  return (
    <Card title={t('auth.changePassword')} style={{ maxWidth: 520 }}>
      {me.user.mustChangePassword && (
        <Alert type="info" showIcon title={t('auth.mustChangePassword')} style={{ marginBottom: 16 }} />
      )}
      <FormErrorAlert error={formError} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="currentPassword"
          label={t('auth.currentPassword')}
          rules={[{ required: true, message: t('auth.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" data-testid="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('auth.newPassword')}
          extra={t('auth.passwordHint')}
          rules={passwordRules(locale)}
        >
          <Input.Password autoComplete="new-password" data-testid="new-password" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('auth.confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('auth.confirmRequired') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || value === getFieldValue('newPassword')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('auth.passwordsDiffer'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="confirm-password" />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          loading={changePassword.isPending}
          data-testid="change-password-submit"
        >
          {t('auth.changePassword')}
        </Button>
      </Form>
    </Card>
  );
}
