import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText, isVersionConflict } from './errors';

interface FormErrorAlertProps {
  error: unknown;
  /** Offered on a version conflict: replace the form's content with the row as it is now. */
  onReloadLatest?: () => void;
}

export function FormErrorAlert({ error, onReloadLatest }: FormErrorAlertProps) {
  const { t } = useTranslation();
  if (!error) return null;
  if (isVersionConflict(error)) {
    return (
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title={errorText(error)}
        data-testid="version-conflict"
        action={
          onReloadLatest && (
            <Button size="small" onClick={onReloadLatest} data-testid="version-conflict-reload">
              {t('common.reloadLatest')}
            </Button>
          )
        }
      />
    );
  }
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={errorText(error)}
      data-testid="form-error"
    />
  );
}
