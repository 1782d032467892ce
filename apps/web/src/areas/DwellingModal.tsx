import { type BuildingDetail, Dwelling } from '@linli/shared';
import { App, Button, Form, Input, InputNumber, Popconfirm, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { useLocale } from '../i18n/useLocale';
import { useArchiveDwelling, useUpdateDwelling } from './areas.api';
import { FLOOR_MAX, FLOOR_MIN, roomNumberRules } from './dwellingRules';

interface DwellingFormValues {
  number: string;
  floor: number;
}

interface DwellingModalProps {
  dwelling: Dwelling;
  building: BuildingDetail;
  onClose: () => void;
}

const CODE_FIELDS = { 'dwelling.duplicate': ['number'], 'dwelling.floor_out_of_range': ['floor'] };

/** Rename or move one dwelling, or archive it (dwellings are never deleted: people may have lived there). */
export function DwellingModal({ dwelling: initial, building, onClose }: DwellingModalProps) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [form] = Form.useForm<DwellingFormValues>();
  const [dwelling, setDwelling] = useState(initial);
  const update = useUpdateDwelling();
  const archive = useArchiveDwelling();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const archived = dwelling.status === 'archived';
  const entrance = building.entrances.find((candidate) => candidate.id === dwelling.entranceId);

  const submit = (values: DwellingFormValues) => {
    clearFormError();
    update.mutate(
      { id: dwelling.id, version: dwelling.version, number: values.number.trim(), floor: values.floor },
      {
        onSuccess: (saved) => {
          void message.success(t('dwellings.saved', { label: saved.label }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const archiveDwelling = () => {
    clearFormError();
    archive.mutate(
      { id: dwelling.id, version: dwelling.version },
      {
        onSuccess: (saved) => {
          void message.success(t('dwellings.archived', { label: saved.label }));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = Dwelling.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    setDwelling(latest.data);
    form.setFieldsValue({ number: latest.data.number, floor: latest.data.floor });
    clearFormError();
  };

  return (
    <FormModal
      title={dwelling.label}
      testId="dwelling-form"
      submitting={update.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
      footerExtra={
        !archived && (
          <Popconfirm
            title={t('dwellings.archiveConfirm', { label: dwelling.label })}
            description={t('dwellings.archiveHint')}
            okText={t('dwellings.archive')}
            okButtonProps={{ danger: true }}
            onConfirm={archiveDwelling}
          >
            <Button danger loading={archive.isPending} data-testid="dwelling-archive">
              {t('dwellings.archive')}
            </Button>
          </Popconfirm>
        )
      }
    >
      <Typography.Paragraph>
        {entrance?.name}
        {archived && (
          <Tag style={{ marginLeft: 8 }} data-testid="dwelling-archived-tag">
            {t('dwellingStatus.archived')}
          </Tag>
        )}
      </Typography.Paragraph>
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ number: dwelling.number, floor: dwelling.floor }}
        onFinish={submit}
        disabled={archived}
      >
        <Form.Item name="number" label={t('dwellings.fields.number')} rules={roomNumberRules(locale)}>
          <Input autoFocus data-testid="dwelling-number" />
        </Form.Item>
        <Form.Item
          name="floor"
          label={t('dwellings.fields.floor')}
          extra={t('dwellings.floorHint')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <InputNumber min={FLOOR_MIN} max={FLOOR_MAX} precision={0} style={{ width: 160 }} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
