import {
  Id,
  RESIDENCE_TYPES,
  RESIDENT_STATUSES,
  type Resident,
  TAG_CODES,
  type TagCode,
  TagCodeSchema,
} from '@linli/shared';
import {
  Button,
  Card,
  Flex,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useCurrentArea } from '../app/currentArea';
import { useDebouncedValue } from '../app/useDebouncedValue';
import { useAreaTree } from '../areas/areas.api';
import { descendantsOf, indexAreas } from '../areas/areaTree';
import { GridSelect, ResidenceTypeSelect } from './GridSelect';
import { ResidentTagList, useTagOptions } from './ResidentTags';
import { type ResidentFilter, useResidentSearch } from './residents.api';

type Status = (typeof RESIDENT_STATUSES)[number];
type ResidenceType = (typeof RESIDENCE_TYPES)[number];

function readAge(value: string | null): number | undefined {
  if (value === null || !/^\d{1,3}$/.test(value)) return undefined;
  return Number(value);
}

function readTag(value: string | null): TagCode | undefined {
  const parsed = TagCodeSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function readResidenceType(value: string | null): ResidenceType | undefined {
  return (RESIDENCE_TYPES as readonly string[]).includes(value ?? '') ? (value as ResidenceType) : undefined;
}

function readStatus(value: string | null): Status {
  return (RESIDENT_STATUSES as readonly string[]).includes(value ?? '') ? (value as Status) : 'active';
}

/**
 * One search box for everything people know about someone (name, pinyin, phone tail, ID number, door
 * number), plus filters. The search and filters live in the address, so Back returns to the same list.
 */
export function ResidentsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { current } = useCurrentArea();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebouncedValue(text.trim(), 250);
  const tree = useAreaTree();
  const tagOptions = useTagOptions(TAG_CODES);

  const compoundId = params.get('compound') ?? undefined;
  const tag = readTag(params.get('tag'));
  const ageMin = readAge(params.get('ageMin'));
  const ageMax = readAge(params.get('ageMax'));
  const status = readStatus(params.get('status'));
  const gridId = Id.safeParse(params.get('grid')).data;
  const residenceType = readResidenceType(params.get('residenceType'));

  const setParam = (
    key: string,
    value: string | number | null | undefined,
    also: Record<string, null> = {},
  ) => {
    setParams(
      () => {
        // From the address bar, not the updater's argument: react-router hands that the parameters of the
        // last render, so two changes before the next render (a tag, then an age) would lose the first.
        const next = new URLSearchParams(window.location.search);
        if (value === undefined || value === null || value === '') next.delete(key);
        else next.set(key, String(value));
        for (const other of Object.keys(also)) next.delete(other);
        return next;
      },
      { replace: true },
    );
  };

  // The debounced text goes into the address; typing itself does not add history entries.
  // biome-ignore lint/correctness/useExhaustiveDependencies: setParam is recreated every render
  useEffect(() => {
    if ((params.get('q') ?? '') !== q) setParam('q', q);
  }, [q]);

  const compounds = useMemo(() => {
    if (!current || !tree.data) return [];
    const index = indexAreas(tree.data.nodes);
    const self = index.byId.get(current.id);
    const below = descendantsOf(index, current.id);
    return [...(self ? [self] : []), ...below].filter((node) => node.kind === 'compound');
  }, [current, tree.data]);
  // Grids are drawn per community: offered once the community is known (the current one, or the compound's).
  const gridCommunityId =
    current?.kind === 'community'
      ? current.id
      : (compounds.find((node) => node.id === (compoundId ?? current?.id))?.communityId ?? undefined);

  const filter: ResidentFilter = {
    q: q || undefined,
    communityId: current?.kind === 'community' ? current.id : undefined,
    compoundId: compoundId ?? (current?.kind === 'compound' ? current.id : undefined),
    // A grid chosen for another community's compound no longer applies, and its select is gone.
    gridId: gridCommunityId ? gridId : undefined,
    residenceType,
    tag,
    ageMin,
    ageMax,
    status,
  };
  const residents = useResidentSearch(filter);
  const rows = residents.data?.pages.flatMap((page) => page.items) ?? [];

  const columns: TableColumnsType<Resident> = [
    {
      key: 'name',
      title: t('residents.fields.name'),
      render: (_, resident) => (
        <Link to={`/residents/${resident.id}`} data-testid="resident-link" style={{ fontSize: 16 }}>
          {resident.name}
        </Link>
      ),
    },
    {
      key: 'sex',
      title: t('residents.fields.sex'),
      render: (_, resident) => (resident.sex ? t(`sex.${resident.sex}`) : ''),
    },
    {
      key: 'age',
      title: t('residents.fields.age'),
      render: (_, resident) => (resident.age === null ? '' : resident.age),
    },
    { key: 'address', title: t('residents.fields.address'), dataIndex: 'address' },
    {
      key: 'idNumber',
      title: t('residents.fields.idNumber'),
      render: (_, resident) => <span className="tabular">{resident.idNumberMasked ?? ''}</span>,
    },
    {
      key: 'phone',
      title: t('residents.fields.phone'),
      render: (_, resident) => resident.phoneMasked ?? '',
    },
    {
      key: 'tags',
      title: t('residents.fields.tags'),
      render: (_, resident) => <ResidentTagList tags={resident.tags} />,
    },
  ];

  return (
    <Card
      title={
        <Space orientation="vertical" size={0}>
          <span>{t('nav.residents')}</span>
          {current && (
            <Typography.Text type="secondary" style={{ fontSize: 14, fontWeight: 'normal' }}>
              {t('residents.inArea', { area: current.name })}
            </Typography.Text>
          )}
        </Space>
      }
    >
      <Flex vertical gap={12} style={{ marginBottom: 16 }}>
        <Input.Search
          autoFocus
          allowClear
          size="large"
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder={t('residents.searchPlaceholder')}
          style={{ maxWidth: 720 }}
          loading={residents.isFetching && !residents.isFetchingNextPage}
          data-testid="resident-search"
        />
        <Space wrap>
          {compounds.length > 1 && (
            <Select
              allowClear
              value={compoundId}
              // In a street, another compound may lie in another community, with other grids.
              onChange={(value: string | undefined) =>
                setParam('compound', value, current?.kind === 'community' ? {} : { grid: null })
              }
              placeholder={t('residents.allCompounds')}
              options={compounds.map((node) => ({ value: node.id, label: node.name }))}
              style={{ minWidth: 160 }}
              data-testid="resident-filter-compound"
            />
          )}
          {gridCommunityId && (
            <GridSelect
              communityId={gridCommunityId}
              value={gridId}
              onChange={(value) => setParam('grid', value)}
              data-testid="resident-filter-grid"
            />
          )}
          <ResidenceTypeSelect
            value={residenceType}
            onChange={(value) => setParam('residenceType', value)}
            data-testid="resident-filter-residence-type"
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={tag}
            onChange={(value: TagCode | undefined) => setParam('tag', value)}
            placeholder={t('residents.anyTag')}
            options={tagOptions}
            style={{ minWidth: 180 }}
            data-testid="resident-filter-tag"
          />
          <Space.Compact>
            <InputNumber
              min={0}
              max={130}
              precision={0}
              value={ageMin}
              onChange={(value) => setParam('ageMin', value)}
              placeholder={t('residents.ageMin')}
              style={{ width: 110 }}
              data-testid="resident-filter-age-min"
            />
            <InputNumber
              min={0}
              max={130}
              precision={0}
              value={ageMax}
              onChange={(value) => setParam('ageMax', value)}
              placeholder={t('residents.ageMax')}
              style={{ width: 110 }}
              data-testid="resident-filter-age-max"
            />
          </Space.Compact>
          <Select
            value={status}
            onChange={(value: Status) => setParam('status', value === 'active' ? null : value)}
            options={RESIDENT_STATUSES.map((value) => ({ value, label: t(`residentStatus.${value}`) }))}
            style={{ minWidth: 110 }}
            data-testid="resident-filter-status"
          />
        </Space>
      </Flex>
      {residents.isError ? (
        <QueryErrorResult error={residents.error} onRetry={() => void residents.refetch()} />
      ) : (
        <>
          <Table<Resident>
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={residents.isPending}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: t('residents.empty') }}
            onRow={(resident) => ({
              onClick: (event) => {
                if ((event.target as HTMLElement).closest('a')) return;
                navigate(`/residents/${resident.id}`);
              },
              style: { cursor: 'pointer' },
            })}
            data-testid="resident-table"
          />
          {residents.hasNextPage && (
            <Flex justify="center" style={{ marginTop: 16 }}>
              <Button onClick={() => void residents.fetchNextPage()} loading={residents.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Flex>
          )}
        </>
      )}
    </Card>
  );
}
