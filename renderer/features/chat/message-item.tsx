import { memo } from 'react';
import type { DeliveryFailureView, MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import { FileAttachment } from './file-attachment';
import { ReceiptsButton } from './receipts-button';
import { LinkedText } from './linked-text';
import { ReplyQuote } from './reply-quote';
import { SendStateMark } from './send-state-mark';
import { senderLabel } from './message-preview';
import { deliveryFailureWords, offersRetry } from './delivery-failure-words';

export interface MessageItemProps {
  message: MessageView;
  /** A day separator above this message (its local day), or null. */
  dayLabel: string | null;
  showMarker: boolean;
  /** Same sender as the message above, shortly after: no repeated name. */
  continued: boolean;
  active: boolean;
  highlighted: boolean;
  /** The quoted message when loaded, null when not in the window, undefined when not a reply. */
  repliedTo: MessageView | null | undefined;
  onReply: (m: MessageView) => void;
  onJump: (messageId: string) => void;
  /** Called with this message's id when it (or a control in it) takes focus. */
  onFocus: (messageId: string) => void;
}

/** One message: separator and marker above it, bubble with reply quote, text or file, time, state and actions. */
export const MessageItem = memo(function MessageItem(props: MessageItemProps) {
  const { message: m, active } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const headingId = `msg-${m.id}-from`;
  const actionTab = active ? 0 : -1;
  const sender = senderLabel(m, t);

  return (
    <div className="message-slot">
      {props.dayLabel !== null && (
        <div className="day-separator" role="separator" aria-label={props.dayLabel}>
          <span>{props.dayLabel}</span>
        </div>
      )}
      {props.showMarker && (
        <div className="new-marker" role="separator" aria-label={t('chat.newMessages')}>
          <span>{t('chat.newMessages')}</span>
        </div>
      )}
      <article
        className={[
          'message',
          m.isMine ? 'mine' : 'theirs',
          props.continued ? 'continued' : '',
          props.highlighted ? 'highlighted' : '',
          m.sendState === 'failed' ? 'failed' : '',
        ]
          .filter(Boolean)
          .join(' ')}
        data-message-id={m.id}
        data-send-state={m.sendState}
        tabIndex={-1}
        aria-labelledby={headingId}
        onFocus={() => props.onFocus(m.id)}
      >
        <div className="bubble">
          <span id={headingId} className="visually-hidden">
            {t('message.from', { name: sender, time: i18n.dateTime(m.sentAt) })}
          </span>
          {!props.continued && !m.isMine && (
            <span className="sender" aria-hidden="true">
              {m.senderName}
            </span>
          )}
          {m.replyTo !== null && <ReplyQuote replyTo={m.replyTo} loaded={props.repliedTo ?? null} onJump={props.onJump} tabIndex={actionTab} fromMe={m.isMine} />}
          {m.file !== null && <FileAttachment message={m} tabIndex={actionTab} />}
          {m.text !== '' && (m.kind === 'text' || m.text !== m.file?.name) && <LinkedText className="message-text" text={m.text} />}
          <MessageMeta message={m} tabIndex={actionTab} />
        </div>
        <MessageActions message={m} tabIndex={actionTab} onReply={props.onReply} />
      </article>
    </div>
  );
});

/** Under the text: pinned, the time, and for our own messages how far they got and who read them. */
function MessageMeta({ message: m, tabIndex }: { message: MessageView; tabIndex: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <footer className="message-meta">
      {m.pinned && (
        <span className="pinned-mark" title={t('message.pinned')}>
          <Icon name="pin" size={12} />
          <span className="visually-hidden">{t('message.pinned')}</span>
        </span>
      )}
      <time dateTime={new Date(m.sentAt).toISOString()} title={i18n.dateTime(m.sentAt)} aria-hidden="true">
        {i18n.time(m.sentAt)}
      </time>
      {m.isMine && <SendStateMark state={m.sendState} />}
      {m.isMine && m.failure !== undefined && <DeliveryFailureNote failure={m.failure} />}
      {/* Also when nobody read it but members are gone: the popover lists them as removed. */}
      {m.isMine && (m.readBy > 0 || m.failure?.reason === 'removed') && <ReceiptsButton message={m} tabIndex={tabIndex} />}
    </footer>
  );
}

/** Retry for a failed message of ours, and the actions every message offers (reply, pin; cancel while pending). */
function MessageActions({ message: m, tabIndex: actionTab, onReply }: { message: MessageView; tabIndex: number; onReply: (m: MessageView) => void }) {
  const { t } = useI18n();
  return (
    <>
      {offersRetry(m) && (
        <button type="button" className="button small retry-button" onClick={() => void call('messages.retry', { messageId: m.id })}>
          {t('message.retry')}
        </button>
      )}
      <div className="message-actions" role="group" aria-label={t('message.actions')}>
        <button type="button" className="icon-button" tabIndex={actionTab} title={t('message.reply')} aria-label={t('message.reply')} onClick={() => onReply(m)}>
          <Icon name="reply" size={16} />
        </button>
        <button
          type="button"
          className="icon-button"
          tabIndex={actionTab}
          title={m.pinned ? t('message.unpin') : t('message.pin')}
          aria-label={m.pinned ? t('message.unpin') : t('message.pin')}
          onClick={() => void call(m.pinned ? 'messages.unpin' : 'messages.pin', { groupId: m.groupId, messageId: m.id }).catch(() => undefined)}
        >
          <Icon name="pin" size={16} />
        </button>
        {m.isMine && m.sendState === 'pending' && (
          <button
            type="button"
            className="icon-button"
            tabIndex={actionTab}
            title={t('message.cancel')}
            aria-label={t('message.cancel')}
            onClick={() => void call('messages.cancel', { messageId: m.id }).catch(() => undefined)}
          >
            <Icon name="close" size={16} />
          </button>
        )}
      </div>
    </>
  );
}

/** Why one of our messages has not reached some members (retries ran out, removed first, refused). */
function DeliveryFailureNote({ failure }: { failure: DeliveryFailureView }) {
  const { t } = useI18n();
  const words = deliveryFailureWords(failure);
  return (
    <span className="delivery-failure" role="status" data-reason={failure.reason} title={t(words.why)}>
      {t(words.text, { count: String(words.count) })}
    </span>
  );
}
