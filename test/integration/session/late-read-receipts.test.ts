import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EncryptionMode, MessageView } from '../../../shared/domain/views.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import type { CoreProcess } from '../../helpers/core-process.js';
import { createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';
import { timeline } from './delivery-truth.js';
import { joinedGroup, startPeople, waitOnline } from './group-fixture.js';

const MODES: EncryptionMode[] = ['none', 'sealed', 'mls'];
/** Bound on how long a late receipt may take to arrive once the sender is back (catch-up, heartbeats). */
const LATE_MS = 60_000;

/**
 * Issue 11/9: read marks are per message, and a receipt that reaches its sender late still turns the
 * message read and names who read it. Alice's engine is killed (no goodbye) while bob and carol read
 * over a real SLIM node: bob exactly one of her two messages (what he saw), carol both. When alice's
 * engine starts again she catches up on the receipts: the message both read is 'read' by bob and
 * carol, the one only carol saw stays 'delivered' and names carol alone; bob still has it unread.
 */
describe('read receipts that arrive late', () => {
  let kit: SlimTestKit;
  let node: SlimNodeHandle;
  let dir: ReturnType<typeof tempDir>;
  let people: Record<string, CoreProcess>;
  const groups = new Map<EncryptionMode, string>();
  const p = (name: string): CoreProcess => people[name] as CoreProcess;

  beforeAll(async () => {
    kit = createSlimTestKit();
    node = await kit.startNode();
    dir = tempDir();
    people = await startPeople(dir.path, node.endpoint, ['alice', 'bob', 'carol']);
    for (const mode of MODES) groups.set(mode, await joinedGroup(p('alice'), [p('bob'), p('carol')], mode));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(Object.values(people ?? {}).map((x) => x.close()));
    await kit?.dispose();
    dir?.cleanup();
  });

  /** Waits until `who` holds the messages with these texts; returns them in that order. */
  async function held(who: CoreProcess, groupId: string, texts: string[]): Promise<MessageView[]> {
    const all = await who.until(() => timeline(who, groupId), (t) => texts.every((x) => t.some((m) => m.text === x)), LATE_MS, `${who.name} holds ${texts.join(', ')}`);
    return texts.map((x) => all.find((m) => m.text === x) as MessageView);
  }

  it('the sender is offline while the others read, then comes back and sees who read what', async () => {
    const sent = new Map<EncryptionMode, { seen: MessageView; unseen: MessageView }>();
    for (const mode of MODES) {
      const groupId = groups.get(mode)!;
      const seen = await p('alice').invoke('messages.sendText', { groupId, text: `seen (${mode})` });
      const unseen = await p('alice').invoke('messages.sendText', { groupId, text: `unseen by bob (${mode})` });
      sent.set(mode, { seen, unseen });
      for (const n of ['bob', 'carol']) await held(p(n), groupId, [seen.text, unseen.text]);
    }

    await p('alice').kill();
    for (const mode of MODES) {
      const groupId = groups.get(mode)!;
      const { seen, unseen } = sent.get(mode)!;
      // Bob saw exactly one message; carol read the whole chat.
      expect(await p('bob').invoke('messages.markRead', { groupId, messageIds: [seen.id] })).toBe(1);
      expect(await p('carol').invoke('messages.markRead', { groupId })).toBe(2);
      const bobGroup = await p('bob').invoke('groups.get', { groupId });
      expect(bobGroup.unreadCount).toBe(1);
      expect((await p('carol').invoke('groups.get', { groupId })).unreadCount).toBe(0);
      // What bob has not seen stays unread for him, across a later "read up to" of what he did see.
      expect(unseen.sentAt).toBeGreaterThan(seen.sentAt);
      expect(await p('bob').invoke('messages.markRead', { groupId, upTo: seen.sentAt })).toBe(0);
    }

    await p('alice').start();
    await waitOnline(p('alice'));
    for (const mode of MODES) {
      const groupId = groups.get(mode)!;
      const { seen, unseen } = sent.get(mode)!;
      const readers = (id: string) => p('alice').invoke('messages.receipts', { messageId: id }).then((rs) => rs.map((r) => r.readerName).sort());
      expect(await p('alice').until(() => readers(seen.id), (r) => r.length === 2, LATE_MS, `${mode}: both receipts`)).toEqual(['bob', 'carol']);
      const state = await p('alice').until(() => p('alice').invoke('messages.get', { messageId: seen.id }), (m) => m.sendState === 'read', LATE_MS, `${mode}: read`);
      expect(state.readBy).toBe(2);
      expect(await p('alice').until(() => readers(unseen.id), (r) => r.length === 1, LATE_MS, `${mode}: carol's receipt`)).toEqual(['carol']);
      // Everyone holds it (acks converge after the restart too), but bob never read it.
      await p('alice').until(() => p('alice').invoke('messages.get', { messageId: unseen.id }), (m) => m.sendState === 'delivered', LATE_MS, `${mode}: delivered`);
      expect((await p('bob').invoke('groups.get', { groupId })).unreadCount).toBe(1);
    }
  }, 300_000);
});
