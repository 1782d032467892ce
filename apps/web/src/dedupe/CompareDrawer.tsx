import { MERGE_FIELDS, type MergeField, type Resident } from '@linli/shared';
import {
  Alert,
  App,
  Button,
  Drawer,
  Flex,
  Popconfirm,
  Radio,
  Space,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { errorText } from '../api/errors';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { formatDateTimeShort } from '../i18n/format';
import { ResidentStatusTag } from '../residents/ResidentStatusTag';
import { ResidentTagList } from '../residents/ResidentTags';
import { useComparison, useDismissPair, useMergeResidents } from './dedupe.api';
import { fieldText, followsIdNumber, type PairSide } from './mergeFields';

interface CompareDrawerProps {
  pair: { a: string; b: string } | null;
  onClose: () => void;
}

const other = (side: PairSide): PairSide => (side === 'a' ? 'b' : 'a');

interface Row {
  field: MergeField;
  a: string;
  b: string;
}

/** Both records side by side; the reviewer picks the record that stays and, per field, the value it keeps. */
export function CompareDrawer({ pair, onClose }: CompareDrawerProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const comparison = useComparison(pair);
  const merge = useMergeResidents();
  const dismiss = useDismissPair();
  const [survivor, setSurvivor] = useState<PairSide>('a');
  const [choices, setChoices] = useState<Partial<Record<MergeField, PairSide>>>({});
  const data = comparison.data;

  // A fresh comparison resets the choices to the server's defaults; the active record stays by default.
  useEffect(() => {
    if (!data) return;
    setChoices({ ...data.defaults });
    const aActive = data.a.resident.status === 'active';
    const bActive = data.b.resident.status === 'active';
    setSurvivor(aActive || !bActive ? 'a' : 'b');
  }, [data]);

  const residents: Record<PairSide, Resident> | null = data
    ? { a: data.a.resident, b: data.b.resident }
    : null;
  const idSide = choices.idNumber ?? 'a';
  const sideOf = (field: MergeField): PairSide =>
    residents && followsIdNumber(field, residents[idSide]) ? idSide : (choices[field] ?? 'a');

  const rows = useMemo<Row[]>(() => {
    if (!residents) return [];
    return MERGE_FIELDS.map((field) => ({
      field,
      a: fieldText(t, residents.a, field),
      b: fieldText(t, residents.b, field),
    })).filter((row) => row.a !== '' || row.b !== '');
  }, [residents, t]);

  const submit = () => {
    if (!residents || !pair) return;
    const merged = other(survivor);
    const body = {
      survivorId: residents[survivor].id,
      survivorVersion: residents[survivor].version,
      mergedId: residents[merged].id,
      mergedVersion: residents[merged].version,
      choices: Object.fromEntries(
        MERGE_FIELDS.map((f) => [f, sideOf(f) === survivor ? 'survivor' : 'merged'] as const),
      ),
    };
    merge.mutate(body, {
      onSuccess: () => {
        void message.success(t('dedupe.merged'));
        onClose();
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 409) void comparison.refetch();
      },
    });
  };

  const doDismiss = () => {
    if (!pair) return;
    dismiss.mutate(
      { aId: pair.a, bId: pair.b },
      {
        onSuccess: () => {
          void message.success(t('dedupe.dismissed'));
          onClose();
        },
      },
    );
  };

  const valueCell = (side: PairSide) => (_: unknown, row: Row) => {
    const locked = residents !== null && followsIdNumber(row.field, residents[idSide]);
    const differs = row.a !== row.b;
    return (
      <Radio
        checked={sideOf(row.field) === side}
        disabled={locked || (!differs && row.field !== 'health')}
        onChange={() => setChoices((c) => ({ ...c, [row.field]: side }))}
        data-testid={`choice-${row.field}-${side}`}
      >
        <span style={{ wordBreak: 'break-all' }}>{row[side] || t('dedupe.empty')}</span>
      </Radio>
    );
  };

  const sideTitle = (side: PairSide) => {
    if (!residents) return null;
    const r = residents[side];
    return (
      <Space direction="vertical" size={2}>
        <Radio
          checked={survivor === side}
          disabled={r.status !== 'active'}
          onChange={() => setSurvivor(side)}
          data-testid={`survivor-${side}`}
        >
          <Typography.Text strong>{t('dedupe.keepThis')}</Typography.Text>
        </Radio>
        <Link to={`/residents/${r.id}`} target="_blank">
          {r.name}
        </Link>
      </Space>
    );
  };

  const columns: TableColumnsType<Row> = [
    {
      key: 'field',
      title: t('dedupe.field'),
      width: 130,
      render: (_, row) => (
        <Space size={4}>
          {t(`dedupe.fields.${row.field}`)}
          {row.a !== row.b && <Tag color="orange">{t('dedupe.differs')}</Tag>}
        </Space>
      ),
    },
    { key: 'a', title: sideTitle('a'), render: valueCell('a') },
    { key: 'b', title: sideTitle('b'), render: valueCell('b') },
  ];

  const facts = (side: PairSide) => {
    if (!data || !residents) return null;
    const s = data[side];
    return (
      <Space direction="vertical" size={4} style={{ width: '100%' }}>
        <span>
          <ResidentStatusTag status={s.resident.status} /> {s.resident.address}
        </span>
        <ResidentTagList tags={s.resident.tags} />
        <Typography.Text type="secondary">
          {t('dedupe.timelineCount', { count: s.timelineCount })}
          {s.lastVerifiedAt && ` · ${t('dedupe.lastVerified')} ${formatDateTimeShort(s.lastVerifiedAt)}`}
        </Typography.Text>
      </Space>
    );
  };

  return (
    <Drawer
      open={pair !== null}
      onClose={onClose}
      width={860}
      title={t('dedupe.compareTitle')}
      destroyOnHidden
      extra={
        <Space>
          <Popconfirm title={t('dedupe.dismissConfirm')} onConfirm={doDismiss}>
            <Button loading={dismiss.isPending} disabled={!data} data-testid="dedupe-dismiss">
              {t('dedupe.dismiss')}
            </Button>
          </Popconfirm>
          <Popconfirm
            title={t('dedupe.mergeConfirmTitle')}
            description={
              residents &&
              t('dedupe.mergeConfirm', {
                merged: residents[other(survivor)].name,
                survivor: residents[survivor].name,
              })
            }
            onConfirm={submit}
          >
            <Button
              type="primary"
              loading={merge.isPending}
              disabled={!data || residents?.[survivor].status !== 'active'}
              data-testid="dedupe-merge"
            >
              {t('dedupe.merge')}
            </Button>
          </Popconfirm>
        </Space>
      }
    >
      {comparison.isError ? (
        <QueryErrorResult error={comparison.error} onRetry={() => void comparison.refetch()} />
      ) : (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          {data && data.reasons.length > 0 && (
            <Space size={4} wrap>
              {data.reasons.map((r) => (
                <Tag key={r} color="blue">
                  {t(`dedupe.reason.${r}`)}
                </Tag>
              ))}
            </Space>
          )}
          {(merge.error || dismiss.error) && (
            <Alert type="error" showIcon message={errorText(merge.error ?? dismiss.error)} />
          )}
          <Flex gap={16}>
            <div style={{ flex: 1 }}>{facts('a')}</div>
            <div style={{ flex: 1 }}>{facts('b')}</div>
          </Flex>
          <Typography.Text type="secondary">{t('dedupe.mergeHint')}</Typography.Text>
          <Table<Row>
            rowKey="field"
            size="small"
            columns={columns}
            dataSource={rows}
            loading={comparison.isPending}
            pagination={false}
            data-testid="dedupe-compare-table"
          />
        </Space>
      )}
    </Drawer>
  );
}
