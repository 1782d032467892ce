import type { RegisterTarget, SubmissionCandidate } from '@linli/shared';
import {
  App,
  Button,
  Card,
  Checkbox,
  Empty,
  Flex,
  List,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { QueryErrorResult } from '../api/QueryErrorResult';
import {
  type SubmissionDetailItem,
  type SubmissionDiffItem,
  useApplySubmission,
  useCandidates,
  useSubmissionDiff,
} from './submissions.api';

type Choice = { kind: 'resident'; id: string } | { kind: 'create' };
type Row = SubmissionDiffItem['rows'][number];

const STRENGTH_COLOURS = { strong: 'red', medium: 'orange', weak: 'default' } as const;
const STATE_COLOURS = { same: 'default', changed: 'orange', new: 'blue' } as const;

/** The targets a field error names (`resident.phone`), from a failed apply. */
function failedTargets(error: unknown): Set<string> {
  if (!(error instanceof ApiError)) return new Set();
  const details = error.details as { issues?: { path?: unknown }[] } | undefined;
  return new Set((details?.issues ?? []).map((i) => String(i.path ?? '')));
}

/** Another answered dwelling for a resident of the register is applied as a move (迁居) into a new household. */
function isMove(row: Row, residentId: string | null): boolean {
  return (
    residentId !== null && row.target === 'household.dwelling' && row.state === 'changed' && row.applicable
  );
}

/** Candidates from the register, the field-by-field diff against the one chosen, and applying it. */
export function ApplyPanel({ submission }: { submission: SubmissionDetailItem }) {
  const { t } = useTranslation();
  const candidates = useCandidates(submission.id, true);
  const [choice, setChoice] = useState<Choice | null>(null);
  const first = candidates.data?.items[0];
  // The strongest candidate is compared first; with none, a new resident is the only way in.
  useEffect(() => {
    if (choice || !candidates.data) return;
    setChoice(first ? { kind: 'resident', id: first.residentId } : { kind: 'create' });
  }, [candidates.data, choice, first]);

  return (
    <Card title={t('submissions.match.title')} size="small" data-testid="submission-candidates">
      {candidates.isError ? (
        <QueryErrorResult error={candidates.error} onRetry={() => void candidates.refetch()} />
      ) : (
        <List<SubmissionCandidate>
          loading={candidates.isPending}
          dataSource={candidates.data?.items ?? []}
          locale={{ emptyText: t('submissions.match.none') }}
          renderItem={(c) => (
            <List.Item
              data-testid="submission-candidate"
              actions={[
                <Button
                  key="compare"
                  size="small"
                  type={choice?.kind === 'resident' && choice.id === c.residentId ? 'primary' : 'default'}
                  onClick={() => setChoice({ kind: 'resident', id: c.residentId })}
                  data-testid="submission-candidate-compare"
                >
                  {t('submissions.match.compare')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{c.name}</span>
                    <Tag color={STRENGTH_COLOURS[c.strength]}>
                      {t(`submissions.match.strength.${c.strength}`)}
                    </Tag>
                    {c.reasons.map((r) => (
                      <Tag key={r}>{t(`submissions.match.reason.${r}`)}</Tag>
                    ))}
                  </Space>
                }
                description={[
                  c.address,
                  c.phoneMasked,
                  c.idNumberMasked,
                  c.age === null ? null : t('submissions.match.age', { age: c.age }),
                ]
                  .filter(Boolean)
                  .join(' · ')}
              />
            </List.Item>
          )}
        />
      )}
      <Flex justify="end" style={{ margin: '8px 0 16px' }}>
        <Button
          type={choice?.kind === 'create' ? 'primary' : 'default'}
          onClick={() => setChoice({ kind: 'create' })}
          data-testid="submission-create-new"
        >
          {t('submissions.match.createNew')}
        </Button>
      </Flex>
      {choice && (
        <DiffTable
          key={choice.kind === 'create' ? 'create' : choice.id}
          submission={submission}
          residentId={choice.kind === 'resident' ? choice.id : null}
        />
      )}
    </Card>
  );
}

function DiffTable({
  submission,
  residentId,
}: {
  submission: SubmissionDetailItem;
  residentId: string | null;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const diff = useSubmissionDiff(submission.id, residentId, true);
  const apply = useApplySubmission(submission.id);
  const rows = diff.data?.rows ?? [];
  const proposals = useMemo(
    () => rows.filter((r) => r.applicable && (residentId === null || r.state !== 'same')),
    [rows, residentId],
  );
  const [picked, setPicked] = useState<Set<RegisterTarget> | null>(null);
  // By default everything that would change is taken; the worker unticks what to leave.
  const chosen = picked ?? new Set(proposals.map((r) => r.target));
  const failed = failedTargets(apply.error);

  const toggle = (target: RegisterTarget, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(target);
    else next.delete(target);
    setPicked(next);
  };

  const submit = () =>
    apply.mutate(
      residentId
        ? {
            version: submission.version,
            residentId,
            residentVersion: diff.data?.residentVersion ?? undefined,
            fields: [...chosen],
          }
        : { version: submission.version, create: true, fields: [...chosen] },
      {
        onSuccess: (result) => {
          void message.success(t(residentId ? 'submissions.diff.applied' : 'submissions.diff.created'));
          navigate(`/residents/${result.residentId}`);
        },
      },
    );

  const columns: TableColumnsType<Row> = [
    {
      key: 'pick',
      width: 48,
      render: (_, r) => (
        <Checkbox
          checked={chosen.has(r.target)}
          disabled={!r.applicable || (residentId !== null && r.state === 'same')}
          onChange={(event) => toggle(r.target, event.target.checked)}
          data-testid={`diff-pick-${r.target}`}
        />
      ),
    },
    {
      key: 'target',
      title: t('submissions.diff.field'),
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text type={failed.has(r.target) ? 'danger' : undefined}>
            {t(`submissions.targets.${r.target}` as 'submissions.targets.resident.name')}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.label}
          </Typography.Text>
        </Space>
      ),
    },
    ...(residentId
      ? [
          {
            key: 'current',
            title: t('submissions.diff.current'),
            render: (_: unknown, r: Row) => <span className="tabular">{r.current ?? '—'}</span>,
          },
        ]
      : []),
    {
      key: 'proposed',
      title: t('submissions.diff.proposed'),
      render: (_, r) => (
        <span className="tabular" data-testid={`diff-proposed-${r.target}`}>
          {r.proposed}
        </span>
      ),
    },
    {
      key: 'state',
      title: t('submissions.diff.stateTitle'),
      render: (_, r) => (
        <Space wrap>
          <Tag color={STATE_COLOURS[r.state]} data-testid={`diff-state-${r.target}`} data-state={r.state}>
            {t(`submissions.diff.state.${r.state}`)}
          </Tag>
          {!r.applicable && (
            <Typography.Text type="secondary">{t('submissions.diff.notApplicable')}</Typography.Text>
          )}
          {isMove(r, residentId) && (
            <>
              <Tag color="purple" data-testid="diff-move">
                {t('submissions.diff.move')}
              </Tag>
              <Typography.Text type="secondary">{t('submissions.diff.moveHint')}</Typography.Text>
            </>
          )}
          {/* Side by side, the two lists of tags could read as one replacing the other; it only adds. */}
          {r.target === 'resident.tags' && (
            <Typography.Text type="secondary" data-testid="diff-tags-hint">
              {t('submissions.diff.tagsHint')}
            </Typography.Text>
          )}
        </Space>
      ),
    },
  ];

  if (diff.isError) return <QueryErrorResult error={diff.error} onRetry={() => void diff.refetch()} />;
  return (
    <Flex vertical gap={12} data-testid="submission-diff">
      <Typography.Title level={5} style={{ margin: 0 }}>
        {residentId
          ? t('submissions.diff.title', { name: diff.data?.residentName ?? '' })
          : t('submissions.diff.titleNew')}
      </Typography.Title>
      <FormErrorAlert error={apply.error} />
      {rows.length === 0 && !diff.isPending ? (
        <Empty description={t('submissions.diff.none')} />
      ) : (
        <Table<Row>
          rowKey="target"
          size="small"
          columns={columns}
          dataSource={rows}
          loading={diff.isPending}
          pagination={false}
          scroll={{ x: 'max-content' }}
        />
      )}
      <Flex justify="end">
        <Button
          type="primary"
          disabled={chosen.size === 0}
          loading={apply.isPending}
          onClick={submit}
          data-testid="submission-apply"
        >
          {residentId
            ? t('submissions.diff.apply', { count: chosen.size })
            : t('submissions.diff.create', { count: chosen.size })}
        </Button>
      </Flex>
    </Flex>
  );
}
