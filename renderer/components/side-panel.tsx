import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { Icon } from './icon';

/** A panel beside the chat (details, search, pins, date): labelled, focus moved in on open, Escape closes. */
export function SidePanel({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const { t } = useI18n();
  const id = useId();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, textarea, select, button:not(.panel-close)')?.focus();
  }, []);
  return (
    <aside
      ref={ref}
      className="side-panel"
      aria-labelledby={id}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
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
