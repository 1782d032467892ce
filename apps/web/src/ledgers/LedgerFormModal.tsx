import {
  DEFAULT_LEDGER_COLUMNS,
  type Ledger,
  type LedgerColumn,
  type RESIDENCE_TYPES,
  RESIDENT_STATUSES,
  TAG_CODES,
  type TagCode,
} from '@linli/shared';
import { Col, Form, Input, InputNumber, Radio, Row, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useCurrentArea } from '../app/currentArea';
import { FormModal } from '../app/FormModal';
import { AreaTreeSelect } from '../areas/AreaTreeSelect';
import { useAreaTree, useBuildingsOf } from '../areas/areas.api';
import { descendantsOf, indexAreas } from '../areas/areaTree';
import { GridSelect, ResidenceTypeSelect } from '../residents/GridSelect';
import { useTagOptions } from '../residents/ResidentTags';
import { ColumnPicker } from './ColumnPicker';
import { type LedgerCreateBody, useCreateLedger, useUpdateLedger } from './ledgers.api';

type Status = (typeof RESIDENT_STATUSES)[number];

interface LedgerFormValues {
  name: string;
  description: string;
  areaId: string;
  sharing: 'private' | 'area';
  filter: {
    q?: string;
    compoundId?: string;
    buildingId?: string;
    gridId?: string;
    residenceType?: (typeof RESIDENCE_TYPES)[number];
    tag?: TagCode;
    ageMin?: number | null;
    ageMax?: number | null;
    status: Status;
  };
  columns: LedgerColumn[];
}

function valuesOf(ledger: Ledger): LedgerFormValues {
  return {
    name: ledger.name,
    description: ledger.description,
    areaId: ledger.areaId,
    sharing: ledger.sharing,
    filter: { ...ledger.filter },
    columns: ledger.columns,
  };
}

/** Keys left empty are left out, so the saved filter holds only what was chosen. */
function filterOf(values: LedgerFormValues['filter']): LedgerCreateBody['filter'] {
  return {
    ...(values.q?.trim() && { q: values.q.trim() }),
    ...(values.compoundId && { compoundId: values.compoundId }),
    ...(values.compoundId && values.buildingId && { buildingId: values.buildingId }),
    ...(values.gridId && { gridId: values.gridId }),
    ...(values.residenceType && { residenceType: values.residenceType }),
    ...(values.tag && { tag: values.tag }),
    ...(values.ageMin != null && { ageMin: values.ageMin }),
    ...(values.ageMax != null && { ageMax: values.ageMax }),
    status: values.status,
  };
}

interface LedgerFormModalProps {
  ledger?: Ledger;
  onSaved?: (ledger: Ledger) => void;
  onClose: () => void;
}

/** Create or edit a ledger: where, which residents (the residents list's filters), which columns. */
export function LedgerFormModal({ ledger, onSaved, onClose }: LedgerFormModalProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<LedgerFormValues>();
  const { current } = useCurrentArea();
  const create = useCreateLedger();
  const update = useUpdateLedger(ledger?.id ?? '');
  const [version, setVersion] = useState(ledger?.version ?? 1);
  const { formError, handleError, clearFormError } = useFormServerErrors(form, {
    codeFields: { 'ledger.area_kind': ['areaId'], 'area.not_found': ['areaId'] },
  });
  const tagOptions = useTagOptions(TAG_CODES);
  const tree = useAreaTree();
  const areaId = Form.useWatch('areaId', form);

  const compoundId = Form.useWatch(['filter', 'compoundId'], form);
  const { buildings } = useBuildingsOf(compoundId ? [compoundId] : []);
  const compounds = useMemo(() => {
    if (!areaId || !tree.data) return [];
    return descendantsOf(indexAreas(tree.data.nodes), areaId).filter((n) => n.kind === 'compound');
  }, [areaId, tree.data]);
  // Grids are drawn per community: the ledger's own, or in a street's ledger the chosen compound's.
  const areaKind = tree.data?.nodes.find((n) => n.id === areaId)?.kind;
  const gridCommunityId =
    areaKind === 'community'
      ? areaId
      : (compounds.find((n) => n.id === compoundId)?.communityId ?? undefined);

  const initial: LedgerFormValues = ledger
    ? valuesOf(ledger)
    : {
        name: '',
        description: '',
        areaId: current && (current.kind === 'street' || current.kind === 'community') ? current.id : '',
        sharing: 'private',
        filter: { status: 'active' },
        columns: DEFAULT_LEDGER_COLUMNS,
      };

  const submit = (values: LedgerFormValues) => {
    clearFormError();
    const common = {
      name: values.name.trim(),
      description: values.description?.trim() ?? '',
      sharing: values.sharing,
      filter: filterOf(values.filter),
      columns: values.columns,
    };
    const done = {
      onSuccess: (saved: Ledger) => {
        onSaved?.(saved);
        onClose();
      },
      onError: handleError,
    };
    if (ledger) update.mutate({ ...common, version }, done);
    else create.mutate({ ...common, areaId: values.areaId }, done);
  };

  const reloadLatest = () => {
    const latest = formError ? (conflictCurrent(formError as never) as Ledger | undefined) : undefined;
    if (!latest) return;
    form.setFieldsValue(valuesOf(latest));
    setVersion(latest.version);
    clearFormError();
  };

  return (
    <FormModal
      title={ledger ? t('ledgers.editTitle') : t('ledgers.createTitle')}
      testId="ledger-form"
      width={720}
      submitting={create.isPending || update.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={submit}
        onValuesChange={(changed: Partial<LedgerFormValues>) => {
          // A building belongs to one compound: choosing another compound drops it.
          if (changed.filter && 'compoundId' in changed.filter) {
            form.setFieldValue(['filter', 'buildingId'], undefined);
            // In a street's ledger another compound may lie in another community, with other grids.
            if (areaKind !== 'community') form.setFieldValue(['filter', 'gridId'], undefined);
          }
          if ('areaId' in changed) {
            form.setFieldValue(['filter', 'compoundId'], undefined);
            form.setFieldValue(['filter', 'gridId'], undefined);
          }
        }}
      >
        <Form.Item
          name="name"
          label={t('ledgers.fields.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input data-testid="ledger-name" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('ledgers.fields.description')}
          rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
        >
          <Input.TextArea rows={2} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={14}>
            {ledger ? (
              <Form.Item label={t('ledgers.fields.area')}>
                <Form.Item name="areaId" hidden>
                  <Input />
                </Form.Item>
                <Typography.Text>{ledger.areaName}</Typography.Text>
              </Form.Item>
            ) : (
              <Form.Item
                name="areaId"
                label={t('ledgers.fields.area')}
                extra={t('ledgers.areaHint')}
                rules={[{ required: true, message: t('validation.required') }]}
              >
                <AreaTreeSelect
                  allowedKinds={['street', 'community']}
                  data-testid="ledger-area"
                  style={{ width: '100%' }}
                />
              </Form.Item>
            )}
          </Col>
          <Col span={10}>
            <Form.Item name="sharing" label={t('ledgers.fields.sharing')}>
              <Radio.Group
                options={[
                  { value: 'private', label: t('ledgers.sharing.private') },
                  { value: 'area', label: t('ledgers.sharing.area') },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item label={t('ledgers.fields.filter')} style={{ marginBottom: 0 }}>
          <Row gutter={8}>
            <Col span={24}>
              <Form.Item name={['filter', 'q']}>
                <Input placeholder={t('residents.searchPlaceholder')} allowClear />
              </Form.Item>
            </Col>
            {compounds.length > 0 && (
              <Col span={8}>
                <Form.Item name={['filter', 'compoundId']}>
                  <Select
                    allowClear
                    placeholder={t('residents.allCompounds')}
                    options={compounds.map((n) => ({ value: n.id, label: n.name }))}
                  />
                </Form.Item>
              </Col>
            )}
            {compoundId && buildings.length > 0 && (
              <Col span={8}>
                <Form.Item name={['filter', 'buildingId']}>
                  <Select
                    allowClear
                    placeholder={t('ledgers.allBuildings')}
                    options={buildings.map((b) => ({ value: b.id, label: b.name }))}
                  />
                </Form.Item>
              </Col>
            )}
            {gridCommunityId && (
              <Col span={8}>
                <Form.Item name={['filter', 'gridId']}>
                  <GridSelect communityId={gridCommunityId} data-testid="ledger-filter-grid" />
                </Form.Item>
              </Col>
            )}
            <Col span={8}>
              <Form.Item name={['filter', 'residenceType']}>
                <ResidenceTypeSelect data-testid="ledger-filter-residence-type" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name={['filter', 'tag']}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('residents.anyTag')}
                  options={tagOptions}
                  data-testid="ledger-filter-tag"
                />
              </Form.Item>
            </Col>
            <Col span={4}>
              <Form.Item name={['filter', 'ageMin']}>
                <InputNumber
                  min={0}
                  max={130}
                  precision={0}
                  placeholder={t('residents.ageMin')}
                  style={{ width: '100%' }}
                  data-testid="ledger-filter-age-min"
                />
              </Form.Item>
            </Col>
            <Col span={4}>
              <Form.Item name={['filter', 'ageMax']}>
                <InputNumber
                  min={0}
                  max={130}
                  precision={0}
                  placeholder={t('residents.ageMax')}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name={['filter', 'status']}>
                <Select
                  options={RESIDENT_STATUSES.map((value) => ({ value, label: t(`residentStatus.${value}`) }))}
                />
              </Form.Item>
            </Col>
          </Row>
        </Form.Item>
        <Form.Item
          name="columns"
          label={t('ledgers.fields.columns')}
          rules={[{ required: true, type: 'array', min: 1, message: t('ledgers.columnsRequired') }]}
        >
          <ColumnPicker />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
