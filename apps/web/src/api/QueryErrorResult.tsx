import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from './client';
import { errorText } from './errors';

interface QueryErrorResultProps {
  error: unknown;
  onRetry?: () => void;
}

export function QueryErrorResult({ error, onRetry }: QueryErrorResultProps) {
  const { t } = useTranslation();
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Result
      status={notFound ? '404' : 'error'}
      title={notFound ? t('errors.notFoundTitle') : t('errors.loadFailed')}
      subTitle={errorText(error)}
      extra={
        onRetry && !notFound ? (
          <Button type="primary" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : null
      }
    />
  );
}
