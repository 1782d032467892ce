import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { ReactNode } from 'react';
import { useLocale } from '../i18n/useLocale';

/** Larger type and controls than antd's defaults: many of the people using this are past 60. */
const theme: ThemeConfig = {
  token: {
    fontSize: 16,
    controlHeight: 36,
    borderRadius: 8,
    colorPrimary: '#1668dc',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif",
  },
  components: { Menu: { itemHeight: 48 }, Table: { cellPaddingBlock: 12 } },
};

export function AppProviders({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  const { locale } = useLocale();
  return (
    <QueryClientProvider client={queryClient}>
      <ConfigProvider locale={locale === 'en-US' ? enUS : zhCN} theme={theme}>
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  );
}
