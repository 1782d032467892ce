import { Button, Flex, Modal, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface FormModalProps {
  title: ReactNode;
  /** Prefix of the test ids of the dialog and its submit button. */
  testId: string;
  submitting: boolean;
  submitText?: ReactNode;
  width?: number;
  /** Further actions on the same object (e.g. archive), shown at the left of the footer. */
  footerExtra?: ReactNode;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}

/** A dialog around one antd Form; rendered only while open, so each opening starts from a fresh form. */
export function FormModal({
  title,
  testId,
  submitting,
  submitText,
  width,
  footerExtra,
  onSubmit,
  onCancel,
  children,
}: FormModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={title}
      width={width}
      onCancel={onCancel}
      mask={{ closable: false }}
      footer={
        <Flex justify="space-between" gap={8}>
          <div>{footerExtra}</div>
          <Space>
            <Button onClick={onCancel}>{t('common.cancel')}</Button>
            <Button type="primary" loading={submitting} onClick={onSubmit} data-testid={`${testId}-submit`}>
              {submitText ?? t('common.save')}
            </Button>
          </Space>
        </Flex>
      }
    >
      <div data-testid={testId}>{children}</div>
    </Modal>
  );
}
