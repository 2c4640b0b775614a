import { Engine } from '../../main/core/engine/engine.js';
import { toBase64Url } from '../../main/core/encoding/base64url.js';

function userIdOf(e: Engine): string {
  return e.getIdentity()?.userId ?? '';
}

/**
 * TEST FAKE of the network, for the engine-level tests of the core issue: it moves the real signed,
 * encrypted envelope bytes between engines in this process, the way SLIM would route them (a
 * group's channel reaches every engine subscribed to it; a direct envelope reaches its recipient).
 * Offline engines get nothing until they come back, then everything addressed to them while they
 * were away (standing in for the session layer's retries and catch-up). The real SLIM node and
 * session layer are exercised by the integration tests.
 */
export class LoopbackNetwork {
  private readonly engines: Engine[] = [];
  private readonly offline = new Set<Engine>();
  private readonly held = new Map<Engine, Uint8Array[]>();
  /** Envelopes published, by type, for fan-out assertions. */
  readonly published: { from: Engine; type: string; destination: 'group' | 'user'; deliveredTo: number; bytes: Uint8Array }[] = [];
  /** Envelopes (by type) the network loses instead of delivering, for fault tests. */
  readonly lose = new Set<string>();

  add(...engines: Engine[]): void {
    for (const e of engines) {
      this.engines.push(e);
      e.events.on('ephemeral', (ev) => this.deliverToChannel(e, ev.groupId, ev.bytes, true));
    }
  }

  setOffline(e: Engine, offline: boolean): void {
    if (offline) this.offline.add(e);
    else {
      this.offline.delete(e);
      for (const bytes of this.held.get(e) ?? []) e.receive(bytes);
      this.held.delete(e);
    }
  }

  /** Whether an engine listens on a group's channel (what a SLIM subscription would be). */
  private subscribed(e: Engine, groupId: string): boolean {
    try {
      const s = e.getGroup(groupId).myState;
      return s === 'joined' || s === 'joining';
    } catch {
      return false;
    }
  }

  private give(target: Engine, bytes: Uint8Array, ephemeral: boolean): void {
    if (this.offline.has(target)) {
      if (!ephemeral) this.held.set(target, [...(this.held.get(target) ?? []), bytes]);
      return;
    }
    target.receive(bytes);
  }

  private deliverToChannel(from: Engine, groupId: string, bytes: Uint8Array, ephemeral: boolean): number {
    let n = 0;
    for (const e of this.engines) {
      if (e === from || !this.subscribed(e, groupId)) continue;
      this.give(e, bytes, ephemeral);
      n++;
    }
    return n;
  }

  /** Moves every queued envelope until nothing is left in flight and every engine is idle. */
  async settle(maxRounds = 100): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      let moved = 0;
      for (const from of this.engines) {
        if (this.offline.has(from)) continue;
        for (const job of from.outbox.due(10_000)) {
          let n = 0;
          if (this.lose.has(job.type)) {
            from.outbox.markSent(job, Number.MAX_SAFE_INTEGER);
          } else if (job.destination === 'group') {
            const reached = this.engines.filter((e) => e !== from && !this.offline.has(e) && this.subscribed(e, toBase64Url(job.groupId)));
            n = this.deliverToChannel(from, toBase64Url(job.groupId), job.bytes, false);
            from.outbox.markSent(job, Number.MAX_SAFE_INTEGER);
            // Stand-in for the session layer's per-member acks of sequenced envelopes.
            if (job.seq > 0) for (const e of reached) from.outbox.recordDelivery(job.envelopeId, new Uint8Array(Buffer.from(userIdOf(e), 'base64url')));
          } else {
            const to = this.engines.find((e) => e.getIdentity()?.userId === toBase64Url(job.recipient ?? new Uint8Array(0)));
            if (to !== undefined) {
              this.give(to, job.bytes, false);
              n = 1;
            }
            from.outbox.markDone(job);
          }
          this.published.push({ from, type: job.type, destination: job.destination, deliveredTo: n, bytes: job.bytes });
          moved++;
        }
      }
      await Promise.all(this.engines.map((e) => e.inbox.idle()));
      if (moved === 0) {
        // Group views go out on the turn after the commit that changed them (emitActivitySoon): let them.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return;
      }
    }
    throw new Error('the loopback network did not settle');
  }
}
