import {
  FIELD_MESSAGES,
  type FieldMessageKey,
  type Locale,
  localText,
  type RegisterTarget,
} from '@linli/shared';
import type { TFunction } from 'i18next';
import { fieldMessage } from '../i18n/fieldMessage';

/** i18next reads dots as nesting, so `resident.name` is looked up as `resident_name`. */
export function registerTargetLabel(t: TFunction, target: RegisterTarget): string {
  return t(`forms.targets.${target.replace('.', '_')}` as never);
}

/** A field's or option's label in the console's language, the Chinese one when no English was given. */
export function localLabel(item: { label: string; labelEn?: string | null }, locale: string): string {
  return localText(item.label, item.labelEn, locale);
}

/**
 * A definition problem in words. The server's wording wins where the shared messages have the code,
 * so the builder and a 400 from the server say the same thing.
 */
export function problemText(t: TFunction, code: string, locale: Locale): string {
  if (Object.hasOwn(FIELD_MESSAGES, code)) return fieldMessage(code as FieldMessageKey, locale);
  return t(`forms.problems.${code}` as never);
}
