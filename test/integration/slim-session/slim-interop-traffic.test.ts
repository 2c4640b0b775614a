/**
 * SLIM's own group-session protocol against the real peer, what travels in a session: messages both
 * ways with and without MLS, retransmission, the CLI in seed 000's shape, and what an insider or a
 * forger cannot do. The peers are apps written with the official @agntcy/slim-bindings and Kizuna's
 * SlimSessionEndpoint, over one real SLIM node shared by the file (slim-interop-fixture.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { SlimSessionEndpoint } from '../../../main/core/slim-session/slim-session-endpoint.js';
import { createSlimMemberIdentity } from '../../../main/core/slim-session/slim-member-identity.js';
import { SlimMsg } from '../../../main/core/slim-session/session-frame.js';
import { createSlimMlsFactory } from '../../../main/core/slim-session/slim-mls.js';
import { waitFor, waitUntil } from '../../helpers/wait-for.js';
import { lossyLink, SECRET, text, useSlimInterop } from './slim-interop-fixture.js';

const { kit, nodeEndpoint, track, endpoint, app, kizuna, name } = useSlimInterop();

describe('Kizuna moderates and invites a SLIM app (MLS off)', () => {
  it('invites, exchanges messages both ways, and closes the session', async () => {
    const bob = name('bob');
    const participant = app('participant', { local: `org/ns/${bob}`, reply: 'hi from bob', expect: '1' });
    await participant.next('ready');
    const ep = await endpoint(name('kmod'));
    const session = await ep.createSession({ channel: parseSlimName(`org/ns/${name('chan')}`) });
    await session.invite(parseSlimName(`org/ns/${bob}`));
    expect(session.members()).toEqual([`org/ns/${ep.name.agent}`, `org/ns/${bob}`]);
    await participant.next('joined');
    await session.publish(Buffer.from('hello bob')); // acked by the SLIM app
    expect((await participant.next('received'))['text']).toBe('hello bob');
    const reply = await session.nextMessage(20_000);
    expect(reply?.source).toBe(`org/ns/${bob}`);
    expect(text(reply?.payload)).toBe('hi from bob');
    await session.end(); // GROUP_CLOSE, acked by the app
  });
});

describe('MLS on, groups mixing both kinds of members', () => {
  it('a SLIM moderator adds Kizuna, then another SLIM app (a commit Kizuna applies); messages are MLS-encrypted both ways', async () => {
    const me = name('kizuna');
    const carol = name('carol');
    const ep = await endpoint(me);
    const other = app('participant', { local: `org/ns/${carol}`, expect: '2' });
    await other.next('ready');
    const moderator = app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me},org/ns/${carol}`, mls: true, message: 'hello group', expect: '1' });
    const session = await ep.listenForSession(20_000);
    expect(session.mlsEnabled).toBe(true);
    await waitUntil(session, 'members', () => session.members().includes(`org/ns/${carol}`), 20_000);
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('hello group');
    await session.publish(Buffer.from('hi all, from kizuna'));
    expect((await moderator.next('received'))['text']).toBe('hi all, from kizuna');
    await other.next('received', (e) => e['text'] === 'hi all, from kizuna');
    expect(other.events.filter((e) => e.event === 'received').map((e) => e['text'])).toContain('hello group');
  });

  it('Kizuna moderates with MLS: invites two SLIM apps, talks with both, removes one and closes', async () => {
    const bob = name('bob');
    const dave = name('dave');
    const b = app('participant', { local: `org/ns/${bob}`, reply: 'bob here', expect: '1' });
    const d = app('participant', { local: `org/ns/${dave}`, expect: '2' });
    await Promise.all([b.next('ready'), d.next('ready')]);
    const ep = await endpoint(name('kmod'));
    const session = await ep.createSession({ channel: parseSlimName(`org/ns/${name('chan')}`), mls: true });
    await session.invite(parseSlimName(`org/ns/${bob}`));
    await session.invite(parseSlimName(`org/ns/${dave}`)); // GROUP_UPDATE with the add commit, acked by bob
    await Promise.all([b.next('joined'), d.next('joined')]);
    await session.publish(Buffer.from('welcome both'));
    expect((await b.next('received'))['text']).toBe('welcome both');
    const fromBob = await session.nextMessage(20_000);
    expect(fromBob?.source).toBe(`org/ns/${bob}`);
    expect(text(fromBob?.payload)).toBe('bob here');
    await d.next('received', (e) => e['text'] === 'bob here'); // SLIM member to SLIM member, through our MLS group
    await session.remove(parseSlimName(`org/ns/${bob}`)); // remove commit to dave, then LEAVE_REQUEST to bob
    expect(session.members()).toEqual([`org/ns/${ep.name.agent}`, `org/ns/${dave}`]);
    await session.end();
  });
});

describe('retransmission', () => {
  it('asks a SLIM sender for a lost message (RTX_REQUEST) and delivers its RTX_REPLY in order (MLS on)', async () => {
    const me = name('kizuna');
    const client = await kit.client(nodeEndpoint(), `org/ns/${me}`);
    // Loss on the way in, simulated: every copy of the SLIM moderator's second MSG is dropped before the
    // endpoint sees it, so only a retransmission reply can bring it (the first fixes where the sequence starts).
    let dropped = 0;
    const rtxReplies: number[] = [];
    const lossy = lossyLink(client, (frame) => {
      const type = frame.publish?.session?.session_message_type;
      const id = frame.publish?.session?.message_id;
      if (type === SlimMsg.MSG && id === 2) {
        dropped += 1;
        return false;
      }
      if (type === SlimMsg.RTX_REPLY && typeof id === 'number') rtxReplies.push(id);
      return true;
    });
    const mls = createSlimMlsFactory();
    const ep = await SlimSessionEndpoint.open({ client: lossy, name: parseSlimName(`org/ns/${me}`), secret: SECRET, mls: mls.participant });
    track(ep);
    app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me}`, mls: true, message: 'first', then: 'second,third' });
    const session = await ep.listenForSession(20_000);
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('first');
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('second');
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('third');
    expect(dropped).toBeGreaterThan(0);
    expect(rtxReplies).toContain(2);
  });
});

describe('the CLI in seed 000\'s shape against SLIM apps', () => {
  it('kizuna participant joins a SLIM app\'s session, prints what it receives and publishes --message', async () => {
    const me = name('kcli');
    const mod = name('mod');
    const running = kizuna(['participant', '--local', `org/ns/${me}`, '--message', 'hello from the cli', '--stop-after', '1']);
    const moderator = app('moderator', { local: `org/ns/${mod}`, invite: `org/ns/${me}`, message: 'hello cli', expect: '1' });
    expect((await moderator.next('received', () => true, 45_000))['text']).toBe('hello from the cli');
    const { code, lines } = await running;
    expect(lines).toContain(`org/ns/${me} -> Received message from org/ns/${mod}: hello cli`);
    expect(code).toBe(0);
  });

  it('kizuna moderator --enable-mls invites one SLIM app and chats with it', async () => {
    const bob = name('bob');
    const me = name('kmodcli');
    const participant = app('participant', { local: `org/ns/${bob}`, reply: 'bob here', expect: '1' });
    await participant.next('ready');
    const { code, lines } = await kizuna(['moderator', '--local', `org/ns/${me}`, '--invites', `org/ns/${bob}`, '--enable-mls', '--message', 'hello bob', '--stop-after', '1']);
    expect(lines).toContain(`org/ns/${me} -> add org/ns/${bob} to the group`);
    expect(lines).toContain(`org/ns/${me} -> Received message from org/ns/${bob}: bob here`);
    expect(code).toBe(0);
    expect((await participant.next('received'))['text']).toBe('hello bob');
  });
});

describe('an insider who holds the shared secret but is not in the session', () => {
  it('cannot close someone else\'s session nor inject messages into it', async () => {
    const kim = name('kim');
    const kimEp = await endpoint(kim);
    const moderatorEp = await endpoint(name('kmod'));
    const session = await moderatorEp.createSession({ channel: parseSlimName(`org/ns/${name('chan')}`) });
    await session.invite(parseSlimName(`org/ns/${kim}`));
    const kimSession = await kimEp.listenForSession(20_000);
    let ended = false;
    kimSession.on('ended', () => (ended = true));

    const malloryName = name('mallory');
    const malloryClient = await kit.client(nodeEndpoint(), `org/ns/${malloryName}`);
    const mallory = await SlimSessionEndpoint.open({ client: malloryClient, name: parseSlimName(`org/ns/${malloryName}`), secret: SECRET });
    track(mallory);
    const common = { source: mallory.wireName, destination: kimEp.wireName, fanout: 1, sessionId: kimSession.sessionId };
    malloryClient.sendFrame(mallory.identity.seal({ ...common, messageType: SlimMsg.GROUP_CLOSE, messageId: 77, content: { command: { group_close: { participants: [] } } } }));
    malloryClient.sendFrame(mallory.identity.seal({ ...common, messageType: SlimMsg.LEAVE_REQUEST, messageId: 78, content: { command: { leave_request: {} } } }));
    malloryClient.sendFrame(mallory.identity.seal({ ...common, messageType: SlimMsg.MSG, messageId: 1, content: { payloadType: 'msg', blob: Buffer.from('injected') } }));
    // A marker Kim answers: once its DISCOVERY_REPLY is back, Kim has handled everything Mallory sent before it.
    const answered = new Promise<void>((resolve) => malloryClient.on('frame', (f) => f.publish?.session?.session_message_type === SlimMsg.DISCOVERY_REPLY && resolve()));
    malloryClient.sendFrame(mallory.identity.seal({ ...common, sessionId: 999, messageType: SlimMsg.DISCOVERY_REQUEST, messageId: 79, content: { command: { discovery_request: {} } } }));
    await answered;

    expect(ended).toBe(false);
    await session.publish(Buffer.from('the real one'));
    expect(text((await kimSession.nextMessage(20_000))?.payload)).toBe('the real one'); // not 'injected'
  });
});

describe('verification', () => {
  it('ignores a discovery request whose token was minted with another secret', async () => {
    const me = name('kizuna');
    const ep = await endpoint(me);
    const otherClient = await kit.client(nodeEndpoint(), `org/ns/${name('forger')}`);
    const forger = createSlimMemberIdentity({ base: 'org/ns/forger', secret: 'a-different-secret-that-is-32-bytes-long!!' });
    const rejected = waitFor(ep, 'rejected', () => true, 10_000);
    otherClient.sendFrame(forger.seal({
      source: ep.wire(parseSlimName('org/ns/forger')),
      destination: ep.wire(parseSlimName(`org/ns/${me}`)),
      fanout: 1,
      messageType: SlimMsg.DISCOVERY_REQUEST,
      sessionId: 42,
      messageId: 7,
      content: { command: { discovery_request: {} } },
    }));
    expect(await rejected).toEqual({ type: SlimMsg.DISCOVERY_REQUEST, reason: 'TOKEN_BAD_SIGNATURE' });
  });
});
