import {
  type FormAnswerIssue,
  type FormDefinition,
  fieldsOf,
  formAnswerMessage,
  type Locale,
} from '@linli/shared';
import { AppError } from '../../platform/errors';

export const formNotFound = () => new AppError('form.not_found');

/** Answer issues carry their message already in the resident's language (the phone shows it as is). */
export type AnswerIssue = { path: string; code: string; message: string };

/** Worded as the phone words them: in the field's own message where its author wrote one. */
export function answerIssues(
  issues: FormAnswerIssue[],
  locale: Locale,
  definition?: FormDefinition,
): AnswerIssue[] {
  const fields = new Map(definition ? fieldsOf(definition).map((f) => [f.key, f]) : []);
  return issues.map((i) => ({
    path: i.field,
    code: i.code,
    message: formAnswerMessage(i, locale, fields.get(i.field)),
  }));
}

export const invalidAnswer = (issues: FormAnswerIssue[], locale: Locale, definition: FormDefinition) =>
  new AppError('form.invalid_answer', {}, { issues: answerIssues(issues, locale, definition) });

export const optionFull = (field: string, option: string, locale: Locale) =>
  new AppError(
    'form.option_full',
    {},
    {
      issues: answerIssues([{ field, code: 'option_full' }], locale),
      option,
    },
  );
