/** The moderator's invite task: discovery, join, then the add commit to the others and the welcome to the newcomer. */
import { createSlimName, type SlimName } from '../../../shared/domain/slim-name.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { FANOUT_CHANNEL, SlimMsg, type WireCommandPayload } from './session-frame.js';
import { participantOf, type Member, type ModeratorCore } from './moderator-core.js';
import { nameKey } from './session-names.js';
import { randomMessageId } from './slim-ids.js';

/** SLIM's default share of application messages whose header digest receivers check. */
const HEADER_INTEGRITY_PERCENT = 100;

export async function inviteMember(core: ModeratorCore, name: SlimName): Promise<void> {
  const anyInstance = core.encode(createSlimName(name.org, name.namespace, name.agent));
  const discoveryId = randomMessageId();
  const [found] = await core.requests.request(
    discoveryId,
    core.command(anyInstance, 1, SlimMsg.DISCOVERY_REQUEST, discoveryId, { discovery_request: {} }),
    SlimMsg.DISCOVERY_REPLY,
    undefined,
  );
  if (found === undefined) throw new KizunaError('INTERNAL', 'Discovery resolved without a reply.');
  const invitee = found.source;
  if (nameKey(invitee, true) !== nameKey(anyInstance, true)) throw new KizunaError('INVALID_SLIM_NAME', 'Another name answered the discovery.');
  if (core.members.has(nameKey(invitee))) return;

  const joinId = randomMessageId();
  const mls = core.mls;
  const [reply] = await core.requests.request(
    joinId,
    core.command(invitee, 1, SlimMsg.JOIN_REQUEST, joinId, {
      join_request: {
        timer_settings: { timeout: core.timer.timeoutMs, max_retries: core.timer.maxRetries },
        channel: core.channel,
        control: core.control,
        ...(mls === undefined ? {} : { mls_settings: { header_integrity_validation_percent: HEADER_INTEGRITY_PERCENT } }),
      },
    }, core.metadata),
    SlimMsg.JOIN_REPLY,
    [nameKey(invitee)],
  );
  const subject = core.subjects.get(joinId) ?? '';
  core.subjects.delete(joinId);
  const joined = reply?.command?.join_reply;
  if (!joined) throw new KizunaError('INVALID_INPUT', 'A JOIN_REPLY without its payload.');

  let mlsPayloads: { update?: WireCommandPayload['group_update']; welcome: Uint8Array; commit: Uint8Array } | undefined;
  if (mls !== undefined) {
    if (!(joined.key_package instanceof Uint8Array)) throw new KizunaError('MLS_ERROR', 'The invitee sent no key package.');
    const { commit, welcome } = await mls.addMember(joined.key_package);
    mlsPayloads = { commit, welcome };
  }
  const commitId = mls === undefined ? 0 : core.nextCommitId();
  const others = core.others();
  const newcomer: Member = { participant: { ...participantOf(invitee), settings: joined.participant?.settings ?? { sends_data: true, receives_data: true } }, subject };
  core.members.set(nameKey(invitee), newcomer);
  const roster = [...core.members.values()].map((m) => m.participant);

  const waits: Promise<unknown>[] = [];
  if (core.members.size > 2) {
    const updateId = randomMessageId();
    waits.push(core.requests.request(
      updateId,
      core.command(core.control, FANOUT_CHANNEL, SlimMsg.GROUP_UPDATE, updateId, {
        group_update: {
          op: 0,
          participant: newcomer.participant,
          participants: roster,
          ...(mlsPayloads === undefined ? {} : { mls: { commit_id: commitId, mls_content: mlsPayloads.commit } }),
        },
      }),
      SlimMsg.GROUP_ACK,
      others,
    ));
  }
  const welcomeId = randomMessageId();
  waits.push(core.requests.request(
    welcomeId,
    core.command(invitee, 1, SlimMsg.GROUP_WELCOME, welcomeId, {
      group_welcome: {
        participants: roster,
        ...(mlsPayloads === undefined ? {} : { mls: { commit_id: commitId, mls_content: mlsPayloads.welcome } }),
      },
    }),
    SlimMsg.GROUP_ACK,
    [nameKey(invitee)],
  ));
  await Promise.all(waits);
  core.membersChanged();
}
