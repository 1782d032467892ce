import { Resident } from '@linli/shared';
import { App, Button, Drawer, Flex, Form } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import {
  dayOf,
  RESIDENT_CODE_FIELDS,
  ResidentFormFields,
  type ResidentFormValues,
  toResidentBody,
} from './ResidentFormFields';
import { changedFields, settableTagsOf } from './residentRules';
import { useUpdateResident } from './residents.api';

function formValuesOf(resident: Resident): ResidentFormValues {
  return {
    name: resident.name,
    formerName: resident.formerName,
    sex: resident.sex,
    idType: resident.idType,
    residenceType: resident.residenceType,
    tenure: resident.tenure,
    relationToHead: resident.relationToHead,
    selfCare: resident.selfCare,
    hukouAddress: resident.hukouAddress,
    emergencyContactName: resident.emergencyContactName,
    ethnicity: resident.ethnicity,
    maritalStatus: resident.maritalStatus,
    politicalStatus: resident.politicalStatus,
    education: resident.education,
    occupation: resident.occupation,
    employer: resident.employer,
    arrivalReason: resident.arrivalReason,
    arrivalDate: dayOf(resident.arrivalDate),
    tags: settableTagsOf(resident.tags),
  };
}

/** Edits one resident; only the fields that changed are sent, with the version the form started from. */
export function ResidentEditDrawer({
  resident: initial,
  onClose,
}: {
  resident: Resident;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResidentFormValues>();
  const [resident, setResident] = useState(initial);
  const update = useUpdateResident();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, {
    codeFields: RESIDENT_CODE_FIELDS,
  });

  const submit = (values: ResidentFormValues) => {
    clearFormError();
    const changes = changedFields(toResidentBody(formValuesOf(resident)), toResidentBody(values));
    if (Object.keys(changes).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { id: resident.id, version: resident.version, ...changes },
      {
        onSuccess: (saved) => {
          void message.success(t('residents.saved', { name: saved.name }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = Resident.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    setResident(latest.data);
    form.resetFields();
    form.setFieldsValue(formValuesOf(latest.data));
    clearFormError();
  };

  return (
    <Drawer
      open
      size={720}
      title={t('residents.editTitle', { name: resident.name })}
      onClose={onClose}
      mask={{ closable: false }}
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={update.isPending}
            onClick={form.submit}
            data-testid="resident-edit-submit"
          >
            {t('common.save')}
          </Button>
        </Flex>
      }
    >
      <div data-testid="resident-edit-form">
        <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
        <Form form={form} layout="vertical" initialValues={formValuesOf(resident)} onFinish={submit}>
          <ResidentFormFields form={form} resident={resident} />
        </Form>
      </div>
    </Drawer>
  );
}
