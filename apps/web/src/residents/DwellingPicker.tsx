import { Flex, Select } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAreaTree, useBuilding, useBuildings } from '../areas/areas.api';

interface DwellingPickerProps {
  value?: string;
  onChange?: (dwellingId: string | undefined) => void;
  /** The building the picker opens on (where the person lives now): most moves stay close. */
  startBuildingId: string;
  /** Prefix of the three selects' test ids: `-compound`, `-building`, `-dwelling`. */
  testId: string;
}

/** A dwelling of the caller's scope, chosen compound → building → room, for a form field. */
export function DwellingPicker({ value, onChange, startBuildingId, testId }: DwellingPickerProps) {
  const { t } = useTranslation();
  const tree = useAreaTree();
  const start = useBuilding(startBuildingId);
  const [compoundId, setCompoundId] = useState<string>();
  const [buildingId, setBuildingId] = useState<string>();
  const [started, setStarted] = useState(false);
  useEffect(() => {
    if (started || !start.data) return;
    setCompoundId(start.data.compoundId);
    setBuildingId(start.data.id);
    setStarted(true);
  }, [start.data, started]);
  const compounds = useMemo(
    () =>
      (tree.data?.nodes ?? [])
        .filter((node) => node.kind === 'compound' && node.inScope)
        .map((node) => ({ value: node.id, label: node.name })),
    [tree.data],
  );

  return (
    <Flex gap={8} wrap>
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        value={compoundId}
        loading={tree.isPending}
        onChange={(id: string) => {
          setCompoundId(id);
          setBuildingId(undefined);
          onChange?.(undefined);
        }}
        options={compounds}
        placeholder={t('residentMove.compound')}
        style={{ minWidth: 160, flex: 1 }}
        data-testid={`${testId}-compound`}
      />
      {compoundId ? (
        <BuildingSelect
          compoundId={compoundId}
          value={buildingId}
          onChange={(id) => {
            setBuildingId(id);
            onChange?.(undefined);
          }}
          testId={`${testId}-building`}
        />
      ) : (
        <Select disabled placeholder={t('residentMove.building')} style={{ minWidth: 120, flex: 1 }} />
      )}
      {buildingId ? (
        <DwellingSelect
          buildingId={buildingId}
          value={value}
          onChange={onChange}
          testId={`${testId}-dwelling`}
        />
      ) : (
        <Select disabled placeholder={t('residentMove.dwelling')} style={{ minWidth: 160, flex: 1 }} />
      )}
    </Flex>
  );
}

function BuildingSelect({
  compoundId,
  value,
  onChange,
  testId,
}: {
  compoundId: string;
  value: string | undefined;
  onChange: (buildingId: string) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const buildings = useBuildings(compoundId);
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      loading={buildings.isPending}
      onChange={onChange}
      options={(buildings.data?.items ?? []).map((building) => ({
        value: building.id,
        label: building.name,
      }))}
      placeholder={t('residentMove.building')}
      style={{ minWidth: 120, flex: 1 }}
      data-testid={testId}
    />
  );
}

function DwellingSelect({
  buildingId,
  value,
  onChange,
  testId,
}: {
  buildingId: string;
  value: string | undefined;
  onChange?: (dwellingId: string | undefined) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const building = useBuilding(buildingId);
  // Archived dwellings take no one in.
  const options = (building.data?.dwellings ?? [])
    .filter((dwelling) => dwelling.status === 'active')
    .map((dwelling) => ({ value: dwelling.id, label: dwelling.label }));
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      value={value}
      loading={building.isPending}
      onChange={(id: string) => onChange?.(id)}
      options={options}
      placeholder={t('residentMove.dwelling')}
      style={{ minWidth: 160, flex: 1 }}
      data-testid={testId}
    />
  );
}
