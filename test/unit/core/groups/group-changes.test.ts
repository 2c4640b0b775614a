import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroupChangeView } from '../../../../shared/domain/group-change.js';
import { groupChangeLine } from '../../../../main/cli/group-change-line.js';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { userId } from '../../../helpers/test-engines.js';
import { createWorld, joinedGroup, type TestWorld } from '../../../helpers/test-world.js';

/** Every membership and group change becomes a timeline line, the same on every member. */
describe('group changes', () => {
  let world: TestWorld;
  let alice: Engine, bob: Engine, carol: Engine, dave: Engine;

  beforeEach(async () => {
    world = await createWorld('alice', 'bob', 'carol', 'dave');
    [alice, bob, carol, dave] = world.engines as [Engine, Engine, Engine, Engine];
  });
  afterEach(() => world.close());

  it('tells each member what happened, in order, and keeps it as history', async () => {
    const groupId = await joinedGroup(world, alice, [bob, carol, dave], 'sealed', 'Team');
    const seenByCarol: GroupChangeView[] = [];
    const off = carol.events.on('group-change', (c) => {
      if (c.groupId === groupId) seenByCarol.push(c);
    });
    await alice.renameGroup(groupId, 'Crew');
    await world.net.settle();
    await alice.removeMembers(groupId, [userId(dave)]);
    await world.net.settle();
    await bob.leaveGroup(groupId);
    await world.net.settle();
    await alice.rotateKeys(groupId);
    await world.net.settle();
    const deleted = carol.events.waitFor('group-change', (c) => c.groupId === groupId && c.kind === 'deleted');
    await alice.deleteGroup(groupId);
    await world.net.settle();
    await deleted;
    off();

    const lines = (changes: GroupChangeView[]): string[] => changes.map((c) => groupChangeLine(c).slice(11));
    const expected = ['alice renamed the group to Crew', 'alice removed dave', 'bob left', "alice renewed the group's keys", 'alice deleted the group'];
    expect(lines(seenByCarol)).toEqual(expected);
    const history = ['alice created Team', ...expected];
    expect(lines(carol.groupChanges(groupId))).toEqual(history);
    expect(lines(alice.groupChanges(groupId))).toEqual(history);
    expect(carol.groupChanges(groupId).find((c) => c.kind === 'removed')?.people.map((p) => p.userId)).toEqual([userId(dave)]);
  });
});
