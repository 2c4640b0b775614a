import { describe, expect, it } from 'vitest';
import type { CoreProcess } from '../../helpers/core-process.js';
import { allTexts, joinedGroup, peoplePerTest, userIdOf } from './group-fixture.js';
import { timeline } from './delivery-truth.js';

const BURST = 250;

/**
 * Issue 13 (A): a member sends a burst concurrently (every send in flight at once, as a bot or a paste of many lines
 * does). Every other member ends with all of it, and the sender's outbox shows every one delivered.
 */
describe('a concurrent burst from one member', () => {
  const start = peoplePerTest();

  it(`${BURST} concurrent sends all reach every member and show delivered`, async () => {
    const { alice, bob, carol } = (await start(['alice', 'bob', 'carol'])) as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!], 'mls');
    const texts = Array.from({ length: BURST }, (_, i) => `b${i}`);
    await Promise.all(texts.map((text) => bob!.invoke('messages.sendText', { groupId, text })));

    for (const p of [alice!, carol!]) {
      const held = await p.until(() => allTexts(p, groupId), (t) => t.filter((m) => m.sender === 'bob').length >= BURST, 60_000, `${p.name} has bob's ${BURST}`);
      const bobs = held.filter((m) => m.sender === 'bob');
      expect(new Set(bobs.map((m) => m.text))).toEqual(new Set(texts));
      expect(bobs.map((m) => m.seq).sort((a, b) => a - b)).toEqual(texts.map((_, i) => i + 1));
    }
    const states = await bob!.until(
      async () => (await timeline(bob!, groupId)).filter((m) => m.isMine).map((m) => m.sendState),
      (s) => s.length === BURST && s.every((x) => x === 'delivered'),
      60_000,
      "bob's outbox shows all delivered",
    );
    expect(states).toHaveLength(BURST);
  }, 180_000);

  // The setting of the first report (faults: a member offline, another added right after the burst):
  // the add's commit lands at the receivers while the burst is still on its way.
  it(`${BURST} concurrent sends while a member is offline and another is added all reach the online members`, async () => {
    const { alice, bob, carol, dave, erin } = (await start(['alice', 'bob', 'carol', 'dave', 'erin'])) as Record<string, CoreProcess>;
    const groupId = await joinedGroup(alice!, [bob!, carol!, dave!], 'mls');
    await dave!.close();
    const texts = Array.from({ length: BURST }, (_, i) => `b${i}`);
    await Promise.all(texts.map((text) => bob!.invoke('messages.sendText', { groupId, text })));
    const erinInvited = erin!.waitFor('invitation', (i) => i.groupId === groupId);
    await alice!.invoke('groups.addMembers', { groupId, members: [await userIdOf(erin!)] });
    await erinInvited;
    await erin!.invoke('invitations.accept', { groupId });
    for (const p of [alice!, carol!]) {
      const held = await p.until(() => allTexts(p, groupId), (t) => t.filter((m) => m.sender === 'bob').length >= BURST, 60_000, `${p.name} has bob's ${BURST}`);
      expect(held.filter((m) => m.sender === 'bob').map((m) => m.seq).sort((a, b) => a - b)).toEqual(texts.map((_, i) => i + 1));
    }
  }, 180_000);
});
