import { User } from '@linli/shared';
import { App, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { fieldMessage } from '../i18n/fieldMessage';
import { useLocale } from '../i18n/useLocale';
import { MOBILE_PHONE } from './userRules';
import { useUpdateUser } from './users.api';

interface UserEditValues {
  name: string;
  phone?: string | null;
}

export function UserEditModal({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [form] = Form.useForm<UserEditValues>();
  const update = useUpdateUser();
  const [version, setVersion] = useState(user.version);
  const { formError, handleError, clearFormError } = useFormServerErrors(form);

  const submit = (values: UserEditValues) => {
    clearFormError();
    update.mutate(
      { id: user.id, version, name: values.name, phone: values.phone?.trim() ? values.phone.trim() : null },
      {
        onSuccess: (saved) => {
          void message.success(t('users.saved', { name: saved.name }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = User.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    form.setFieldsValue({ name: latest.data.name, phone: latest.data.phone });
    setVersion(latest.data.version);
    clearFormError();
  };

  return (
    <FormModal
      title={t('users.editTitle')}
      testId="user-edit-form"
      submitting={update.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ name: user.name, phone: user.phone }}
        onFinish={submit}
      >
        <Form.Item
          name="name"
          label={t('users.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('users.fields.phone')}
          rules={[{ pattern: MOBILE_PHONE, message: fieldMessage('phone', locale) }]}
        >
          <Input inputMode="tel" maxLength={11} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
