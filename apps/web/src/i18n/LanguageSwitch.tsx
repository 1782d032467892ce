import { LOCALES, type Locale } from '@linli/shared';
import { Segmented } from 'antd';
import { useLocale } from './useLocale';

/** Each language is named in itself, so it can be found whichever one is showing. */
export const LANGUAGE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', 'en-US': 'English' };

export function LanguageSwitch() {
  const { locale, setLocale } = useLocale();
  return (
    <Segmented<Locale>
      data-testid="language-switch"
      value={locale}
      onChange={setLocale}
      options={LOCALES.map((value) => ({
        value,
        label: <span data-testid={`language-${value}`}>{LANGUAGE_NAMES[value]}</span>,
      }))}
    />
  );
}
