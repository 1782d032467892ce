import { LEDGER_LINK_MAX_DAYS, type Ledger } from '@linli/shared';
import {
  Alert,
  Button,
  Divider,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Table,
  type TableColumnsType,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { useNotifyError } from '../api/useNotifyError';
import { type LedgerLinkItem, useCreateLink, useLedgerLinks, useRevokeLink } from './ledgers.api';

const EXPIRY_DAYS = [1, 3, 7, 14, LEDGER_LINK_MAX_DAYS] as const;
const STATUS_COLOURS = { active: 'green', expired: undefined, revoked: 'red' } as const;

interface LinkFormValues {
  days: number;
  note?: string;
}

export const sharedLinkUrl = (token: string) => `${window.location.origin}/s/${token}`;

/** Read-only links for a partner: always masked, always expiring; the link itself is shown once. */
export function ShareModal({ ledger, onClose }: { ledger: Ledger; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<LinkFormValues>();
  const links = useLedgerLinks(ledger.id, true);
  const create = useCreateLink(ledger.id);
  const revoke = useRevokeLink(ledger.id);
  const notifyError = useNotifyError();
  const [created, setCreated] = useState<string | null>(null);
  const { formError, handleError, clearFormError } = useFormServerErrors(form, {
    fieldAliases: { expiresAt: ['days'] },
  });

  const submit = (values: LinkFormValues) => {
    clearFormError();
    create.mutate(
      { expiresAt: dayjs().add(values.days, 'day').toISOString(), note: values.note?.trim() || undefined },
      {
        onSuccess: (link) => {
          setCreated(sharedLinkUrl(link.token));
          form.resetFields();
        },
        onError: handleError,
      },
    );
  };

  const columns: TableColumnsType<LedgerLinkItem> = [
    { key: 'note', title: t('ledgers.fields.note'), render: (_, link) => link.note || '—' },
    {
      key: 'status',
      title: t('ledgers.fields.linkStatus'),
      render: (_, link) => (
        <Tag color={STATUS_COLOURS[link.status]}>{t(`ledgers.linkStatus.${link.status}`)}</Tag>
      ),
    },
    {
      key: 'expiresAt',
      title: t('ledgers.fields.expiresAt'),
      render: (_, link) => dayjs(link.expiresAt).format('YYYY-MM-DD HH:mm'),
    },
    { key: 'opens', title: t('ledgers.fields.opens'), dataIndex: 'opens' },
    {
      key: 'lastOpenedAt',
      title: t('ledgers.fields.lastOpenedAt'),
      render: (_, link) => (link.lastOpenedAt ? dayjs(link.lastOpenedAt).format('YYYY-MM-DD HH:mm') : '—'),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      render: (_, link) =>
        link.status === 'active' && (
          <Popconfirm
            title={t('ledgers.revokeConfirm')}
            onConfirm={() => revoke.mutate(link.id, { onError: notifyError })}
          >
            <Button size="small" danger data-testid="ledger-link-revoke">
              {t('ledgers.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Modal
      open
      width={760}
      title={t('ledgers.shareTitle', { name: ledger.name })}
      footer={null}
      onCancel={onClose}
    >
      <div data-testid="ledger-share">
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('ledgers.shareHint')} />
        <FormErrorAlert error={formError} />
        <Form form={form} layout="inline" initialValues={{ days: 7 }} onFinish={submit}>
          <Form.Item name="days" label={t('ledgers.fields.validFor')}>
            <Select
              style={{ width: 120 }}
              options={EXPIRY_DAYS.map((d) => ({ value: d, label: t('ledgers.days', { count: d }) }))}
            />
          </Form.Item>
          <Form.Item
            name="note"
            label={t('ledgers.fields.note')}
            rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
          >
            <Input placeholder={t('ledgers.notePlaceholder')} style={{ width: 220 }} />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            loading={create.isPending}
            data-testid="ledger-link-create"
          >
            {t('ledgers.createLink')}
          </Button>
        </Form>
        {created && (
          <Alert
            type="success"
            showIcon
            style={{ marginTop: 16 }}
            title={t('ledgers.linkCreated')}
            description={
              <Typography.Paragraph
                copyable={{ text: created }}
                style={{ marginBottom: 0 }}
                data-testid="ledger-link-url"
              >
                {created}
              </Typography.Paragraph>
            }
          />
        )}
        <Divider />
        {links.isError ? (
          <QueryErrorResult error={links.error} onRetry={() => void links.refetch()} />
        ) : (
          <Table<LedgerLinkItem>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={links.data?.items ?? []}
            loading={links.isPending}
            pagination={false}
            locale={{ emptyText: t('ledgers.noLinks') }}
            data-testid="ledger-links"
          />
        )}
      </div>
    </Modal>
  );
}
