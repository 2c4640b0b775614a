import type { GroupView, MessageView } from '../../../shared/domain/views';
import { useI18n } from '../../i18n/i18n-context';
import { senderLabel } from '../chat/message-preview';
import { chatTitle } from '../groups/chat-title';
import { highlightSnippet } from './snippet';

/** What a result shows of a message: its text, or its file's name and caption. */
function searchableText(m: MessageView): string {
  if (m.kind === 'text') return m.text;
  return [m.file?.name ?? '', m.text].filter((s) => s.length > 0).join(' · ');
}

export interface SearchHit {
  message: MessageView;
  group: GroupView;
}

/** Search results from every chat: the chat, who wrote it and when, and the text around the words found, marked. */
export function SearchResultList({ hits, words, onOpen }: { hits: SearchHit[]; words: readonly string[]; onOpen: (hit: SearchHit) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <ul className="result-list" aria-label={t('search.results')}>
      {hits.map((hit) => {
        const m = hit.message;
        return (
          <li key={m.id}>
            <button type="button" className="result" onClick={() => onOpen(hit)}>
              <span className="result-head">
                <span className="result-chat">{chatTitle(hit.group)}</span>
                <time dateTime={new Date(m.sentAt).toISOString()}>{i18n.dateTime(m.sentAt)}</time>
              </span>
              <strong className="result-sender">{senderLabel(m, t)}</strong>
              <span className="result-text">
                {highlightSnippet(searchableText(m), words).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
