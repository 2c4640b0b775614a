import { useI18n } from '../../i18n/i18n-context';
import { useAppState } from '../../state/app-store';
import type { GroupView } from '../../../shared/domain/views';

/** "Alice is typing…" under the history, from `typing` events (expired locally after a few seconds). */
export function TypingIndicator({ group }: { group: GroupView }) {
  const { t } = useI18n();
  const typing = useAppState((s) => s.typing[group.groupId]);
  const names = Object.keys(typing ?? {}).map((userId) => group.members.find((m) => m.userId === userId)?.displayName ?? '…');
  const text = names.length === 0 ? '' : names.length === 1 ? t('chat.typing.one', { name: names[0] ?? '' }) : t('chat.typing.many', { names: names.join(', ') });
  return (
    <div className="typing-indicator" aria-live="polite">
      {text !== '' && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
