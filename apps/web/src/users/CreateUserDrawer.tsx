import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { Role } from '@linli/shared';
import { App, Button, Drawer, Flex, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { AreaTreeSelect } from '../areas/AreaTreeSelect';
import { generateTemporaryPassword, passwordRules } from '../auth/passwordRules';
import { useSession } from '../auth/session';
import { fieldMessage } from '../i18n/fieldMessage';
import { useLocale } from '../i18n/useLocale';
import { RoleAreaFields } from './RoleAreaFields';
import { grantableRoles } from './roles';
import { MOBILE_PHONE, USERNAME } from './userRules';
import { useCreateUser } from './users.api';

interface CreateUserValues {
  username: string;
  name: string;
  phone?: string;
  password: string;
  homeAreaId: string;
  grants: { role: Role; areaId: string }[];
}

const CODE_FIELDS = { 'user.username_taken': ['username'] };

export function CreateUserDrawer({
  defaultAreaId,
  onClose,
}: {
  defaultAreaId?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const me = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<CreateUserValues>();
  const create = useCreateUser();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const roles = grantableRoles(me.grants);
  const [initialPassword] = useState(generateTemporaryPassword);

  const submit = (values: CreateUserValues) => {
    clearFormError();
    create.mutate(
      {
        username: values.username.trim().toLowerCase(),
        name: values.name,
        phone: values.phone?.trim() ? values.phone.trim() : null,
        password: values.password,
        homeAreaId: values.homeAreaId,
        grants: values.grants ?? [],
      },
      {
        onSuccess: (user) => {
          void message.success(t('users.created', { name: user.name }));
          onClose();
          navigate(`/users/${user.id}`);
        },
        onError: handleError,
      },
    );
  };

  return (
    <Drawer
      open
      size={640}
      title={t('users.createTitle')}
      onClose={onClose}
      mask={{ closable: false }}
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={create.isPending}
            onClick={form.submit}
            data-testid="user-form-submit"
          >
            {t('users.create')}
          </Button>
        </Flex>
      }
    >
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ homeAreaId: defaultAreaId, grants: [], password: initialPassword }}
        onFinish={submit}
      >
        <Form.Item
          name="username"
          label={t('users.fields.username')}
          extra={fieldMessage('username', locale)}
          rules={[{ required: true, pattern: USERNAME, message: fieldMessage('username', locale) }]}
        >
          <Input autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('users.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input data-testid="user-name" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('users.fields.phone')}
          rules={[{ pattern: MOBILE_PHONE, message: fieldMessage('phone', locale) }]}
        >
          <Input inputMode="tel" maxLength={11} data-testid="user-phone" />
        </Form.Item>
        <Form.Item
          label={t('users.fields.temporaryPassword')}
          extra={t('users.temporaryPasswordHint')}
          required
        >
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="password" noStyle rules={passwordRules(locale)}>
              <Input autoComplete="new-password" data-testid="user-password" />
            </Form.Item>
            <Button onClick={() => form.setFieldValue('password', generateTemporaryPassword())}>
              {t('users.generatePassword')}
            </Button>
          </Space.Compact>
        </Form.Item>
        <Form.Item
          name="homeAreaId"
          label={t('users.fields.homeArea')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <AreaTreeSelect data-testid="user-home-area" />
        </Form.Item>
        <Form.List name="grants">
          {(fields, { add, remove }) => (
            <Flex vertical>
              <div style={{ marginBottom: 8 }}>{t('users.initialRoles')}</div>
              {fields.map((field) => (
                <Flex key={field.key} gap={8} align="start" wrap>
                  <RoleAreaFields
                    form={form}
                    prefix={[field.name]}
                    listPath={['grants']}
                    roles={roles}
                    testIdPrefix="user-grant"
                  />
                  <Button
                    type="text"
                    icon={<MinusCircleOutlined />}
                    aria-label={t('common.remove')}
                    onClick={() => remove(field.name)}
                    style={{ marginTop: 34 }}
                  />
                </Flex>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ areaId: defaultAreaId })}>
                {t('users.addRole')}
              </Button>
            </Flex>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
