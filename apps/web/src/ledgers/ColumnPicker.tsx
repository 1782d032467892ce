import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined } from '@ant-design/icons';
import { LEDGER_COLUMN_KEYS, LEDGER_SECRET_COLUMNS, type LedgerColumn } from '@linli/shared';
import { Button, Flex, List, Select, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { columnLabel } from './columnLabels';
import { moveItem } from './ledgerRules';

interface ColumnPickerProps {
  value?: LedgerColumn[];
  onChange?: (columns: LedgerColumn[]) => void;
}

/** The ledger's columns in order: add from the shared list, move up and down, remove. */
export function ColumnPicker({ value = [], onChange }: ColumnPickerProps) {
  const { t } = useTranslation();
  const remaining = LEDGER_COLUMN_KEYS.filter((c) => !value.includes(c));
  return (
    <Flex vertical gap={8} data-testid="ledger-columns">
      <List
        size="small"
        bordered
        dataSource={value}
        locale={{ emptyText: t('ledgers.noColumns') }}
        renderItem={(column, index) => (
          <List.Item
            data-testid={`ledger-column-${column}`}
            actions={[
              <Button
                key="up"
                size="small"
                type="text"
                icon={<ArrowUpOutlined />}
                aria-label={t('ledgers.moveUp')}
                disabled={index === 0}
                onClick={() => onChange?.(moveItem(value, index, -1))}
              />,
              <Button
                key="down"
                size="small"
                type="text"
                icon={<ArrowDownOutlined />}
                aria-label={t('ledgers.moveDown')}
                disabled={index === value.length - 1}
                onClick={() => onChange?.(moveItem(value, index, 1))}
              />,
              <Button
                key="remove"
                size="small"
                type="text"
                icon={<CloseOutlined />}
                aria-label={t('common.remove')}
                onClick={() => onChange?.(value.filter((c) => c !== column))}
              />,
            ]}
          >
            <Typography.Text>
              {index + 1}. {columnLabel(column)}
            </Typography.Text>
            {LEDGER_SECRET_COLUMNS.includes(column) && (
              <Tag style={{ marginLeft: 8 }}>{t('ledgers.maskedColumn')}</Tag>
            )}
          </List.Item>
        )}
      />
      {remaining.length > 0 && (
        <Select<LedgerColumn>
          value={null as unknown as LedgerColumn}
          placeholder={t('ledgers.addColumn')}
          options={remaining.map((c) => ({ value: c, label: columnLabel(c) }))}
          onChange={(column) => onChange?.([...value, column])}
          style={{ maxWidth: 240 }}
          data-testid="ledger-add-column"
        />
      )}
    </Flex>
  );
}
