import type { Locale } from '@linli/shared';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import './types';
import { enUS } from './en-US';
import { zhCN } from './zh-CN';

dayjs.extend(utc);
dayjs.extend(timezone);

const STORAGE_KEY = 'linli.locale';
const DAYJS_LOCALES: Record<Locale, string> = { 'zh-CN': 'zh-cn', 'en-US': 'en' };

export function toLocale(language: string | undefined): Locale {
  return language === 'en-US' ? 'en-US' : 'zh-CN';
}

function storedLocale(): Locale {
  try {
    return toLocale(localStorage.getItem(STORAGE_KEY) ?? undefined);
  } catch {
    return 'zh-CN';
  }
}

export const i18n = i18next.createInstance();

function applyLocale(locale: Locale): void {
  dayjs.locale(DAYJS_LOCALES[locale]);
  document.documentElement.lang = locale;
}

i18n.on('languageChanged', (language) => applyLocale(toLocale(language)));

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
  lng: storedLocale(),
  fallbackLng: 'zh-CN',
  supportedLngs: ['zh-CN', 'en-US'],
  interpolation: { escapeValue: false },
  initAsync: false,
});

export function currentLocale(): Locale {
  return toLocale(i18n.language);
}

export function changeLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode without storage: the choice lasts for this page only.
  }
  void i18n.changeLanguage(locale);
}
