import { BuildingDetail, roomNumber } from '@linli/shared';
import { Alert, App, Col, Form, InputNumber, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { useAddFloors, useBuildingChanged } from './areas.api';

interface AddFloorsValues {
  floors: number;
  roomsPerFloor: number;
}

const CODE_FIELDS = { 'building.floors_not_raised': ['floors'] };
const MAX_FLOORS = 99;
const MAX_ROOMS = 30;

/**
 * Raise a building (加层): floors on top, each entrance given the flats of every new floor, numbered
 * as at creation. Reads the version from the building it is given, so a conflict's reload is enough.
 */
export function AddFloorsModal({ building, onClose }: { building: BuildingDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<AddFloorsValues>();
  const addFloors = useAddFloors();
  const showBuilding = useBuildingChanged();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const lowest = building.floors + 1;
  const floors = Form.useWatch('floors', form) ?? lowest;
  const rooms = Form.useWatch('roomsPerFloor', form) ?? building.roomsPerFloor;
  const added = Math.max(0, floors - building.floors);
  const entrances = building.entrances.length;

  const submit = (values: AddFloorsValues) => {
    clearFormError();
    addFloors.mutate(
      { id: building.id, version: building.version, ...values },
      {
        onSuccess: (result) => {
          void message.success(
            t('buildings.floorsAdded', { floors: result.building.floors, count: result.created }),
          );
          if (result.skipped.length > 0) {
            void message.warning(t('buildings.floorsSkipped', { labels: result.skipped.join('、') }), 8);
          }
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = BuildingDetail.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    showBuilding(latest.data);
    if (form.getFieldValue('floors') <= latest.data.floors)
      form.setFieldValue('floors', latest.data.floors + 1);
    clearFormError();
  };

  const example = [1, 2]
    .filter((room) => room <= rooms)
    .map((room) => roomNumber(lowest, room))
    .join('、');

  return (
    <FormModal
      title={t('buildings.addFloorsTitle', { building: building.name })}
      testId="building-floors-form"
      submitting={addFloors.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Typography.Paragraph type="secondary">
        {t('buildings.addFloorsHint', { floors: building.floors })}
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ floors: lowest, roomsPerFloor: building.roomsPerFloor }}
        onFinish={submit}
      >
        <Row gutter={16}>
          <Col xs={12}>
            <Form.Item
              name="floors"
              label={t('buildings.newFloors')}
              rules={[
                {
                  type: 'number',
                  required: true,
                  min: lowest,
                  max: MAX_FLOORS,
                  message: t('validation.range', { min: lowest, max: MAX_FLOORS }),
                },
              ]}
            >
              <InputNumber
                min={lowest}
                max={MAX_FLOORS}
                precision={0}
                autoFocus
                style={{ width: '100%' }}
                data-testid="building-new-floors"
              />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item
              name="roomsPerFloor"
              label={t('buildings.newRoomsPerFloor')}
              extra={t('buildings.newRoomsHint')}
              rules={[
                {
                  type: 'number',
                  required: true,
                  min: 0,
                  max: MAX_ROOMS,
                  message: t('validation.range', { min: 0, max: MAX_ROOMS }),
                },
              ]}
            >
              <InputNumber
                min={0}
                max={MAX_ROOMS}
                precision={0}
                style={{ width: '100%' }}
                data-testid="building-new-rooms"
              />
            </Form.Item>
          </Col>
        </Row>
        {added > 0 && (
          <Alert
            type="info"
            showIcon
            data-testid="building-floors-preview"
            title={
              rooms > 0
                ? t('buildings.addFloorsPreview', {
                    added,
                    from: lowest,
                    to: floors,
                    entrances,
                    rooms,
                    count: added * rooms * entrances,
                    example,
                  })
                : t('buildings.addFloorsPreviewEmpty', { added, from: lowest, to: floors })
            }
          />
        )}
      </Form>
    </FormModal>
  );
}
