import { FIELD_MESSAGES, type FieldMessageKey, type Locale } from '@linli/shared';
import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import type { $ZodIssue } from 'zod/v4/core';

/** Marks the validation results our compiler produced, so the error handler can localise them. */
const ISSUE = Symbol.for('linli.zodIssue');

type ValidationEntry = {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  message: string;
  params: { [ISSUE]: $ZodIssue };
};

/**
 * Parses with the shared Zod schemas. The input is kept on the issue only to let the localised
 * message say what was received; it never reaches the response.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data, { reportInput: true });
    if (result.success) return { value: result.data };
    const entries: ValidationEntry[] = result.error.issues.map((issue) => ({
      keyword: issue.code,
      instancePath: `/${issue.path.join('/')}`,
      schemaPath: '',
      message: issue.message,
      params: { [ISSUE]: issue as $ZodIssue },
    }));
    return { error: entries as never };
  };

const zodLocales = { 'zh-CN': z.locales.zhCN(), 'en-US': z.locales.en() };

export type FieldIssue = { path: string; code: string; message: string };

export function issuesOf(validation: unknown[], locale: Locale): FieldIssue[] | null {
  const issues: FieldIssue[] = [];
  for (const entry of validation) {
    const issue = (entry as Partial<ValidationEntry>).params?.[ISSUE];
    if (!issue) return null;
    issues.push({ path: issue.path.join('.'), code: issue.code, message: localise(issue, locale) });
  }
  return issues;
}

function localise(issue: $ZodIssue, locale: Locale): string {
  const custom = FIELD_MESSAGES[issue.message as FieldMessageKey];
  if (custom) return locale === 'en-US' ? custom.en : custom.zh;
  const missing =
    (issue.code === 'invalid_type' && issue.input === undefined) ||
    (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) === 1);
  if (missing) return locale === 'en-US' ? 'Required' : '此项必填';
  if (issue.code === 'unrecognized_keys') {
    return locale === 'en-US'
      ? `Unknown field(s): ${issue.keys.join(', ')}`
      : `不认识的字段：${issue.keys.join('、')}`;
  }
  const message = zodLocales[locale].localeError?.(issue as never);
  if (typeof message === 'string') return message;
  if (message && typeof message === 'object' && 'message' in message) return String(message.message);
  return issue.message;
}

/** Messages for errors a service raises against one field (a duplicate name, a wrong password). */
export function localiseServiceIssue(issue: { path: string; code: string }, locale: Locale): FieldIssue {
  const messages: Record<string, { zh: string; en: string }> = {
    duplicate: { zh: '已存在同名记录', en: 'This name is already used' },
    wrong_password: { zh: '当前密码不正确', en: 'The current password is wrong' },
    too_small: { zh: '时间必须晚于现在', en: 'Must be in the future' },
    invalid_format: { zh: '格式不正确', en: 'Not in the expected format' },
    emergency_contact_required: {
      zh: '独居老人须登记紧急联系人',
      en: 'A resident 60+ living alone needs an emergency contact',
    },
    invalid_other: {
      zh: '对方须是本街道内你可查看的居民',
      en: 'The other person must be a resident of this street you can see',
    },
  };
  const m = messages[issue.code] ?? FIELD_MESSAGES[issue.code as FieldMessageKey];
  return { ...issue, message: m ? (locale === 'en-US' ? m.en : m.zh) : issue.code };
}
