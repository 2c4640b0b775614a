import { useEffect, useState } from 'react';
import type { MessageView } from '../../../shared/domain/views';
import { call } from '../../api/kizuna-client';
import { useI18n } from '../../i18n/i18n-context';
import { previewText, senderLabel } from './message-preview';

/** Quoted messages outside the loaded window, fetched once per id for the session. */
const fetched = new Map<string, Promise<MessageView | null>>();

function fetchQuoted(messageId: string): Promise<MessageView | null> {
  let p = fetched.get(messageId);
  if (p === undefined) {
    p = call('messages.get', { messageId }).catch(() => null);
    fetched.set(messageId, p);
  }
  return p;
}

function replyLabelKey(quoted: MessageView, fromMe: boolean): 'message.replyToSelf' | 'message.replyToYou' | 'message.replyTo' {
  if (!quoted.isMine) return 'message.replyTo';
  return fromMe ? 'message.replyToSelf' : 'message.replyToYou';
}

/** The quoted message above a reply; activating it opens the history around the original. */
export function ReplyQuote({
  replyTo,
  loaded,
  onJump,
  tabIndex,
  fromMe,
}: {
  replyTo: string;
  /** The reply is the user's own: quoting themselves reads "Reply to yourself", not "Reply to you". */
  fromMe: boolean;
  loaded: MessageView | null;
  onJump: (messageId: string) => void;
  tabIndex: number;
}) {
  const { t } = useI18n();
  const [remote, setRemote] = useState<MessageView | null>(null);
  useEffect(() => {
    if (loaded !== null) return;
    let live = true;
    void fetchQuoted(replyTo).then((m) => live && setRemote(m));
    return () => {
      live = false;
    };
  }, [replyTo, loaded]);
  const quoted = loaded ?? remote;
  const name = quoted === null ? '' : senderLabel(quoted, t);
  const text = quoted === null ? t('message.replyUnknown') : previewText(quoted);
  return (
    <button type="button" className="reply-quote" tabIndex={tabIndex} onClick={() => onJump(replyTo)}>
      <span className="reply-quote-name">{quoted === null ? t('message.replyUnknown') : t(replyLabelKey(quoted, fromMe), { name })}</span>
      {quoted !== null && <span className="reply-quote-text">{text.slice(0, 160)}</span>}
    </button>
  );
}
