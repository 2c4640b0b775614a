import { useId, useState } from 'react';
import type { MessageView, ReadersView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useI18n } from '../../i18n/i18n-context';

/**
 * "Read by N" on our messages; expands to who read it and when, and lists members who left or were
 * removed as such (a reader marked removed, and who was gone before reading it), never dropping them.
 */
export function ReceiptsButton({ message, tabIndex }: { message: MessageView; tabIndex: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [open, setOpen] = useState(false);
  const [readers, setReaders] = useState<ReadersView | null>(null);
  const toggle = (): void => {
    const next = !open;
    setOpen(next);
    if (next) void call('messages.readers', { messageId: message.id }).then(setReaders, () => setReaders({ receipts: [], gone: [] }));
  };
  return (
    <span className="receipts">
      <button type="button" className="link-button read-by" tabIndex={tabIndex} aria-expanded={open} aria-controls={id} onClick={toggle}>
        {t('message.readBy', { count: message.readBy })}
      </button>
      {open && (
        <span id={id} className="receipts-popover" role="region" aria-label={t('message.receipts')}>
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
