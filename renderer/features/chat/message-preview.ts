import type { MessageView } from '../../../shared/domain/views';
import type { I18n } from '../../i18n/i18n-context';

/** Who sent a message, as the chat says it ("You" for our own). */
export function senderLabel(m: MessageView, t: I18n['t']): string {
  return m.isMine ? t('common.you') : m.senderName;
}

/** A message in one line: its text (cut at `max` characters if given), or the name of its file. */
export function previewText(m: MessageView, max?: number): string {
  if (m.kind !== 'text') return m.file?.name ?? '';
  return max === undefined ? m.text : m.text.slice(0, max);
}
