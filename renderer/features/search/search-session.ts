import type { MessageView } from '../../../shared/domain/views';
import { createTypeahead, type Typeahead, type TypeaheadTimer } from './typeahead';

export interface SearchSnapshot {
  /** The answer for the newest text searched so far (null: nothing searched, or the text was cleared). */
  results: readonly MessageView[] | null;
  searching: boolean;
  error: unknown;
}

const NOTHING: SearchSnapshot = { results: null, searching: false, error: undefined };

export interface SearchSessionOptions {
  delayMs: number;
  run: (text: string) => Promise<MessageView[]>;
  timer?: TypeaheadTimer;
}

/**
 * The search panel's state while it is open: search as you type (typeahead.ts), and the messages
 * the core retracted meanwhile (`messages-retracted`, a removal's signed cutoff). Those leave the
 * results shown, and never come back from an answer that was on its way when they went (it was
 * searched before the retraction). Ids are never reused, so the set only grows while the panel is open.
 * Plain TypeScript, no React: use-search-as-you-type.ts binds it to the panel.
 */
export class SearchSession {
  private snapshot: SearchSnapshot = NOTHING;
  private readonly retracted = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly typeahead: Typeahead;

  constructor(o: SearchSessionOptions) {
    this.typeahead = createTypeahead<MessageView[]>({
      delayMs: o.delayMs,
      run: o.run,
      started: () => this.set({ ...this.snapshot, searching: true }),
      show: (_, results) => this.set({ results: this.without(results), searching: false, error: undefined }),
      fail: (_, error) => this.set({ results: null, searching: false, error }),
      ...(o.timer === undefined ? {} : { timer: o.timer }),
    });
  }

  /** The text changed (blank clears the results at once). */
  type(text: string): void {
    this.typeahead.type(text);
    if (text.trim().length === 0) this.set(NOTHING);
  }

  /** The core let these messages go: drop them from what is shown and from answers still to come. */
  onRetracted(messageIds: readonly string[]): void {
    for (const id of messageIds) this.retracted.add(id);
    const results = this.snapshot.results;
    if (results === null) return;
    const left = this.without(results);
    if (left.length !== results.length) this.set({ ...this.snapshot, results: left });
  }

  stop(): void {
    this.typeahead.stop();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SearchSnapshot => this.snapshot;

  private without(results: readonly MessageView[]): readonly MessageView[] {
    return this.retracted.size === 0 ? results : results.filter((m) => !this.retracted.has(m.id));
  }

  private set(next: SearchSnapshot): void {
    this.snapshot = next;
    for (const l of this.listeners) l();
  }
}
