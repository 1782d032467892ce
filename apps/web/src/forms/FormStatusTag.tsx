import type { FormPublicState } from '@linli/shared';
import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { FormStatus } from './forms.api';

const COLORS: Record<FormStatus, string | undefined> = {
  draft: undefined,
  published: 'green',
  closed: 'orange',
  archived: 'default',
};

/**
 * The form's status, and for a published one what residents meet right now when it differs from "open"
 * (not open yet, past its closing time, every place taken).
 */
export function FormStatusTag({ status, state }: { status: FormStatus; state?: FormPublicState | null }) {
  const { t } = useTranslation();
  const live = status === 'published' && state && state !== 'open' ? state : null;
  return (
    <Space size={4}>
      <Tag color={COLORS[status]} data-testid="form-status">
        {t(`forms.status.${status}`)}
      </Tag>
      {live && (
        <Tag color="gold" data-testid="form-state">
          {t(`forms.state.${live}`)}
        </Tag>
      )}
    </Space>
  );
}
