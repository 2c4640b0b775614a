import type { MessagePage, MessageView } from '../../../shared/domain/views';
import type { ErrorCode } from '../../../shared/errors/error-codes';
import { toCallError } from '../../api/call-error';
import { call } from '../../api/kizuna-client';
import { dayWindow, withLiveChanges, withNewerPage, withOlderPage, withRereads, withoutRetracted } from './message-window-merge';
import type { StateChange } from './send-state-order';

/** Messages fetched per page (the window keeps at most MAX_ITEMS, see message-window-merge.ts). */
export const PAGE_SIZE = 150;
const LIVE_FLUSH_MS = 40;

/** Where the list should scroll next; `seq` changes for every new request. */
export interface ScrollRequest {
  /** null: the newest message (the bottom). */
  messageId: string | null;
  align: 'start' | 'center' | 'end';
  highlight: boolean;
  seq: number;
}

export interface WindowSnapshot {
  items: readonly MessageView[];
  hasOlder: boolean;
  hasNewer: boolean;
  status: 'loading' | 'ready' | 'error';
  loadingOlder: boolean;
  loadingNewer: boolean;
  error: ErrorCode | null;
  scroll: ScrollRequest;
}

/**
 * A sliding window over one chat's history. A chat can hold 100,000 messages; the window holds at
 * most MAX_ITEMS of them around where the user is, paging older/newer at the edges and dropping
 * the far end, so memory and rendering cost do not grow with history. Live messages are appended
 * only while the window reaches the newest message (otherwise the user is reading history and the
 * list offers "jump to latest"). This class loads and schedules; how pages and live changes merge
 * into the window is pure logic in message-window-merge.ts.
 */
export class MessageWindow {
  private snapshot: WindowSnapshot = {
    items: [],
    hasOlder: false,
    hasNewer: false,
    status: 'loading',
    loadingOlder: false,
    loadingNewer: false,
    error: null,
    scroll: { messageId: null, align: 'end', highlight: false, seq: 0 },
  };
  private readonly listeners = new Set<() => void>();
  /** Bumped whenever the window is replaced, so answers to older requests are ignored. */
  private generation = 0;
  private readonly staleIds = new Set<string>();
  /** Live messages that arrived while a page was loading; merged once it lands. */
  private heldLive: MessageView[] = [];
  private readonly liveMessages = new Map<string, MessageView>();
  private readonly liveStates = new Map<string, StateChange>();
  /**
   * Messages the core retracted (messages-retracted): never shown again, whatever still brings them (a
   * page or live event from before the retraction answered after it). Ids are never reused.
   */
  private readonly retracted = new Set<string>();
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly groupId: string) {}

  getSnapshot = (): WindowSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The chat closed: answers still in flight are ignored (a remount starts again with loadLatest). */
  stop(): void {
    this.generation++;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    if (this.liveTimer !== undefined) clearTimeout(this.liveTimer);
    this.refreshTimer = undefined;
    this.liveTimer = undefined;
    this.staleIds.clear();
    this.liveMessages.clear();
    this.liveStates.clear();
  }

  private set(patch: Partial<WindowSnapshot>): void {
    const items = patch.items === undefined ? {} : { items: withoutRetracted(patch.items, this.retracted) };
    this.snapshot = { ...this.snapshot, ...patch, ...items };
    for (const l of this.listeners) l();
  }

  private scrollTo(messageId: string | null, align: ScrollRequest['align'], highlight = false): ScrollRequest {
    return { messageId, align, highlight, seq: this.snapshot.scroll.seq + 1 };
  }

  private async replace(load: () => Promise<MessagePage>, scroll: (page: MessagePage) => ScrollRequest | null): Promise<MessagePage | null> {
    const generation = ++this.generation;
    this.set({ status: this.snapshot.items.length === 0 ? 'loading' : this.snapshot.status, error: null });
    try {
      const page = await load();
      if (generation !== this.generation) return null;
      const target = scroll(page);
      this.set({
        items: page.messages,
        hasOlder: page.hasOlder,
        hasNewer: page.hasNewer,
        status: 'ready',
        loadingOlder: false,
        loadingNewer: false,
        ...(target === null ? {} : { scroll: target }),
      });
      const held = this.heldLive;
      this.heldLive = [];
      for (const m of held) this.onMessage(m);
      return page;
    } catch (error) {
      if (generation === this.generation) this.set({ status: 'error', error: toCallError(error).code });
      return null;
    }
  }

  loadLatest(): Promise<MessagePage | null> {
    return this.replace(
      () => call('messages.latest', { groupId: this.groupId, limit: PAGE_SIZE }),
      () => this.scrollTo(null, 'end'),
    );
  }

  /** Scrolls to the newest loaded message (the window already reaches the newest). */
  async jumpToEnd(): Promise<void> {
    this.set({ scroll: this.scrollTo(null, 'end') });
  }

  /** Opens the history around one message (a search hit, a pin, a quoted reply) and highlights it. */
  async jumpTo(messageId: string): Promise<void> {
    if (this.snapshot.items.some((m) => m.id === messageId)) {
      this.set({ scroll: this.scrollTo(messageId, 'center', true) });
      return;
    }
    await this.replace(
      () => call('messages.around', { groupId: this.groupId, messageId, limit: PAGE_SIZE }),
      () => this.scrollTo(messageId, 'center', true),
    );
  }

  /** Opens one local day of history (YYYY-MM-DD in the given time zone); false when it has no messages. */
  async jumpToDay(date: string, timeZone: string): Promise<boolean> {
    const day = await call('messages.onDay', { groupId: this.groupId, date, timeZone });
    const first = day.messages[0];
    if (first === undefined) return false;
    // A busy day can be long; keep the window's size bound and start at the day's first message.
    const page = dayWindow(day);
    await this.replace(
      async () => page,
      () => this.scrollTo(first.id, 'start', true),
    );
    return true;
  }

  async loadOlder(): Promise<void> {
    const s = this.snapshot;
    const first = s.items[0];
    if (s.loadingOlder || !s.hasOlder || first === undefined || s.status !== 'ready') return;
    const generation = this.generation;
    this.set({ loadingOlder: true });
    try {
      const page = await call('messages.before', { groupId: this.groupId, cursor: { id: first.id, sentAt: first.sentAt }, limit: PAGE_SIZE });
      if (generation !== this.generation) return;
      this.set({ ...withOlderPage(this.snapshot, page), loadingOlder: false });
    } catch (error) {
      if (generation === this.generation) this.set({ loadingOlder: false, error: toCallError(error).code });
    }
  }

  async loadNewer(): Promise<void> {
    const s = this.snapshot;
    const last = s.items[s.items.length - 1];
    if (s.loadingNewer || !s.hasNewer || last === undefined || s.status !== 'ready') return;
    const generation = this.generation;
    this.set({ loadingNewer: true });
    try {
      const page = await call('messages.after', { groupId: this.groupId, cursor: { id: last.id, sentAt: last.sentAt }, limit: PAGE_SIZE });
      if (generation !== this.generation) return;
      this.set({ ...withNewerPage(this.snapshot, page), loadingNewer: false });
    } catch (error) {
      if (generation === this.generation) this.set({ loadingNewer: false, error: toCallError(error).code });
    }
  }

  /**
   * A message was stored (ours or received). Live changes are applied in batches, at most one per
   * LIVE_FLUSH_MS: while a sync delivers thousands of messages a second, the list re-renders a few
   * dozen times a second instead of once per message.
   */
  onMessage(m: MessageView): void {
    if (m.groupId !== this.groupId) return;
    if (this.snapshot.status !== 'ready') {
      this.heldLive.push(m);
      return;
    }
    this.liveMessages.set(m.id, m);
    this.scheduleLive();
  }

  onSendState(messageId: string, change: StateChange): void {
    this.liveStates.set(messageId, change);
    this.scheduleLive();
  }

  /** The core let these go (the admin's signed cutoff refused them after they reached us): they leave at once. */
  onRetracted(messageIds: readonly string[]): void {
    for (const id of messageIds) {
      this.retracted.add(id);
      this.liveMessages.delete(id);
      this.liveStates.delete(id);
      this.staleIds.delete(id);
    }
    this.heldLive = this.heldLive.filter((m) => !this.retracted.has(m.id));
    const items = withoutRetracted(this.snapshot.items, this.retracted);
    if (items !== this.snapshot.items) this.set({ items });
  }

  private scheduleLive(): void {
    this.liveTimer ??= setTimeout(() => this.flushLive(), LIVE_FLUSH_MS);
  }

  private flushLive(): void {
    this.liveTimer = undefined;
    const incoming = [...this.liveMessages.values()];
    const states = new Map(this.liveStates);
    this.liveMessages.clear();
    this.liveStates.clear();
    const merged = withLiveChanges(this.snapshot, incoming, states);
    if (merged !== null) this.set(merged);
  }

  onPin(messageId: string, pinned: boolean): void {
    this.patch(messageId, (m) => ({ ...m, pinned }));
  }

  /** A receipt changed a message's "read by" count: re-read it (batched: receipts come in thousands). */
  onReceipt(messageId: string): void {
    if (!this.snapshot.items.some((m) => m.id === messageId)) return;
    this.staleIds.add(messageId);
    this.refreshTimer ??= setTimeout(() => void this.refreshStale(), 100);
  }

  /** A file finished arriving: the message's file becomes available. */
  onFileComplete(hash: string): void {
    for (const m of this.snapshot.items) if (m.file?.hash === hash) this.staleIds.add(m.id);
    if (this.staleIds.size > 0) this.refreshTimer ??= setTimeout(() => void this.refreshStale(), 100);
  }

  private async refreshStale(): Promise<void> {
    this.refreshTimer = undefined;
    const ids = [...this.staleIds];
    this.staleIds.clear();
    const fresh = await Promise.all(ids.map((messageId) => call('messages.get', { messageId }).catch(() => null)));
    const found = fresh.filter((m): m is MessageView => m !== null);
    if (found.length === 0) return;
    this.set({ items: withRereads(this.snapshot.items, found) });
  }

  private patch(messageId: string, change: (m: MessageView) => MessageView): void {
    const at = this.snapshot.items.findIndex((m) => m.id === messageId);
    if (at < 0) return;
    this.set({ items: this.snapshot.items.map((m, i) => (i === at ? change(m) : m)) });
  }
}
