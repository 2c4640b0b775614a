import { toBase64Url } from '../encoding/base64url.js';

/** The SLIM channel a group's members subscribe to: kizuna/groups/<base64url group id>. */
export function groupChannelName(groupId: Uint8Array): string {
  return `kizuna/groups/${toBase64Url(groupId)}`;
}
