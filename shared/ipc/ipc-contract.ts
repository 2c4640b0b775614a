import { z } from 'zod';
import type {
  GroupView,
  IdentityView,
  InvitationView,
  MessagePage,
  MessageView,
  PersonView,
  ReceiptView,
} from '../domain/views.js';
import type { SerializedError } from '../errors/kizuna-error.js';
import type { CoreEventPayloads } from '../domain/core-events.js';
import {
  base64Schema,
  cursorSchema,
  encryptionModeSchema,
  groupIdSchema,
  messageFilterSchema,
  messageIdSchema,
  noInput,
  pageLimitSchema,
  userIdSchema,
} from './ipc-schemas.js';

/**
 * The one contract between the UI and the core: every request (with the schema its input must
 * pass) and every pushed event. The preload exposes exactly this as `window.kizuna`; the browser
 * host implements the same over a WebSocket; the core side validates every input against these
 * schemas before acting. Output types are declared here too, so both sides derive their types.
 */
interface RequestSpec<I extends z.ZodType, O> {
  input: I;
  /** Phantom: carries the output type only. */
  output: O;
}

function request<O>() {
  return <I extends z.ZodType>(input: I): RequestSpec<I, O> => ({ input, output: undefined as unknown as O });
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

/** Each setting's schema, once: the stored file and a change from the UI are built from them. */
const settingFields = {
  node: z.object({ mode: z.enum(['embedded', 'remote']), remoteEndpoint: z.string().max(512) }),
  theme: z.enum(['system', 'light', 'dark']),
  language: z.enum(['system', 'en', 'ja']),
  notifications: z.boolean(),
};

/** settings.json as read back (keys it does not know are dropped, not refused). */
export const settingsSchema = z.object(settingFields);
export type Settings = z.infer<typeof settingsSchema>;

/** A change from the renderer: any subset, and nothing it does not know. */
export const settingsPatchSchema = z
  .object({
    node: settingFields.node.strict().optional(),
    theme: settingFields.theme.optional(),
    language: settingFields.language.optional(),
    notifications: settingFields.notifications.optional(),
  })
  .strict();

export const REQUESTS = {
  'identity.get': request<IdentityView | null>()(noInput),
  'identity.create': request<IdentityView>()(z.object({ displayName: z.string().max(256), slimName: z.string().max(512).optional() }).strict()),
  'identity.rename': request<IdentityView>()(z.object({ displayName: z.string().max(256) }).strict()),
  'identity.export': request<{ fileName: string; content: string }>()(z.object({ passphrase: z.string().min(8).max(1024) }).strict()),
  'identity.restore': request<IdentityView>()(z.object({ content: z.string().max(64 * 1024), passphrase: z.string().max(1024) }).strict()),

  'contacts.list': request<PersonView[]>()(noInput),
  'contacts.listBlocked': request<PersonView[]>()(noInput),
  'contacts.add': request<PersonView>()(z.object({ card: z.string().max(16 * 1024) }).strict()),
  'contacts.remove': request<void>()(z.object({ userId: userIdSchema }).strict()),
  'contacts.block': request<PersonView>()(z.union([z.object({ userId: userIdSchema }).strict(), z.object({ card: z.string().max(16 * 1024) }).strict()])),
  'contacts.unblock': request<PersonView>()(z.object({ userId: userIdSchema }).strict()),

  'groups.list': request<GroupView[]>()(noInput),
  'groups.get': request<GroupView>()(z.object({ groupId: groupIdSchema }).strict()),
  'groups.create': request<GroupView>()(
    z.object({ name: z.string().max(1024), members: z.array(userIdSchema).max(1000), mode: encryptionModeSchema.optional() }).strict(),
  ),
  'groups.addMembers': request<GroupView>()(z.object({ groupId: groupIdSchema, members: z.array(userIdSchema).max(1000) }).strict()),
  'groups.removeMembers': request<GroupView>()(z.object({ groupId: groupIdSchema, members: z.array(userIdSchema).max(1000) }).strict()),
  'groups.rename': request<GroupView>()(z.object({ groupId: groupIdSchema, name: z.string().max(1024) }).strict()),
  'groups.setAvatar': request<GroupView>()(
    z.object({ groupId: groupIdSchema, base64: base64Schema.max(400_000), mime: z.string().max(64) }).strict(),
  ),
  'groups.leave': request<void>()(z.object({ groupId: groupIdSchema }).strict()),
  'groups.delete': request<GroupView>()(z.object({ groupId: groupIdSchema }).strict()),
  'groups.rotateKeys': request<void>()(z.object({ groupId: groupIdSchema }).strict()),
  'groups.setMuted': request<GroupView>()(z.object({ groupId: groupIdSchema, muted: z.boolean() }).strict()),

  'invitations.list': request<InvitationView[]>()(noInput),
  'invitations.accept': request<GroupView>()(z.object({ groupId: groupIdSchema }).strict()),
  'invitations.decline': request<void>()(z.object({ groupId: groupIdSchema }).strict()),

  'messages.latest': request<MessagePage>()(
    z.object({ groupId: groupIdSchema, limit: pageLimitSchema, filter: messageFilterSchema.optional() }).strict(),
  ),
  'messages.before': request<MessagePage>()(
    z.object({ groupId: groupIdSchema, cursor: cursorSchema, limit: pageLimitSchema, filter: messageFilterSchema.optional() }).strict(),
  ),
  'messages.after': request<MessagePage>()(
    z.object({ groupId: groupIdSchema, cursor: cursorSchema, limit: pageLimitSchema, filter: messageFilterSchema.optional() }).strict(),
  ),
  'messages.around': request<MessagePage>()(z.object({ groupId: groupIdSchema, messageId: messageIdSchema, limit: pageLimitSchema }).strict()),
  'messages.onDay': request<MessagePage>()(
    z
      .object({
        groupId: groupIdSchema,
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        timeZone: z.string().min(1).max(64),
        filter: messageFilterSchema.optional(),
      })
      .strict(),
  ),
  'messages.search': request<MessageView[]>()(
    z.object({ text: z.string().max(1024), groupId: groupIdSchema.optional(), limit: pageLimitSchema.optional() }).strict(),
  ),
  'messages.get': request<MessageView>()(z.object({ messageId: messageIdSchema }).strict()),
  'messages.sendText': request<MessageView>()(
    z.object({ groupId: groupIdSchema, text: z.string().max(70_000), replyTo: messageIdSchema.optional() }).strict(),
  ),
  'messages.sendFile': request<MessageView>()(
    z
      .object({
        groupId: groupIdSchema,
        name: z.string().max(1024),
        mime: z.string().max(255),
        // 100 MiB of bytes is 140 MB of base64; a little over lets the core give the precise error.
        base64: base64Schema.max(150_000_000),
        caption: z.string().max(70_000).optional(),
        replyTo: messageIdSchema.optional(),
      })
      .strict(),
  ),
  'messages.readFile': request<{ name: string; mime: string; base64: string }>()(z.object({ messageId: messageIdSchema }).strict()),
  'messages.markRead': request<number>()(z.object({ groupId: groupIdSchema, upTo: z.number().int().nonnegative().optional() }).strict()),
  'messages.receipts': request<ReceiptView[]>()(z.object({ messageId: messageIdSchema }).strict()),
  'messages.pin': request<void>()(z.object({ groupId: groupIdSchema, messageId: messageIdSchema }).strict()),
  'messages.unpin': request<void>()(z.object({ groupId: groupIdSchema, messageId: messageIdSchema }).strict()),
  'messages.listPins': request<MessageView[]>()(z.object({ groupId: groupIdSchema }).strict()),
  'messages.typing': request<void>()(z.object({ groupId: groupIdSchema, typing: z.boolean() }).strict()),
  'messages.retry': request<void>()(z.object({ messageId: messageIdSchema }).strict()),
  'messages.cancel': request<void>()(z.object({ messageId: messageIdSchema }).strict()),

  'connection.status': request<ConnectionStatus>()(noInput),
  'settings.get': request<Settings>()(noInput),
  'settings.set': request<Settings>()(settingsPatchSchema),
} as const;

export type RequestName = keyof typeof REQUESTS;
export type RequestInput<N extends RequestName> = z.input<(typeof REQUESTS)[N]['input']>;
export type ParsedRequestInput<N extends RequestName> = z.output<(typeof REQUESTS)[N]['input']>;
export type RequestOutput<N extends RequestName> = (typeof REQUESTS)[N]['output'];
export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];

/** Everything the core pushes to the UI. */
export interface EventPayloads extends CoreEventPayloads {
  connection: ConnectionStatus;
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
export const EVENT_NAMES: readonly EventName[] = [
  'message',
  'send-state',
  'group',
  'invitation',
  'typing',
  'receipt',
  'pin',
  'file',
  'unread',
  'connection',
  'deep-link',
];

/** A reply on any bridge: the value, or a serialised KizunaError. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** `window.kizuna`: what the renderer gets, in Electron and in the browser host alike. */
export interface KizunaApi {
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Which host the UI runs in (for small differences such as "open file" dialogs). */
  readonly host: 'electron' | 'browser';
}

/** The single IPC channel names the preload and the shell use. */
export const IPC_INVOKE_CHANNEL = 'kizuna:invoke';
export const IPC_EVENT_CHANNEL = 'kizuna:event';
