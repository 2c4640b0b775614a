import type { EncryptionMode, MessageView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { CoreEventPayloads } from '../../../shared/domain/core-events.js';
import type { KizunaCore } from '../kizuna-core.js';
import { waitForDelivery } from './delivery-wait.js';

/** What a session needs of its app (KizunaApp): the core, and finding people by SLIM name. */
export interface GroupSessionApp {
  readonly core: Pick<KizunaCore, 'engine'>;
  resolve(slimName: string): Promise<string>;
}

/** What `getMessage` returns: seed 000's (ctx, payload) pair. */
export interface ReceivedMessage {
  context: {
    /** The sender's SLIM name (seed 000's ctx.source_name). */
    sourceName: string;
    senderId: string;
    senderName: string;
    groupId: string;
    messageId: string;
    sentAt: number;
    kind: MessageView['kind'];
    /** For files: the file name and type. */
    fileName: string | null;
    mime: string | null;
  };
  payload: Uint8Array;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * One group, as seed 000's multicast session: publish, receive in order of arrival, invite and
 * remove by SLIM name, leave. Messages from others are queued from the moment the session exists.
 */
export class GroupSession {
  private readonly queue: MessageView[] = [];
  private readonly waiters: ((m: MessageView) => void)[] = [];
  private readonly off: () => void;

  constructor(
    private readonly app: GroupSessionApp,
    readonly groupId: string,
  ) {
    this.off = app.core.engine.events.on('message', (m) => {
      if (m.groupId !== groupId || m.isMine) return;
      const waiter = this.waiters.shift();
      if (waiter !== undefined) waiter(m);
      else this.queue.push(m);
    });
  }

  get name(): string {
    return this.app.core.engine.getGroup(this.groupId).name;
  }

  get mode(): EncryptionMode {
    return this.app.core.engine.getGroup(this.groupId).mode;
  }

  /** Invites a SLIM name (asks it for its card first; it must be online). */
  async invite(slimName: string): Promise<void> {
    const userId = await this.app.resolve(slimName);
    await this.app.core.engine.addMembers(this.groupId, [userId]);
  }

  /** Removes a member by SLIM name (or user id). */
  async remove(nameOrId: string): Promise<void> {
    const member = this.app.core.engine.getGroup(this.groupId).members.find((m) => m.slimName === nameOrId || m.userId === nameOrId);
    if (member === undefined) throw new KizunaError('GROUP_NOT_MEMBER');
    await this.app.core.engine.removeMembers(this.groupId, [member.userId]);
  }

  /**
   * Text when the payload is a string or valid UTF-8, otherwise a file named payload.bin. With
   * `waitForDelivery`, resolves once every member has it and rejects with DELIVERY_FAILED when the
   * session's retries run out first, SEND_REFUSED when we had been removed (or TIMEOUT after
   * `timeoutMs`, default 5 minutes). Another member's removal does not reject: it resolves once
   * every member left has it.
   */
  async publish(payload: string | Uint8Array, options: { waitForDelivery?: boolean; timeoutMs?: number } = {}): Promise<MessageView> {
    const sent = await this.send(payload);
    if (options.waitForDelivery !== true) return sent;
    return waitForDelivery(this.app.core.engine, sent, options.timeoutMs ?? 5 * 60_000);
  }

  /**
   * Calls `listener` when one of our messages in this session was not acked by every member after its
   * last retry (seed 000's failure report). A later ack may still deliver it (a 'send-state' event).
   */
  onDeliveryFailed(listener: (failure: CoreEventPayloads['delivery-failed']) => void): () => void {
    return this.app.core.engine.events.on('delivery-failed', (f) => {
      if (f.groupId === this.groupId) listener(f);
    });
  }

  /** Seed 000-style `session.on('delivery-failed', ...)`. */
  on(event: 'delivery-failed', listener: (failure: CoreEventPayloads['delivery-failed']) => void): () => void {
    if (event !== 'delivery-failed') throw new KizunaError('INVALID_INPUT', `Unknown session event: ${String(event)}`);
    return this.onDeliveryFailed(listener);
  }

  private async send(payload: string | Uint8Array): Promise<MessageView> {
    const engine = this.app.core.engine;
    if (typeof payload === 'string') return engine.sendText(this.groupId, payload);
    try {
      return await engine.sendText(this.groupId, decoder.decode(payload));
    } catch (err) {
      if (err instanceof KizunaError) throw err;
      return engine.sendFile(this.groupId, { name: 'payload.bin', mime: 'application/octet-stream', bytes: payload });
    }
  }

  /** The next message from someone else (waits for one). */
  async getMessage(options: { timeoutMs?: number } = {}): Promise<ReceivedMessage> {
    const m = this.queue.shift() ?? (await this.next(options.timeoutMs ?? 24 * 60 * 60 * 1000));
    const engine = this.app.core.engine;
    const member = engine.getGroup(this.groupId).members.find((x) => x.userId === m.sender);
    let payload: Uint8Array;
    if (m.file === null) payload = new TextEncoder().encode(m.text);
    else {
      if (!m.file.available) await engine.events.waitFor('file', (f) => f.hash === m.file?.hash && f.complete, options.timeoutMs ?? 60_000);
      payload = engine.readFile(m.id).bytes;
    }
    return {
      context: {
        sourceName: member?.slimName ?? '',
        senderId: m.sender,
        senderName: m.senderName,
        groupId: m.groupId,
        messageId: m.id,
        sentAt: m.sentAt,
        kind: m.kind,
        fileName: m.file?.name ?? null,
        mime: m.file?.mime ?? null,
      },
      payload,
    };
  }

  private next(timeoutMs: number): Promise<MessageView> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new KizunaError('TIMEOUT', 'No message arrived in time.'));
      }, timeoutMs);
      const waiter = (m: MessageView): void => {
        clearTimeout(timer);
        resolve(m);
      };
      this.waiters.push(waiter);
    });
  }

  /** Leaves the group (members), or closes it for everyone (the admin, seed 000's GROUP_CLOSE). */
  async leave(): Promise<void> {
    const engine = this.app.core.engine;
    if (engine.getGroup(this.groupId).isAdmin) await engine.deleteGroup(this.groupId);
    else await engine.leaveGroup(this.groupId);
    this.detach();
  }

  detach(): void {
    this.off();
  }
}
