import { DELEGATION_TITLES, ROLE_SCOPE_KINDS, type Role } from '@linli/shared';
import { Alert, App, DatePicker, Form, Input, Radio, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useCurrentArea } from '../app/currentArea';
import { FormModal } from '../app/FormModal';
import { AreaTreeSelect } from '../areas/AreaTreeSelect';
import { useSession } from '../auth/session';
import { type DelegationCreateBody, useCreateDelegation } from './delegations.api';
import { grantableRoles } from './roles';
import { UserSelect } from './UserSelect';

type DelegationTitle = DelegationCreateBody['title'];

interface DelegationValues {
  granteeId: string;
  title: DelegationTitle;
  role: Role;
  areaId: string;
  reason: string;
  window: [Dayjs, Dayjs];
}

/** The server's limit on how long a delegation may run. */
const MAX_DAYS = 90;
const DEFAULT_DAYS = 7;

const FIELD_ALIASES = { startsAt: ['window'], endsAt: ['window'] };
const CODE_FIELDS = {
  'delegation.invalid_window': ['window'],
  'delegation.self': ['granteeId'],
  'user.role_not_allowed': ['role'],
  'user.scope_kind_mismatch': ['areaId'],
};

/** A secretary's role is what 第二书记 and 代理书记 stand in for, so it is the natural default. */
const SECRETARY_ROLE: Role = 'community_admin';

export function DelegationFormModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useSession();
  const { current } = useCurrentArea();
  const [form] = Form.useForm<DelegationValues>();
  const create = useCreateDelegation();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, {
    fieldAliases: FIELD_ALIASES,
    codeFields: CODE_FIELDS,
  });
  const roles = grantableRoles(me.grants);
  const role: Role | undefined = Form.useWatch('role', form);
  const [initialWindow] = useState<[Dayjs, Dayjs]>(() => [dayjs(), dayjs().add(DEFAULT_DAYS, 'day')]);

  const submit = (values: DelegationValues) => {
    clearFormError();
    const [start, end] = values.window;
    create.mutate(
      {
        granteeId: values.granteeId,
        role: values.role,
        areaId: values.areaId,
        title: values.title,
        reason: values.reason,
        startsAt: start.format(),
        endsAt: end.format(),
      },
      {
        onSuccess: (delegation) => {
          void message.success(t('delegations.created', { name: delegation.granteeName }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const onValuesChange = (changed: Partial<DelegationValues>) => {
    if (
      changed.title &&
      changed.title !== 'cover' &&
      !form.getFieldValue('role') &&
      roles.includes(SECRETARY_ROLE)
    ) {
      form.setFieldValue('role', SECRETARY_ROLE);
    }
  };

  const windowRule = {
    validator: (_: unknown, value: [Dayjs, Dayjs] | null | undefined) => {
      if (!value) return Promise.reject(new Error(t('validation.required')));
      const [start, end] = value;
      if (!end.isAfter(start) || !end.isAfter(dayjs()) || end.diff(start, 'day', true) > MAX_DAYS) {
        return Promise.reject(new Error(t('delegations.windowRule', { days: MAX_DAYS })));
      }
      return Promise.resolve();
    },
  };

  return (
    <FormModal
      title={t('delegations.createTitle')}
      testId="delegation-form"
      submitting={create.isPending}
      submitText={t('delegations.grant')}
      onSubmit={form.submit}
      onCancel={onClose}
      width={680}
    >
      <Alert type="info" showIcon title={t('delegations.createHint')} style={{ marginBottom: 16 }} />
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ areaId: current?.id, window: initialWindow }}
        onValuesChange={onValuesChange}
        onFinish={submit}
      >
        <Form.Item
          name="granteeId"
          label={t('delegations.fields.grantee')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <UserSelect data-testid="delegation-grantee" />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('delegations.fields.title')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={DELEGATION_TITLES.map((value) => ({
              value,
              label: <span data-testid={`delegation-title-${value}`}>{t(`delegationTitle.${value}`)}</span>,
            }))}
          />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('delegations.fields.role')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select
            options={roles.map((value) => ({ value, label: t(`role.${value}`) }))}
            placeholder={t('users.rolePlaceholder')}
            data-testid="delegation-role"
          />
        </Form.Item>
        <Form.Item
          name="areaId"
          label={t('delegations.fields.area')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <AreaTreeSelect
            allowedKinds={role ? ROLE_SCOPE_KINDS[role] : undefined}
            data-testid="delegation-area"
          />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('delegations.fields.reason')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 500, message: t('validation.maxLength', { max: 500 }) },
          ]}
        >
          <Input.TextArea
            rows={3}
            showCount
            maxLength={500}
            placeholder={t('delegations.reasonPlaceholder')}
            data-testid="delegation-reason"
          />
        </Form.Item>
        <Form.Item
          name="window"
          label={t('delegations.fields.window')}
          required
          extra={t('delegations.windowHint', { days: MAX_DAYS })}
          rules={[windowRule]}
        >
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            disabledDate={(date) => date.isBefore(dayjs(), 'day')}
            style={{ width: '100%' }}
            data-testid="delegation-window"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
