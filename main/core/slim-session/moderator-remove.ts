/** The moderator's remove task: the remove commit to the others (more than two in the roster), then LEAVE_REQUEST. */
import { formatSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { FANOUT_CHANNEL, SlimMsg } from './session-frame.js';
import type { ModeratorCore } from './moderator-core.js';
import { nameKey } from './session-names.js';
import { randomMessageId } from './slim-ids.js';

export async function removeMember(core: ModeratorCore, name: SlimName, askToLeave: boolean): Promise<void> {
  const key = [...core.members.keys()].find((k) => k !== nameKey(core.ctx.me) && nameKey(core.members.get(k)?.participant.name, true) === nameKey(core.encode(name), true));
  const member = key === undefined ? undefined : core.members.get(key);
  if (key === undefined || member === undefined || !member.participant.name) throw new KizunaError('PARTICIPANT_NOT_FOUND', undefined, { name: formatSlimName(name) });
  const mls = core.mls;
  const commit = mls === undefined ? undefined : await mls.removeMember(member.subject);
  const commitId = mls === undefined ? 0 : core.nextCommitId();
  const rosterBefore = core.members.size;
  core.members.delete(key);
  core.forget(key);
  core.requests.forget(key);
  if (rosterBefore > 2) {
    const updateId = randomMessageId();
    await core.requests.request(
      updateId,
      core.command(core.control, FANOUT_CHANNEL, SlimMsg.GROUP_UPDATE, updateId, {
        group_update: {
          op: 1,
          participant: member.participant,
          participants: [...core.members.values()].map((m) => m.participant),
          ...(commit === undefined ? {} : { mls: { commit_id: commitId, mls_content: commit } }),
        },
      }),
      SlimMsg.GROUP_ACK,
      core.others(),
    );
  }
  if (askToLeave) {
    const leaveId = randomMessageId();
    await core.requests.request(leaveId, core.command(member.participant.name, 1, SlimMsg.LEAVE_REQUEST, leaveId, { leave_request: {} }), SlimMsg.LEAVE_REPLY, [key]);
  }
  core.membersChanged();
}
