import { Resident } from '@linli/shared';
import { Alert, App, DatePicker, Form, Input, Radio } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { DISPLAY_TIME_ZONE } from '../i18n/format';
import { useMoveOutResident } from './residents.api';

interface MoveOutValues {
  kind: 'moved_out' | 'deceased';
  date: Dayjs;
  movedOutTo?: string;
}

/** Moving out and death are recorded, never deleted: the person leaves the current lists only. */
export function MoveOutModal({ resident: initial, onClose }: { resident: Resident; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MoveOutValues>();
  const [resident, setResident] = useState(initial);
  const moveOut = useMoveOutResident();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  const kind = Form.useWatch('kind', form);

  const submit = (values: MoveOutValues) => {
    clearFormError();
    moveOut.mutate(
      {
        id: resident.id,
        version: resident.version,
        kind: values.kind,
        date: values.date.format('YYYY-MM-DD'),
        movedOutTo:
          values.kind === 'moved_out' && values.movedOutTo?.trim() ? values.movedOutTo.trim() : undefined,
      },
      {
        onSuccess: (saved) => {
          void message.success(t('residents.movedOut', { name: saved.name }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = Resident.safeParse(conflictCurrent(formError));
    if (latest.success) setResident(latest.data);
    clearFormError();
  };

  return (
    <FormModal
      title={t('residents.moveOutTitle', { name: resident.name })}
      testId="move-out-form"
      submitting={moveOut.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('residents.moveOutHint')} />
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'moved_out', date: dayjs().tz(DISPLAY_TIME_ZONE) }}
        onFinish={submit}
      >
        <Form.Item name="kind" label={t('residents.moveOutKind')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'moved_out', label: t('residentStatus.moved_out') },
              { value: 'deceased', label: t('residentStatus.deceased') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="date"
          label={t('residents.moveOutDate')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <DatePicker
            format="YYYY-MM-DD"
            disabledDate={(day) => day.isAfter(dayjs().tz(DISPLAY_TIME_ZONE), 'day')}
            data-testid="move-out-date"
          />
        </Form.Item>
        {kind !== 'deceased' && (
          <Form.Item
            name="movedOutTo"
            label={t('residents.fields.movedOutTo')}
            rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
          >
            <Input maxLength={200} placeholder={t('residents.movedOutToHint')} />
          </Form.Item>
        )}
      </Form>
    </FormModal>
  );
}
