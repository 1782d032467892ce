import { Form, Input, Radio, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useCurrentArea } from '../app/currentArea';
import { FormModal } from '../app/FormModal';
import { AreaTreeSelect } from '../areas/AreaTreeSelect';
import { useLocale } from '../i18n/useLocale';
import {
  type FormDetail,
  type FormMode,
  type FormTemplateKey,
  useCreateForm,
  useFormTemplates,
} from './forms.api';

interface CreateValues {
  areaId: string;
  title: string;
  mode: FormMode;
  template: FormTemplateKey | 'blank';
}

/** A new form: where it serves, its title, form or chain, and what it starts from. */
export function CreateFormModal({
  onCreated,
  onClose,
}: {
  onCreated: (form: FormDetail) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CreateValues>();
  const { current } = useCurrentArea();
  const create = useCreateForm();
  const templates = useFormTemplates();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, {
    codeFields: { 'area.not_found': ['areaId'] },
  });
  const { locale } = useLocale();
  const items = templates.data?.items ?? [];
  const templateOf = (key: string) => items.find((item) => item.key === key);
  const titleOf = (item: (typeof items)[number]) => (locale === 'en-US' ? item.titleEn : item.title);
  const chosen = templateOf(Form.useWatch('template', form) ?? 'blank');

  const submit = (values: CreateValues) => {
    clearFormError();
    create.mutate(
      {
        areaId: values.areaId,
        title: values.title.trim(),
        mode: values.mode,
        ...(values.template !== 'blank' && { template: values.template }),
      },
      { onSuccess: onCreated, onError: handleError },
    );
  };

  return (
    <FormModal
      title={t('forms.createTitle')}
      testId="form-create"
      submitText={t('forms.create')}
      submitting={create.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
      width={560}
    >
      <FormErrorAlert error={formError} />
      <Form<CreateValues>
        form={form}
        layout="vertical"
        initialValues={{
          areaId:
            current && (current.kind === 'street' || current.kind === 'community') ? current.id : undefined,
          title: '',
          mode: 'form',
          template: 'blank',
        }}
        onFinish={submit}
        onValuesChange={(changed: Partial<CreateValues>) => {
          // A template names itself; the title follows it until the worker types their own.
          const template = changed.template ? templateOf(changed.template) : undefined;
          if (template) {
            if (!form.isFieldTouched('title')) form.setFieldValue('title', titleOf(template));
            form.setFieldValue('mode', template.mode);
          }
        }}
      >
        <Form.Item
          name="areaId"
          label={t('forms.fields.area')}
          extra={t('forms.areaHint')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <AreaTreeSelect allowedKinds={['street', 'community']} data-testid="form-create-area" />
        </Form.Item>
        <Form.Item
          name="template"
          label={t('forms.fields.template')}
          extra={chosen && (locale === 'en-US' ? chosen.descriptionEn : chosen.description)}
        >
          <Select
            loading={templates.isPending}
            options={[
              { value: 'blank', label: t('forms.blank') },
              ...items.map((item) => ({ value: item.key, label: titleOf(item) })),
            ]}
            data-testid="form-create-template"
          />
        </Form.Item>
        <Form.Item
          name="title"
          label={t('forms.fields.title')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ]}
        >
          <Input data-testid="form-create-title" />
        </Form.Item>
        <Form.Item name="mode" label={t('forms.fields.mode')} extra={t('forms.modeHint')}>
          <Radio.Group
            options={[
              { value: 'form', label: t('forms.mode.form') },
              { value: 'chain', label: t('forms.mode.chain') },
            ]}
            data-testid="form-create-mode"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
