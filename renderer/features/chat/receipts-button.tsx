import { useId, useState } from 'react';
import type { MessageView, ReceiptView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useI18n } from '../../i18n/i18n-context';

/** "Read by N" on our messages; expands to who read it and when. */
export function ReceiptsButton({ message, tabIndex }: { message: MessageView; tabIndex: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [open, setOpen] = useState(false);
  const [receipts, setReceipts] = useState<ReceiptView[] | null>(null);
  const toggle = (): void => {
    const next = !open;
    setOpen(next);
    if (next) void call('messages.receipts', { messageId: message.id }).then(setReceipts, () => setReceipts([]));
  };
  return (
    <span className="receipts">
      <button type="button" className="link-button read-by" tabIndex={tabIndex} aria-expanded={open} aria-controls={id} onClick={toggle}>
        {t('message.readBy', { count: message.readBy })}
      </button>
      {open && (
        <span id={id} className="receipts-popover" role="region" aria-label={t('message.receipts')}>
          {receipts === null ? (
            t('common.working')
          ) : receipts.length === 0 ? (
            t('message.receiptsEmpty')
          ) : (
            <ul>
              {receipts.map((r) => (
                <li key={r.reader}>
                  <span>{r.readerName}</span> <time dateTime={new Date(r.readAt).toISOString()}>{i18n.dateTime(r.readAt)}</time>
                </li>
              ))}
            </ul>
          )}
        </span>
      )}
    </span>
  );
}
