import type { SubmissionStatus } from '@linli/shared';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLOURS: Record<SubmissionStatus, string> = {
  new: 'blue',
  reviewed: 'cyan',
  applied: 'green',
  rejected: 'red',
  withdrawn: 'default',
};

export function SubmissionStatusTag({ status }: { status: SubmissionStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLOURS[status]} data-testid="submission-status" data-status={status}>
      {t(`submissions.status.${status}`)}
    </Tag>
  );
}
