import type { Locale } from '@linli/shared';
import type { FormRule } from 'antd';
import { fieldMessage } from '../i18n/fieldMessage';

/** Mirrors the shared `Password` schema so people see the rule before the server has to refuse. */
export function passwordRules(locale: Locale): FormRule[] {
  const message = fieldMessage('password', locale);
  // One rule, so a password that breaks several conditions shows the message once.
  const valid = (value: string) =>
    value.length >= 10 && value.length <= 128 && /[A-Za-z]/.test(value) && /\d/.test(value);
  return [
    { required: true, message },
    {
      validator: (_, value: unknown) =>
        typeof value !== 'string' || value === '' || valid(value)
          ? Promise.resolve()
          : Promise.reject(new Error(message)),
    },
  ];
}

const PASSWORD_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A temporary password people can read aloud: no 0/O or 1/l/I, always with a letter and a digit. */
export function generateTemporaryPassword(length = 12): string {
  const bytes = crypto.getRandomValues(new Uint32Array(length));
  const chars = Array.from(bytes, (n) => PASSWORD_ALPHABET[n % PASSWORD_ALPHABET.length]);
  chars[0] = 'abcdefghijkmnpqrstuvwxyz'[bytes[0]! % 24]!;
  chars[1] = '23456789'[bytes[1]! % 8]!;
  return chars.join('');
}
