/**
 * `kizuna://` links: contact cards (`kizuna://contact/<card>`), chats (`kizuna://group/<groupId>`)
 * and invitations (`kizuna://invitation/<groupId>`). Anything else is ignored.
 */
import type { DeepLink } from '../../shared/ipc/ipc-contract.js';
import { groupIdSchema } from '../../shared/ipc/ipc-schemas.js';

export const DEEP_LINK_SCHEME = 'kizuna';
const MAX_LINK_LENGTH = 16 * 1024;
const LINK = /^kizuna:\/\/(contact|group|invitation)\/([A-Za-z0-9_-]+)\/?$/i;

export function parseDeepLink(text: string): DeepLink | null {
  const link = text.trim();
  if (link.length > MAX_LINK_LENGTH) return null;
  const match = LINK.exec(link);
  if (match === null) return null;
  const kind = (match[1] ?? '').toLowerCase();
  const value = match[2] ?? '';
  if (kind === 'contact') return { kind: 'contact', card: `kizuna://contact/${value}` };
  if (!groupIdSchema.safeParse(value).success) return null;
  return kind === 'group' ? { kind: 'group', groupId: value } : { kind: 'invitation', groupId: value };
}

/** The first deep link among command-line arguments (Windows and Linux pass the URL there). */
export function findDeepLink(argv: readonly string[]): DeepLink | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`)) continue;
    const link = parseDeepLink(arg);
    if (link !== null) return link;
  }
  return null;
}
