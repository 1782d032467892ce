import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import {
  IMPORT_FIELDS,
  type ImportField,
  type ImportJob,
  type ImportPreviewRow,
  type ImportProblem,
  type ImportReportRow,
  type ImportUnknownPlace,
  importProblemMessage,
} from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Input,
  Popconfirm,
  Progress,
  Radio,
  Result,
  Select,
  Space,
  Statistic,
  Steps,
  Switch,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../api/errors';
import { useNotifyError } from '../api/useNotifyError';
import { useCurrentArea } from '../app/currentArea';
import { useAreaTree } from '../areas/areas.api';
import { useSession } from '../auth/session';
import { currentLocale } from '../i18n/i18n';
import {
  downloadReport,
  uploadLedger,
  useCommitImport,
  useCreateTemplate,
  useImportJob,
  useImportPreview,
  useImportReport,
  useImports,
  useImportTemplates,
  useUpdateMapping,
  useUpdatePlaces,
} from './imports.api';

const PAGE = 50;

function ProblemList({ problems }: { problems: ImportProblem[] }) {
  const locale = currentLocale();
  if (problems.length === 0) return null;
  return (
    <Flex vertical gap={2}>
      {problems.map((p, i) => (
        <Typography.Text
          // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity beyond their place
          key={i}
          type={p.severity === 'error' ? 'danger' : 'warning'}
        >
          {p.column ? `${p.column}：` : ''}
          {importProblemMessage(p.code, locale, p.params)}
        </Typography.Text>
      ))}
    </Flex>
  );
}

/** Upload → mapping → preview → commit with progress → report, for one community at a time. */
export function ImportsPage() {
  const { t } = useTranslation();
  const tree = useAreaTree();
  const { current } = useCurrentArea();
  const communities = useMemo(
    () => (tree.data?.nodes ?? []).filter((n) => n.kind === 'community' && n.inScope),
    [tree.data],
  );
  const [communityId, setCommunityId] = useState<string | null>(null);
  useEffect(() => {
    if (communityId || communities.length === 0) return;
    const preferred = communities.find((c) => c.id === current?.id) ?? communities[0]!;
    setCommunityId(preferred.id);
  }, [communities, communityId, current?.id]);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useImportJob(jobId);

  const step = !job.data
    ? 0
    : job.data.status === 'draft'
      ? 1
      : job.data.status === 'succeeded' || job.data.status === 'failed'
        ? 3
        : 2;

  return (
    <Card title={t('imports.title')}>
      <Steps
        current={step}
        style={{ marginBottom: 24 }}
        items={[
          { title: t('imports.steps.upload') },
          { title: t('imports.steps.preview') },
          { title: t('imports.steps.commit') },
          { title: t('imports.steps.report') },
        ]}
      />
      {!job.data && (
        <UploadStep
          communities={communities.map((c) => ({ value: c.id, label: c.name }))}
          communityId={communityId}
          onCommunity={setCommunityId}
          onJob={setJobId}
        />
      )}
      {job.data?.status === 'draft' && <PreviewStep job={job.data} onCancel={() => setJobId(null)} />}
      {(job.data?.status === 'queued' || job.data?.status === 'running') && <ProgressStep job={job.data} />}
      {(job.data?.status === 'succeeded' || job.data?.status === 'failed') && (
        <ReportStep job={job.data} onAgain={() => setJobId(null)} />
      )}
    </Card>
  );
}

function UploadStep({
  communities,
  communityId,
  onCommunity,
  onJob,
}: {
  communities: { value: string; label: string }[];
  communityId: string | null;
  onCommunity: (id: string) => void;
  onJob: (id: string) => void;
}) {
  const { t } = useTranslation();
  const me = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const recent = useImports(communityId);

  const upload = async (file: File) => {
    if (!communityId) return;
    setBusy(true);
    setError(null);
    try {
      const job = await uploadLedger(communityId, file, me.csrfToken);
      onJob(job.id);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={16}>
      <Space>
        <span>{t('imports.community')}</span>
        <Select
          style={{ minWidth: 240 }}
          options={communities}
          value={communityId ?? undefined}
          onChange={onCommunity}
          data-testid="import-community"
        />
      </Space>
      {error && <Alert type="error" showIcon message={error} data-testid="import-upload-error" />}
      <Upload.Dragger
        accept=".xlsx,.csv"
        multiple={false}
        showUploadList={false}
        disabled={!communityId || busy}
        beforeUpload={(file) => {
          void upload(file);
          return false;
        }}
        data-testid="import-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{busy ? t('imports.reading') : t('imports.dropHint')}</p>
        <p className="ant-upload-hint">{t('imports.uploadHint')}</p>
      </Upload.Dragger>
      {(recent.data?.items.length ?? 0) > 0 && (
        <Table<ImportJob>
          size="small"
          rowKey="id"
          pagination={false}
          title={() => t('imports.recent')}
          dataSource={recent.data!.items}
          columns={[
            { key: 'file', title: t('imports.fileName'), dataIndex: 'fileName' },
            {
              key: 'status',
              title: t('imports.status'),
              render: (_, j) => <Tag>{t(`imports.statuses.${j.status}`)}</Tag>,
            },
            {
              key: 'at',
              title: t('imports.createdAt'),
              render: (_, j) => new Date(j.createdAt).toLocaleString(),
            },
            {
              key: 'open',
              title: '',
              render: (_, j) => (
                <Button
                  size="small"
                  onClick={() => onJob(j.id)}
                  disabled={j.status === 'draft' && !j.hasRows}
                >
                  {t('imports.open')}
                </Button>
              ),
            },
          ]}
        />
      )}
    </Flex>
  );
}

function MappingEditor({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const notifyError = useNotifyError();
  const [mapping, setMapping] = useState<(ImportField | null)[]>(job.mapping);
  const [onDuplicate, setOnDuplicate] = useState(job.onDuplicate);
  const [templateName, setTemplateName] = useState('');
  const templates = useImportTemplates(job.communityId);
  const update = useUpdateMapping(job.id);
  const createTemplate = useCreateTemplate();
  useEffect(() => {
    setMapping(job.mapping);
    setOnDuplicate(job.onDuplicate);
  }, [job.mapping, job.onDuplicate]);

  const dirty = JSON.stringify(mapping) !== JSON.stringify(job.mapping) || onDuplicate !== job.onDuplicate;
  const fieldOptions = IMPORT_FIELDS.map((f) => ({ value: f, label: t(`imports.fields.${f}`) }));
  const key = (h: string) => h.normalize('NFKC').replace(/\s/g, '');

  const applyTemplate = (id: string) => {
    const tpl = templates.data?.items.find((x) => x.id === id);
    if (!tpl) return;
    const byHeader = new Map(Object.entries(tpl.columns).map(([h, f]) => [key(h), f]));
    const used = new Set<ImportField>();
    setMapping(
      job.headers.map((h) => {
        const f = byHeader.get(key(h)) ?? null;
        if (!f || used.has(f)) return null;
        used.add(f);
        return f;
      }),
    );
  };

  const saveTemplate = () => {
    const columns: Record<string, ImportField> = {};
    mapping.forEach((f, i) => {
      if (f && job.headers[i]) columns[job.headers[i]!] = f;
    });
    createTemplate.mutate(
      { communityId: job.communityId, name: templateName.trim(), columns },
      {
        onSuccess: () => {
          setTemplateName('');
          void message.success(t('imports.templateSaved'));
        },
        onError: notifyError,
      },
    );
  };

  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t('imports.headerFound', { row: job.headerRow })}</Typography.Text>
      <Table
        size="small"
        rowKey="index"
        pagination={false}
        dataSource={job.headers.map((header, index) => ({ header, index }))}
        columns={[
          { key: 'header', title: t('imports.column'), render: (_, r) => r.header || <i>—</i> },
          {
            key: 'field',
            title: t('imports.field'),
            render: (_, r) => (
              <Select
                allowClear
                style={{ width: 200 }}
                placeholder={t('imports.ignored')}
                options={fieldOptions}
                value={mapping[r.index] ?? undefined}
                onChange={(v: ImportField | undefined) =>
                  setMapping(mapping.map((m, i) => (i === r.index ? (v ?? null) : m === v ? null : m)))
                }
                data-testid={`import-map-${r.index}`}
              />
            ),
          },
        ]}
      />
      <Space wrap>
        <span>{t('imports.onDuplicate')}</span>
        <Radio.Group
          value={onDuplicate}
          onChange={(e) => setOnDuplicate(e.target.value)}
          options={[
            { value: 'skip', label: t('imports.duplicate.skip') },
            { value: 'update', label: t('imports.duplicate.update') },
          ]}
        />
      </Space>
      <Space wrap>
        <Button
          type="primary"
          disabled={!dirty}
          loading={update.isPending}
          onClick={() =>
            update.mutate({ version: job.version, mapping, onDuplicate }, { onError: notifyError })
          }
          data-testid="import-apply-mapping"
        >
          {t('imports.applyMapping')}
        </Button>
        <Select
          style={{ minWidth: 180 }}
          placeholder={t('imports.useTemplate')}
          options={(templates.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))}
          onChange={applyTemplate}
          value={null}
        />
        <Input
          style={{ width: 180 }}
          placeholder={t('imports.templateName')}
          value={templateName}
          maxLength={50}
          onChange={(e) => setTemplateName(e.target.value)}
        />
        <Button disabled={!templateName.trim()} loading={createTemplate.isPending} onClick={saveTemplate}>
          {t('imports.saveTemplate')}
        </Button>
      </Space>
    </Flex>
  );
}

/**
 * Create or skip, per building or dwelling of a known compound the register lacks. "Create" is offered
 * only to those who may manage buildings in the community; the server checks it again.
 */
function PlacesChoice({
  job,
  places,
  mayCreate,
}: {
  job: ImportJob;
  places: ImportUnknownPlace[];
  mayCreate: boolean;
}) {
  const { t } = useTranslation();
  const notifyError = useNotifyError();
  const update = useUpdatePlaces(job.id);
  const savedKey = JSON.stringify(job.createPlaces);
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(job.createPlaces));
  // Reset when the saved choice changes by value (a refetched job is a new array with the same keys).
  useEffect(() => setChosen(new Set(JSON.parse(savedKey) as string[])), [savedKey]);
  const saved = new Set(job.createPlaces);
  const dirty = places.some((p) => chosen.has(p.key) !== saved.has(p.key));
  const set = (key: string, create: boolean) => {
    const next = new Set(chosen);
    if (create) next.add(key);
    else next.delete(key);
    setChosen(next);
  };
  const blocked = !mayCreate && places.some((p) => saved.has(p.key));

  return (
    <Card size="small" title={t('imports.unknownPlaces')} data-testid="import-places">
      <Flex vertical gap={12}>
        {!mayCreate && <Alert type="info" showIcon message={t('imports.placesNoPermission')} />}
        {blocked && <Alert type="warning" showIcon message={t('imports.placesChosenByOther')} />}
        <Table<ImportUnknownPlace>
          size="small"
          rowKey="key"
          pagination={places.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
          dataSource={places}
          columns={[
            {
              key: 'kind',
              title: t('imports.placeKind'),
              width: 90,
              render: (_, p) => <Tag>{t(`imports.placeKinds.${p.kind}`)}</Tag>,
            },
            { key: 'label', title: t('imports.address'), dataIndex: 'label' },
            { key: 'dwellings', title: t('imports.placeDwellings'), dataIndex: 'dwellings', width: 110 },
            { key: 'rows', title: t('imports.placeRows'), dataIndex: 'rows', width: 90 },
            {
              key: 'choice',
              title: t('imports.action'),
              width: 170,
              render: (_, p, index) => (
                <Radio.Group
                  size="small"
                  optionType="button"
                  value={chosen.has(p.key) ? 'create' : 'skip'}
                  onChange={(e) => set(p.key, e.target.value === 'create')}
                  options={[
                    { value: 'create', label: t('imports.placeCreate'), disabled: !mayCreate },
                    { value: 'skip', label: t('imports.placeSkip') },
                  ]}
                  data-testid={`import-place-${index}`}
                />
              ),
            },
          ]}
        />
        <Space>
          <Button
            type="primary"
            disabled={!dirty && !blocked}
            loading={update.isPending}
            onClick={() =>
              update.mutate(
                {
                  version: job.version,
                  createPlaces: mayCreate ? places.filter((p) => chosen.has(p.key)).map((p) => p.key) : [],
                },
                { onError: notifyError },
              )
            }
            data-testid="import-apply-places"
          >
            {t('imports.applyPlaces')}
          </Button>
        </Space>
      </Flex>
    </Card>
  );
}

function PreviewStep({ job, onCancel }: { job: ImportJob; onCancel: () => void }) {
  const { t } = useTranslation();
  const notifyError = useNotifyError();
  const [onlyProblems, setOnlyProblems] = useState(false);
  const [page, setPage] = useState(1);
  const preview = useImportPreview(job.id, { onlyProblems, offset: (page - 1) * PAGE, limit: PAGE }, true);
  const commit = useCommitImport(job.id);
  const summary = preview.data?.summary;

  const columns: ColumnsType<ImportPreviewRow> = [
    { key: 'row', title: t('imports.row'), dataIndex: 'row', width: 70 },
    {
      key: 'action',
      title: t('imports.action'),
      width: 90,
      render: (_, r) => (
        <Tag color={r.action === 'create' ? 'green' : r.action === 'update' ? 'blue' : 'default'}>
          {t(`imports.actions.${r.action}`)}
        </Tag>
      ),
    },
    { key: 'name', title: t('imports.fields.name'), dataIndex: 'name' },
    { key: 'id', title: t('imports.fields.idNumber'), render: (_, r) => r.idNumberMasked ?? '' },
    { key: 'birth', title: t('imports.fields.birthDate'), render: (_, r) => r.birthDate ?? '' },
    { key: 'phone', title: t('imports.fields.phone'), render: (_, r) => r.phoneMasked ?? '' },
    {
      key: 'address',
      title: t('imports.address'),
      render: (_, r) => (
        <>
          {r.address ?? ''}
          {r.createsPlace && (
            <Tag color="gold" style={{ marginLeft: 6 }}>
              {t(`imports.newPlace.${r.createsPlace}`)}
            </Tag>
          )}
        </>
      ),
    },
    {
      key: 'problems',
      title: t('imports.problems'),
      render: (_, r) => <ProblemList problems={r.problems} />,
    },
  ];
  const toCreate = preview.data?.toCreate;
  const confirm = [
    t('imports.commitConfirm', {
      create: summary?.create ?? 0,
      update: summary?.update ?? 0,
      skip: summary?.skip ?? 0,
    }),
    toCreate?.dwellings
      ? t('imports.commitConfirmPlaces', { buildings: toCreate.buildings, dwellings: toCreate.dwellings })
      : '',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        {job.fileName}
      </Typography.Title>
      <MappingEditor job={job} />
      {preview.isError && <Alert type="error" showIcon message={errorText(preview.error)} />}
      {summary && (
        <Space size={32} wrap>
          <Statistic title={t('imports.summary.total')} value={summary.total} />
          <Statistic title={t('imports.summary.create')} value={summary.create} />
          <Statistic title={t('imports.summary.update')} value={summary.update} />
          <Statistic title={t('imports.summary.skip')} value={summary.skip} />
          <Statistic title={t('imports.summary.withProblems')} value={summary.withProblems} />
          {!!toCreate?.dwellings && (
            <>
              <Statistic title={t('imports.summary.buildings')} value={toCreate.buildings} />
              <Statistic title={t('imports.summary.dwellings')} value={toCreate.dwellings} />
            </>
          )}
        </Space>
      )}
      {(preview.data?.unknownPlaces.length ?? 0) > 0 && (
        <PlacesChoice
          job={job}
          places={preview.data!.unknownPlaces}
          mayCreate={preview.data!.mayCreatePlaces}
        />
      )}
      {(preview.data?.unknownBuildings.length ?? 0) > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('imports.unknownBuildings')}
          description={preview
            .data!.unknownBuildings.map((b) =>
              t('imports.unknownBuildingLine', { label: b.label, rows: b.rows }),
            )
            .join('；')}
        />
      )}
      <Space>
        <Switch
          checked={onlyProblems}
          onChange={(v) => {
            setOnlyProblems(v);
            setPage(1);
          }}
          data-testid="import-only-problems"
        />
        <span>{t('imports.onlyProblems')}</span>
      </Space>
      <Table<ImportPreviewRow>
        size="small"
        rowKey="row"
        loading={preview.isFetching}
        columns={columns}
        dataSource={preview.data?.rows ?? []}
        pagination={{
          current: page,
          pageSize: PAGE,
          total: preview.data?.filtered ?? 0,
          showSizeChanger: false,
          onChange: setPage,
        }}
        data-testid="import-preview"
      />
      <Space>
        <Popconfirm title={confirm} onConfirm={() => commit.mutate(job.version, { onError: notifyError })}>
          <Button
            type="primary"
            disabled={!summary || summary.create + summary.update === 0}
            loading={commit.isPending}
            data-testid="import-commit"
          >
            {t('imports.commit')}
          </Button>
        </Popconfirm>
        <Button onClick={onCancel}>{t('imports.startOver')}</Button>
      </Space>
    </Flex>
  );
}

function ProgressStep({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const percent = job.totalRows ? Math.floor((job.processedRows / job.totalRows) * 100) : 0;
  return (
    <Flex vertical gap={12} align="center" style={{ padding: 32 }}>
      <Progress type="circle" percent={percent} />
      <Typography.Text>
        {t(`imports.statuses.${job.status}`)} ·{' '}
        {t('imports.progress', { done: job.processedRows, total: job.totalRows })}
      </Typography.Text>
    </Flex>
  );
}

function ReportStep({ job, onAgain }: { job: ImportJob; onAgain: () => void }) {
  const { t } = useTranslation();
  const notifyError = useNotifyError();
  const report = useImportReport(job.id, job.status === 'succeeded');
  const [onlySkipped, setOnlySkipped] = useState(false);
  const rows = (report.data?.items ?? []).filter((r) => !onlySkipped || r.outcome === 'skipped');
  const columns: ColumnsType<ImportReportRow> = [
    { key: 'row', title: t('imports.row'), dataIndex: 'row', width: 70 },
    {
      key: 'outcome',
      title: t('imports.outcome'),
      width: 90,
      render: (_, r) => (
        <Tag color={r.outcome === 'created' ? 'green' : r.outcome === 'updated' ? 'blue' : 'default'}>
          {t(`imports.outcomes.${r.outcome}`)}
        </Tag>
      ),
    },
    { key: 'name', title: t('imports.fields.name'), dataIndex: 'name' },
    { key: 'id', title: t('imports.fields.idNumber'), render: (_, r) => r.idNumberMasked ?? '' },
    { key: 'address', title: t('imports.address'), render: (_, r) => r.address ?? '' },
    { key: 'reasons', title: t('imports.reasons'), render: (_, r) => <ProblemList problems={r.reasons} /> },
  ];

  if (job.status === 'failed') {
    return (
      <Result
        status="error"
        title={t('imports.failed')}
        subTitle={[job.errorCode && t('imports.failedCode', { code: job.errorCode }), job.errorMessage]
          .filter(Boolean)
          .join(' · ')}
        extra={<Button onClick={onAgain}>{t('imports.startOver')}</Button>}
      />
    );
  }
  return (
    <Flex vertical gap={16}>
      <Result
        status="success"
        title={t('imports.done', { created: job.created, updated: job.updated, skipped: job.skipped })}
        subTitle={
          job.dwellingsCreated
            ? t('imports.donePlaces', { buildings: job.buildingsCreated, dwellings: job.dwellingsCreated })
            : undefined
        }
        extra={
          <Space>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => void downloadReport(job).catch(notifyError)}
              data-testid="import-report-download"
            >
              {t('imports.downloadReport')}
            </Button>
            <Button onClick={onAgain}>{t('imports.another')}</Button>
          </Space>
        }
      />
      <Space>
        <Switch checked={onlySkipped} onChange={setOnlySkipped} />
        <span>{t('imports.onlySkipped')}</span>
      </Space>
      <Table<ImportReportRow>
        size="small"
        rowKey="row"
        loading={report.isLoading}
        columns={columns}
        dataSource={rows}
        pagination={{ pageSize: PAGE, showSizeChanger: false }}
        data-testid="import-report"
      />
    </Flex>
  );
}
