import { type FormAnswerIssue, formAnswerMessage, type Locale } from '@linli/shared';
import { AppError } from '../../platform/errors';

export const formNotFound = () => new AppError('form.not_found');

/** Answer issues carry their message already in the resident's language (the phone shows it as is). */
export type AnswerIssue = { path: string; code: string; message: string };

export function answerIssues(issues: FormAnswerIssue[], locale: Locale): AnswerIssue[] {
  return issues.map((i) => ({ path: i.field, code: i.code, message: formAnswerMessage(i, locale) }));
}

export const invalidAnswer = (issues: FormAnswerIssue[], locale: Locale) =>
  new AppError('form.invalid_answer', {}, { issues: answerIssues(issues, locale) });

export const optionFull = (field: string, option: string, locale: Locale) =>
  new AppError(
    'form.option_full',
    {},
    {
      issues: answerIssues([{ field, code: 'option_full' }], locale),
      option,
    },
  );
