import type { MessageView } from '../../../shared/domain/views';
import { useI18n } from '../../i18n/i18n-context';
import { previewText, senderLabel } from './message-preview';

/** Messages found elsewhere than the timeline (pins, search hits): sender, time, a preview; a click jumps to it. */
export function MessageResultList({ messages, label, onJump }: { messages: MessageView[]; label: string; onJump: (messageId: string) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <ul className="result-list" aria-label={label}>
      {messages.map((m) => (
        <li key={m.id}>
          <button type="button" className="result" onClick={() => onJump(m.id)}>
            <span className="result-head">
              <strong>{senderLabel(m, t)}</strong>
              <time dateTime={new Date(m.sentAt).toISOString()}>{i18n.dateTime(m.sentAt)}</time>
            </span>
            <span className="result-text">{previewText(m, 240)}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
