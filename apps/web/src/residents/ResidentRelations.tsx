import { PlusOutlined } from '@ant-design/icons';
import { RELATION_KINDS, type Resident, type ResidentRelation } from '@linli/shared';
import { App, Button, Card, Form, Input, List, Popconfirm, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { fieldMessage } from '../i18n/fieldMessage';
import { useLocale } from '../i18n/useLocale';
import { MOBILE_PHONE } from './residentRules';
import { useCreateRelation, useEndRelation, useRelations, useResidentSearch } from './residents.api';

export function RelationsCard({ resident }: { resident: Resident }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const relations = useRelations(resident.id);
  const end = useEndRelation();
  const [adding, setAdding] = useState(false);
  const canWrite = resident.status === 'active';
  return (
    <Card
      title={t('register.relations.title')}
      size="small"
      data-testid="resident-relations"
      extra={
        canWrite && (
          <Button
            size="small"
            icon={<PlusOutlined />}
            onClick={() => setAdding(true)}
            data-testid="relation-add"
          >
            {t('register.relations.add')}
          </Button>
        )
      }
    >
      {relations.isError ? (
        <QueryErrorResult error={relations.error} onRetry={() => void relations.refetch()} />
      ) : (
        <List
          loading={relations.isPending}
          dataSource={relations.data?.items ?? []}
          locale={{ emptyText: t('register.relations.empty') }}
          renderItem={(relation) => (
            <List.Item
              data-testid="relation-item"
              data-side={relation.side}
              actions={
                canWrite
                  ? [
                      <Popconfirm
                        key="end"
                        title={t('register.relations.endConfirm')}
                        onConfirm={() =>
                          end.mutate(
                            { residentId: resident.id, relationId: relation.id },
                            { onSuccess: () => void message.success(t('register.relations.ended')) },
                          )
                        }
                      >
                        <Button size="small" type="link" danger data-testid="relation-end">
                          {t('register.relations.end')}
                        </Button>
                      </Popconfirm>,
                    ]
                  : []
              }
            >
              <Space wrap size={4}>
                <RelationText relation={relation} />
                {relation.otherPhoneMasked && (
                  <Typography.Text type="secondary">{relation.otherPhoneMasked}</Typography.Text>
                )}
                {relation.note && <Typography.Text type="secondary">· {relation.note}</Typography.Text>}
              </Space>
            </List.Item>
          )}
        />
      )}
      {adding && <AddRelationModal resident={resident} onClose={() => setAdding(false)} />}
    </Card>
  );
}

/** "张三 is the carer of 李四", read from the page's side: the same relation shows on both residents. */
function RelationText({ relation }: { relation: ResidentRelation }) {
  const { t } = useTranslation();
  const kind = t(`register.relationKind.${relation.kind}`);
  if (relation.side === 'subject') {
    return (
      <Space size={4} wrap>
        {relation.otherResidentId ? (
          <Link to={`/residents/${relation.otherResidentId}`}>{relation.otherName}</Link>
        ) : (
          <Typography.Text strong>{relation.otherName}</Typography.Text>
        )}
        <span>{t('register.relations.subjectSuffix', { kind })}</span>
      </Space>
    );
  }
  const suffix = t('register.relations.otherSuffix', { kind });
  return (
    <Space size={4} wrap>
      <span>{t('register.relations.otherPrefix', { kind })}</span>
      <Link to={`/residents/${relation.residentId}`}>{relation.residentName}</Link>
      {suffix && <span>{suffix}</span>}
    </Space>
  );
}

interface RelationValues {
  kind: ResidentRelation['kind'];
  mode: 'register' | 'outside';
  otherResidentId?: string;
  otherName?: string;
  otherPhone?: string;
  note?: string;
}

function AddRelationModal({ resident, onClose }: { resident: Resident; onClose: () => void }) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [form] = Form.useForm<RelationValues>();
  const mode = Form.useWatch('mode', form) ?? 'register';
  const [query, setQuery] = useState('');
  const search = useResidentSearch({ q: query.trim() || undefined });
  const create = useCreateRelation();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  const candidates = (search.data?.pages.flatMap((p) => p.items) ?? []).filter((r) => r.id !== resident.id);

  const submit = (values: RelationValues) => {
    clearFormError();
    const text = (v?: string) => (v?.trim() ? v.trim() : null);
    create.mutate(
      {
        residentId: resident.id,
        kind: values.kind,
        note: text(values.note),
        ...(values.mode === 'register'
          ? { otherResidentId: values.otherResidentId ?? null }
          : { otherName: text(values.otherName), otherPhone: text(values.otherPhone) }),
      },
      {
        onSuccess: () => {
          void message.success(t('register.relations.added'));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  return (
    <FormModal
      title={t('register.relations.addTitle', { name: resident.name })}
      testId="relation-form"
      submitting={create.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ kind: 'carer', mode: 'register' }}
        onFinish={submit}
      >
        <Form.Item name="kind" label={t('register.fields.relation')} rules={[{ required: true }]}>
          <Select
            options={RELATION_KINDS.map((kind) => ({
              value: kind,
              label: t(`register.relationKind.${kind}`),
            }))}
            data-testid="relation-kind"
          />
        </Form.Item>
        <Form.Item name="mode">
          <Radio.Group
            options={[
              { value: 'register', label: t('register.relations.inRegister') },
              { value: 'outside', label: t('register.relations.outside') },
            ]}
          />
        </Form.Item>
        {mode === 'register' ? (
          <Form.Item
            name="otherResidentId"
            label={t('register.relations.inRegister')}
            rules={[{ required: true, message: t('validation.required') }]}
          >
            <Select
              showSearch={{ filterOption: false, onSearch: setQuery }}
              placeholder={t('register.relations.searchResident')}
              loading={search.isFetching}
              options={candidates.map((r) => ({ value: r.id, label: `${r.name} · ${r.address}` }))}
              data-testid="relation-other-resident"
            />
          </Form.Item>
        ) : (
          <>
            <Form.Item
              name="otherName"
              label={t('register.relations.otherName')}
              rules={[
                { required: true, whitespace: true, message: t('validation.required') },
                { max: 50, message: t('validation.maxLength', { max: 50 }) },
              ]}
            >
              <Input maxLength={50} data-testid="relation-other-name" />
            </Form.Item>
            <Form.Item
              name="otherPhone"
              label={t('register.relations.otherPhone')}
              rules={[{ pattern: MOBILE_PHONE, message: fieldMessage('phone', locale) }]}
            >
              <Input inputMode="tel" maxLength={11} autoComplete="off" />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="note"
          label={t('register.relations.note')}
          rules={[{ max: 200, message: t('validation.maxLength', { max: 200 }) }]}
        >
          <Input maxLength={200} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
