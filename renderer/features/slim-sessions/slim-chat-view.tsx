import { useEffect, useId, useRef, useState } from 'react';
import type { SlimSessionView } from '../../../shared/domain/slim-session-views';
import type { ErrorCode } from '../../../shared/errors/error-codes';
import { toCallError } from '../../api/call-error';
import { call } from '../../api/kizuna-client';
import { Icon } from '../../components/icon';
import { useI18n } from '../../i18n/i18n-context';
import { setSlimState } from './slim-sessions-store';
import './slim-sessions.css';

/**
 * A SLIM session's chat: its text messages and a text composer. SLIM sessions carry bytes only — no
 * files, pins, read receipts or replies — so those controls are shown greyed with the reason.
 */
export function SlimChatView({ session }: { session: SlimSessionView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<ErrorCode | null>(null);
  const endRef = useRef<HTMLLIElement>(null);
  const count = session.messages.length;
  // Braces: newer Chromium returns a promise from scrollIntoView, which React would take for a cleanup.
  useEffect(() => {
    void endRef.current?.scrollIntoView({ block: 'end' });
  }, [count]);

  const send = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    if (text.trim() === '') return;
    setError(null);
    try {
      setSlimState(await call('slim.send', { sessionId: session.sessionId, text }));
      setText('');
    } catch (err) {
      setError(toCallError(err).code);
    }
  };
  const ended = session.ended !== null;
  const unsupported = t('slim.unsupported');

  return (
    <div className="chat-area">
      <main className="chat slim-chat" aria-labelledby={`${id}-title`}>
        <header className="chat-header">
          <div className="chat-title">
            <h2 id={`${id}-title`}>
              {session.moderator} <span className="slim-badge">{t('slim.badge')}</span>
            </h2>
            <p className="chat-subtitle">
              <span className="muted">{t('slim.verifiedAs', { identity: session.moderatorIdentity })}</span>{' '}
              <span className="muted">{t('slim.members', { count: session.members.length })}</span>
            </p>
          </div>
          <div className="chat-actions">
            <button type="button" className="icon-button" disabled title={unsupported} aria-label={`${t('slim.pins')} — ${unsupported}`}>
              <Icon name="pin" size={20} />
            </button>
          </div>
        </header>
        <p className="readonly-notice slim-notice" role="note">
          {unsupported}
        </p>
        <ol className="slim-messages" aria-label={t('slim.messages')}>
          {session.messages.map((m) => (
            <li key={m.seq} className={`slim-message ${m.mine ? 'mine' : 'theirs'}`} data-state={m.state ?? undefined}>
              <div className="bubble">
                {!m.mine && <span className="sender">{m.source}</span>}
                <p className="message-text">{m.text}</p>
                <span className="slim-meta small">
                  {i18n.time(m.at)}
                  {m.state !== null && ` · ${t(`slim.state.${m.state}`)}`}
                </span>
              </div>
            </li>
          ))}
          <li ref={endRef} aria-hidden="true" />
        </ol>
        {ended ? (
          <p className="readonly-notice" role="note">
            {t(`slim.ended.${session.ended ?? 'closed'}`)}
          </p>
        ) : (
          <form className="composer" onSubmit={(e) => void send(e)}>
            {error !== null && (
              <p className="field-error" role="alert">
                {i18n.errorText(error)}
              </p>
            )}
            <div className="composer-row">
              <button type="button" className="icon-button" disabled title={unsupported} aria-label={`${t('composer.attach')} — ${unsupported}`}>
                <Icon name="attach" size={20} />
              </button>
              <label htmlFor={`${id}-text`} className="visually-hidden">
                {t('slim.composerLabel')}
              </label>
              <input id={`${id}-text`} className="composer-input" value={text} maxLength={70_000} onChange={(e) => setText(e.target.value)} placeholder={t('slim.composerLabel')} />
              <button type="submit" className="button primary send-button" aria-label={t('composer.send')}>
                <Icon name="send" size={20} />
              </button>
            </div>
          </form>
        )}
      </main>
    </div>
  );
}
