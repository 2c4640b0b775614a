import { useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { useI18n } from '../../i18n/i18n-context';
import { splitLinks } from './link-text';

/**
 * Message text with its web links clickable. A click never navigates the app: it asks first,
 * showing the whole address, and only then opens it outside with window.open (noopener). The
 * desktop shell turns that into the system browser (window-guards.ts); a browser opens a new tab.
 */
export function LinkedText({ text, className }: { text: string; className: string }) {
  const { t } = useI18n();
  const pieces = useMemo(() => splitLinks(text), [text]);
  const [asking, setAsking] = useState<string | null>(null);
  return (
    <p className={className}>
      {pieces.map((p, i) =>
        p.kind === 'text' ? (
          p.text
        ) : (
          <a
            key={i}
            href={p.url}
            className="message-link"
            rel="noopener noreferrer"
            onClick={(e) => {
              e.preventDefault();
              setAsking(p.url);
            }}
          >
            {p.text}
          </a>
        ),
      )}
      {asking !== null &&
        createPortal(
          <ConfirmDialog
            title={t('link.confirmTitle')}
            confirmLabel={t('link.open')}
            onConfirm={() => window.open(asking, '_blank', 'noopener,noreferrer')}
            onClose={() => setAsking(null)}
          >
            <p>{t('link.confirmText')}</p>
            <p className="link-full-url">{asking}</p>
          </ConfirmDialog>,
          document.body,
        )}
    </p>
  );
}
