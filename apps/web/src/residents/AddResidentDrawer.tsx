import type { Dwelling, Household } from '@linli/shared';
import { App, Button, Drawer, Flex, Form, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import {
  RESIDENT_CODE_FIELDS,
  ResidentFormFields,
  type ResidentFormValues,
  toResidentBody,
} from './ResidentFormFields';
import { useCreateResident } from './residents.api';

const NEW_HOUSEHOLD = 'new';

interface AddResidentValues extends ResidentFormValues {
  /** A household id, or NEW_HOUSEHOLD to open one in this dwelling. */
  household: string;
}

interface AddResidentDrawerProps {
  dwelling: Dwelling;
  households: readonly Household[];
  onClose: () => void;
}

/** Registers a person in a dwelling: joining one of its households, or as the first of a new one. */
export function AddResidentDrawer({ dwelling, households, onClose }: AddResidentDrawerProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<AddResidentValues>();
  const create = useCreateResident();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, {
    codeFields: RESIDENT_CODE_FIELDS,
    fieldAliases: { dwellingId: ['household'], householdId: ['household'] },
  });
  const active = households.filter((household) => household.status === 'active');

  const submit = ({ household, ...values }: AddResidentValues) => {
    clearFormError();
    const target = household === NEW_HOUSEHOLD ? { dwellingId: dwelling.id } : { householdId: household };
    create.mutate(
      { ...target, ...toResidentBody(values) },
      {
        onSuccess: (resident) => {
          void message.success(t('residents.added', { name: resident.name }));
          onClose();
          navigate(`/residents/${resident.id}`);
        },
        onError: handleError,
      },
    );
  };

  return (
    <Drawer
      open
      size={720}
      title={t('residents.addTitle', { address: dwelling.label })}
      onClose={onClose}
      mask={{ closable: false }}
      footer={
        <Flex justify="end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={create.isPending}
            onClick={form.submit}
            data-testid="resident-add-submit"
          >
            {t('common.save')}
          </Button>
        </Flex>
      }
    >
      <div data-testid="resident-add-form">
        <FormErrorAlert error={formError} />
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            household: active[0]?.id ?? NEW_HOUSEHOLD,
            idType: 'resident_id',
            relationToHead: active.length === 0 ? 'head' : undefined,
            tags: [],
          }}
          onFinish={submit}
        >
          <Form.Item name="household" label={t('residents.joinHousehold')} rules={[{ required: true }]}>
            <Select
              options={[
                ...active.map((household) => ({
                  value: household.id,
                  label: household.headName
                    ? t('residents.householdHead', { name: household.headName })
                    : household.address,
                })),
                { value: NEW_HOUSEHOLD, label: t('residents.newHousehold') },
              ]}
              data-testid="resident-add-household"
            />
          </Form.Item>
          <ResidentFormFields form={form} />
        </Form>
      </div>
    </Drawer>
  );
}
