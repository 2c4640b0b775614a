import type { MessageView } from '../../../shared/domain/views.js';
import type { CoreProcess } from '../../helpers/core-process.js';

/**
 * What each sender shows about its own messages, against what the members hold: the fault tests'
 * measure of "delivery states that converge" (issue 9). A sender's message should be 'read' when every
 * other joined member (in the sender's own view of the group) holds it and read it, 'delivered' when
 * every one holds it, and 'sent' otherwise.
 */
export interface DeliveryTruth {
  /** `sender: text` → the sender's send state. */
  actual: Record<string, string>;
  /** `sender: text` → the state the members' stores call for. */
  expected: Record<string, string>;
  /** `sender: text` → the names of the members that read it (sorted). */
  readers: Record<string, string[]>;
  /** `sender: text` → the readers the sender's receipts name (sorted). */
  receipts: Record<string, string[]>;
}

/** Which message ids each person read (what markRead covered), by person name. */
export type ReadLog = Map<string, Set<string>>;

/** Every message of a group in one person's store, oldest first. */
export async function timeline(p: CoreProcess, groupId: string): Promise<MessageView[]> {
  const out: MessageView[] = [];
  let page = await p.invoke('messages.latest', { groupId, limit: 500 });
  out.unshift(...page.messages);
  while (page.hasOlder && page.messages[0] !== undefined) {
    const first = page.messages[0];
    page = await p.invoke('messages.before', { groupId, cursor: { id: first.id, sentAt: first.sentAt }, limit: 500 });
    out.unshift(...page.messages);
  }
  return out;
}

/** Reads what each person's store holds and what each sender shows. `people`: everyone still in the group. */
export async function deliveryTruth(people: CoreProcess[], groupId: string, reads: ReadLog): Promise<DeliveryTruth> {
  const held = new Map<string, Set<string>>();
  const views = new Map<string, { person: CoreProcess; self: string; joined: string[]; mine: MessageView[] }>();
  const nameOf = new Map<string, string>();
  for (const p of people) {
    const [group, messages] = await Promise.all([p.invoke('groups.get', { groupId }), timeline(p, groupId)]);
    const self = group.members.find((m) => m.isSelf)?.userId ?? '';
    nameOf.set(self, p.name);
    held.set(self, new Set(messages.map((m) => m.id)));
    views.set(p.name, { person: p, self, joined: group.members.filter((m) => m.status === 'joined' && !m.isSelf).map((m) => m.userId), mine: messages.filter((m) => m.isMine) });
  }
  const truth: DeliveryTruth = { actual: {}, expected: {}, readers: {}, receipts: {} };
  for (const [name, view] of views) {
    for (const m of view.mine) {
      const key = `${name}: ${m.text}`;
      const holds = view.joined.filter((u) => held.get(u)?.has(m.id) === true);
      const readers = view.joined.filter((u) => reads.get(nameOf.get(u) ?? '')?.has(m.id) === true);
      truth.actual[key] = m.sendState;
      truth.readers[key] = readers.map((u) => nameOf.get(u) ?? u).sort();
      truth.receipts[key] = (await view.person.invoke('messages.receipts', { messageId: m.id })).map((r) => r.readerName).sort();
      truth.expected[key] = readers.length === view.joined.length ? 'read' : holds.length === view.joined.length ? 'delivered' : 'sent';
    }
  }
  return truth;
}

/**
 * Whether every sender's states are what the members hold, nothing is left short of delivered, and
 * each sender's receipts name exactly who read (a read receipt may still be on its way when the
 * states already agree: a message not read by all stays 'delivered' either way).
 */
export function converged(t: DeliveryTruth): boolean {
  return Object.entries(t.expected).every(
    ([k, want]) => t.actual[k] === want && want !== 'sent' && (t.receipts[k] ?? []).join('|') === (t.readers[k] ?? []).join('|'),
  );
}

/** Marks the group read for `p` and records which messages (of others) that covered. */
export async function readAll(p: CoreProcess, groupId: string, reads: ReadLog): Promise<void> {
  const others = (await timeline(p, groupId)).filter((m) => !m.isMine).map((m) => m.id);
  await p.invoke('messages.markRead', { groupId });
  const set = reads.get(p.name) ?? new Set<string>();
  for (const id of others) set.add(id);
  reads.set(p.name, set);
}
