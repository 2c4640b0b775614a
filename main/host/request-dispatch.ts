import type { CoreEventPayloads } from '../../shared/domain/core-events.js';
import type { GroupView } from '../../shared/domain/views.js';
import { toKizunaError } from '../../shared/errors/kizuna-error.js';
import {
  CORE_EVENT_NAMES,
  type CoreEventName,
  type EventName,
  type EventPayloads,
  type IpcResult,
  type ParsedRequestInput,
  type RequestName,
  type RequestOutput,
} from '../../shared/ipc/ipc-contract.js';
import { parseRequest } from '../../shared/ipc/request-validation.js';
import type { KizunaCore } from './kizuna-core.js';
import { probeNode } from './node-probe.js';

type Handler<N extends RequestName> = (core: KizunaCore, input: ParsedRequestInput<N>) => RequestOutput<N> | Promise<RequestOutput<N>>;
type Handlers = { [N in RequestName]: Handler<N> };

const bytes = (base64: string): Uint8Array => new Uint8Array(Buffer.from(base64, 'base64'));

/**
 * Every request of the contract, mapped onto the core. One table: nothing reaches the core another
 * way, and the compiler holds it to the contract (a request missing here, or one the contract does
 * not have, is a type error).
 */
const HANDLERS = {
  'identity.get': (c) => c.engine.getIdentity(),
  'identity.create': (c, i) => c.engine.createIdentity(i),
  'identity.rename': (c, i) => c.engine.renameSelf(i.displayName),
  'identity.export': (c, i) => c.engine.exportIdentity(i.passphrase),
  'identity.restore': (c, i) => c.engine.restoreIdentity(i.content, i.passphrase),

  'contacts.list': (c) => c.engine.listContacts(),
  'contacts.listBlocked': (c) => c.engine.listBlocked(),
  'contacts.add': (c, i) => c.engine.addContact(i.card),
  'contacts.remove': (c, i) => c.engine.removeContact(i.userId),
  'contacts.block': (c, i) => c.engine.blockContact(i),
  'contacts.unblock': (c, i) => c.engine.unblockContact(i.userId),
  'contacts.safetyNumber': (c, i) => c.engine.safetyNumber(i.userId),
  'contacts.verify': (c, i) => c.engine.verifyContact(i.userId, i.entered),
  'contacts.unverify': (c, i) => c.engine.unverifyContact(i.userId),
  'contacts.acknowledgeKeyChange': (c, i) => c.engine.acknowledgeKeyChange(i.userId),

  'groups.list': (c) => c.engine.listGroups(),
  'groups.get': (c, i) => c.engine.getGroup(i.groupId),
  'groups.changes': (c, i) => c.engine.groupChanges(i.groupId),
  'groups.create': (c, i) => c.engine.createGroup(i),
  'groups.addMembers': (c, i) => c.engine.addMembers(i.groupId, i.members),
  'groups.removeMembers': (c, i) => c.engine.removeMembers(i.groupId, i.members),
  'groups.rename': (c, i) => c.engine.renameGroup(i.groupId, i.name),
  'groups.setAvatar': (c, i) => c.engine.setGroupAvatar(i.groupId, bytes(i.base64), i.mime),
  'groups.leave': (c, i) => c.engine.leaveGroup(i.groupId),
  'groups.delete': (c, i) => c.engine.deleteGroup(i.groupId),
  'groups.rotateKeys': (c, i) => c.engine.rotateKeys(i.groupId),
  'groups.setMuted': (c, i) => c.engine.setMuted(i.groupId, i.muted),

  'invitations.list': (c) => c.engine.listInvitations(),
  'invitations.accept': (c, i) => c.engine.acceptInvitation(i.groupId),
  'invitations.decline': (c, i) => c.engine.declineInvitation(i.groupId),

  'messages.latest': (c, i) => c.engine.latestMessages(i.groupId, i.limit, i.filter),
  'messages.before': (c, i) => c.engine.messagesBefore(i.groupId, i.cursor, i.limit, i.filter),
  'messages.after': (c, i) => c.engine.messagesAfter(i.groupId, i.cursor, i.limit, i.filter),
  'messages.around': (c, i) => c.engine.messagesAround(i.groupId, i.messageId, i.limit),
  'messages.onDay': (c, i) => c.engine.messagesOnDay(i.groupId, i.date, i.timeZone, i.filter),
  'messages.search': (c, i) => c.engine.search(i.text, { ...(i.groupId ? { groupId: i.groupId } : {}), ...(i.limit ? { limit: i.limit } : {}) }),
  'messages.get': (c, i) => c.engine.getMessage(i.messageId),
  'messages.sendText': (c, i) => c.engine.sendText(i.groupId, i.text, i.replyTo),
  'messages.sendFile': (c, i) =>
    c.engine.sendFile(i.groupId, {
      name: i.name,
      mime: i.mime,
      bytes: bytes(i.base64),
      ...(i.caption === undefined ? {} : { caption: i.caption }),
      ...(i.replyTo === undefined ? {} : { replyTo: i.replyTo }),
    }),
  'messages.readFile': (c, i) => {
    const f = c.engine.readFile(i.messageId);
    return { name: f.name, mime: f.mime, base64: Buffer.from(f.bytes).toString('base64') };
  },
  'messages.markRead': (c, i) => c.engine.markRead(i.groupId, i.upTo, i.messageIds),
  'messages.receipts': (c, i) => c.engine.receipts(i.messageId),
  'messages.readers': (c, i) => c.engine.readers(i.messageId),
  'messages.pin': (c, i) => c.engine.pin(i.groupId, i.messageId),
  'messages.unpin': (c, i) => c.engine.unpin(i.groupId, i.messageId),
  'messages.listPins': (c, i) => c.engine.listPins(i.groupId),
  'messages.typing': (c, i) => c.engine.sendTyping(i.groupId, i.typing),
  'messages.retry': (c, i) => c.engine.retrySend(i.messageId),
  'groups.setRetryPolicy': (c, i) => c.engine.setRetryPolicy(i.groupId, i.policy),
  'messages.cancel': (c, i) => c.engine.cancelSend(i.messageId),

  'slim.state': (c) => c.slimSessions.state(),
  'slim.configure': (c, i) => c.slimSessions.configure(i),
  'slim.answer': (c, i) => c.slimSessions.answer(i.sessionId, i.accept),
  'slim.send': (c, i) => c.slimSessions.send(i.sessionId, i.text),
  'connection.status': (c) => c.connectionStatus(),
  'storage.health': (c) => c.engine.storageHealth(),
  'settings.get': (c) => c.getSettings(),
  'settings.set': (c, i) => c.updateSettings(i),
  'node.test': (_c, i) => probeNode(i.endpoint),
  // Only the desktop shell uses the open chat (and answers it before it gets here); the core has no use for it.
  'ui.setOpenChat': () => undefined,
} satisfies Handlers;

/** Runs one parsed request; generic so that the name picks the handler and its input type together. */
function runHandler<N extends RequestName>(core: KizunaCore, name: N, input: ParsedRequestInput<N>): RequestOutput<N> | Promise<RequestOutput<N>> {
  const handlers: Handlers = HANDLERS;
  return handlers[name](core, input);
}

/**
 * Validates an untrusted request (name and input) against the contract and runs it. Never throws:
 * every failure comes back as a serialised KizunaError the UI can map to its own words.
 */
export async function dispatchRequest(core: KizunaCore, name: unknown, input: unknown): Promise<IpcResult<unknown>> {
  try {
    const request = parseRequest(name, input);
    const value: unknown = withPresence(core, await runHandler(core, request.name, request.input));
    return { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    return { ok: false, error: toKizunaError(err).toJSON() };
  }
}

function isGroupView(v: unknown): v is GroupView {
  return typeof v === 'object' && v !== null && 'groupId' in v && 'members' in v && Array.isArray((v as GroupView).members);
}

/** Marks who is online in any group view (or list of them) on its way to the UI. */
function withPresence<T>(core: KizunaCore, value: T): T {
  const mark = (g: GroupView): GroupView => {
    const online = new Set(core.onlineMembers(g.groupId));
    // We are online only while connected: the connection banner and the member list must agree.
    const state = core.connectionStatus().state;
    const selfOnline = state === 'online' || state === 'syncing';
    return { ...g, members: g.members.map((m) => ({ ...m, online: m.isSelf ? selfOnline : online.has(m.userId) })) };
  };
  if (isGroupView(value)) return mark(value) as T;
  if (Array.isArray(value) && value.every(isGroupView)) return value.map(mark) as T;
  return value;
}

/** Forwards the core's events (every engine event of the contract, and connection changes) to one UI. */
export function forwardEvents(core: KizunaCore, send: <E extends EventName>(event: E, payload: EventPayloads[E]) => void): () => void {
  const offs = CORE_EVENT_NAMES.map((name) => forwardEngineEvent(core, name, send));
  offs.push(
    // Someone came or went: that mark alone (a group view carries every member; see EventPayloads.presence).
    core.onPresence((change) => send('presence', { groupId: change.groupId, userId: change.userId, online: change.online })),
    core.onConnection((p) => send('connection', p)),
    core.slimSessions.events.on('changed', (state) => send('slim-sessions', state)),
    core.engine.events.on('storage', (health) => send('storage-health', health)),
  );
  return () => {
    for (const off of offs) off();
  };
}

function forwardEngineEvent<E extends CoreEventName>(core: KizunaCore, name: E, send: <F extends EventName>(event: F, payload: EventPayloads[F]) => void): () => void {
  return core.engine.events.on(name, (payload) => {
    // EngineEvents and EventPayloads both extend CoreEventPayloads without changing its entries, so for
    // a core event the two payload types are one; TypeScript cannot follow that through a generic key.
    const same = payload as CoreEventPayloads[E] as EventPayloads[E];
    // Group views go out with who is online in them.
    send(name, name === 'group' ? withPresence(core, same) : same);
  });
}
