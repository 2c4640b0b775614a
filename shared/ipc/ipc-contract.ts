import type { GroupChangeView } from '../domain/group-change.js';
import type { z } from 'zod';
import type { CoreEventPayloads } from '../domain/core-events.js';
import type {
  GroupView,
  IdentityView,
  InvitationView,
  MessagePage,
  MessageView,
  PersonView,
  ReadersView,
  ReceiptView,
  SafetyNumberView,
} from '../domain/views.js';
import type { SlimSessionsState } from '../domain/slim-session-views.js';
import type { StorageHealthView } from '../domain/storage-health.js';
import type { SerializedError } from '../errors/kizuna-error.js';
import type { SchemaKit } from './ipc-schemas.js';
import type { settingsSchema } from './settings-schemas.js';

/**
 * The one contract between the UI and the core: every request (with the schema its input must
 * pass) and every pushed event, each name written here once. The preload exposes exactly this as
 * `window.kizuna`; the browser host implements the same over a WebSocket; the core side validates
 * every input against these schemas before acting. Output types are declared here too, so both
 * sides derive their types.
 *
 * No zod at run time: each input schema is a builder over the schema kit (ipc-schemas.ts), run only
 * by the side that validates (request-validation.ts). So the sandboxed preload and the page bridge
 * take the request names from REQUESTS itself while bundling no schema.
 */
type InputBuilder = (kit: SchemaKit) => z.ZodType;

interface RequestSpec<B extends InputBuilder, O> {
  input: B;
  /** Phantom: carries the output type only. */
  output: O;
}

function request<O>() {
  return <B extends InputBuilder>(input: B): RequestSpec<B, O> => ({ input, output: undefined as unknown as O });
}

export type ConnectionStateName = 'offline' | 'connecting' | 'online' | 'syncing';

export interface ConnectionStatus {
  state: ConnectionStateName;
  /** Where the node is: the embedded one the app started, or a remote one. */
  node: { mode: 'embedded' | 'remote'; endpoint: string };
  /** While syncing: envelopes caught up so far out of those known to be missing. */
  sync: { done: number; total: number } | null;
  /** Why the last connection attempt failed, if it did. */
  error: SerializedError | null;
}

export type Settings = z.infer<typeof settingsSchema>;
// The schemas live beside the kit (settings-schemas.ts); their types stay reachable from here.
export type { settingsPatchSchema, settingsSchema } from './settings-schemas.js';

export const REQUESTS = {
  'identity.get': request<IdentityView | null>()((k) => k.noInput),
  'identity.create': request<IdentityView>()(({ z }) => z.object({ displayName: z.string().max(256), slimName: z.string().max(512).optional() }).strict()),
  'identity.rename': request<IdentityView>()(({ z }) => z.object({ displayName: z.string().max(256) }).strict()),
  'identity.export': request<{ fileName: string; content: string }>()(({ z }) => z.object({ passphrase: z.string().min(8, 'PASSPHRASE_TOO_SHORT').max(1024) }).strict()),
  'identity.restore': request<IdentityView>()(({ z }) => z.object({ content: z.string().max(64 * 1024), passphrase: z.string().max(1024) }).strict()),

  'contacts.list': request<PersonView[]>()((k) => k.noInput),
  'contacts.listBlocked': request<PersonView[]>()((k) => k.noInput),
  'contacts.add': request<PersonView>()(({ z, card }) => z.object({ card }).strict()),
  'contacts.remove': request<void>()(({ z, userId }) => z.object({ userId }).strict()),
  'contacts.block': request<PersonView>()(({ z, userId, card }) => z.union([z.object({ userId }).strict(), z.object({ card }).strict()])),
  'contacts.unblock': request<PersonView>()(({ z, userId }) => z.object({ userId }).strict()),
  'contacts.safetyNumber': request<SafetyNumberView>()(({ z, userId }) => z.object({ userId }).strict()),
  /** Marks verified; with `entered` (their number or QR text) only when it matches ours (SAFETY_NUMBER_MISMATCH). */
  'contacts.verify': request<SafetyNumberView>()(({ z, userId }) => z.object({ userId, entered: z.string().max(512).optional() }).strict()),
  'contacts.unverify': request<SafetyNumberView>()(({ z, userId }) => z.object({ userId }).strict()),
  'contacts.acknowledgeKeyChange': request<SafetyNumberView>()(({ z, userId }) => z.object({ userId }).strict()),

  'groups.list': request<GroupView[]>()((k) => k.noInput),
  'groups.get': request<GroupView>()(({ z, groupId }) => z.object({ groupId }).strict()),
  'groups.changes': request<GroupChangeView[]>()(({ z, groupId }) => z.object({ groupId }).strict()),
  'groups.create': request<GroupView>()(({ z, members, mode, retryPolicy }) =>
    z.object({ name: z.string().max(1024), members, mode: mode.optional(), direct: z.boolean().optional(), retryPolicy: retryPolicy.optional() }).strict(),
  ),
  /** Seed 000's max_retries and timeout for this group, stored (a field left out stays, null follows the app's value). */
  'groups.setRetryPolicy': request<GroupView>()(({ z, groupId, retryPolicy }) => z.object({ groupId, policy: retryPolicy }).strict()),
  'groups.addMembers': request<GroupView>()(({ z, groupId, members }) => z.object({ groupId, members }).strict()),
  'groups.removeMembers': request<GroupView>()(({ z, groupId, members }) => z.object({ groupId, members }).strict()),
  'groups.rename': request<GroupView>()(({ z, groupId }) => z.object({ groupId, name: z.string().max(1024) }).strict()),
  'groups.setAvatar': request<GroupView>()(({ z, groupId, base64 }) =>
    z.object({ groupId, base64: base64.max(400_000), mime: z.string().max(64) }).strict(),
  ),
  'groups.leave': request<void>()(({ z, groupId }) => z.object({ groupId }).strict()),
  'groups.delete': request<GroupView>()(({ z, groupId }) => z.object({ groupId }).strict()),
  'groups.rotateKeys': request<void>()(({ z, groupId }) => z.object({ groupId }).strict()),
  'groups.setMuted': request<GroupView>()(({ z, groupId }) => z.object({ groupId, muted: z.boolean() }).strict()),

  'invitations.list': request<InvitationView[]>()((k) => k.noInput),
  'invitations.accept': request<GroupView>()(({ z, groupId }) => z.object({ groupId }).strict()),
  'invitations.decline': request<void>()(({ z, groupId }) => z.object({ groupId }).strict()),

  'messages.latest': request<MessagePage>()(({ z, groupId, limit, filter }) => z.object({ groupId, limit, filter: filter.optional() }).strict()),
  'messages.before': request<MessagePage>()(({ z, groupId, cursor, limit, filter }) =>
    z.object({ groupId, cursor, limit, filter: filter.optional() }).strict(),
  ),
  'messages.after': request<MessagePage>()(({ z, groupId, cursor, limit, filter }) =>
    z.object({ groupId, cursor, limit, filter: filter.optional() }).strict(),
  ),
  'messages.around': request<MessagePage>()(({ z, groupId, messageId, limit }) => z.object({ groupId, messageId, limit }).strict()),
  'messages.onDay': request<MessagePage>()(({ z, groupId, filter }) =>
    z
      .object({
        groupId,
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        timeZone: z.string().min(1).max(64),
        filter: filter.optional(),
      })
      .strict(),
  ),
  // Without groupId: every chat. Text with no words is the user's mistake, said as SEARCH_QUERY_INVALID.
  'messages.search': request<MessageView[]>()(({ z, groupId, limit }) =>
    z
      .object({ text: z.string().max(1024).refine((t) => t.trim().length > 0, 'SEARCH_QUERY_INVALID'), groupId: groupId.optional(), limit: limit.optional() })
      .strict(),
  ),
  'messages.get': request<MessageView>()(({ z, messageId }) => z.object({ messageId }).strict()),
  'messages.sendText': request<MessageView>()(({ z, groupId, messageId }) =>
    z.object({ groupId, text: z.string().max(70_000), replyTo: messageId.optional() }).strict(),
  ),
  'messages.sendFile': request<MessageView>()(({ z, groupId, messageId, base64 }) =>
    z
      .object({
        groupId,
        name: z.string().max(1024),
        mime: z.string().max(255),
        // 100 MiB of bytes is 140 MB of base64; a little over lets the core give the precise error.
        base64: base64.max(150_000_000),
        caption: z.string().max(70_000).optional(),
        replyTo: messageId.optional(),
      })
      .strict(),
  ),
  'messages.readFile': request<{ name: string; mime: string; base64: string }>()(({ z, messageId }) => z.object({ messageId }).strict()),
  // messageIds: exactly the messages the user saw (per-message read marks); without them, everything up to upTo.
  'messages.markRead': request<number>()(({ z, groupId, messageId }) =>
    z.object({ groupId, upTo: z.number().int().nonnegative().optional(), messageIds: z.array(messageId).max(10_000).optional() }).strict(),
  ),
  'messages.receipts': request<ReceiptView[]>()(({ z, messageId }) => z.object({ messageId }).strict()),
  /** The read-by popover: readers, and members gone (left or removed) before reading. */
  'messages.readers': request<ReadersView>()(({ z, messageId }) => z.object({ messageId }).strict()),
  'messages.pin': request<void>()(({ z, groupId, messageId }) => z.object({ groupId, messageId }).strict()),
  'messages.unpin': request<void>()(({ z, groupId, messageId }) => z.object({ groupId, messageId }).strict()),
  'messages.listPins': request<MessageView[]>()(({ z, groupId }) => z.object({ groupId }).strict()),
  'messages.typing': request<void>()(({ z, groupId }) => z.object({ groupId, typing: z.boolean() }).strict()),
  'messages.retry': request<void>()(({ z, messageId }) => z.object({ messageId }).strict()),
  'messages.cancel': request<void>()(({ z, messageId }) => z.object({ messageId }).strict()),

  // SLIM's own group sessions (issue 10): the profile's SLIM name and shared secret, invitations, text.
  'slim.state': request<SlimSessionsState>()((k) => k.noInput),
  'slim.configure': request<SlimSessionsState>()(({ z }) =>
    z.object({ name: z.string().min(5).max(512), sharedSecret: z.string().min(32).max(1024) }).strict(),
  ),
  'slim.answer': request<SlimSessionsState>()(({ z }) => z.object({ sessionId: z.number().int().nonnegative().max(0xffffffff), accept: z.boolean() }).strict()),
  'slim.send': request<SlimSessionsState>()(({ z }) =>
    z.object({ sessionId: z.number().int().nonnegative().max(0xffffffff), text: z.string().min(1).max(70_000) }).strict(),
  ),

  'connection.status': request<ConnectionStatus>()((k) => k.noInput),
  /** Whether the store can write now (changes come as `storage-health` events). */
  'storage.health': request<StorageHealthView>()((k) => k.noInput),
  'settings.get': request<Settings>()((k) => k.noInput),
  'settings.set': request<Settings>()((k) => k.settingsPatch),
  /** Before a remote node is saved: does its address parse and accept a connection? (NODE_ADDRESS_INVALID / NODE_UNREACHABLE) */
  'node.test': request<void>()(({ z }) => z.object({ endpoint: z.string().max(512) }).strict()),

  /**
   * The renderer tells its host which chat it shows (null: none, e.g. settings are open). The desktop
   * shell keeps notifications quiet for that chat while the window has focus; other hosts accept it
   * and do nothing.
   */
  'ui.setOpenChat': request<void>()(({ z, groupId }) => z.object({ groupId: groupId.nullable() }).strict()),
} as const;

export type RequestName = keyof typeof REQUESTS;
/** The zod schema a request's input must pass (built by request-validation.ts). */
export type RequestInputSchema<N extends RequestName> = ReturnType<(typeof REQUESTS)[N]['input']>;
export type RequestInput<N extends RequestName> = z.input<RequestInputSchema<N>>;
export type ParsedRequestInput<N extends RequestName> = z.output<RequestInputSchema<N>>;
export type RequestOutput<N extends RequestName> = (typeof REQUESTS)[N]['output'];
export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];

/** A request the contract knows (own keys only: `constructor` or `__proto__` are not requests). */
export function isRequestName(value: unknown): value is RequestName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REQUESTS, value);
}

/** Everything the core pushes to the UI. */
export interface EventPayloads extends CoreEventPayloads {
  connection: ConnectionStatus;
  /**
   * A member of a group was heard from (heartbeats, messages) or went quiet: their `online` mark in that group's
   * view. Sent alone, not as the group's whole view: coming online in a group of a thousand brings a thousand of
   * these, and going offline as many at once.
   */
  presence: { groupId: string; userId: string; online: boolean };
  /** SLIM sessions changed (an invitation, a message, an end): the whole state again. */
  'slim-sessions': SlimSessionsState;
  /** The store could not write (disk full, read-only, locked, damaged), or writes resumed. */
  'storage-health': StorageHealthView;
  /**
   * Sent by the desktop shell, never by the core: a `kizuna://` link the app was opened with, or a
   * notification the user clicked. The UI shows the contact card (for `contacts.add`), the chat or the
   * invitation. The shell holds it until the UI subscribes, so a link that started the app is not lost.
   */
  'deep-link': DeepLink;
}

/** What a `kizuna://` link (or a clicked notification) asks the UI to show. */
export type DeepLink =
  /** `kizuna://contact/...`: `card` is the whole link, which `contacts.add` accepts as a card. */
  | { kind: 'contact'; card: string }
  /** `kizuna://group/<groupId>` or a message notification: open this chat. */
  | { kind: 'group'; groupId: string }
  /** `kizuna://invitation/<groupId>` or an invitation notification: show this pending invitation. */
  | { kind: 'invitation'; groupId: string };

export type EventName = keyof EventPayloads;
export type CoreEventName = keyof CoreEventPayloads;

/**
 * The event names at run time. EventPayloads is a type (and CoreEventPayloads belongs to the core),
 * so the names are listed once more here, as tables the compiler checks against those types: a name
 * missing or extra is a type error. Everything else (clients, the preload, the browser host, event
 * forwarding) derives from these two lists.
 */
const CORE_EVENTS = {
  message: true,
  'send-state': true,
  'messages-retracted': true,
  'messages-read': true,
  group: true,
  'group-activity': true,
  invitation: true,
  typing: true,
  receipt: true,
  pin: true,
  file: true,
  unread: true,
  'group-change': true,
  'delivery-failed': true,
  contact: true,
} as const satisfies Record<CoreEventName, true>;
const EVENTS = { ...CORE_EVENTS, connection: true, presence: true, 'slim-sessions': true, 'deep-link': true, 'storage-health': true } as const satisfies Record<EventName, true>;

/** The engine's events, which every host forwards to its UIs. */
export const CORE_EVENT_NAMES = Object.keys(CORE_EVENTS) as CoreEventName[];
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENTS, value);
}

/** One pushed event with its payload, as a union a `switch` on `event` narrows (no casts). */
export type PushedEvent = { [E in EventName]: { event: E; payload: EventPayloads[E] } }[EventName];

/** A reply on any bridge: the value, or a serialised KizunaError. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** `window.kizuna`: what the renderer gets, in Electron and in the browser host alike. */
export interface KizunaApi {
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Which host the UI runs in (for small differences such as "open file" dialogs). */
  readonly host: 'electron' | 'browser';
  /**
   * Whether the process holding the profile answers the bridge's heartbeat (shared/ipc/host-link.ts):
   * calls `listener` with the state now, then on every change; returns a function that stops it.
   */
  watchLink(listener: (up: boolean) => void): () => void;
}

/** The single IPC channel names the preload and the shell use. */
export const IPC_INVOKE_CHANNEL = 'kizuna:invoke';
export const IPC_EVENT_CHANNEL = 'kizuna:event';
