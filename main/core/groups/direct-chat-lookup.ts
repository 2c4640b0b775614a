import type { EncryptionMode } from '../../../shared/domain/views.js';
import { bytesEqual } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { GroupRow } from '../store/tables/groups-table.js';

/**
 * The live direct chat we are in with `other` in `mode`, if any: "New chat" with someone we already
 * talk to opens that chat instead of starting a second one beside it. A chat merged into another
 * (issue 11) is not live: the kept one is.
 */
export function existingDirectChat(ctx: EngineContext, other: Uint8Array, mode: EncryptionMode): GroupRow | undefined {
  return ctx.store.read.groups.list().find(
    (g) =>
      g.direct === 1 &&
      g.mode === mode &&
      (g.myState === 'joined' || g.myState === 'joining') &&
      ctx.store.read.directMerges.keptFor(g.groupId) === undefined &&
      ctx.store.read.groups.members(g.groupId).some((m) => bytesEqual(m.userId, other)),
  );
}
