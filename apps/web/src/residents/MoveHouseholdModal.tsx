import { Household } from '@linli/shared';
import { Alert, App, DatePicker, Form } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { DISPLAY_TIME_ZONE } from '../i18n/format';
import { DwellingPicker } from './DwellingPicker';
import { useMoveHousehold } from './residents.api';

interface MoveValues {
  dwellingId?: string;
  movedAt: Dayjs;
}

const SERVER_FIELDS = { codeFields: { 'dwelling.not_found': ['dwellingId'] } };

/** 整户迁居: the household and everyone still living in it move to another dwelling of the street. */
export function MoveHouseholdModal({
  household: initial,
  onClose,
}: {
  household: Household;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<MoveValues>();
  const [household, setHousehold] = useState(initial);
  const move = useMoveHousehold();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, SERVER_FIELDS);
  const members = household.members.filter((member) => member.status === 'active');

  const submit = (values: MoveValues) => {
    clearFormError();
    move.mutate(
      {
        id: household.id,
        version: household.version,
        dwellingId: values.dwellingId ?? '',
        movedAt: values.movedAt.format('YYYY-MM-DD'),
      },
      {
        onSuccess: (moved) => {
          void message.success(t('residentMove.householdMoved', { address: moved.address }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = Household.safeParse(conflictCurrent(formError));
    if (latest.success) setHousehold(latest.data);
    clearFormError();
  };

  return (
    <FormModal
      title={t('residentMove.householdTitle', { name: household.headName ?? household.address })}
      testId="household-move-form"
      width={640}
      submitting={move.isPending}
      submitText={t('residentMove.submit')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('residentMove.householdHint', {
          names: members.map((member) => member.name).join('、'),
          count: members.length,
        })}
      />
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ movedAt: dayjs().tz(DISPLAY_TIME_ZONE) }}
        onFinish={submit}
      >
        <Form.Item
          name="dwellingId"
          label={t('residentMove.target')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <DwellingPicker startBuildingId={household.buildingId} testId="household-move-target" />
        </Form.Item>
        <Form.Item
          name="movedAt"
          label={t('residentMove.movedAt')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <DatePicker
            format="YYYY-MM-DD"
            disabledDate={(day) => day.isAfter(dayjs().tz(DISPLAY_TIME_ZONE), 'day')}
            data-testid="household-move-date"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
