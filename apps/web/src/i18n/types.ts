import type { zhCN } from './zh-CN';

/** The English resources must have exactly the keys of the Chinese ones. */
export type Messages<T = typeof zhCN> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zhCN };
  }
}
