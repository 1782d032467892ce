import { BuildingDetail, roomNumber } from '@linli/shared';
import { Alert, App, Col, Form, InputNumber, Row, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { useAddEntrances, useAddFloors, useBuildingChanged } from './areas.api';

/** 加层: floors on top of the building. 加单元: entrances after its last one. */
export type Growth = 'floors' | 'entrances';

interface GrowValues {
  total: number;
  roomsPerFloor: number;
}

const MAX_TOTAL: Record<Growth, number> = { floors: 99, entrances: 30 };
const MAX_ROOMS = 30;
const CODE_FIELDS = {
  'building.floors_not_raised': ['total'],
  'building.entrances_not_added': ['total'],
};

export function canGrow(building: BuildingDetail, growth: Growth): boolean {
  return currentOf(building, growth) < MAX_TOTAL[growth];
}

function currentOf(building: BuildingDetail, growth: Growth): number {
  return growth === 'floors' ? building.floors : building.entranceCount;
}

/** What the new floors or entrances will hold, said before anything is written. */
function preview(t: TFunction, building: BuildingDetail, growth: Growth, total: number, rooms: number) {
  const range = {
    added: total - currentOf(building, growth),
    from: currentOf(building, growth) + 1,
    to: total,
  };
  if (growth === 'entrances') {
    const floors = building.floors;
    return rooms > 0
      ? t('buildings.addEntrancesPreview', { ...range, floors, rooms, count: range.added * rooms * floors })
      : t('buildings.addEntrancesPreviewEmpty', range);
  }
  const entrances = building.entrances.length;
  const example = [1, 2]
    .filter((room) => room <= rooms)
    .map((room) => roomNumber(range.from, room))
    .join('、');
  return rooms > 0
    ? t('buildings.addFloorsPreview', {
        ...range,
        entrances,
        rooms,
        count: range.added * rooms * entrances,
        example,
      })
    : t('buildings.addFloorsPreviewEmpty', range);
}

/**
 * Grows a building: floors on top (加层) or entrances after the last (加单元), each new one given its
 * flats numbered as at creation; existing dwellings are never renumbered or moved. Reads the version
 * from the building it is given, so a conflict's reload is enough.
 */
export function GrowBuildingModal({
  building,
  growth,
  onClose,
}: {
  building: BuildingDetail;
  growth: Growth;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GrowValues>();
  const addFloors = useAddFloors();
  const addEntrances = useAddEntrances();
  const showBuilding = useBuildingChanged();
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const lowest = currentOf(building, growth) + 1;
  const max = MAX_TOTAL[growth];
  const total = Form.useWatch('total', form) ?? lowest;
  const rooms = Form.useWatch('roomsPerFloor', form) ?? building.roomsPerFloor;
  const submitting = addFloors.isPending || addEntrances.isPending;

  const submit = ({ total, roomsPerFloor }: GrowValues) => {
    clearFormError();
    const target = { id: building.id, version: building.version, roomsPerFloor };
    if (growth === 'floors') {
      addFloors.mutate(
        { ...target, floors: total },
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
      return;
    }
    addEntrances.mutate(
      { ...target, entrances: total },
      {
        onSuccess: (result) => {
          void message.success(
            t('buildings.entrancesAdded', {
              entrances: result.building.entranceCount,
              count: result.created,
            }),
          );
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
    const current = currentOf(latest.data, growth);
    if (form.getFieldValue('total') <= current) form.setFieldValue('total', current + 1);
    clearFormError();
  };

  const words =
    growth === 'floors'
      ? {
          title: t('buildings.addFloorsTitle', { building: building.name }),
          hint: t('buildings.addFloorsHint', { floors: building.floors }),
          total: t('buildings.newFloors'),
          rooms: t('buildings.newRoomsPerFloor'),
          roomsHint: t('buildings.newRoomsHint'),
        }
      : {
          title: t('buildings.addEntrancesTitle', { building: building.name }),
          hint: t('buildings.addEntrancesHint', {
            entrances: building.entranceCount,
            floors: building.floors,
          }),
          total: t('buildings.newEntrances'),
          rooms: t('buildings.newEntranceRooms'),
          roomsHint: t('buildings.newEntranceRoomsHint'),
        };

  return (
    <FormModal
      title={words.title}
      testId={`building-${growth}-form`}
      submitting={submitting}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Typography.Paragraph type="secondary">{words.hint}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ total: lowest, roomsPerFloor: building.roomsPerFloor }}
        onFinish={submit}
      >
        <Row gutter={16}>
          <Col xs={12}>
            <Form.Item
              name="total"
              label={words.total}
              rules={[
                {
                  type: 'number',
                  required: true,
                  min: lowest,
                  max,
                  message: t('validation.range', { min: lowest, max }),
                },
              ]}
            >
              <InputNumber
                min={lowest}
                max={max}
                precision={0}
                autoFocus
                style={{ width: '100%' }}
                data-testid={`building-new-${growth}`}
              />
            </Form.Item>
          </Col>
          <Col xs={12}>
            <Form.Item
              name="roomsPerFloor"
              label={words.rooms}
              extra={words.roomsHint}
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
                data-testid={`building-new-${growth}-rooms`}
              />
            </Form.Item>
          </Col>
        </Row>
        {total >= lowest && (
          <Alert
            type="info"
            showIcon
            data-testid={`building-${growth}-preview`}
            title={preview(t, building, growth, total, rooms)}
          />
        )}
      </Form>
    </FormModal>
  );
}
