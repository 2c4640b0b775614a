import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Engine } from '../../../../main/core/engine/engine.js';
import { localDayBounds, toMessageSearch } from '../../../../main/core/messages/message-queries.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { loopbackGroupOfThree } from '../../../helpers/loopback-group.js';
import type { LoopbackNetwork } from '../../../helpers/loopback-network.js';
import { tempDir, userId } from '../../../helpers/test-engines.js';

describe('messaging', () => {
  let dir: ReturnType<typeof tempDir>;
  let alice: Engine, bob: Engine, carol: Engine;
  let net: LoopbackNetwork;
  let g: string;
  let clock = Date.UTC(2026, 10, 20, 9, 0, 0);

  beforeEach(async () => {
    dir = tempDir();
    clock = Date.UTC(2026, 10, 20, 9, 0, 0);
    const now = (): number => clock;
    const { openProfile, testProfile } = await import('../../../helpers/test-engines.js');
    alice = await openProfile(testProfile(dir.path, 'alice'), now);
    bob = await openProfile(testProfile(dir.path, 'bob'), now);
    carol = await openProfile(testProfile(dir.path, 'carol'), now);
    alice.createIdentity({ displayName: 'alice' });
    bob.createIdentity({ displayName: 'bob' });
    carol.createIdentity({ displayName: 'carol' });
    ({ net, groupId: g } = await loopbackGroupOfThree(alice, bob, carol, 'sealed'));
  });
  afterEach(async () => {
    for (const e of [alice, bob, carol]) await e.close();
    dir.cleanup();
  });

  it('fans a message out to every other member once', async () => {
    const before = net.published.length;
    await alice.sendText(g, 'to everyone');
    await net.settle();
    const msg = net.published.slice(before).filter((p) => p.type === 'MESSAGE');
    expect(msg).toHaveLength(1);
    expect(msg[0]?.deliveredTo).toBe(2);
    expect(bob.latestMessages(g, 5).messages).toHaveLength(1);
    expect(carol.latestMessages(g, 5).messages).toHaveLength(1);
  });

  it('builds the view of a message just sent without looking for pins, receipts or failures it cannot have yet', async () => {
    const lookups = [
      vi.spyOn(alice.store.read.messages, 'isPinned'),
      vi.spyOn(alice.store.read.messages, 'receipts'),
      vi.spyOn(alice.store.read.deliveryFailures, 'forMessage'),
    ];
    const events: { id: string; pinned: boolean; readBy: number }[] = [];
    const off = alice.events.on('message', (m) => events.push(m));
    const sent = await alice.sendText(g, 'just written');
    off();
    expect(events.map((m) => m.id)).toEqual([sent.id]);
    expect([sent.pinned, sent.readBy, sent.sendState, 'failure' in sent]).toEqual([false, 0, 'pending', false]);
    for (const spy of lookups) expect(spy).not.toHaveBeenCalled();
    // Read later, the same message's view does look them up.
    alice.getMessage(sent.id);
    for (const spy of lookups) expect(spy).toHaveBeenCalled();
  });

  it('refuses empty and oversized messages, and replies only to messages of the group', async () => {
    await expectCode(alice.sendText(g, '   '), 'MESSAGE_EMPTY');
    await expectCode(alice.sendText(g, 'x'.repeat(64 * 1024 + 1)), 'MESSAGE_TOO_LONG');
    await expectCode(alice.sendText(g, 'hi', 'A'.repeat(43)), 'MESSAGE_NOT_FOUND');
    const first = await alice.sendText(g, 'question?');
    await net.settle();
    const reply = await bob.sendText(g, 'answer', first.id);
    await net.settle();
    expect(carol.getMessage(reply.id).replyTo).toBe(first.id);
  });

  it('sends files with name, size, type and hash; filters text, files and media', async () => {
    const pdf = new Uint8Array(600 * 1024).map((_, i) => i % 251);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await alice.sendText(g, 'see attached');
    const sentPdf = await alice.sendFile(g, { name: 'report.pdf', mime: 'application/pdf', bytes: pdf, caption: 'Q3' });
    clock += 1000;
    await bob.sendFile(g, { name: 'photo.png', mime: 'image/png', bytes: png });
    await net.settle();
    const atCarol = carol.getMessage(sentPdf.id);
    expect(atCarol.kind).toBe('file');
    expect(atCarol.file).toMatchObject({ name: 'report.pdf', size: pdf.byteLength, mime: 'application/pdf', available: true });
    expect(atCarol.text).toBe('Q3');
    expect(Buffer.from(carol.readFile(sentPdf.id).bytes).equals(Buffer.from(pdf))).toBe(true);
    expect(carol.latestMessages(g, 10, 'text').messages.map((m) => m.text)).toEqual(['see attached']);
    expect(carol.latestMessages(g, 10, 'file').messages.map((m) => m.file?.name)).toEqual(['report.pdf']);
    expect(carol.latestMessages(g, 10, 'media').messages.map((m) => m.file?.name)).toEqual(['photo.png']);
    // File chunks are not shown as messages.
    expect(carol.latestMessages(g, 10).messages).toHaveLength(3);
  });

  it("shows a file's name and caption in the chat list's last-message preview (issue 11)", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    await alice.sendFile(g, { name: 'report.pdf', mime: 'application/pdf', bytes, caption: 'Q3\nnumbers' });
    await net.settle();
    expect(bob.getGroup(g).lastMessage).toMatchObject({ kind: 'file', text: 'report.pdf — Q3 numbers' });
    expect(alice.getGroup(g).lastMessage?.text).toBe('report.pdf — Q3 numbers');
    clock += 1000;
    await alice.sendFile(g, { name: 'photo.png', mime: 'image/png', bytes });
    await net.settle();
    // No caption: the name alone, no dangling dash.
    expect(bob.getGroup(g).lastMessage).toMatchObject({ kind: 'media', text: 'photo.png' });
  });

  it('caps files at 100 MiB with a clear error, and refuses bad file names', async () => {
    await expectCode(alice.sendFile(g, { name: 'big.bin', mime: 'application/octet-stream', bytes: new Uint8Array(100 * 1024 * 1024 + 1) }), 'FILE_TOO_LARGE');
    await expectCode(alice.sendFile(g, { name: '../etc/passwd', mime: 'text/plain', bytes: new Uint8Array(1) }), 'FILE_NAME_INVALID');
    await expectCode(alice.sendFile(g, { name: '', mime: 'text/plain', bytes: new Uint8Array(1) }), 'FILE_NAME_INVALID');
  });

  it('pages newest first with cursors (ties broken by id), around a message, and by local day', async () => {
    for (let i = 0; i < 25; i++) {
      clock += i % 5 === 0 ? 0 : 60_000; // some messages share a millisecond
      await alice.sendText(g, `m${i}`);
    }
    await net.settle();
    // The order a chat shows: time, then id for messages of the same millisecond.
    const all = bob.latestMessages(g, 100).messages;
    const order = [...all].sort((a, b) => a.sentAt - b.sentAt || Buffer.compare(Buffer.from(a.id, 'base64url'), Buffer.from(b.id, 'base64url'))).map((m) => m.text);
    expect(all.map((m) => m.text)).toEqual(order);
    const newest = bob.latestMessages(g, 10);
    expect(newest.messages.map((m) => m.text)).toEqual(order.slice(15));
    expect(newest.hasOlder).toBe(true);
    expect(newest.hasNewer).toBe(false);
    const first = newest.messages[0]!;
    const older = bob.messagesBefore(g, { id: first.id, sentAt: first.sentAt }, 10);
    expect(older.messages.map((m) => m.text)).toEqual(order.slice(5, 15));
    const oldest = bob.messagesBefore(g, { id: older.messages[0]!.id, sentAt: older.messages[0]!.sentAt }, 10);
    expect(oldest.messages.map((m) => m.text)).toEqual(order.slice(0, 5));
    expect(oldest.hasOlder).toBe(false);
    const newer = bob.messagesAfter(g, { id: oldest.messages[4]!.id, sentAt: oldest.messages[4]!.sentAt }, 3);
    expect(newer.messages.map((m) => m.text)).toEqual(order.slice(5, 8));
    const target = older.messages[5]!;
    const around = bob.messagesAround(g, target.id, 2);
    expect(around.messages.map((m) => m.text)).toEqual(order.slice(8, 13));
    await expectCode(() => bob.latestMessages(g, 0), 'PAGE_SIZE_INVALID');
    await expectCode(() => bob.latestMessages(g, 501), 'PAGE_SIZE_INVALID');
  });

  it('jumps to a date in the user\'s time zone', async () => {
    // 23:30 on the 20th in Tokyo is 14:30 UTC; 00:30 on the 21st in Tokyo is 15:30 UTC.
    clock = Date.UTC(2026, 10, 20, 14, 30);
    await alice.sendText(g, 'late on the 20th in Tokyo');
    clock = Date.UTC(2026, 10, 20, 15, 30);
    await alice.sendText(g, 'early on the 21st in Tokyo');
    await net.settle();
    expect(bob.messagesOnDay(g, '2026-11-20', 'Asia/Tokyo').messages.map((m) => m.text)).toEqual(['late on the 20th in Tokyo']);
    expect(bob.messagesOnDay(g, '2026-11-21', 'Asia/Tokyo').messages.map((m) => m.text)).toEqual(['early on the 21st in Tokyo']);
    expect(bob.messagesOnDay(g, '2026-11-20', 'UTC').messages).toHaveLength(2);
    // A day with a DST change is 23 hours long in New York.
    const dst = localDayBounds('2026-03-08', 'America/New_York');
    expect(dst.to - dst.from).toBe(23 * 3600 * 1000);
    await expectCode(() => bob.messagesOnDay(g, '2026-02-30', 'UTC'), 'INVALID_INPUT');
    await expectCode(() => bob.messagesOnDay(g, '2026-02-03', 'Mars/Olympus'), 'INVALID_INPUT');
  });

  it('searches with full-text search, and treats the search text as words, not syntax', async () => {
    await alice.sendText(g, 'The quick brown fox');
    await bob.sendText(g, 'jumps over the lazy dog');
    await carol.sendFile(g, { name: 'fox-photo.png', mime: 'image/png', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) });
    await net.settle();
    expect(bob.search('fox').map((m) => m.text || m.file?.name).sort()).toEqual(['The quick brown fox', 'fox-photo.png']);
    expect(bob.search('qui').map((m) => m.text)).toEqual(['The quick brown fox']);
    expect(bob.search('lazy dog', { groupId: g }).map((m) => m.text)).toEqual(['jumps over the lazy dog']);
    expect(bob.search('"unbalanced OR NEAR(')).toEqual([]);
    expect(toMessageSearch('quick "brown" fox')).toEqual({ match: '"quick" "brown" "fox"', likes: [] });
    await expectCode(() => bob.search('   '), 'SEARCH_QUERY_INVALID');
  });

  it('pins and unpins for everyone', async () => {
    const m = await bob.sendText(g, 'remember this');
    await net.settle();
    await alice.pin(g, m.id);
    await net.settle();
    expect(carol.listPins(g).map((p) => p.text)).toEqual(['remember this']);
    expect(carol.getMessage(m.id).pinned).toBe(true);
    await carol.unpin(g, m.id);
    await net.settle();
    expect(alice.listPins(g)).toEqual([]);
    expect(bob.getMessage(m.id).pinned).toBe(false);
  });

  it('shows who read what, and moves send states only forward', async () => {
    const m = await alice.sendText(g, 'read me');
    expect(m.sendState).toBe('pending');
    await expectCode(() => alice.retrySend(m.id), 'SEND_NOT_RETRYABLE');
    await net.settle();
    expect(alice.getMessage(m.id).sendState).toBe('delivered');
    await expectCode(() => alice.cancelSend(m.id), 'SEND_NOT_CANCELLABLE');
    await bob.markRead(g);
    await net.settle();
    expect(alice.receipts(m.id).map((r) => r.readerName)).toEqual(['bob']);
    expect(alice.getMessage(m.id).sendState).toBe('delivered');
    await carol.markRead(g);
    await net.settle();
    expect(alice.getMessage(m.id).sendState).toBe('read');
    expect(alice.getMessage(m.id).readBy).toBe(2);
    // A pending message can be cancelled (failed), then retried (pending again).
    net.setOffline(alice, true);
    clock += 1000;
    const later = await alice.sendText(g, 'while offline');
    alice.cancelSend(later.id);
    expect(alice.getMessage(later.id).sendState).toBe('failed');
    alice.retrySend(later.id);
    expect(alice.getMessage(later.id).sendState).toBe('pending');
    net.setOffline(alice, false);
    await net.settle();
    expect(bob.latestMessages(g, 1).messages[0]?.text).toBe('while offline');
  });

  it('shows typing as an ephemeral event, never stored', async () => {
    const seen = carol.events.waitFor('typing', (t) => t.userId === userId(bob));
    await bob.sendTyping(g, true);
    await net.settle();
    expect((await seen).typing).toBe(true);
    expect(carol.latestMessages(g, 5).messages).toEqual([]);
  });

  it('counts unread messages and clears them when read', async () => {
    await alice.sendText(g, 'one');
    await alice.sendText(g, 'two');
    await net.settle();
    expect(bob.getGroup(g).unreadCount).toBe(2);
    expect(bob.getGroup(g).lastMessage?.text).toBe('two');
    await bob.markRead(g);
    expect(bob.getGroup(g).unreadCount).toBe(0);
  });
});
