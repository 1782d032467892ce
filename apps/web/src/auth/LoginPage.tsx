import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { LanguageSwitch } from '../i18n/LanguageSwitch';
import { useLogin } from './auth.api';
import styles from './auth.module.css';

interface LoginValues {
  username: string;
  password: string;
}

function redirectTarget(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string') {
    return state.from.startsWith('/') && !state.from.startsWith('/login') ? state.from : '/';
  }
  return '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<LoginValues>();
  const navigate = useNavigate();
  const location = useLocation();
  const login = useLogin();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);

  const submit = (values: LoginValues) => {
    clearFormError();
    login.mutate(values, {
      onSuccess: (me) =>
        navigate(me.user.mustChangePassword ? '/account/password' : redirectTarget(location.state), {
          replace: true,
        }),
      onError: handleError,
    });
  };

  return (
    <div className={styles.page}>
      <div className={styles.languageBar}>
        <LanguageSwitch />
      </div>
      <Card className={styles.card}>
        <Typography.Title level={2} className={styles.centered} style={{ marginBottom: 4 }}>
          {t('app.name')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" className={styles.centered}>
          {t('auth.tagline')}
        </Typography.Paragraph>
        <FormErrorAlert error={formError} />
        <Form form={form} layout="vertical" size="large" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="username"
            label={t('auth.username')}
            rules={[{ required: true, whitespace: true, message: t('auth.usernameRequired') }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('auth.password')}
            rules={[{ required: true, message: t('auth.passwordRequired') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              data-testid="login-password"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={login.isPending} data-testid="login-submit">
            {t('auth.signIn')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
