/** The moderator's answer to REJOIN_REQUEST: a member that lost its MLS state is re-added under the same identity. */
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { FANOUT_CHANNEL, SlimMsg, type SessionFrame } from './session-frame.js';
import type { ModeratorCore } from './moderator-core.js';
import { nameKey } from './session-names.js';
import { randomMessageId } from './slim-ids.js';
import type { VerifiedSlimToken } from './slim-token.js';

/**
 * A member that lost its MLS state (a restart) asks to be re-added under the same identity: one remove +
 * add commit, REJOIN_REPLY with the Welcome to it, GROUP_UPDATE REJOIN with the commit to everyone.
 */
export async function rejoinMember(core: ModeratorCore, frame: SessionFrame, sender: VerifiedSlimToken): Promise<void> {
  const mls = core.mls;
  const request = frame.command?.rejoin_request;
  const key = nameKey(frame.source);
  const member = core.members.get(key);
  // Without MLS there is nothing to re-key (SLIM ignores it too); only the member itself may ask.
  if (mls === undefined || !request?.key_package || member === undefined || key === nameKey(core.ctx.me)) return;
  if (nameKey(request.participant) !== key || sender.subject !== member.subject) throw new KizunaError('TOKEN_WRONG_SUBJECT', 'A rejoin request for another member.');
  const { commit, welcome } = await mls.rejoinMember(member.subject, request.key_package);
  const commitId = core.nextCommitId();
  const reply = core.requests.request(
    frame.messageId,
    core.command(frame.source, 1, SlimMsg.REJOIN_REPLY, frame.messageId, { rejoin_reply: { commit_id: commitId, mls_content: welcome } }),
    SlimMsg.GROUP_ACK,
    [key],
  );
  const updateId = randomMessageId();
  const update = core.requests.request(
    updateId,
    core.command(core.control, FANOUT_CHANNEL, SlimMsg.GROUP_UPDATE, updateId, {
      group_update: {
        op: 2,
        participant: member.participant,
        participants: [...core.members.values()].map((m) => m.participant),
        mls: { commit_id: commitId, mls_content: commit },
      },
    }),
    SlimMsg.GROUP_ACK,
    core.others(),
  );
  await Promise.all([reply, update]);
}
