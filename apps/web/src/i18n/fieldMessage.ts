import { FIELD_MESSAGES, type FieldMessageKey, type Locale } from '@linli/shared';

/** The same wording the server uses for these rules, so client and server never disagree. */
export function fieldMessage(key: FieldMessageKey, locale: Locale): string {
  const entry = FIELD_MESSAGES[key];
  return locale === 'en-US' ? entry.en : entry.zh;
}
