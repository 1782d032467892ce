import { EditOutlined, EyeOutlined } from '@ant-design/icons';
import { DWELLING_TYPES, DWELLING_USES, type Dwelling, DwellingProfile, SAFETY_FLAGS } from '@linli/shared';
import { App, Button, Card, Checkbox, Descriptions, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { conflictCurrent, isVersionConflict } from '../api/errors';
import { FormErrorAlert } from '../api/FormErrorAlert';
import { QueryErrorResult } from '../api/QueryErrorResult';
import { useFormServerErrors } from '../api/useFormServerErrors';
import { FormModal } from '../app/FormModal';
import { usePermission } from '../auth/session';
import { fieldMessage } from '../i18n/fieldMessage';
import { formatDateTimeShort } from '../i18n/format';
import { useLocale } from '../i18n/useLocale';
import { MOBILE_PHONE } from '../residents/residentRules';
import { useDwellingProfile, useRevealDwellingOwner, useUpdateDwellingProfile } from './areas.api';

/** Type, use, owner or landlord, safety points and who last verified them, in the household drawer. */
export function DwellingProfileCard({ dwelling, canWrite }: { dwelling: Dwelling; canWrite: boolean }) {
  const { t } = useTranslation();
  const profile = useDwellingProfile(dwelling.id);
  const canReveal = usePermission('resident.reveal');
  const [editing, setEditing] = useState(false);
  const [revealing, setRevealing] = useState(false);
  // The clear phone lives in this card only, and is dropped with it.
  const [clearPhone, setClearPhone] = useState<string | null>(null);
  const none = t('common.none');
  const p = profile.data;
  return (
    <Card
      size="small"
      title={t('register.dwelling.profile')}
      data-testid="dwelling-profile"
      loading={profile.isPending}
      extra={
        canWrite &&
        p &&
        dwelling.status === 'active' && (
          <Button
            size="small"
            icon={<EditOutlined />}
            onClick={() => setEditing(true)}
            data-testid="dwelling-profile-edit"
          >
            {t('register.dwelling.edit')}
          </Button>
        )
      }
    >
      {profile.isError ? (
        <QueryErrorResult error={profile.error} onRetry={() => void profile.refetch()} />
      ) : (
        p && (
          <Descriptions
            size="small"
            column={2}
            items={[
              {
                key: 'type',
                label: t('register.fields.type'),
                children: p.type ? t(`register.dwellingType.${p.type}`) : none,
              },
              {
                key: 'use',
                label: t('register.fields.use'),
                children: (
                  <span data-testid="dwelling-profile-use">
                    {p.use ? t(`register.dwellingUse.${p.use}`) : none}
                  </span>
                ),
              },
              { key: 'owner', label: t('register.fields.ownerName'), children: p.ownerName ?? none },
              {
                key: 'ownerPhone',
                label: t('register.fields.ownerPhone'),
                children:
                  clearPhone !== null ? (
                    <Space size={4}>
                      <Typography.Text strong copyable data-testid="dwelling-owner-phone">
                        {clearPhone}
                      </Typography.Text>
                      <Tag color="red">{t('residents.revealed')}</Tag>
                    </Space>
                  ) : (
                    <Space size={4}>
                      <span data-testid="dwelling-owner-phone">{p.ownerPhoneMasked ?? none}</span>
                      {canReveal && p.ownerPhoneMasked && (
                        <Button
                          size="small"
                          type="link"
                          icon={<EyeOutlined />}
                          onClick={() => setRevealing(true)}
                          data-testid="dwelling-owner-reveal"
                        >
                          {t('residents.reveal')}
                        </Button>
                      )}
                    </Space>
                  ),
              },
              {
                key: 'safety',
                label: t('register.fields.safetyFlags'),
                span: 2,
                children:
                  p.safetyFlags.length === 0 && !p.safetyNotes ? (
                    none
                  ) : (
                    <Space wrap size={4}>
                      {p.safetyFlags.map((flag) => (
                        <Tag key={flag} color="orange">
                          {t(`register.safetyFlag.${flag}`)}
                        </Tag>
                      ))}
                      {p.safetyNotes && <Typography.Text>{p.safetyNotes}</Typography.Text>}
                    </Space>
                  ),
              },
              ...(p.notes
                ? [{ key: 'notes', label: t('register.fields.notes'), span: 2, children: p.notes }]
                : []),
              {
                key: 'verified',
                label: t('register.dwelling.lastVerified'),
                span: 2,
                children: p.lastVerifiedAt
                  ? t('register.dwelling.verifiedBy', {
                      at: formatDateTimeShort(p.lastVerifiedAt),
                      name: p.lastVerifiedByName ?? t('audit.system'),
                    })
                  : t('register.dwelling.never'),
              },
            ]}
          />
        )
      )}
      {revealing && p && (
        <OwnerRevealModal
          profile={p}
          onRevealed={(phone) => setClearPhone(phone ?? '')}
          onClose={() => setRevealing(false)}
        />
      )}
      {editing && p && (
        <DwellingProfileModal
          profile={p}
          buildingId={dwelling.buildingId}
          onClose={() => setEditing(false)}
        />
      )}
    </Card>
  );
}

interface ProfileValues {
  type?: DwellingProfile['type'];
  use?: DwellingProfile['use'];
  ownerName?: string | null;
  ownerPhone?: string;
  clearOwnerPhone?: boolean;
  notes?: string | null;
  safetyFlags: DwellingProfile['safetyFlags'];
  safetyNotes?: string | null;
}

const valuesOf = (p: DwellingProfile): ProfileValues => ({
  type: p.type,
  use: p.use,
  ownerName: p.ownerName,
  notes: p.notes,
  safetyFlags: p.safetyFlags,
  safetyNotes: p.safetyNotes,
});

function DwellingProfileModal({
  profile: initial,
  buildingId,
  onClose,
}: {
  profile: DwellingProfile;
  buildingId: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { locale } = useLocale();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProfileValues>();
  const [profile, setProfile] = useState(initial);
  const update = useUpdateDwellingProfile(buildingId);
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  const text = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);

  const submit = (values: ProfileValues) => {
    clearFormError();
    update.mutate(
      {
        id: profile.id,
        version: profile.version,
        type: values.type ?? null,
        use: values.use ?? null,
        ownerName: text(values.ownerName),
        notes: text(values.notes),
        safetyFlags: values.safetyFlags ?? [],
        safetyNotes: text(values.safetyNotes),
        // Empty keeps the stored phone; the box deletes it.
        ...(values.clearOwnerPhone
          ? { ownerPhone: null }
          : values.ownerPhone?.trim()
            ? { ownerPhone: values.ownerPhone.trim() }
            : {}),
      },
      {
        onSuccess: () => {
          void message.success(t('register.dwelling.saved'));
          onClose();
        },
        onError: handleError,
      },
    );
  };

  const reloadLatest = () => {
    if (!isVersionConflict(formError)) return;
    const latest = DwellingProfile.safeParse(conflictCurrent(formError));
    if (!latest.success) return;
    setProfile(latest.data);
    form.resetFields();
    form.setFieldsValue(valuesOf(latest.data));
    clearFormError();
  };

  const enumOptions = <T extends string>(values: readonly T[], group: string) =>
    values.map((value) => ({ value, label: t(`${group}.${value}` as 'register.dwellingUse.rented') }));

  return (
    <FormModal
      title={t('register.dwelling.editTitle', { label: profile.label })}
      testId="dwelling-profile-form"
      submitting={update.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <FormErrorAlert error={formError} onReloadLatest={reloadLatest} />
      <Form form={form} layout="vertical" initialValues={valuesOf(profile)} onFinish={submit}>
        <Space.Compact block style={{ gap: 16 }}>
          <Form.Item name="type" label={t('register.fields.type')} style={{ flex: 1 }}>
            <Select allowClear options={enumOptions(DWELLING_TYPES, 'register.dwellingType')} />
          </Form.Item>
          <Form.Item name="use" label={t('register.fields.use')} style={{ flex: 1 }}>
            <Select
              allowClear
              options={enumOptions(DWELLING_USES, 'register.dwellingUse')}
              data-testid="dwelling-profile-use-select"
            />
          </Form.Item>
        </Space.Compact>
        <Form.Item
          name="ownerName"
          label={t('register.fields.ownerName')}
          rules={[{ max: 50, message: t('validation.maxLength', { max: 50 }) }]}
        >
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item
          name="ownerPhone"
          label={t('register.fields.ownerPhone')}
          rules={[{ pattern: MOBILE_PHONE, message: fieldMessage('phone', locale) }]}
          extra={
            <>
              <div>{t('residents.unchangedHint')}</div>
              {profile.ownerPhoneMasked && (
                <Form.Item name="clearOwnerPhone" valuePropName="checked" noStyle>
                  <Checkbox>{t('register.clearValue')}</Checkbox>
                </Form.Item>
              )}
            </>
          }
        >
          <Input
            inputMode="tel"
            maxLength={11}
            autoComplete="off"
            placeholder={profile.ownerPhoneMasked ?? undefined}
            data-testid="dwelling-profile-owner-phone"
          />
        </Form.Item>
        <Form.Item name="safetyFlags" label={t('register.fields.safetyFlags')}>
          <Checkbox.Group
            options={SAFETY_FLAGS.map((flag) => ({ value: flag, label: t(`register.safetyFlag.${flag}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="safetyNotes"
          label={t('register.fields.safetyNotes')}
          rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        <Form.Item
          name="notes"
          label={t('register.fields.notes')}
          rules={[{ max: 500, message: t('validation.maxLength', { max: 500 }) }]}
          extra={t('register.dwelling.saveHint')}
        >
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </FormModal>
  );
}

function OwnerRevealModal({
  profile,
  onRevealed,
  onClose,
}: {
  profile: DwellingProfile;
  onRevealed: (phone: string | null) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const reveal = useRevealDwellingOwner();
  const { formError, handleError, clearFormError } = useFormServerErrors(form);
  const submit = ({ reason }: { reason: string }) => {
    clearFormError();
    reveal.mutate(
      { id: profile.id, reason: reason.trim() },
      {
        onSuccess: (result) => {
          onRevealed(result.ownerPhone);
          onClose();
        },
        onError: handleError,
      },
    );
  };
  return (
    <FormModal
      title={t('register.dwelling.revealTitle', { label: profile.label })}
      testId="dwelling-owner-reveal-form"
      submitting={reveal.isPending}
      onSubmit={form.submit}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">{t('residents.revealHint')}</Typography.Paragraph>
      <FormErrorAlert error={formError} />
      <Form form={form} layout="vertical" onFinish={submit}>
        <Form.Item
          name="reason"
          label={t('residents.revealReason')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required') },
            { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ]}
        >
          <Input maxLength={200} autoFocus data-testid="dwelling-owner-reveal-reason" />
        </Form.Item>
      </Form>
    </FormModal>
  );
}
