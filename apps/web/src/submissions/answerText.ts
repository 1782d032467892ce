import type { SubmissionDetail } from '@linli/shared';
import type { TFunction } from 'i18next';
import type { z } from 'zod';

type Field = z.infer<typeof SubmissionDetail>['definition']['sections'][number]['fields'][number];
type Value = z.infer<typeof SubmissionDetail>['answers'][string];
type Locale = 'zh-CN' | 'en-US';

export function fieldLabel(field: Field, locale: Locale): string {
  return locale === 'en-US' && field.labelEn ? field.labelEn : field.label;
}

/** One answer as text, with the version's own option labels in the reader's language. */
export function answerText(field: Field, value: Value | undefined, t: TFunction, locale: Locale): string {
  if (value === undefined) return '';
  const option = (v: string) => {
    const o = field.options?.find((x) => x.value === v);
    return o ? (locale === 'en-US' && o.labelEn ? o.labelEn : o.label) : v;
  };
  if (Array.isArray(value)) return value.map(option).join(locale === 'en-US' ? ', ' : '、');
  if (typeof value === 'boolean') {
    if (field.type === 'consent') return value ? t('submissions.detail.agreed') : '';
    return value ? t('submissions.detail.yes') : t('submissions.detail.no');
  }
  if (typeof value === 'number') return field.unit ? `${value} ${field.unit}` : String(value);
  if (typeof value === 'string') return field.type === 'single' ? option(value) : value;
  if ('dwellingId' in value) return value.label ?? value.dwellingId;
  return t('submissions.detail.file', { name: value.name, kb: Math.ceil(value.size / 1024) });
}
