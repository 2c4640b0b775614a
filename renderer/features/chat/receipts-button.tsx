import { useId, useLayoutEffect, useRef, useState } from 'react';
import type { MessageView, ReadersView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useI18n } from '../../i18n/i18n-context';
import { placePopover, type Placement } from './popover-place';

/**
 * "Read by N" on our messages; expands to who read it and when (members who left or were removed
 * listed as such: a reader marked removed, and who was gone before reading it, never dropped), placed next to the bubble (above,
 * below or beside: never over it) inside the list's visible part, re-placed as the list scrolls or
 * the window resizes. Escape closes it.
 */
export function ReceiptsButton({ message, tabIndex }: { message: MessageView; tabIndex: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [open, setOpen] = useState(false);
  const [readers, setReaders] = useState<ReadersView | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const popoverRef = useRef<HTMLSpanElement>(null);
  const [place, setPlace] = useState<Placement | null>(null);

  useLayoutEffect(() => {
    if (!open) return;
    const update = (): void => {
      const bubble = buttonRef.current?.closest('.bubble');
      const popover = popoverRef.current;
      if (bubble === null || bubble === undefined || popover === null) return;
      const list = bubble.closest('.virtual-list');
      const bounds = list === null ? { left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight } : list.getBoundingClientRect();
      const at = placePopover(bubble.getBoundingClientRect(), { width: popover.offsetWidth, height: popover.offsetHeight }, bounds);
      // Absolutely positioned: from page coordinates to its offset parent's (the .receipts span).
      const origin = (popover.offsetParent ?? document.body).getBoundingClientRect();
      setPlace({ ...at, left: at.left - origin.left, top: at.top - origin.top });
    };
    // Escape closes it wherever focus went meanwhile (the list may move focus to the message).
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      setOpen(false);
    };
    update();
    window.addEventListener('resize', update);
    window.addEventListener('scroll', update, true);
    document.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('resize', update);
      window.removeEventListener('scroll', update, true);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, readers]);

  const toggle = (): void => {
    const next = !open;
    setOpen(next);
    setPlace(null);
    if (next) void call('messages.readers', { messageId: message.id }).then(setReaders, () => setReaders({ receipts: [], gone: [] }));
  };
  return (
    <span className="receipts">
      <button
        ref={buttonRef}
        type="button"
        className="link-button read-by"
        tabIndex={tabIndex}
        aria-expanded={open}
        aria-controls={id}
        onClick={toggle}
      >
        {t('message.readBy', { count: message.readBy })}
      </button>
      {open && (
        <span
          ref={popoverRef}
          id={id}
          className="receipts-popover"
          role="region"
          aria-label={t('message.receipts')}
          data-side={place?.side}
          // Measured first (hidden), then placed.
          style={place === null ? { visibility: 'hidden', left: 0, top: 0 } : { left: place.left, top: place.top }}
        >
          {readers === null ? (
            t('common.working')
          ) : readers.receipts.length === 0 && readers.gone.length === 0 ? (
            t('message.receiptsEmpty')
          ) : (
            <ul>
              {readers.receipts.map((r) => (
                <li key={r.reader} data-removed={r.removed === true ? 'true' : undefined}>
                  <span>
                    {r.readerName}
                    {r.removed === true && <span className="receipt-removed"> {t('message.receipts.removed')}</span>}
                  </span>{' '}
                  <time dateTime={new Date(r.readAt).toISOString()}>{i18n.dateTime(r.readAt)}</time>
                </li>
              ))}
              {readers.gone.map((g) => (
                <li key={g.userId} data-removed="true">
                  <span>{g.name}</span>{' '}
                  <span className="receipt-removed">{t(g.received ? 'message.receipts.goneUnread' : 'message.receipts.goneUnreceived')}</span>
                </li>
              ))}
            </ul>
          )}
        </span>
      )}
    </span>
  );
}
