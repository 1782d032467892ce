import type { Locale } from '@linli/shared';
import type { FormRule } from 'antd';
import { fieldMessage } from '../i18n/fieldMessage';

/** Mirrors the shared `RoomNumber` schema. */
export function roomNumberRules(locale: Locale): FormRule[] {
  const message = fieldMessage('room_number', locale);
  return [
    { required: true, whitespace: true, message },
    { pattern: /^\s*[0-9A-Za-z-]{1,10}\s*$/, message },
  ];
}

export const FLOOR_MIN = -5;
export const FLOOR_MAX = 99;
