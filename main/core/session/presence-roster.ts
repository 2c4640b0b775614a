/**
 * Who of each group was heard from lately, by the clock the caller passes in (so the rule is tested
 * without waiting): a member is online from the moment anything signed by them arrives until
 * `timeoutMs` passes without another word. Members beat every heartbeat interval, so the timeout is
 * two missed beats: one lost heartbeat does not flicker a member offline, a stopped member is shown
 * offline within `timeoutMs` (plus how often `expire` runs).
 */
export interface RosterChange {
  groupId: string;
  userId: string;
  online: boolean;
}

/** Two heartbeat intervals without a word. */
export function presenceTimeoutMs(heartbeatMs: number): number {
  return 2 * heartbeatMs;
}

export class PresenceRoster {
  private readonly lastSeen = new Map<string, Map<string, number>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onChange: (change: RosterChange) => void,
  ) {}

  seen(groupId: string, userId: string, now: number): void {
    let members = this.lastSeen.get(groupId);
    if (members === undefined) {
      members = new Map();
      this.lastSeen.set(groupId, members);
    }
    const was = members.has(userId);
    members.set(userId, Math.max(now, members.get(userId) ?? now));
    if (!was) this.onChange({ groupId, userId, online: true });
  }

  /** Marks offline everyone not heard from within the timeout. */
  expire(now: number): void {
    const limit = now - this.timeoutMs;
    for (const [g, members] of this.lastSeen) {
      for (const [u, at] of members) {
        if (at < limit) {
          members.delete(u);
          this.onChange({ groupId: g, userId: u, online: false });
        }
      }
      if (members.size === 0) this.lastSeen.delete(g);
    }
  }

  online(groupId: string): string[] {
    return [...(this.lastSeen.get(groupId)?.keys() ?? [])];
  }

  /** We went offline ourselves: we no longer know who is there, so nobody is shown online. */
  clear(): void {
    const all = [...this.lastSeen];
    this.lastSeen.clear();
    for (const [g, members] of all) for (const u of members.keys()) this.onChange({ groupId: g, userId: u, online: false });
  }
}
