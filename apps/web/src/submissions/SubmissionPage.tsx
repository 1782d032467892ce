import { EyeOutlined } from '@ant-design/icons';
import type { Answers } from '@linli/shared';
import {
  App,
  Breadcrumb,
  Button,
  Card,
  Descriptions,
  Empty,
  Flex,
  Form,
  Input,
  Space,
  Spin,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useNotifyError } from '../api/useNotifyError';
import { FormModal } from '../app/FormModal';
import { usePermission } from '../auth/session';
import { formatDateTime } from '../i18n/format';
import { useLocale } from '../i18n/useLocale';
import { ApplyPanel } from './ApplyPanel';
import { answerText, fieldLabel } from './answerText';
import { RejectModal } from './RejectModal';
import { SubmissionStatusTag } from './SubmissionStatusTag';
import {
  type SubmissionDetailItem,
  useMarkSubmission,
  useRevealSubmission,
  useSubmission,
} from './submissions.api';

export function SubmissionPage() {
  const { submissionId = '' } = useParams();
  const submission = useSubmission(submissionId);
  if (submission.isPending) return <Spin size="large" />;
  if (submission.isError)
    return <QueryErrorResult error={submission.error} onRetry={() => void submission.refetch()} />;
  // Keyed by id: clear values revealed for one answer never carry over to the next.
  return <SubmissionView key={submission.data.id} submission={submission.data} />;
}

function SubmissionView({ submission: s }: { submission: SubmissionDetailItem }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const notifyError = useNotifyError();
  const mayHandle = usePermission('form.apply');
  const mayReveal = usePermission('resident.reveal');
  const mayWrite = usePermission('resident.write');
  const mayApply = mayHandle && mayWrite;
  const mark = useMarkSubmission(s.id);
  const [dialog, setDialog] = useState<'reject' | 'reveal' | null>(null);
  // Clear values live in this component only: gone when the page is left.
  const [revealed, setRevealed] = useState<Answers>({});
  const waiting = s.status === 'new' || s.status === 'reviewed';

  const markReviewed = () =>
    mark.mutate(
      { status: 'reviewed', version: s.version },
      { onSuccess: () => void message.success(t('submissions.detail.marked')), onError: notifyError },
    );

  return (
    <Flex vertical gap={16}>
      <Breadcrumb
        items={[{ title: <Link to="/submissions">{t('nav.submissions')}</Link> }, { title: s.reference }]}
      />
      <Card
        title={
          <Space wrap>
            <span>
              {s.formTitle} {t('submissions.versionNo', { n: s.versionNo })}
            </span>
            <SubmissionStatusTag status={s.status} />
          </Space>
        }
        extra={
          <Space wrap>
            {mayReveal && s.maskedKeys.length > 0 && Object.keys(revealed).length === 0 && (
              <Button
                icon={<EyeOutlined />}
                onClick={() => setDialog('reveal')}
                data-testid="submission-reveal"
              >
                {t('submissions.detail.reveal')}
              </Button>
            )}
            {mayHandle && (s.status === 'new' || s.status === 'rejected') && (
              <Button loading={mark.isPending} onClick={markReviewed} data-testid="submission-mark-reviewed">
                {t('submissions.markReviewed')}
              </Button>
            )}
            {mayHandle && waiting && (
              <Button danger onClick={() => setDialog('reject')} data-testid="submission-reject-one">
                {t('submissions.reject')}
              </Button>
            )}
          </Space>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            { key: 'reference', label: t('submissions.columns.reference'), children: s.reference },
            {
              key: 'submittedAt',
              label: t('submissions.columns.submittedAt'),
              children: formatDateTime(s.submittedAt),
            },
            { key: 'place', label: t('submissions.columns.place'), children: s.place ?? '' },
            ...(s.rejectReason && s.status === 'rejected'
              ? [{ key: 'reject', label: t('submissions.rejectReason'), children: s.rejectReason }]
              : []),
            ...(s.appliedResidentId
              ? [
                  {
                    key: 'applied',
                    label: t('submissions.detail.appliedTo'),
                    children: (
                      <Space wrap>
                        <Link
                          to={`/residents/${s.appliedResidentId}`}
                          data-testid="submission-applied-resident"
                        >
                          {t('submissions.diff.openResident')}
                        </Link>
                        <Typography.Text type="secondary">
                          {[s.appliedByName, formatDateTime(s.appliedAt)].filter(Boolean).join(' · ')}
                        </Typography.Text>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Card title={t('submissions.detail.answers')} size="small" data-testid="submission-answers">
        {Object.keys(revealed).length > 0 && (
          <Typography.Paragraph type="warning">{t('submissions.detail.revealedNote')}</Typography.Paragraph>
        )}
        {s.definition.sections.map((section) => (
          <Descriptions
            key={section.fields.map((f) => f.key).join(',') || section.title}
            title={section.title || undefined}
            size="small"
            bordered
            column={1}
            style={{ marginBottom: 16 }}
            items={section.fields
              .filter((f) => f.type !== 'info')
              .map((f) => {
                const value = revealed[f.key] ?? s.answers[f.key];
                return {
                  key: f.key,
                  label: fieldLabel(f, locale),
                  children:
                    value === undefined ? (
                      <Typography.Text type="secondary">
                        {t('submissions.detail.notAnswered')}
                      </Typography.Text>
                    ) : (
                      <span data-testid={`answer-${f.key}`} className={f.sensitive ? 'tabular' : undefined}>
                        {answerText(f, value, t, locale)}
                      </span>
                    ),
                };
              })}
          />
        ))}
      </Card>
      {mayApply && waiting ? (
        <ApplyPanel submission={s} />
      ) : (
        !s.appliedResidentId &&
        waiting && (
          <Card size="small">
            <Empty description={t('submissions.match.noPermission')} />
          </Card>
        )
      )}
      {dialog === 'reject' && (
        <RejectModal
          count={1}
          onReject={(reason) => mark.mutateAsync({ status: 'rejected', reason, version: s.version })}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'reveal' && (
        <RevealAnswersModal id={s.id} onRevealed={setRevealed} onClose={() => setDialog(null)} />
      )}
    </Flex>
  );
}

/** Asks why before showing clear phones and ID numbers: the server records every reveal with its reason. */
function RevealAnswersModal({
  id,
  onRevealed,
  onClose,
}: {
  id: string;
  onRevealed: (answers: Answers) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const reveal = useRevealSubmission(id);
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  return (
    <FormModal
      title={t('submissions.detail.revealTitle')}
      testId="submission-reveal-form"
      submitting={reveal.isPending}
      submitText={t('submissions.detail.reveal')}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">{t('submissions.detail.revealHint')}</Typography.Paragraph>
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ reason: '' }}
        onFinish={({ reason }) => {
          clearFormError();
          reveal.mutate(reason.trim(), {
            onSuccess: (result) => {
              onRevealed(result.answers as Answers);
              onClose();
            },
            onError: handleError,
          });
        }}
      >
        <Form.Item
          name="reason"
          label={t('submissions.detail.revealReason')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ]}
        >
          <Input.TextArea rows={2} maxLength={200} data-testid="submission-reveal-reason" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
