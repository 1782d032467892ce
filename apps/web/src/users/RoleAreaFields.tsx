import { ROLE_SCOPE_KINDS, type Role } from '@linli/shared';
import { Form, type FormInstance, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { AreaTreeSelect } from '../areas/AreaTreeSelect';

interface RoleAreaFieldsProps {
  form: FormInstance;
  /** Path of these fields inside the form: [] for a plain form, [field.name] inside a Form.List. */
  prefix: (string | number)[];
  /** The full path to `prefix` when inside a Form.List, for watching the chosen role. */
  listPath?: (string | number)[];
  roles: readonly Role[];
  testIdPrefix: string;
}

/** A role and the area it applies to; the area must be of a kind the role allows (e.g. 社工 → a community). */
export function RoleAreaFields({ form, prefix, listPath = [], roles, testIdPrefix }: RoleAreaFieldsProps) {
  const { t } = useTranslation();
  const role: Role | undefined = Form.useWatch([...listPath, ...prefix, 'role'], form);
  return (
    <>
      <Form.Item
        name={[...prefix, 'role']}
        label={t('users.fields.role')}
        rules={[{ required: true, message: t('validation.required') }]}
        style={{ minWidth: 180, flex: 1 }}
      >
        <Select
          options={roles.map((value) => ({ value, label: t(`role.${value}`) }))}
          placeholder={t('users.rolePlaceholder')}
          data-testid={`${testIdPrefix}-role`}
        />
      </Form.Item>
      <Form.Item
        name={[...prefix, 'areaId']}
        label={t('users.fields.roleArea')}
        rules={[{ required: true, message: t('validation.required') }]}
        style={{ minWidth: 220, flex: 2 }}
      >
        <AreaTreeSelect
          allowedKinds={role ? ROLE_SCOPE_KINDS[role] : undefined}
          data-testid={`${testIdPrefix}-area`}
        />
      </Form.Item>
    </>
  );
}
