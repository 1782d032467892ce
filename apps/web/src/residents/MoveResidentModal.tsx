import { RELATIONS_TO_HEAD, Resident } from '@linli/shared';
import { Alert, App, DatePicker, Form, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { DISPLAY_TIME_ZONE } from '../i18n/format';
import { DwellingPicker } from './DwellingPicker';
import { useHouseholds, useMoveResident } from './residents.api';

const NEW_HOUSEHOLD = 'new';
type Relation = (typeof RELATIONS_TO_HEAD)[number];

interface MoveValues {
  dwellingId?: string;
  /** A household id in the target dwelling, or NEW_HOUSEHOLD. */
  household: string;
  relationToHead?: Relation;
  movedAt: Dayjs;
}

const SERVER_FIELDS = {
  fieldAliases: { householdId: ['household'] },
  codeFields: { 'dwelling.not_found': ['dwellingId'], 'household.not_found': ['household'] },
};

/** 迁居: one person to another dwelling of the street, joining a household there or opening a new one. */
export function MoveResidentModal({
  resident: initial,
  onClose,
}: {
  resident: Resident;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message, notification } = App.useApp();
  const [form] = Form.useForm<MoveValues>();
  const [resident, setResident] = useState(initial);
  const move = useMoveResident();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, SERVER_FIELDS);
  const dwellingId = Form.useWatch('dwellingId', form);
  const household = Form.useWatch('household', form);
  const households = useHouseholds(dwellingId);
  const joinable = (households.data?.items ?? []).filter(
    (candidate) => candidate.status === 'active' && candidate.id !== resident.householdId,
  );
  const joining = household !== undefined && household !== NEW_HOUSEHOLD;

  const submit = (values: MoveValues) => {
    clearFormError();
    move.mutate(
      {
        id: resident.id,
        version: resident.version,
        dwellingId: values.dwellingId ?? '',
        movedAt: values.movedAt.format('YYYY-MM-DD'),
        ...(values.household !== NEW_HOUSEHOLD && {
          householdId: values.household,
          relationToHead: values.relationToHead,
        }),
      },
      {
        onSuccess: (moved) => {
          void message.success(
            t('residentMove.moved', { name: moved.resident.name, address: moved.resident.address }),
          );
          // The people left behind need a head: said where it cannot be missed, without blocking.
          if (moved.previousHousehold.headless) {
            notification.warning({
              title: t('residentMove.headlessTitle'),
              description: t('residentMove.headlessHint'),
            });
          } else if (moved.previousHousehold.status === 'moved_out') {
            void message.info(t('residentMove.previousClosed'));
          }
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
      title={t('residentMove.title', { name: resident.name })}
      testId="move-form"
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
        title={t('residentMove.hint', { address: resident.address })}
      />
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ household: NEW_HOUSEHOLD, movedAt: dayjs().tz(DISPLAY_TIME_ZONE) }}
        onValuesChange={(changed: Partial<MoveValues>) => {
          // Another dwelling has other households: the choice starts again from a new one.
          if ('dwellingId' in changed)
            form.setFieldsValue({ household: NEW_HOUSEHOLD, relationToHead: undefined });
        }}
        onFinish={submit}
      >
        <Form.Item
          name="dwellingId"
          label={t('residentMove.target')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <DwellingPicker startBuildingId={resident.buildingId} testId="move-target" />
        </Form.Item>
        <Form.Item name="household" label={t('residentMove.household')} rules={[{ required: true }]}>
          <Select
            disabled={!dwellingId}
            loading={households.isFetching}
            options={[
              { value: NEW_HOUSEHOLD, label: t('residentMove.newHousehold') },
              ...joinable.map((candidate) => ({
                value: candidate.id,
                label: candidate.headName
                  ? t('residentMove.joinHead', { name: candidate.headName, count: candidate.memberCount })
                  : t('residentMove.joinHeadless', { count: candidate.memberCount }),
              })),
            ]}
            data-testid="move-household"
          />
        </Form.Item>
        {joining && (
          <Form.Item
            name="relationToHead"
            label={t('residents.fields.relationToHead')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Select
              options={RELATIONS_TO_HEAD.filter((relation) => relation !== 'head').map((relation) => ({
                value: relation,
                label: t(`relationToHead.${relation}`),
              }))}
              data-testid="move-relation"
            />
          </Form.Item>
        )}
        <Form.Item
          name="movedAt"
          label={t('residentMove.movedAt')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <DatePicker
            format="YYYY-MM-DD"
            disabledDate={(day) => day.isAfter(dayjs().tz(DISPLAY_TIME_ZONE), 'day')}
            data-testid="move-date"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
