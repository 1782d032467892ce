import {
  EditOutlined,
  InsertRowRightOutlined,
  PlusOutlined,
  VerticalAlignTopOutlined,
} from '@ant-design/icons';
import type { BuildingDetail, Dwelling } from '@linli/shared';
import { Breadcrumb, Button, Card, Descriptions, Flex, Space, Spin, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { usePermission, useSession } from '../auth/session';
import { HouseholdDrawer } from '../residents/HouseholdDrawer';
import { useOccupancy } from '../residents/residents.api';
import { AddDwellingModal } from './AddDwellingModal';
import { useAreaTree, useBuilding } from './areas.api';
import { canOnArea, indexAreas } from './areaTree';
import { BuildingFormModal } from './BuildingFormModal';
import { DwellingGrid, OccupancyLegend } from './DwellingGrid';
import { DwellingModal } from './DwellingModal';
import { canGrow, GrowBuildingModal, type Growth } from './GrowBuildingModal';

/** The highest floor a building may have (the shared `BuildingSpec` bound). */

export function BuildingEditorPage() {
  const { buildingId = '' } = useParams();
  const building = useBuilding(buildingId);
  if (building.isPending) return <Spin size="large" />;
  if (building.isError)
    return <QueryErrorResult error={building.error} onRetry={() => void building.refetch()} />;
  return <BuildingEditor building={building.data} />;
}

type Dialog =
  | { kind: 'edit' }
  | { kind: 'add' }
  | { kind: 'grow'; growth: Growth }
  | { kind: 'dwelling'; dwelling: Dwelling }
  | { kind: 'household'; dwelling: Dwelling };

function BuildingEditor({ building }: { building: BuildingDetail }) {
  const { t } = useTranslation();
  const me = useSession();
  const tree = useAreaTree();
  const index = useMemo(() => indexAreas(tree.data?.nodes ?? []), [tree.data]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const compound = index.byId.get(building.compoundId);
  const canManage = compound !== undefined && canOnArea(me.grants, 'building.manage', index, compound.id);
  const activeCount = building.dwellings.filter((dwelling) => dwelling.status === 'active').length;
  const close = () => setDialog(null);
  // People who may read residents see who lives where; the grid then opens a dwelling's households.
  const canReadResidents = usePermission('resident.read');
  const occupancy = useOccupancy(building.id, canReadResidents);
  const occupancyById = useMemo(
    () =>
      occupancy.data
        ? new Map(occupancy.data.dwellings.map((entry) => [entry.dwellingId, entry]))
        : undefined,
    [occupancy.data],
  );
  const [params] = useSearchParams();
  const highlightId = params.get('dwelling');
  const pick = canReadResidents
    ? (dwelling: Dwelling) => setDialog({ kind: 'household', dwelling })
    : canManage
      ? (dwelling: Dwelling) => setDialog({ kind: 'dwelling', dwelling })
      : undefined;

  return (
    <Flex vertical gap={16}>
      <Breadcrumb
        items={[
          { title: <Link to="/areas">{t('nav.areas')}</Link> },
          ...(compound ? [{ title: <Link to={`/areas?area=${compound.id}`}>{compound.name}</Link> }] : []),
          { title: building.name },
        ]}
      />
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="building-title">
            {building.name}
          </Typography.Title>
        }
        extra={
          canManage && (
            <Space wrap>
              <Button
                icon={<EditOutlined />}
                onClick={() => setDialog({ kind: 'edit' })}
                data-testid="building-edit"
              >
                {t('buildings.edit')}
              </Button>
              <Button
                icon={<VerticalAlignTopOutlined />}
                onClick={() => setDialog({ kind: 'grow', growth: 'floors' })}
                disabled={!canGrow(building, 'floors')}
                data-testid="building-add-floors"
              >
                {t('buildings.addFloors')}
              </Button>
              <Button
                icon={<InsertRowRightOutlined />}
                onClick={() => setDialog({ kind: 'grow', growth: 'entrances' })}
                disabled={!canGrow(building, 'entrances')}
                data-testid="building-add-entrances"
              >
                {t('buildings.addEntrances')}
              </Button>
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setDialog({ kind: 'add' })}
                data-testid="dwelling-add"
              >
                {t('dwellings.add')}
              </Button>
            </Space>
          )
        }
      >
        <Descriptions
          column={{ xs: 1, sm: 2, lg: 4 }}
          items={[
            { key: 'kind', label: t('buildings.fields.kind'), children: t(`buildingKind.${building.kind}`) },
            {
              key: 'layout',
              label: t('buildings.fields.layout'),
              children: t('buildings.layout', {
                floors: building.floors,
                entrances: building.entranceCount,
                rooms: building.roomsPerFloor,
              }),
            },
            {
              key: 'dwellings',
              label: t('buildings.fields.activeDwellings'),
              children: t('buildings.activeOfTotal', {
                active: activeCount,
                total: building.dwellings.length,
              }),
            },
            {
              key: 'builtYear',
              label: t('buildings.fields.builtYear'),
              children: building.builtYear ?? t('common.none'),
            },
            ...(building.notes
              ? [
                  {
                    key: 'notes',
                    label: t('buildings.fields.notes'),
                    children: building.notes,
                    span: 'filled' as const,
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Card
        title={t('dwellings.gridTitle')}
        extra={
          <Typography.Text type="secondary">
            {canReadResidents ? t('dwellings.gridHintResidents') : canManage ? t('dwellings.gridHint') : null}
          </Typography.Text>
        }
      >
        {occupancyById && <OccupancyLegend />}
        <DwellingGrid building={building} onPick={pick} occupancy={occupancyById} highlightId={highlightId} />
      </Card>
      {dialog?.kind === 'edit' && (
        <BuildingFormModal target={{ mode: 'edit', building }} onClose={close} onSaved={close} />
      )}
      {dialog?.kind === 'add' && <AddDwellingModal building={building} onClose={close} />}
      {dialog?.kind === 'grow' && (
        <GrowBuildingModal building={building} growth={dialog.growth} onClose={close} />
      )}
      {dialog?.kind === 'household' && (
        <HouseholdDrawer
          dwelling={dialog.dwelling}
          onEditDwelling={
            canManage ? () => setDialog({ kind: 'dwelling', dwelling: dialog.dwelling }) : undefined
          }
          onClose={close}
        />
      )}
      {dialog?.kind === 'dwelling' && (
        <DwellingModal dwelling={dialog.dwelling} building={building} onClose={close} />
      )}
    </Flex>
  );
}
