import type { BuildingDetail } from '@linli/shared';
import { App, Form, Input, InputNumber, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { useLocale } from '../i18n/useLocale';
import { useCreateDwelling } from './areas.api';
import { FLOOR_MAX, FLOOR_MIN, roomNumberRules } from './dwellingRules';

interface AddDwellingValues {
  entranceId: string;
  floor: number;
  number: string;
}

const CODE_FIELDS = { 'dwelling.duplicate': ['number'], 'dwelling.floor_out_of_range': ['floor'] };

export function AddDwellingModal({ building, onClose }: { building: BuildingDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [form] = Form.useForm<AddDwellingValues>();
  const create = useCreateDwelling();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const entrances = [...building.entrances].sort((a, b) => a.number - b.number);

  const submit = (values: AddDwellingValues) => {
    clearFormError();
    create.mutate(
      {
        buildingId: building.id,
        entranceId: values.entranceId,
        floor: values.floor,
        number: values.number.trim(),
      },
      {
        onSuccess: (dwelling) => {
          void message.success(t('dwellings.added', { label: dwelling.label }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={t('dwellings.addTitle', { building: building.name })}
      testId="dwelling-add-form"
      submitting={create.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ entranceId: entrances[0]?.id, floor: 1 }}
        onFinish={submit}
      >
        <Form.Item
          name="entranceId"
          label={t('dwellings.fields.entrance')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Select
            options={entrances.map((entrance) => ({
              value: entrance.id,
              label: entrance.name || t('dwellings.entranceName', { number: entrance.number }),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="floor"
          label={t('dwellings.fields.floor')}
          extra={t('dwellings.floorHint')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <InputNumber min={FLOOR_MIN} max={FLOOR_MAX} precision={0} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item
          name="number"
          label={t('dwellings.fields.number')}
          extra={t('dwellings.numberHint')}
          rules={roomNumberRules(locale)}
        >
          <Input data-testid="dwelling-new-number" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
