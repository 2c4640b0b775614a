import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { Icon } from './icon';

/**
 * A panel beside the chat (details, search, pins, date): labelled, focus moved in on open, Escape
 * closes, and focus goes back to what opened it when it closes with focus inside (else it would be
 * lost to the page, as the panel's elements are gone).
 */
export function SidePanel({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const { t } = useI18n();
  const id = useId();
  const ref = useRef<HTMLElement>(null);
  // Read during the first render, before the panel takes focus.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, textarea, select, button:not(.panel-close)')?.focus();
    return () => {
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (lost && opener?.isConnected === true) opener.focus();
    };
  }, [opener]);
  return (
    <aside
      ref={ref}
      className="side-panel"
      aria-labelledby={id}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          // Handled: the chat view's window-wide Escape (while the panel overlays) must not close it twice.
          e.preventDefault();
          onClose();
        }
      }}
    >
      <header className="side-panel-header">
        <h2 id={id}>{title}</h2>
        <button type="button" className="icon-button panel-close" onClick={onClose} aria-label={t('common.close')}>
          <Icon name="close" />
        </button>
      </header>
      <div className="side-panel-body">{children}</div>
    </aside>
  );
}
