import { ArrowLeftOutlined, CloudUploadOutlined, SaveOutlined } from '@ant-design/icons';
import type { PrivacyNotice } from '@linli/shared';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Col,
  Flex,
  Form,
  Popconfirm,
  Row,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { usePermission } from '../auth/session';
import { formatDateTimeShort } from '../i18n/format';
import { ChainPanel } from './ChainPanel';
import { DefinitionEditor } from './DefinitionEditor';
import { FormPreview } from './FormPreview';
import { FormSettings } from './FormSettings';
import { FormStatusTag } from './FormStatusTag';
import { cleanDefinition, problemsByPath, sameContent } from './formRules';
import {
  type FormAction,
  type FormDetail,
  type FormUpdateBody,
  type SubmissionLimit,
  useForm,
  useFormAction,
  useUpdateForm,
} from './forms.api';
import { SharePanel } from './SharePanel';

/** Refusals about one setting, shown on that setting. */
const CODE_FIELDS = {
  'form.bad_window': ['closesAt'],
  'form.limit_needs_field': ['submissionLimit'],
};

export interface BuilderValues {
  title: string;
  titleEn: string;
  description: string;
  descriptionEn: string;
  draft: unknown;
  privacy: Partial<PrivacyNotice>;
  submissionLimit: SubmissionLimit;
  opensAt: Dayjs | null;
  closesAt: Dayjs | null;
}

function valuesOf(detail: FormDetail): BuilderValues {
  return {
    title: detail.title,
    titleEn: detail.titleEn,
    description: detail.description,
    descriptionEn: detail.descriptionEn,
    draft: detail.draft,
    privacy: detail.privacy,
    submissionLimit: detail.submissionLimit,
    opensAt: detail.opensAt ? dayjs(detail.opensAt) : null,
    closesAt: detail.closesAt ? dayjs(detail.closesAt) : null,
  };
}

function bodyOf(values: BuilderValues, version: number): FormUpdateBody {
  const purposeEn = (values.privacy?.purposeEn ?? '').trim();
  const audienceEn = (values.privacy?.audienceEn ?? '').trim();
  return {
    version,
    title: (values.title ?? '').trim(),
    titleEn: (values.titleEn ?? '').trim(),
    description: (values.description ?? '').trim(),
    descriptionEn: (values.descriptionEn ?? '').trim(),
    draft: cleanDefinition(values.draft),
    privacy: {
      purpose: (values.privacy?.purpose ?? '').trim(),
      ...(purposeEn && { purposeEn }),
      audience: (values.privacy?.audience ?? '').trim(),
      ...(audienceEn && { audienceEn }),
      retentionDays: values.privacy?.retentionDays ?? 0,
    },
    submissionLimit: values.submissionLimit,
    opensAt: values.opensAt ? values.opensAt.toISOString() : null,
    closesAt: values.closesAt ? values.closesAt.toISOString() : null,
  };
}

export function FormBuilderPage() {
  const { formId = '' } = useParams();
  const query = useForm(formId);
  // A reload after a conflict starts the builder again from the row as it is now.
  const [generation, setGeneration] = useState(0);
  if (query.isError) return <QueryErrorResult error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  return (
    <FormBuilder
      key={`${query.data.id}-${generation}`}
      detail={query.data}
      onReload={async () => {
        await query.refetch();
        setGeneration((n) => n + 1);
      }}
    />
  );
}

function FormBuilder({ detail, onReload }: { detail: FormDetail; onReload: () => Promise<void> }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BuilderValues>();
  const canManage = usePermission('form.manage');
  const update = useUpdateForm(detail.id);
  const action = useFormAction(detail.id);
  const [tab, setTab] = useState('design');
  const { formError, handleError, clearFormError } = useFormServerErrors(form, { codeFields: CODE_FIELDS });
  const [conflict, setConflict] = useState(false);

  const watched = Form.useWatch([], { form, preserve: true }) as BuilderValues | undefined;
  const initial = useMemo(() => valuesOf(detail), [detail]);
  const values = watched ?? initial;
  const definition = useMemo(() => cleanDefinition(values.draft), [values.draft]);
  const problems = useMemo(() => problemsByPath(definition, ['draft']), [definition]);
  const dirty = !sameContent(bodyOf(values, detail.version), bodyOf(initial, detail.version));
  // The role allows building forms; the server also says whether this form is within reach.
  const manages = canManage && detail.canManage;
  const readOnly = !manages || detail.status === 'archived';
  // Publishing what is already live would only make an identical version.
  const nothingToPublish = detail.status !== 'draft' && !detail.draftChanged && !dirty;
  const busy = update.isPending || action.isPending;

  const onError = (error: unknown) => {
    if (isVersionConflict(error)) {
      setConflict(true);
      return;
    }
    handleError(error);
    // The field the server named may sit on the other tab: show that tab.
    const named = form.getFieldsError().find((field) => field.errors.length > 0);
    if (named) setTab(named.name[0] === 'draft' ? 'design' : 'settings');
  };

  /** Saves what is on screen; returns the row's version afterwards, or null when nothing was saved. */
  const save = async (): Promise<number | null> => {
    clearFormError();
    try {
      await form.validateFields();
    } catch (info) {
      message.error(t('forms.builder.fixFields'));
      const first = (info as { errorFields?: { name: (string | number)[] }[] }).errorFields?.[0];
      if (first) {
        setTab(first.name[0] === 'draft' ? 'design' : 'settings');
        form.scrollToField(first.name);
      }
      return null;
    }
    if (problems.size > 0) {
      message.error(t('forms.builder.fixProblems', { count: problems.size }));
      setTab('design');
      return null;
    }
    try {
      const saved = await update.mutateAsync(bodyOf(form.getFieldsValue(true), detail.version));
      message.success(t('forms.builder.saved'));
      return saved.version;
    } catch (error) {
      onError(error);
      return null;
    }
  };

  const run = async (name: FormAction, version: number) => {
    clearFormError();
    try {
      const result = await action.mutateAsync({ action: name, version });
      if (name === 'publish') {
        message.success(t('forms.builder.publishedAs', { no: result.currentVersionNo }));
      } else {
        message.success(t(`forms.actionDone.${name}`));
      }
    } catch (error) {
      onError(error);
    }
  };

  /** What is on screen is what gets published: unsaved changes are saved first. */
  const publish = async () => {
    const version = dirty ? await save() : detail.version;
    if (version !== null) await run('publish', version);
  };

  const versionColumns = [
    {
      key: 'no',
      title: t('forms.versions.no'),
      render: (_: unknown, v: FormDetail['versions'][number]) => (
        <Space>
          {`v${v.versionNo}`}
          {v.versionNo === detail.currentVersionNo && <Tag color="green">{t('forms.versions.current')}</Tag>}
        </Space>
      ),
    },
    {
      key: 'at',
      title: t('forms.versions.publishedAt'),
      render: (_: unknown, v: FormDetail['versions'][number]) => formatDateTimeShort(v.publishedAt),
    },
    {
      key: 'by',
      title: t('forms.versions.publishedBy'),
      render: (_: unknown, v: FormDetail['versions'][number]) => v.publishedBy ?? '',
    },
  ];

  const statusActions = manages && (
    <>
      {detail.status === 'published' && (
        <Popconfirm
          title={t('forms.confirm.close')}
          onConfirm={() => void run('close', detail.version)}
          disabled={dirty}
        >
          <Button disabled={busy || dirty} data-testid="form-close">
            {t('forms.actions.close')}
          </Button>
        </Popconfirm>
      )}
      {detail.status === 'closed' && (
        <Popconfirm title={t('forms.confirm.reopen')} onConfirm={() => void run('reopen', detail.version)}>
          <Button disabled={busy || dirty} data-testid="form-reopen">
            {t('forms.actions.reopen')}
          </Button>
        </Popconfirm>
      )}
      {detail.status !== 'archived' && detail.status !== 'published' && (
        <Popconfirm title={t('forms.confirm.archive')} onConfirm={() => void run('archive', detail.version)}>
          <Button danger disabled={busy || dirty} data-testid="form-archive">
            {t('forms.actions.archive')}
          </Button>
        </Popconfirm>
      )}
    </>
  );

  return (
    <Card
      title={
        <Space wrap>
          <Link to="/forms" aria-label={t('forms.backToList')}>
            <ArrowLeftOutlined />
          </Link>
          <span data-testid="form-title">{detail.title}</span>
          <FormStatusTag status={detail.status} state={detail.state} />
          <Tag>{t(`forms.mode.${detail.mode}`)}</Tag>
          {detail.currentVersionNo !== null && (
            <Tag color="green" data-testid="form-current-version">
              {t('forms.currentVersion', { no: detail.currentVersionNo })}
            </Tag>
          )}
          <Typography.Text type="secondary">{detail.areaName}</Typography.Text>
          {detail.communityId === null && <Tag color="geekblue">{t('forms.streetWide')}</Tag>}
        </Space>
      }
      extra={
        <Space wrap>
          {dirty && <Badge status="warning" text={t('forms.builder.unsaved')} data-testid="form-unsaved" />}
          {detail.currentVersionNo !== null && (
            <Link to={`/submissions?formId=${detail.id}`} data-testid="form-answers-link">
              {t('forms.builder.viewAnswers', { count: detail.submissionCount })}
            </Link>
          )}
          {statusActions}
          {manages && detail.status !== 'archived' && (
            <>
              <Button
                icon={<SaveOutlined />}
                onClick={() => void save()}
                loading={update.isPending}
                disabled={busy || !dirty}
                data-testid="form-save"
              >
                {t('common.save')}
              </Button>
              <Popconfirm
                title={t('forms.builder.publishConfirmTitle', { no: (detail.currentVersionNo ?? 0) + 1 })}
                description={
                  <div style={{ maxWidth: 320 }}>
                    {detail.currentVersionNo
                      ? t('forms.builder.publishConfirmAgain')
                      : t('forms.builder.publishConfirm')}
                  </div>
                }
                onConfirm={publish}
                disabled={busy || nothingToPublish}
              >
                <Tooltip title={nothingToPublish ? t('forms.builder.nothingToPublish') : undefined}>
                  <Button
                    type="primary"
                    icon={<CloudUploadOutlined />}
                    disabled={busy || nothingToPublish}
                    data-testid="form-publish"
                  >
                    {t('forms.builder.publish')}
                  </Button>
                </Tooltip>
              </Popconfirm>
            </>
          )}
        </Space>
      }
    >
      {conflict && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('forms.builder.conflict')}
          data-testid="version-conflict"
          action={
            <Button size="small" onClick={() => void onReload()} data-testid="version-conflict-reload">
              {t('forms.builder.reload')}
            </Button>
          }
        />
      )}
      {detail.communityId === null && !detail.canManage && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('forms.streetWideReadOnly')}
          data-testid="form-street-read-only"
        />
      )}
      <FormErrorAlert error={formError} />
      <Form<BuilderValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        disabled={readOnly}
        onValuesChange={() => {
          if (formError) clearFormError();
        }}
      >
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            {
              key: 'design',
              label: (
                <span data-testid="form-tab-design">
                  {t('forms.tabs.design')}
                  {problems.size > 0 && (
                    <Badge count={problems.size} size="small" style={{ marginInlineStart: 6 }} />
                  )}
                </span>
              ),
              forceRender: true,
              children: (
                <Row gutter={24}>
                  <Col xs={24} xl={14}>
                    <DefinitionEditor
                      form={form}
                      definition={definition}
                      problems={problems}
                      disabled={readOnly}
                    />
                  </Col>
                  <Col xs={24} xl={10}>
                    <Card
                      size="small"
                      title={t('forms.preview.title')}
                      style={{
                        position: 'sticky',
                        top: 16,
                        maxHeight: 'calc(100vh - 32px)',
                        overflow: 'auto',
                      }}
                    >
                      <FormPreview
                        title={values.title}
                        titleEn={values.titleEn}
                        description={values.description}
                        descriptionEn={values.descriptionEn}
                        definition={definition}
                        privacy={values.privacy}
                      />
                    </Card>
                  </Col>
                </Row>
              ),
            },
            {
              key: 'settings',
              label: <span data-testid="form-tab-settings">{t('forms.tabs.settings')}</span>,
              forceRender: true,
              children: <FormSettings />,
            },
            {
              key: 'versions',
              label: <span data-testid="form-tab-versions">{t('forms.tabs.versions')}</span>,
              children: (
                <Table
                  rowKey="versionNo"
                  size="small"
                  pagination={false}
                  columns={versionColumns}
                  dataSource={[...detail.versions].sort((a, b) => b.versionNo - a.versionNo)}
                  locale={{ emptyText: t('forms.versions.empty') }}
                  data-testid="form-versions"
                />
              ),
            },
            {
              key: 'share',
              label: <span data-testid="form-tab-share">{t('forms.tabs.share')}</span>,
              disabled: detail.status !== 'published',
              children: detail.status === 'published' && <SharePanel detail={detail} />,
            },
            ...(detail.mode === 'chain'
              ? [
                  {
                    key: 'chain',
                    label: <span data-testid="form-tab-chain">{t('forms.tabs.chain')}</span>,
                    disabled: detail.currentVersionNo === null,
                    children: <ChainPanel detail={detail} active={tab === 'chain'} />,
                  },
                ]
              : []),
          ]}
        />
      </Form>
      {!readOnly && detail.status === 'draft' && (
        <Flex justify="flex-end">
          <Typography.Text type="secondary">{t('forms.builder.draftHint')}</Typography.Text>
        </Flex>
      )}
    </Card>
  );
}
