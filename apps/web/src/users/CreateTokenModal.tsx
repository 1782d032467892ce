import { ROLE_SCOPE_KINDS, type Role } from '@linli/shared';
import { DatePicker, Form, Input, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useCurrentArea } from '../app/currentArea';
import { FormModal } from '../app/FormModal';
import { AreaTreeSelect } from '../areas/AreaTreeSelect';
import { useSession } from '../auth/session';
import { grantableRoles } from './roles';
import { type ApiTokenWithSecret, useCreateApiToken } from './tokens.api';

interface TokenValues {
  name: string;
  role: Role;
  areaId: string;
  expiresAt?: Dayjs | null;
}

interface CreateTokenModalProps {
  onClose: () => void;
  onCreated: (token: ApiTokenWithSecret) => void;
}

export function CreateTokenModal({ onClose, onCreated }: CreateTokenModalProps) {
  const { t } = useTranslation();
  const me = useSession();
  const { current } = useCurrentArea();
  const [form] = Form.useForm<TokenValues>();
  const create = useCreateApiToken();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  const roles = grantableRoles(me.grants);
  const role: Role | undefined = Form.useWatch('role', form);

  const submit = (values: TokenValues) => {
    clearFormError();
    create.mutate(
      {
        name: values.name,
        role: values.role,
        areaId: values.areaId,
        // A token picked "until" a day stays valid through that whole day.
        expiresAt: values.expiresAt ? values.expiresAt.endOf('day').format() : null,
      },
      { onSuccess: onCreated, onError: handleError },
    );
  };

  return (
    <FormModal
      title={t('tokens.createTitle')}
      testId="token-form"
      submitting={create.isPending}
      submitText={t('tokens.create')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} />
      <Form form={form} layout="vertical" initialValues={{ areaId: current?.id }} onFinish={submit}>
        <Form.Item
          name="name"
          label={t('tokens.fields.name')}
          extra={t('tokens.nameHint')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 60, message: t('validation.maxLength', { max: 60 }) },
          ]}
        >
          <Input autoFocus data-testid="token-name" />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('tokens.fields.role')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select
            options={roles.map((value) => ({ value, label: t(`role.${value}`) }))}
            data-testid="token-role"
          />
        </Form.Item>
        <Form.Item
          name="areaId"
          label={t('tokens.fields.area')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <AreaTreeSelect allowedKinds={role ? ROLE_SCOPE_KINDS[role] : undefined} />
        </Form.Item>
        <Form.Item name="expiresAt" label={t('tokens.fields.expiresAt')} extra={t('tokens.expiresHint')}>
          <DatePicker disabledDate={(date) => date.isBefore(dayjs(), 'day')} style={{ width: 200 }} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
