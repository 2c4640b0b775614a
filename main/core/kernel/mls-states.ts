import { toBase64Url } from '../encoding/base64url.js';
import * as mls from '../crypto/mls/index.js';
import type { SelfKeys } from '../crypto/self-keys.js';
import type { Store } from '../store/store.js';

/** How long a decrypting burst may run before its advanced MLS states are stored. */
const FLUSH_AFTER_MS = 200;

/**
 * MLS group states: persisted per epoch in SQLite (sealed with the local key) and the current one
 * of each group cached in memory, so a message does not pay for deserialising the whole tree.
 * Callers change a state only inside the group's lock, and `put` it inside the transaction that
 * records what the new state produced (an outbox job, a stored message).
 */
export class MlsStates {
  private readonly cache = new Map<string, { epoch: number; state: mls.MlsGroupState }>();
  /** Groups whose cached state moved on (messages decrypted) and is not stored yet. */
  private readonly dirty = new Map<string, Uint8Array>();
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly self: () => SelfKeys,
  ) {}

  private label(groupId: Uint8Array, epoch: number): string {
    return `mls_state:${toBase64Url(groupId)}:${epoch}`;
  }

  private identity(): mls.MlsIdentity {
    const s = this.self();
    return { publicKey: s.signPublic, secretKey: s.signSecret };
  }

  /** The newest state of a group, or undefined when this device is not (yet) in its MLS group. */
  current(groupId: Uint8Array): { epoch: number; state: mls.MlsGroupState } | undefined {
    const key = toBase64Url(groupId);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const row = this.store.read.keys.latestMlsState(groupId);
    if (row === undefined) return undefined;
    const loaded = { epoch: row.epoch, state: mls.deserializeState(this.store.cipher.open(this.label(groupId, row.epoch), row.stateSealed), this.identity()) };
    this.cache.set(key, loaded);
    return loaded;
  }

  /** The stored state of an older epoch (for messages older than the retained keys). */
  atEpoch(groupId: Uint8Array, epoch: number): mls.MlsGroupState | undefined {
    const cur = this.current(groupId);
    if (cur?.epoch === epoch) return cur.state;
    const sealed = this.store.read.keys.mlsState(groupId, epoch);
    return sealed === undefined ? undefined : mls.deserializeState(this.store.cipher.open(this.label(groupId, epoch), sealed), this.identity());
  }

  /** Writes a state (inside the caller's transaction) and makes it current if it is the newest. */
  put(groupId: Uint8Array, epoch: number, state: mls.MlsGroupState): void {
    this.store.write.keys.putMlsState(groupId, epoch, this.store.cipher.seal(this.label(groupId, epoch), mls.serializeState(state)));
    const key = toBase64Url(groupId);
    const cached = this.cache.get(key);
    if (cached === undefined || cached.epoch <= epoch) {
      // The newest state (it carries whatever was only advanced in memory) is stored now.
      this.cache.set(key, { epoch, state });
      this.dirty.delete(key);
    }
  }

  /**
   * Makes a state current in memory only, after encrypting a body whose envelope is not queued yet:
   * the sender stores it (`put`) in the transaction that queues the envelope, so that no ciphertext
   * leaves before the state that made it is durable. Until then the next encryption starts from it,
   * so no ratchet generation is used twice in this process; if the process dies first, the
   * generations it used are used again, but their ciphertexts never left it.
   */
  hold(groupId: Uint8Array, epoch: number, state: mls.MlsGroupState): void {
    const key = toBase64Url(groupId);
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.epoch > epoch) return;
    this.cache.set(key, { epoch, state });
  }

  /**
   * Makes a state current in memory only (after decrypting a message) and stores it a moment later,
   * once for a whole burst. Safe for received messages: if the process dies first, the stored state
   * is older and still holds the keys of messages already applied (they are never decrypted again:
   * the channel log and their inbox rows, if they had any, say they were applied); nothing is ever
   * encrypted from an unstored state (`put` stores at once, and stores this cached state with it).
   */
  advance(groupId: Uint8Array, epoch: number, state: mls.MlsGroupState): void {
    const key = toBase64Url(groupId);
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.epoch > epoch) return;
    this.cache.set(key, { epoch, state });
    this.dirty.set(key, groupId);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      try {
        this.store.transaction(() => this.flushDirty());
      } catch {
        // the store closed meanwhile; what was not stored is decrypted again next time
      }
    }, FLUSH_AFTER_MS);
  }

  /** Stores every state advanced in memory now (also on close). */
  flushDirty(): void {
    if (this.flushTimer !== undefined) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const [key, groupId] of this.dirty) {
      const cur = this.cache.get(key);
      if (cur !== undefined) this.store.write.keys.putMlsState(groupId, cur.epoch, this.store.cipher.seal(this.label(groupId, cur.epoch), mls.serializeState(cur.state)));
    }
    this.dirty.clear();
  }

  /** Drops the cache entry (after a failed transaction, the stored state is the truth). */
  forget(groupId: Uint8Array): void {
    const key = toBase64Url(groupId);
    this.cache.delete(key);
    this.dirty.delete(key);
  }
}
