import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { Dialog } from './dialog';

/**
 * A small modal question before an action that is hard to take back (blocking someone, leaving the
 * app for a link): the action runs only on the confirm button; Cancel, Escape or the backdrop close it.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="confirm-dialog-text">{children}</div>
      <div className="button-row dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={danger === true ? 'button danger' : 'button primary'}
          onClick={() => {
            onClose();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
