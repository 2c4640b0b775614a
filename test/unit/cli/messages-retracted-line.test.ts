import { describe, expect, it } from 'vitest';
import { messagesRetractedLine } from '../../../main/cli/messages-retracted-line.js';

/** `kizuna listen` prints each retraction: group, whose and how many, what the group keeps of theirs, and why. */
describe('kizuna listen: messages-retracted line', () => {
  it('names the sender, the count and the removal', () => {
    const line = messagesRetractedLine({
      groupId: 'GROUPID0rest', messageIds: ['m1', 'm2'], reason: 'removed', senders: [{ userId: 'BOBBOBBOBrest', name: 'Bob', count: 2, cutoff: 7 }],
    });
    expect(line).toBe('GROUPID0 - retracted 2 messages from Bob (the group keeps up to their #7): sent past the cutoff of their removal');
  });

  it('lists every sender of a closing, one message in the singular, and a sender without a name by id', () => {
    const line = messagesRetractedLine({
      groupId: 'GROUPID0rest', messageIds: ['m1', 'm2', 'm3'], reason: 'closed',
      senders: [{ userId: 'BOBBOBBOBrest', name: 'Bob', count: 1, cutoff: 3 }, { userId: 'CAROLCARrest', name: '', count: 2, cutoff: 0 }],
    });
    expect(line).toBe("GROUPID0 - retracted 1 message from Bob (the group keeps up to their #3), 2 messages from CAROLCAR (the group keeps up to their #0): sent past the cutoff of the group's closing");
  });

  it('says a leave as a leave', () => {
    const line = messagesRetractedLine({ groupId: 'GROUPID0rest', messageIds: ['m1'], reason: 'left', senders: [{ userId: 'u', name: 'Dave', count: 1, cutoff: 4 }] });
    expect(line).toMatch(/from Dave .*: sent past the cutoff of their leaving$/);
  });
});
