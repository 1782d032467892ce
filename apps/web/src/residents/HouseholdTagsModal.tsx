import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { HOUSEHOLD_TAG_CODES, HOUSEHOLD_TAGS, Household, type HouseholdTagCode } from '@linli/shared';
import { Alert, App, Button, DatePicker, Form, Input, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { usePermission } from '../auth/session';
import { useLocale } from '../i18n/useLocale';
import { useSetHouseholdTags } from './residents.api';

interface TagRow {
  code?: HouseholdTagCode;
  since?: Dayjs | null;
  source?: string | null;
}

const rowsOf = (household: Household): TagRow[] =>
  household.tags.map((tag) => ({
    code: tag.code,
    since: tag.since ? dayjs(tag.since) : null,
    source: tag.source,
  }));

export function householdTagLabel(code: HouseholdTagCode, locale: string) {
  return locale === 'en-US' ? HOUSEHOLD_TAGS[code].en : HOUSEHOLD_TAGS[code].zh;
}

/** A household's tags as a whole, each with since when and on whose word. */
export function HouseholdTagsModal({
  household: initial,
  onClose,
}: {
  household: Household;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const canSensitive = usePermission('resident.read_sensitive');
  const [household, setHousehold] = useState(initial);
  const [form] = Form.useForm<{ tags: TagRow[] }>();
  const save = useSetHouseholdTags();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  const options = HOUSEHOLD_TAG_CODES.filter((code) => canSensitive || !HOUSEHOLD_TAGS[code].sensitive).map(
    (code) => ({ value: code, label: householdTagLabel(code, locale) }),
  );

  const submit = (values: { tags: TagRow[] }) => {
    clearFormError();
    const seen = new Set<string>();
    const tags = (values.tags ?? [])
      .filter((row): row is TagRow & { code: HouseholdTagCode } => Boolean(row.code))
      .filter((row) => !seen.has(row.code) && Boolean(seen.add(row.code)))
      .map((row) => ({
        code: row.code,
        since: row.since ? row.since.format('YYYY-MM-DD') : null,
        source: row.source?.trim() ? row.source.trim() : null,
      }));
    save.mutate(
      { id: household.id, version: household.version, tags },
      {
        onSuccess: () => {
          void message.success(t('register.household.saved'));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = Household.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    setHousehold(latest.data);
    form.setFieldsValue({ tags: rowsOf(latest.data) });
    clearFormError();
  };

  return (
    <FormModal
      title={t('register.household.tagsTitle', { name: household.headName ?? household.address })}
      testId="household-tags-form"
      submitting={save.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      {!canSensitive && (
        <Alert
          type="info"
          showIcon
          title={t('register.household.sensitiveHint')}
          style={{ marginBottom: 12 }}
        />
      )}
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form form={form} layout="vertical" initialValues={{ tags: rowsOf(household) }} onFinish={submit}>
        <Form.List name="tags">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Space key={field.key} align="baseline" wrap data-testid="household-tag-row">
                  <Form.Item
                    name={[field.name, 'code']}
                    rules={[{ required: true, message: t('validation.required') }]}
                  >
                    <Select
                      style={{ width: 160 }}
                      options={options}
                      placeholder={t('register.household.tags')}
                      data-testid="household-tag-code"
                    />
                  </Form.Item>
                  <Form.Item name={[field.name, 'since']}>
                    <DatePicker
                      placeholder={t('register.household.since')}
                      disabledDate={(day) => day.isAfter(dayjs(), 'day')}
                    />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'source']}
                    rules={[{ max: 100, message: t('validation.maxLength', { max: 100 }) }]}
                  >
                    <Input maxLength={100} placeholder={t('register.household.sourcePlaceholder')} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(field.name)} aria-label={t('common.remove')} />
                </Space>
              ))}
              <Button
                type="dashed"
                onClick={() => add({})}
                icon={<PlusOutlined />}
                block
                data-testid="household-tag-add"
              >
                {t('register.household.addTag')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </FormModal>
  );
}
