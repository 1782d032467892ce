import { App } from 'antd';
import { useCallback } from 'react';
import { errorText } from './errors';

/** For actions outside a form (archive, revoke…): a toast with the server's message. */
export function useNotifyError() {
  const { message } = App.useApp();
  return useCallback((error: unknown) => void message.error(errorText(error)), [message]);
}
