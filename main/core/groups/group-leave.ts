import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { bytesEqual, toBase64Url } from '../encoding/base64url.js';
import type { EngineContext } from '../kernel/engine-context.js';
import { announceOutbox, queueToUser } from '../kernel/outbox-writer.js';
import { writeSequencedEnvelope } from '../kernel/sequenced-send.js';
import { latestVersion, requireGroup } from './group-state.js';
import { emitGroup } from './group-views.js';

/**
 * leave_group (what Kizuna never finished): the member announces it on the channel (SLIM's
 * LEAVE_REQUEST) with a direct copy to the admin, who records it in a new version and changes the
 * keys so the leaver reads nothing after. The admin cannot leave; it deletes the group instead.
 */
export async function leaveGroup(ctx: EngineContext, groupId: Uint8Array): Promise<void> {
  const self = ctx.self();
  await ctx.groupLocks.run(toBase64Url(groupId), async () => {
    const group = requireGroup(ctx, groupId);
    if (bytesEqual(group.creator, self.userId)) throw new KizunaError('ADMIN_CANNOT_LEAVE');
    if (group.myState !== 'joined' && group.myState !== 'joining') throw new KizunaError('GROUP_LEFT');
    const admin = latestVersion(ctx, groupId).version.creator;
    const now = ctx.now();
    ctx.store.transaction(() => {
      const seq = ctx.store.read.log.nextOwnSeq(groupId);
      const built = writeSequencedEnvelope(ctx, { groupId, epoch: group.epoch, type: 'LEAVE', seq, body: new Uint8Array(0), sentAt: now });
      queueToUser(ctx, built, admin);
      ctx.store.write.groups.setMyState(groupId, 'left');
    });
  });
  emitGroup(ctx, groupId);
  announceOutbox(ctx, groupId);
}
