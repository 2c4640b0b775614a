import { describe, expect, it } from 'vitest';
import { PresenceRoster, presenceTimeoutMs, type RosterChange } from '../../../../main/core/session/presence-roster.js';

describe('presence follows heartbeats (PresenceRoster, injected clock)', () => {
  const HEARTBEAT = 15_000;
  const timeout = presenceTimeoutMs(HEARTBEAT);

  it('a member who stops beating is offline once the presence timeout passes, and not before', () => {
    const changes: RosterChange[] = [];
    const roster = new PresenceRoster(timeout, (c) => changes.push(c));
    roster.seen('g', 'bob', 0);
    roster.seen('g', 'carol', 0);
    expect(changes).toEqual([
      { groupId: 'g', userId: 'bob', online: true },
      { groupId: 'g', userId: 'carol', online: true },
    ]);
    // Carol keeps beating; Bob's process stopped after his beat at 0.
    roster.seen('g', 'carol', HEARTBEAT);
    roster.expire(HEARTBEAT + 1);
    roster.seen('g', 'carol', 2 * HEARTBEAT);
    roster.expire(timeout); // exactly the timeout: one lost beat does not flicker him offline
    expect(roster.online('g').sort()).toEqual(['bob', 'carol']);
    roster.expire(timeout + 1);
    expect(roster.online('g')).toEqual(['carol']);
    expect(changes.at(-1)).toEqual({ groupId: 'g', userId: 'bob', online: false });
    // The old rule (three beats, checked on our own beat) kept him online up to 60 s; now 30 s.
    expect(timeout).toBe(30_000);
    // He comes back: online at his first word.
    roster.seen('g', 'bob', timeout + 5);
    expect(changes.at(-1)).toEqual({ groupId: 'g', userId: 'bob', online: true });
  });

  it('while we are offline nobody is online: clear() reports everyone offline and keeps nobody', () => {
    const changes: RosterChange[] = [];
    const roster = new PresenceRoster(timeout, (c) => changes.push(c));
    roster.seen('g1', 'bob', 0);
    roster.seen('g2', 'carol', 0);
    changes.length = 0;
    roster.clear();
    expect(changes).toEqual([
      { groupId: 'g1', userId: 'bob', online: false },
      { groupId: 'g2', userId: 'carol', online: false },
    ]);
    expect(roster.online('g1')).toEqual([]);
    expect(roster.online('g2')).toEqual([]);
    roster.expire(10 * timeout); // nothing left to expire, nothing reported twice
    expect(changes).toHaveLength(2);
  });

  it("a late word with an older time does not move a member's last word back", () => {
    const roster = new PresenceRoster(timeout, () => undefined);
    roster.seen('g', 'bob', 20_000);
    roster.seen('g', 'bob', 1_000);
    roster.expire(20_000 + timeout);
    expect(roster.online('g')).toEqual(['bob']);
  });
});
