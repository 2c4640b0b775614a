import { useState } from 'react';
import { useI18n } from '../i18n/i18n-context';

/**
 * A destructive action asked twice, inline (no blocking window.confirm, which hosts may disable):
 * the first press shows the question with Confirm and Cancel.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  className,
  disabled,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  className?: string;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={className ?? 'button danger'} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="button danger small"
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {label}
      </button>
      <button type="button" className="button small" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}
