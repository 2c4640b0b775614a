import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptionMode } from '../../../shared/domain/views.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import type { CoreProcess } from '../../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';
import { converged, deliveryTruth, readAll, type DeliveryTruth, type ReadLog } from './delivery-truth.js';
import { atAdminEpoch, joinedGroup, startPeople, userIdOf, waitOnline } from './group-fixture.js';

const MODES: EncryptionMode[] = ['none', 'sealed', 'mls'];
/** How long states may take to converge after a fault (heartbeats every 500 ms carry cumulative acks). */
const CONVERGE_MS = 30_000;

/**
 * Issue 9, "done when": after each fault (the node, a member, the admin mid-commit killed and
 * restarted) every message every member stored becomes "delivered" to its sender, and "read" where
 * every member read it; the sender's state for each message is exactly what the members hold.
 * One group per mode, all on the same people and node: each fault hits the three modes at once
 * (and the file stays fast: processes start once).
 */
describe('delivery states after faults, in every mode', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  let people: Record<string, CoreProcess>;
  const groups = new Map<EncryptionMode, string>();
  const reads = new Map<EncryptionMode, ReadLog>(MODES.map((m) => [m, new Map()]));
  const p = (name: string): CoreProcess => people[name] as CoreProcess;
  /** Sends `text` (tagged with the mode) to every mode's group. */
  const send = (name: string, text: string): Promise<unknown> =>
    Promise.all(MODES.map((mode) => p(name).invoke('messages.sendText', { groupId: groups.get(mode)!, text: `${text} (${mode})` })));

  /** Waits (bounded) until the states and the senders' receipts converge, then checks both exactly. */
  async function expectTruth(mode: EncryptionMode, names: string[]): Promise<DeliveryTruth> {
    const groupId = groups.get(mode)!;
    const members = names.map(p);
    const truth = await p(names[0]!).until(() => deliveryTruth(members, groupId, reads.get(mode)!), converged, CONVERGE_MS, `${mode}: states to converge`);
    expect(truth.actual).toEqual(truth.expected);
    expect(truth.receipts).toEqual(truth.readers);
    return truth;
  }

  /**
   * In every mode: states converge to what the members hold; then everyone but bob reads, and
   * bob's messages (read by all the others) turn 'read' while the rest stay 'delivered'.
   */
  async function expectEveryMode(names: string[] | ((mode: EncryptionMode) => string[])): Promise<void> {
    for (const mode of MODES) {
      const inGroup = typeof names === 'function' ? names(mode) : names;
      await expectTruth(mode, inGroup);
      for (const n of inGroup) if (n !== 'bob') await readAll(p(n), groups.get(mode)!, reads.get(mode)!);
      const truth = await expectTruth(mode, inGroup);
      const bobs = Object.entries(truth.actual).filter(([k]) => k.startsWith('bob:'));
      expect(bobs.length).toBeGreaterThan(0);
      expect(bobs.filter(([, s]) => s !== 'read')).toEqual([]);
    }
  }

  beforeAll(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
    people = await startPeople(dir.path, node.endpoint, ['alice', 'bob', 'carol', 'dave']);
    for (const mode of MODES) groups.set(mode, await joinedGroup(p('alice'), [p('bob'), p('carol'), p('dave')], mode));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(Object.values(people ?? {}).map((x) => x.close()));
    await kit?.dispose();
    dir?.cleanup();
  });

  it('the node is killed and restarted mid-conversation', async () => {
    for (const n of ['alice', 'bob', 'carol', 'dave']) await send(n, `${n} a-before`);
    // Carol is mid-burst when the node dies: some of these are on the wire, some not yet.
    const burst = Promise.all([0, 1].map((i) => send('carol', `carol a-burst ${i}`)));
    node.kill('SIGKILL');
    await node.exited;
    await burst;
    await p('bob').until(() => p('bob').invoke('connection.status', {}), (s) => s.state !== 'online', 15_000, 'bob notices');
    for (let i = 0; i < 2; i++) await send('bob', `bob a-down ${i}`);
    await send('alice', 'alice a-down');
    node = await kit.startNode({ endpoint: node.endpoint });
    await send('dave', 'dave a-after');
    await expectEveryMode(['alice', 'bob', 'carol', 'dave']);
  }, 90_000);

  it('a member is killed mid-conversation and restarted', async () => {
    let accepted = 0;
    const sending = (async () => {
      for (let i = 0; i < 6; i++) {
        await send('bob', `bob b-burst ${i}`);
        accepted = i + 1;
      }
    })().catch(() => undefined);
    await send('carol', 'carol b-during');
    await p('carol').until(async () => accepted, (n) => n >= 2, 15_000, 'bob sent some');
    await p('bob').kill();
    await sending;
    // While bob is dead: others talk (he catches up), and what he stored but never acked is owed.
    await send('alice', 'alice b-while-bob-dead');
    await send('dave', 'dave b-while-bob-dead');
    await p('bob').start();
    await waitOnline(p('bob'));
    await send('bob', 'bob b-back');
    await expectEveryMode(['alice', 'bob', 'carol', 'dave']);
  }, 90_000);

  it('the admin is killed mid-commit and restarted', async () => {
    await send('carol', 'carol c-before');
    const dave = await userIdOf(p('dave'));
    const removing = Promise.all(MODES.map((mode) => p('alice').invoke('groups.removeMembers', { groupId: groups.get(mode)!, members: [dave] }))).catch(() => undefined);
    await p('alice').kill();
    await removing;
    await send('bob', 'bob c-admin-dead');
    await p('alice').start();
    await waitOnline(p('alice'));
    // Either the removal landed or it never happened; the states are judged among who is in.
    const inGroup = new Map<EncryptionMode, string[]>();
    for (const mode of MODES) {
      const groupId = groups.get(mode)!;
      const admin = await p('alice').invoke('groups.get', { groupId });
      await atAdminEpoch(p('alice'), [p('bob'), p('carol')], groupId);
      const names = ['alice', 'bob', 'carol', ...(admin.members.some((m) => m.displayName === 'dave') ? ['dave'] : [])];
      for (const n of names) {
        await p(n).until(() => p(n).invoke('groups.get', { groupId }), (g) => g.version >= admin.version, 20_000, `${mode}: admin version`);
      }
      inGroup.set(mode, names);
    }
    await send('carol', 'carol c-after');
    await send('alice', 'alice c-after');
    await expectEveryMode((mode) => inGroup.get(mode)!);
  }, 90_000);
});
