import { useTranslation } from 'react-i18next';
import { changeLocale, toLocale } from './i18n';

export function useLocale() {
  const { i18n } = useTranslation();
  return { locale: toLocale(i18n.language), setLocale: changeLocale };
}
