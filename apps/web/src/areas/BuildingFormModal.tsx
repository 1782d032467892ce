import { BUILDING_KINDS, BuildingDetail } from '@linli/shared';
import { Alert, Col, Form, Input, InputNumber, Row, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { type BuildingSpecBody, useCreateBuilding, useUpdateBuilding } from './areas.api';
import type { TreeArea } from './areaTree';

export type BuildingFormTarget =
  | { mode: 'create'; compound: TreeArea }
  | { mode: 'edit'; building: BuildingDetail };

type BuildingKind = BuildingSpecBody['kind'];

interface BuildingFormValues {
  name: string;
  kind: BuildingKind;
  floors: number;
  entrances: number;
  roomsPerFloor: number;
  builtYear?: number | null;
  notes?: string;
}

interface BuildingFormModalProps {
  target: BuildingFormTarget;
  onClose: () => void;
  onSaved: (building: BuildingDetail) => void;
}

const CODE_FIELDS = { 'building.duplicate_name': ['name'] };

function initialValues(target: BuildingFormTarget): Partial<BuildingFormValues> {
  if (target.mode === 'create') return { kind: 'residential', floors: 6, entrances: 1, roomsPerFloor: 2 };
  const { name, kind, floors, entranceCount, roomsPerFloor, builtYear, notes } = target.building;
  return { name, kind, floors, entrances: entranceCount, roomsPerFloor, builtYear, notes };
}

export function BuildingFormModal({ target, onClose, onSaved }: BuildingFormModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<BuildingFormValues>();
  const create = useCreateBuilding();
  const update = useUpdateBuilding();
  const [version, setVersion] = useState(target.mode === 'edit' ? target.building.version : 0);
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const creating = target.mode === 'create';
  const floors = Form.useWatch('floors', form) ?? 0;
  const entrances = Form.useWatch('entrances', form) ?? 0;
  const rooms = Form.useWatch('roomsPerFloor', form) ?? 0;

  const submit = (values: BuildingFormValues) => {
    clearFormError();
    const common = {
      name: values.name,
      kind: values.kind,
      builtYear: values.builtYear ?? null,
      notes: values.notes?.trim() ?? '',
    };
    const callbacks = { onSuccess: onSaved, onError: handleError };
    if (target.mode === 'create') {
      create.mutate(
        {
          ...common,
          compoundId: target.compound.id,
          floors: values.floors,
          entrances: values.entrances,
          roomsPerFloor: values.roomsPerFloor,
        },
        callbacks,
      );
    } else {
      update.mutate({ ...common, id: target.building.id, version }, callbacks);
    }
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = BuildingDetail.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    const { name, kind, builtYear, notes } = latest.data;
    form.setFieldsValue({ name, kind, builtYear, notes });
    setVersion(latest.data.version);
    clearFormError();
  };

  const countRule = (max: number) => ({
    type: 'number' as const,
    required: true,
    min: 1,
    max,
    message: t('validation.range', { min: 1, max }),
  });

  return (
    <FormModal
      title={
        target.mode === 'create'
          ? t('buildings.createTitle', { compound: target.compound.name })
          : t('buildings.editTitle')
      }
      testId="building-form"
      submitting={create.isPending || update.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
      width={640}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form form={form} layout="vertical" initialValues={initialValues(target)} onFinish={submit}>
        <Row gutter={16}>
          <Col xs={24} sm={14}>
            <Form.Item
              name="name"
              label={t('buildings.fields.name')}
              extra={t('buildings.nameHint')}
              rules={[
                { required: true, whitespace: true, message: t('validation.required') },
                { max: 40, message: t('validation.maxLength', { max: 40 }) },
              ]}
            >
              <Input autoFocus data-testid="building-name" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item name="kind" label={t('buildings.fields.kind')} rules={[{ required: true }]}>
              <Select
                data-testid="building-kind"
                options={BUILDING_KINDS.map((kind) => ({ value: kind, label: t(`buildingKind.${kind}`) }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={8}>
            <Form.Item name="floors" label={t('buildings.fields.floors')} rules={[countRule(99)]}>
              <InputNumber
                min={1}
                max={99}
                precision={0}
                disabled={!creating}
                style={{ width: '100%' }}
                data-testid="building-floors"
              />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item name="entrances" label={t('buildings.fields.entrances')} rules={[countRule(30)]}>
              <InputNumber
                min={1}
                max={30}
                precision={0}
                disabled={!creating}
                style={{ width: '100%' }}
                data-testid="building-entrances"
              />
            </Form.Item>
          </Col>
          <Col xs={8}>
            <Form.Item
              name="roomsPerFloor"
              label={t('buildings.fields.roomsPerFloor')}
              rules={[countRule(30)]}
            >
              <InputNumber
                min={1}
                max={30}
                precision={0}
                disabled={!creating}
                style={{ width: '100%' }}
                data-testid="building-rooms"
              />
            </Form.Item>
          </Col>
        </Row>
        {creating && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('buildings.generatePreview', {
              count: floors * entrances * rooms,
              floors,
              entrances,
              rooms,
            })}
          />
        )}
        <Form.Item
          name="builtYear"
          label={t('buildings.fields.builtYear')}
          rules={[
            {
              type: 'number',
              min: 1800,
              max: 2100,
              message: t('validation.range', { min: 1800, max: 2100 }),
            },
          ]}
        >
          <InputNumber
            min={1800}
            max={2100}
            precision={0}
            style={{ width: 160 }}
            data-testid="building-built-year"
          />
        </Form.Item>
        <Form.Item
          name="notes"
          label={t('buildings.fields.notes')}
          rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
        >
          <Input.TextArea rows={2} showCount maxLength={500} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
