import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ApiTokenWithSecret } from './tokens.api';

/** The secret exists in the browser only here: the server keeps a hash and never shows it again. */
export function TokenSecretModal({ token, onClose }: { token: ApiTokenWithSecret; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('tokens.secretTitle', { name: token.name })}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="token-secret-done">
          {t('tokens.secretSaved')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('tokens.secretOnce')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph
        code
        copyable={{ text: token.token, tooltips: [t('common.copy'), t('common.copied')] }}
        style={{ wordBreak: 'break-all', fontSize: 15 }}
        data-testid="token-secret"
      >
        {token.token}
      </Typography.Paragraph>
    </Modal>
  );
}
