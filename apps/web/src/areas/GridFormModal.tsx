import { Grid, type User } from '@linli/shared';
import { App, Form, Input, Select } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { UserSelect } from '../users/UserSelect';
import { useBuildingsOf, useCreateGrid, useUpdateGrid } from './areas.api';
import type { AreaIndex, TreeArea } from './areaTree';

interface GridFormValues {
  name: string;
  workerUserId?: string | null;
  buildingIds: string[];
}

interface GridFormModalProps {
  community: TreeArea;
  index: AreaIndex;
  /** null to create a new grid. */
  grid: Grid | null;
  onClose: () => void;
}

const CODE_FIELDS = { 'grid.building_outside': ['buildingIds'], 'grid.worker_outside': ['workerUserId'] };

export function GridFormModal({ community, index, grid, onClose }: GridFormModalProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GridFormValues>();
  const create = useCreateGrid();
  const update = useUpdateGrid();
  const [version, setVersion] = useState(grid?.version ?? 0);
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });

  const compounds = useMemo(
    () => index.childrenOf(community.id).filter((node) => node.kind === 'compound'),
    [index, community.id],
  );
  const { buildings, isPending: buildingsLoading } = useBuildingsOf(compounds.map((compound) => compound.id));
  const buildingOptions = useMemo(
    () =>
      compounds.map((compound) => ({
        label: compound.name,
        title: compound.name,
        options: buildings
          .filter((building) => building.compoundId === compound.id)
          .map((building) => ({ value: building.id, label: `${compound.name} ${building.name}` })),
      })),
    [compounds, buildings],
  );
  // Grid workers must hold the grid worker role in this community; offering others only invites an error.
  const isGridWorkerHere = useCallback(
    (user: User) =>
      user.grants.some((grant) => grant.role === 'grid_worker' && grant.areaId === community.id),
    [community.id],
  );

  const submit = (values: GridFormValues) => {
    clearFormError();
    const fields = {
      name: values.name,
      workerUserId: values.workerUserId ?? null,
      buildingIds: values.buildingIds,
    };
    const callbacks = {
      onSuccess: (saved: Grid) => {
        void message.success(t('grids.saved', { name: saved.name }));
        onClose();
      },
      onError: handleError,
    };
    if (grid) update.mutate({ id: grid.id, version, ...fields }, callbacks);
    else create.mutate({ communityId: community.id, ...fields }, callbacks);
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = Grid.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    const { name, workerUserId, buildingIds } = latest.data;
    form.setFieldsValue({ name, workerUserId, buildingIds });
    setVersion(latest.data.version);
    clearFormError();
  };

  return (
    <FormModal
      title={grid ? t('grids.editTitle') : t('grids.createTitle', { community: community.name })}
      testId="grid-form"
      submitting={create.isPending || update.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
      width={640}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          name: grid?.name ?? '',
          workerUserId: grid?.workerUserId ?? null,
          buildingIds: grid?.buildingIds ?? [],
        }}
        onFinish={submit}
      >
        <Form.Item
          name="name"
          label={t('grids.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 40, message: t('validation.maxLength', { max: 40 }) },
          ]}
        >
          <Input autoFocus data-testid="grid-name" />
        </Form.Item>
        <Form.Item name="workerUserId" label={t('grids.fields.worker')} extra={t('grids.workerHint')}>
          <UserSelect areaId={community.id} accept={isGridWorkerHere} allowClear data-testid="grid-worker" />
        </Form.Item>
        <Form.Item name="buildingIds" label={t('grids.fields.buildings')}>
          <Select
            mode="multiple"
            loading={buildingsLoading}
            options={buildingOptions}
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('grids.buildingsPlaceholder')}
            data-testid="grid-buildings"
          />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
