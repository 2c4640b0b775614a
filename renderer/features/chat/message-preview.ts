import { fileLine } from '../../../shared/domain/file-line';
import type { MessageView } from '../../../shared/domain/views';
import type { I18n } from '../../i18n/i18n-context';

/** Who sent a message, as the chat says it ("You" for our own). */
export function senderLabel(m: MessageView, t: I18n['t']): string {
  return m.isMine ? t('common.you') : m.senderName;
}

/** A message in one line: its text, or a clip, its file's name and caption; cut at `max` characters if given. */
export function previewText(m: MessageView, max?: number): string {
  const line = m.kind === 'text' ? m.text : `📎 ${fileLine(m.file?.name ?? '', m.text)}`;
  return max === undefined ? line : line.slice(0, max);
}
