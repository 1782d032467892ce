import type { Resident } from '@linli/shared';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLOURS: Record<Resident['status'], string> = {
  active: 'green',
  moved_out: 'default',
  deceased: 'default',
  merged: 'default',
};

export function ResidentStatusTag({ status }: { status: Resident['status'] }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLOURS[status]} data-testid="resident-status" data-status={status}>
      {t(`residentStatus.${status}`)}
    </Tag>
  );
}
