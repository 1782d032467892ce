import type { AuditEntry } from '@linli/shared';
import { Descriptions, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { auditValue, fieldLabel } from './auditLabels';

interface ChangeRow {
  field: string;
  from: unknown;
  to: unknown;
}

/** The expanded row: each changed field with its old and new value, then the stated reason and request. */
export function AuditChanges({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const rows: ChangeRow[] = Object.entries(entry.changes ?? {}).map(([field, change]) => ({
    field,
    from: change.from,
    to: change.to,
  }));
  const columns: TableColumnsType<ChangeRow> = [
    { key: 'field', title: t('audit.fields.field'), render: (_, row) => fieldLabel(t, row.field) },
    {
      key: 'from',
      title: t('audit.fields.from'),
      render: (_, row) => auditValue(t, entry.entityType, row.field, row.from),
    },
    {
      key: 'to',
      title: t('audit.fields.to'),
      render: (_, row) => auditValue(t, entry.entityType, row.field, row.to),
    },
  ];
  return (
    <div data-testid="audit-changes">
      {rows.length > 0 && (
        <Table<ChangeRow>
          rowKey="field"
          size="small"
          columns={columns}
          dataSource={rows}
          pagination={false}
        />
      )}
      <Descriptions
        size="small"
        column={1}
        style={{ marginTop: rows.length > 0 ? 12 : 0 }}
        items={[
          ...(entry.reason
            ? [{ key: 'reason', label: t('audit.fields.reason'), children: entry.reason }]
            : []),
          ...(entry.requestId
            ? [{ key: 'request', label: t('audit.fields.requestId'), children: entry.requestId }]
            : []),
          ...(entry.userAgent
            ? [{ key: 'agent', label: t('audit.fields.userAgent'), children: entry.userAgent }]
            : []),
        ]}
      />
    </div>
  );
}
