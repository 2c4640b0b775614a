import type { GroupChangeView } from '../../../shared/domain/group-change.js';
import type { EncryptionMode, GroupView, IdentityView, InvitationView, MessageCursorView, MessagePage, MessageView, PersonView, ReadersView, ReceiptView, SafetyNumberView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { parseId } from '../encoding/parse-id.js';
import { buildEnvelope, type BuiltEnvelope } from '../envelopes/envelope-builder.js';
import { requestAllMissingSecrets } from '../encryption/secret-handshake.js';
import { TypedEmitter } from '../events/typed-emitter.js';
import { groupChanges } from '../groups/group-changes.js';
import { createGroup } from '../groups/group-create.js';
import { parseRetryPolicy, storeRetryPolicy } from '../groups/group-retry-policy.js';
import type { RetryPolicyPatch } from '../../../shared/ipc/retry-policy-schema.js';
import { leaveGroup } from '../groups/group-leave.js';
import { requireGroup } from '../groups/group-state.js';
import { addMembers, deleteGroup, removeMembers, renameGroup, setGroupAvatar } from '../groups/group-updates.js';
import { emitGroup, groupView } from '../groups/group-views.js';
import { UnreadCounts } from '../groups/unread-counts.js';
import { acceptInvitation, declineInvitation, listInvitations } from '../groups/invitation-answer.js';
import { groupOrInvitationView } from '../groups/invitation-views.js';
import { rotateGroupKeys } from '../groups/mls-admin-commit.js';
import { addContact, blockContact, listBlocked, listContacts, removeContact, unblockContact } from '../identity/contacts-service.js';
import { acknowledgeKeyChange, safetyNumberOf, unverifyContact, verifyContact } from '../identity/contact-verification.js';
import { exportIdentity, readIdentityExport } from '../identity/identity-export.js';
import { createIdentity, getIdentity, identityView, loadIdentity, renameSelf, storeIdentity, type CreateIdentityInput } from '../identity/identity-service.js';
import { admissionRefusal, refusedEnvelope } from '../ingest/admission.js';
import { InboxProcessor } from '../ingest/inbox-processor.js';
import { cancelSend, listPins, markRead, pinMessage, retrySend, sendTyping, unpinMessage } from '../messages/message-actions.js';
import { latestMessages, messagesAfter, messagesAround, messagesBefore, messagesOnDay, searchMessages, type MessageFilter } from '../messages/message-queries.js';
import { sendFile, sendText, type FileInput } from '../messages/message-send.js';
import { messageView } from '../messages/message-views.js';
import { readersView, receiptViews } from '../messages/receipt-views.js';
import type { Store } from '../store/store.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { EngineEvents } from '../kernel/engine-events.js';
import { EngineChannels } from './engine-channels.js';
import { openEngineContext, type EngineOptions } from './engine-open.js';
import type { WalCheckpointer } from './wal-checkpointer.js';
import { recordEngineContext } from './engine-internals.js';
import { EngineOutbox } from './engine-outbox.js';
import { settleHeldReplay } from './held-replay.js';
import type { ProfileLock } from '../kernel/profile-lock.js';
import { SESSION_ENVELOPE_TYPES, type SessionEnvelopeFields, type SessionPort } from './session-port.js';
import { MAINTENANCE_EVERY_MS, pruneQueues } from './store-maintenance.js';
import { carrySoon, carryWhenJoined } from '../messages/message-carries.js';
import { reconcileSoon } from '../groups/direct-chat-merge.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { CheckedSignatures } from '../envelopes/checked-signatures.js';

/** How long a removal waits for the inbox to settle before the admin signs the cutoffs (see removeMembers). */
const REMOVAL_INBOX_WAIT_MS = 2_000;

export type { EngineOptions } from './engine-open.js';

const groupIdFrom = (text: string): Uint8Array => parseId(text, 'group');
const messageIdFrom = (text: string): Uint8Array => parseId(text, 'message');

/**
 * The Kizuna engine: one profile's store, keys, groups and messages, with no network of its own.
 * Hosts (the desktop worker, the CLI, the browser host, tests) call it; the session layer works
 * through its SessionPort: it feeds it received envelopes (`receive`), drains what it queued
 * (`outbox`) and asks it about the channels (`channels`). Ids are base64url text here.
 */
export class Engine implements SessionPort {
  readonly events: TypedEmitter<EngineEvents>;
  readonly inbox: InboxProcessor;
  readonly outbox: EngineOutbox;
  readonly channels: EngineChannels;
  readonly checkedSignatures: CheckedSignatures;
  private readonly unread: UnreadCounts;
  private closed = false;
  private readonly maintenance: NodeJS.Timeout;

  private constructor(
    private readonly ctx: EngineContext,
    private readonly lock: ProfileLock,
    private readonly checkpoints: WalCheckpointer,
  ) {
    this.events = ctx.events;
    this.inbox = new InboxProcessor(ctx);
    this.outbox = new EngineOutbox(ctx);
    this.channels = new EngineChannels(ctx);
    this.checkedSignatures = ctx.checkedSignatures;
    this.unread = new UnreadCounts(ctx);
    ctx.events.on('group', (g) => this.unread.note(g));
    ctx.events.on('group-activity', (a) => this.unread.noteActivity(a));
    // A chat became writable (joined) with our messages waiting to be carried into it (issue 11).
    ctx.events.on('group', (g) => carryWhenJoined(ctx, g));
    ctx.store.health.onChange((h) => ctx.events.emit('storage', h));
    recordEngineContext(this, ctx);
    pruneQueues(ctx);
    this.maintenance = setInterval(() => {
      pruneQueues(ctx);
      this.inbox.expireDeferred();
    }, MAINTENANCE_EVERY_MS);
    this.maintenance.unref();
  }

  static async open(options: EngineOptions): Promise<Engine> {
    const { ctx, lock, checkpoints } = await openEngineContext(options);
    loadIdentity(ctx);
    const engine = new Engine(ctx, lock, checkpoints);
    if (ctx.hasSelf()) {
      // Finish what a previous run left in the inbox, and ask for secrets we still lack.
      engine.inbox.expireDeferred();
      engine.inbox.schedule();
      requestAllMissingSecrets(ctx);
      // What a previous run left half done: direct chats to converge, messages to carry.
      reconcileSoon(ctx);
      for (const target of ctx.store.read.directMerges.waitingTargets()) carrySoon(ctx, target);
    }
    return engine;
  }

  get store(): Store {
    return this.ctx.store;
  }

  /** Whether the store can write now; changes come as 'storage' events. */
  storageHealth(): StorageHealth {
    return this.ctx.store.health.current;
  }

  // Identity and contacts

  createIdentity(input: CreateIdentityInput): IdentityView {
    const view = createIdentity(this.ctx, input);
    this.inbox.schedule();
    this.ctx.events.emit('identity', view);
    return view;
  }
  getIdentity(): IdentityView | null {
    return getIdentity(this.ctx);
  }
  /** A passphrase-protected backup of the identity's keys. */
  exportIdentity(passphrase: string): Promise<{ fileName: string; content: string }> {
    return exportIdentity(this.ctx, passphrase);
  }
  /** First run on a new device: become the person in the backup. */
  async restoreIdentity(content: string, passphrase: string): Promise<IdentityView> {
    const keys = await readIdentityExport(content, passphrase);
    storeIdentity(this.ctx, keys);
    this.inbox.schedule();
    const view = identityView(keys);
    this.ctx.events.emit('identity', view);
    return view;
  }
  renameSelf(displayName: string): IdentityView {
    return renameSelf(this.ctx, displayName);
  }
  addContact(card: string): PersonView {
    return addContact(this.ctx, card);
  }
  removeContact(userId: string): void {
    removeContact(this.ctx, userId);
  }
  blockContact(who: { userId: string } | { card: string }): PersonView {
    return blockContact(this.ctx, who);
  }
  unblockContact(userId: string): PersonView {
    return unblockContact(this.ctx, userId);
  }
  /** Issue 11: a person's safety number with us, and marking them verified (see contact-verification.ts). */
  safetyNumber(userId: string): SafetyNumberView {
    return safetyNumberOf(this.ctx, userId);
  }
  verifyContact(userId: string, entered?: string): SafetyNumberView {
    return verifyContact(this.ctx, userId, entered);
  }
  unverifyContact(userId: string): SafetyNumberView {
    return unverifyContact(this.ctx, userId);
  }
  acknowledgeKeyChange(userId: string): SafetyNumberView {
    return acknowledgeKeyChange(this.ctx, userId);
  }
  listContacts(): PersonView[] {
    return listContacts(this.ctx);
  }
  listBlocked(): PersonView[] {
    return listBlocked(this.ctx);
  }

  // Groups

  async createGroup(input: { name: string; members: string[]; mode?: EncryptionMode; direct?: boolean; retryPolicy?: RetryPolicyPatch }): Promise<GroupView> {
    // A bad policy is refused before anything is signed or sent.
    const policy = input.retryPolicy === undefined ? undefined : parseRetryPolicy(input.retryPolicy);
    const { retryPolicy: _policy, ...group } = input;
    const view = await createGroup(this.ctx, group);
    return policy === undefined ? view : this.setRetryPolicy(view.groupId, policy);
  }
  /** Seed 000's max_retries and timeout for one group, stored: they govern its retries from now on, restarts included. */
  setRetryPolicy(groupId: string, patch: RetryPolicyPatch): GroupView {
    const id = groupIdFrom(groupId);
    requireGroup(this.ctx, id);
    storeRetryPolicy(this.ctx, id, parseRetryPolicy(patch));
    emitGroup(this.ctx, id);
    return this.getGroup(groupId);
  }
  /** get_all_my_groups: every group this device knows, most recent activity first. */
  listGroups(): GroupView[] {
    // A direct chat merged into another (issue 11) is not listed: its view names the kept one.
    return this.ctx.store.read.groups.list().map((g) => groupView(this.ctx, g)).filter((g) => g.mergedInto === null);
  }
  getGroup(groupId: string): GroupView {
    return groupOrInvitationView(this.ctx, groupIdFrom(groupId), (row) => groupView(this.ctx, row));
  }
  /** Every membership and group change, oldest first: the chat timeline's lines. */
  groupChanges(groupId: string): GroupChangeView[] {
    return groupChanges(this.ctx, requireGroup(this.ctx, groupIdFrom(groupId)).groupId);
  }
  addMembers(groupId: string, userIds: string[]): Promise<GroupView> {
    return addMembers(this.ctx, groupIdFrom(groupId), userIds);
  }
  async removeMembers(groupId: string, userIds: string[]): Promise<GroupView> {
    // The cutoff we sign for them is the run of their envelopes we have processed. What already sits in
    // our inbox was acknowledged to its sender (stored): processed first, it is kept instead of refused.
    // Bounded: a busy inbox must not hold a removal back for long.
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([this.inbox.idle(), new Promise<void>((r) => (waited = setTimeout(r, REMOVAL_INBOX_WAIT_MS)))]);
    clearTimeout(waited);
    return removeMembers(this.ctx, groupIdFrom(groupId), userIds);
  }
  renameGroup(groupId: string, name: string): Promise<GroupView> {
    return renameGroup(this.ctx, groupIdFrom(groupId), name);
  }
  setGroupAvatar(groupId: string, avatar: Uint8Array, mime: string): Promise<GroupView> {
    return setGroupAvatar(this.ctx, groupIdFrom(groupId), avatar, mime);
  }
  leaveGroup(groupId: string): Promise<void> {
    return leaveGroup(this.ctx, groupIdFrom(groupId));
  }
  deleteGroup(groupId: string): Promise<GroupView> {
    return deleteGroup(this.ctx, groupIdFrom(groupId));
  }
  rotateKeys(groupId: string): Promise<void> {
    return rotateGroupKeys(this.ctx, groupIdFrom(groupId));
  }
  setMuted(groupId: string, muted: boolean): GroupView {
    const id = groupIdFrom(groupId);
    requireGroup(this.ctx, id);
    this.ctx.store.write.groups.setMuted(id, muted);
    emitGroup(this.ctx, id);
    return this.getGroup(groupId);
  }

  listInvitations(): InvitationView[] {
    return listInvitations(this.ctx);
  }
  async acceptInvitation(groupId: string): Promise<GroupView> {
    const view = await acceptInvitation(this.ctx, groupIdFrom(groupId));
    this.inbox.schedule(); // the admin's updates held for the invitation
    return view;
  }
  declineInvitation(groupId: string): void {
    declineInvitation(this.ctx, groupIdFrom(groupId));
    this.inbox.schedule();
  }

  // Messages

  sendText(groupId: string, text: string, replyTo?: string): Promise<MessageView> {
    return sendText(this.ctx, groupIdFrom(groupId), text, replyTo === undefined ? undefined : messageIdFrom(replyTo));
  }
  sendFile(groupId: string, file: Omit<FileInput, 'replyTo'> & { replyTo?: string }): Promise<MessageView> {
    const { replyTo, ...rest } = file;
    return sendFile(this.ctx, groupIdFrom(groupId), replyTo === undefined ? rest : { ...rest, replyTo: messageIdFrom(replyTo) });
  }
  /** The bytes of a received or sent file, checked against its hash. */
  readFile(messageId: string): { name: string; mime: string; bytes: Uint8Array } {
    const m = this.ctx.store.read.messages.get(messageIdFrom(messageId));
    if (m === undefined || m.fileHash === null) throw new KizunaError('MESSAGE_NOT_FOUND');
    const f = this.ctx.store.read.files.get(m.fileHash);
    if (f === undefined || f.complete !== 1) throw new KizunaError('FILE_NOT_AVAILABLE');
    return { name: m.fileName ?? 'file', mime: m.fileMime ?? 'application/octet-stream', bytes: this.ctx.files.read(m.fileHash, f.chunkCount, f.size) };
  }
  getMessage(messageId: string): MessageView {
    const m = this.ctx.store.read.messages.get(messageIdFrom(messageId));
    if (m === undefined) throw new KizunaError('MESSAGE_NOT_FOUND');
    return messageView(this.ctx, m);
  }
  latestMessages(groupId: string, limit: number, filter?: MessageFilter): MessagePage {
    return latestMessages(this.ctx, groupIdFrom(groupId), limit, filter);
  }
  messagesBefore(groupId: string, cursor: MessageCursorView, limit: number, filter?: MessageFilter): MessagePage {
    return messagesBefore(this.ctx, groupIdFrom(groupId), cursor, limit, filter);
  }
  messagesAfter(groupId: string, cursor: MessageCursorView, limit: number, filter?: MessageFilter): MessagePage {
    return messagesAfter(this.ctx, groupIdFrom(groupId), cursor, limit, filter);
  }
  messagesAround(groupId: string, messageId: string, limit: number): MessagePage {
    return messagesAround(this.ctx, groupIdFrom(groupId), messageIdFrom(messageId), limit);
  }
  messagesOnDay(groupId: string, date: string, timeZone: string, filter?: MessageFilter): MessagePage {
    return messagesOnDay(this.ctx, groupIdFrom(groupId), date, timeZone, filter);
  }
  search(text: string, options: { groupId?: string; limit?: number } = {}): MessageView[] {
    return searchMessages(this.ctx, text, {
      ...(options.groupId === undefined ? {} : { groupId: groupIdFrom(options.groupId) }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
  }
  /** Unread messages now: per group we are in, and the badge's total (what the 'unread' event sends on change). */
  unreadCounts(): { total: number; groups: Record<string, number> } {
    return this.unread.current();
  }
  /** Marks read exactly `messageIds` (what the user saw) when given, else everything received up to `upTo`. */
  markRead(groupId: string, upTo?: number, messageIds?: readonly string[]): Promise<number> {
    return markRead(this.ctx, groupIdFrom(groupId), upTo, messageIds?.map(messageIdFrom));
  }
  receipts(messageId: string): ReceiptView[] {
    return receiptViews(this.ctx, messageIdFrom(messageId));
  }
  /** Who read one of our messages, and who it was for but is gone (left or removed) without reading it. */
  readers(messageId: string): ReadersView {
    return readersView(this.ctx, messageIdFrom(messageId));
  }
  pin(groupId: string, messageId: string): Promise<void> {
    return pinMessage(this.ctx, groupIdFrom(groupId), messageIdFrom(messageId));
  }
  unpin(groupId: string, messageId: string): Promise<void> {
    return unpinMessage(this.ctx, groupIdFrom(groupId), messageIdFrom(messageId));
  }
  listPins(groupId: string): MessageView[] {
    return listPins(this.ctx, groupIdFrom(groupId)).flatMap((p) => {
      const m = this.ctx.store.read.messages.get(p.messageId);
      return m === undefined ? [] : [messageView(this.ctx, m)];
    });
  }
  sendTyping(groupId: string, typing: boolean): Promise<void> {
    return sendTyping(this.ctx, groupIdFrom(groupId), typing);
  }
  retrySend(messageId: string): void {
    retrySend(this.ctx, messageIdFrom(messageId));
  }
  cancelSend(messageId: string): void {
    cancelSend(this.ctx, messageIdFrom(messageId));
  }

  // Wire (the session port)

  selfId(): Uint8Array {
    return this.ctx.self().userId;
  }
  signEnvelope(fields: SessionEnvelopeFields): BuiltEnvelope {
    if (!(SESSION_ENVELOPE_TYPES as readonly string[]).includes(fields.type) || fields.seq !== 0) {
      throw new KizunaError('INTERNAL', 'the session layer signs only its own unsequenced envelopes', { type: fields.type });
    }
    return buildEnvelope(this.ctx.self(), fields);
  }
  now(): number {
    return this.ctx.now();
  }
  requestMissingSecrets(): void {
    requestAllMissingSecrets(this.ctx);
  }

  /**
   * Stores a received envelope (durably, before anything else) and schedules its processing. The
   * promise resolves once it is stored: only then may it be acknowledged to its sender.
   */
  receive(bytes: Uint8Array, origin?: string): Promise<boolean> {
    // Cheap checks before anything is stored (unknown group or sender, rates, large and unsigned).
    const refusal = admissionRefusal(this.ctx, bytes);
    if (refusal === undefined) {
      if (settleHeldReplay(this.ctx, bytes)) return Promise.resolve(true);
      return this.inbox.receive(bytes, origin).then(() => true);
    }
    this.ctx.store.write.log.countDrop(refusal);
    this.ctx.events.emit('dropped', { reason: refusal, ...refusedEnvelope(bytes) });
    return Promise.resolve(false);
  }

  /** Counters for diagnostics: dropped input by reason, inbox and outbox by state. */
  stats(): { dropped: Record<string, number>; inbox: Record<string, number>; outbox: Record<string, number>; channelLog: number } {
    return {
      channelLog: this.ctx.store.read.log.size(),
      dropped: this.ctx.store.read.log.dropCounts(),
      inbox: this.ctx.store.read.queue.inboxCounts(),
      outbox: this.ctx.store.read.queue.outboxCounts(),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.maintenance);
    await this.inbox.close();
    this.ctx.store.transaction(() => this.ctx.mlsStates.flushDirty());
    this.ctx.events.removeAllListeners();
    await this.checkpoints.stop();
    this.ctx.store.close();
    this.lock.release();
  }
}
