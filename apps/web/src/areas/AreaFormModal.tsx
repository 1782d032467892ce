import { type AreaKind, AreaNode } from '@linli/shared';
import { Form, Input, InputNumber } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { fieldMessage } from '../i18n/fieldMessage';
import { useLocale } from '../i18n/useLocale';
import { useCreateArea, useUpdateArea } from './areas.api';
import type { TreeArea } from './areaTree';

export type AreaFormTarget =
  | { mode: 'create'; parent: TreeArea; kind: AreaKind }
  | { mode: 'edit'; area: TreeArea };

interface AreaFormValues {
  name: string;
  code?: string | null;
  sortOrder?: number | null;
}

interface AreaFormModalProps {
  target: AreaFormTarget;
  onClose: () => void;
  onSaved: (area: AreaNode) => void;
}

const CODE_FIELDS = { 'area.duplicate_name': ['name'] };
const DIVISION_CODE = /^(\d{6}|\d{9}|\d{12})$/;

function initialValues(target: AreaFormTarget): AreaFormValues {
  if (target.mode === 'create') return { name: '', code: null, sortOrder: null };
  const { name, code, sortOrder } = target.area;
  return { name, code, sortOrder };
}

export function AreaFormModal({ target, onClose, onSaved }: AreaFormModalProps) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const [form] = Form.useForm<AreaFormValues>();
  const create = useCreateArea();
  const update = useUpdateArea();
  const [version, setVersion] = useState(target.mode === 'edit' ? target.area.version : 0);
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const kind = target.mode === 'create' ? target.kind : target.area.kind;
  const kindLabel = t(`areaKind.${kind}`);

  const submit = (values: AreaFormValues) => {
    clearFormError();
    const fields = {
      name: values.name,
      code: values.code?.trim() ? values.code.trim() : null,
      sortOrder: values.sortOrder ?? undefined,
    };
    const callbacks = { onSuccess: onSaved, onError: handleError };
    if (target.mode === 'create') {
      create.mutate({ kind: target.kind, parentId: target.parent.id, ...fields }, callbacks);
    } else {
      update.mutate({ id: target.area.id, version, ...fields }, callbacks);
    }
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = AreaNode.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    form.setFieldsValue({ name: latest.data.name, code: latest.data.code, sortOrder: latest.data.sortOrder });
    setVersion(latest.data.version);
    clearFormError();
  };

  return (
    <FormModal
      title={
        target.mode === 'create'
          ? t('areas.createTitle', { kind: kindLabel, parent: target.parent.name })
          : t('areas.editTitle', { kind: kindLabel })
      }
      testId="area-form"
      submitting={create.isPending || update.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form form={form} layout="vertical" initialValues={initialValues(target)} onFinish={submit}>
        <Form.Item
          name="name"
          label={t('areas.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input autoFocus data-testid="area-name" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('areas.fields.code')}
          extra={t('areas.codeHint')}
          rules={[{ pattern: DIVISION_CODE, message: fieldMessage('division_code', locale) }]}
        >
          <Input inputMode="numeric" data-testid="area-code" />
        </Form.Item>
        <Form.Item name="sortOrder" label={t('areas.fields.sortOrder')} extra={t('areas.sortOrderHint')}>
          <InputNumber min={0} max={100_000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
