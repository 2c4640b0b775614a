/**
 * SLIM's own group-session protocol against the real peer, who is in a session: joining and removal,
 * close, groups mixing both kinds of members, a Kizuna member's restart and rejoin, consent, and leaving.
 * The peers are apps written with the official @agntcy/slim-bindings and Kizuna's SlimSessionEndpoint,
 * over one real SLIM node shared by the file (slim-interop-fixture.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import { SlimSessionEndpoint, type SlimInvitation } from '../../../main/core/slim-session/slim-session-endpoint.js';
import { fileSessionStore } from '../../../main/core/slim-session/session-store.js';
import { createSlimMlsFactory } from '../../../main/core/slim-session/slim-mls.js';
import { waitFor, waitUntil } from '../../helpers/wait-for.js';
import { tempDir } from '../../helpers/test-engines.js';
import { lossyLink, SECRET, text, useSlimInterop } from './slim-interop-fixture.js';

const { kit, nodeEndpoint, track, endpoint, app, name } = useSlimInterop();

describe('a SLIM app moderates and invites a Kizuna engine (MLS off)', () => {
  it('joins, receives, answers, and is removed', async () => {
    const me = name('kizuna');
    const ep = await endpoint(me);
    const moderator = app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me}`, message: 'hello kizuna', expect: '1', remove: `org/ns/${me}` });
    const session = await ep.listenForSession(20_000);
    expect(session.members()).toContain(`org/ns/${me}`);
    const ended = waitFor(session, 'ended', () => true, 30_000);
    const first = await session.nextMessage(20_000);
    expect(text(first?.payload)).toBe('hello kizuna');
    await session.publish(Buffer.from('hi from kizuna')); // resolves only once the SLIM app acked it
    const received = await moderator.next('received');
    expect(received['text']).toBe('hi from kizuna');
    expect(received['source']).toBe(`org/ns/${me}`);
    expect(await ended).toBe('removed');
    await moderator.next('removed');
  });
});

describe('close from a SLIM moderator', () => {
  it('ends the Kizuna participant\'s session on GROUP_CLOSE (MLS on)', async () => {
    const me = name('kizuna');
    const ep = await endpoint(me);
    const moderator = app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me}`, mls: true, message: 'closing soon', close: true });
    const session = await ep.listenForSession(20_000);
    const ended = waitFor(session, 'ended', () => true, 20_000);
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('closing soon');
    expect(await ended).toBe('closed');
    await moderator.next('closed'); // SLIM's delete completed: our GROUP_ACK arrived
  });
});

describe('a group mixing both kinds of members', () => {
  it('a Kizuna moderator with a Kizuna participant and a SLIM app (MLS on)', async () => {
    const bob = name('bob');
    const b = app('participant', { local: `org/ns/${bob}`, reply: 'bob here', expect: '2' });
    await b.next('ready');
    const kim = name('kim');
    const participantEp = await endpoint(kim);
    const moderatorEp = await endpoint(name('kmod'));
    const session = await moderatorEp.createSession({ channel: parseSlimName(`org/ns/${name('chan')}`), mls: true });
    await session.invite(parseSlimName(`org/ns/${kim}`));
    const kimSession = await participantEp.listenForSession(20_000);
    await session.invite(parseSlimName(`org/ns/${bob}`)); // the add commit goes to kim
    await waitUntil(kimSession, 'members', () => kimSession.members().includes(`org/ns/${bob}`), 20_000);
    await kimSession.publish(Buffer.from('kim says hi')); // acked by the moderator and by bob
    expect((await b.next('received'))['text']).toBe('kim says hi');
    const atModerator = await session.nextMessage(20_000);
    expect(`${atModerator?.source}: ${text(atModerator?.payload)}`).toBe(`org/ns/${kim}: kim says hi`);
    const seenByKim = await kimSession.nextMessage(20_000);
    expect(`${seenByKim?.source}: ${text(seenByKim?.payload)}`).toBe(`org/ns/${bob}: bob here`);
    const ended = waitFor(kimSession, 'ended', () => true, 20_000);
    await session.end();
    expect(await ended).toBe('closed');
  });
});

describe('a Kizuna member restarting mid-session', () => {
  const dir = tempDir('kizuna-slim-restart-');

  it('comes back as the same member and rejoins (REJOIN_REQUEST → REJOIN_REPLY with a Welcome, MLS on)', async () => {
    const me = name('kizuna');
    const store = fileSessionStore(`${dir.path}/slim-sessions.json`);
    const mls = createSlimMlsFactory();
    const open = async (): Promise<SlimSessionEndpoint> => {
      const client = await kit.client(nodeEndpoint(), `org/ns/${me}`);
      const ep = await SlimSessionEndpoint.open({ client, name: parseSlimName(`org/ns/${me}`), secret: SECRET, mls: mls.participant, store });
      return track(ep);
    };
    const before = await open();
    const moderator = app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me}`, mls: true, expect: '2', echo: true });
    const first = await before.listenForSession(20_000);
    await first.publish(Buffer.from('before restart'));
    expect(text((await first.nextMessage(20_000))?.payload)).toBe('echo: before restart');
    await before.close(); // gone without leaving: the MLS state is lost with it

    const after = await open();
    expect(after.name.instanceId).toBe(before.name.instanceId);
    const rejoined = await after.listenForSession(20_000);
    expect(rejoined.sessionId).toBe(first.sessionId);
    await rejoined.publish(Buffer.from('after restart'));
    await moderator.next('received', (e) => e['text'] === 'after restart');
    expect(text((await rejoined.nextMessage(20_000))?.payload)).toBe('echo: after restart');
  });

  it('rejoins a session Kizuna moderates; a SLIM member applies the remove + add commit', async () => {
    const kim = name('kim');
    const bob = name('bob');
    const store = fileSessionStore(`${dir.path}/kim.json`);
    const mls = createSlimMlsFactory();
    const open = async (): Promise<SlimSessionEndpoint> => {
      const client = await kit.client(nodeEndpoint(), `org/ns/${kim}`);
      const ep = await SlimSessionEndpoint.open({ client, name: parseSlimName(`org/ns/${kim}`), secret: SECRET, mls: mls.participant, store });
      return track(ep);
    };
    const b = app('participant', { local: `org/ns/${bob}`, expect: '2' });
    await b.next('ready');
    const kimBefore = await open();
    const moderatorEp = await endpoint(name('kmod'));
    const session = await moderatorEp.createSession({ channel: parseSlimName(`org/ns/${name('chan')}`), mls: true });
    await session.invite(parseSlimName(`org/ns/${kim}`));
    await session.invite(parseSlimName(`org/ns/${bob}`));
    const first = await kimBefore.listenForSession(20_000);
    await waitUntil(first, 'members', () => first.members().includes(`org/ns/${bob}`), 20_000);
    await first.publish(Buffer.from('kim before'));
    await b.next('received', (e) => e['text'] === 'kim before');
    await kimBefore.close();

    const kimAfter = await open();
    const rejoined = await kimAfter.listenForSession(20_000);
    await rejoined.publish(Buffer.from('kim after')); // encrypted with the new leaf; acked by bob and the moderator
    await b.next('received', (e) => e['text'] === 'kim after');
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('kim before');
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('kim after');
  });

  afterAll(() => dir.cleanup());
});

describe('a Kizuna member that missed a commit', () => {
  it('sees a higher epoch in a heartbeat and rejoins; a SLIM member applies the rejoin commit', async () => {
    const kim = name('kim');
    const bob = name('bob');
    const fast = { heartbeatMs: 300 };
    const client = await kit.client(nodeEndpoint(), `org/ns/${kim}`);
    // Loss simulated on Kim's way in: every GROUP_UPDATE that adds someone is dropped, so Kim misses bob's add commit.
    const lossy = lossyLink(client, (frame) => {
      const command = frame.publish?.msg?.command_payload as { group_update?: { op?: number | null } | null } | null | undefined;
      const update = command?.group_update;
      return !(update !== undefined && update !== null && (update.op ?? 0) === 0);
    });
    const mls = createSlimMlsFactory();
    const kimEp = await SlimSessionEndpoint.open({ client: lossy, name: parseSlimName(`org/ns/${kim}`), secret: SECRET, mls: mls.participant, ...fast });
    track(kimEp);
    const kmod = name('kmod');
    const modClient = await kit.client(nodeEndpoint(), `org/ns/${kmod}`);
    const moderatorEp = await SlimSessionEndpoint.open({ client: modClient, name: parseSlimName(`org/ns/${kmod}`), secret: SECRET, moderatorMls: mls.moderator, ...fast });
    track(moderatorEp);
    const b = app('participant', { local: `org/ns/${bob}`, expect: '1' });
    await b.next('ready');
    const session = await moderatorEp.createSession({ channel: parseSlimName(`org/ns/${name('chan')}`), mls: true, timer: { timeoutMs: 200, maxRetries: 3 } });
    await session.invite(parseSlimName(`org/ns/${kim}`));
    const kimSession = await kimEp.listenForSession(20_000);
    await expect(session.invite(parseSlimName(`org/ns/${bob}`))).rejects.toThrow(/retries exhausted/); // Kim never acked the add
    await b.next('joined');
    // The moderator's next heartbeat carries the new epoch; Kim rejoins and the REJOIN update brings bob into its roster.
    await waitUntil(kimSession, 'members', () => kimSession.members().includes(`org/ns/${bob}`), 20_000);
    await kimSession.publish(Buffer.from('caught up'));
    expect((await b.next('received'))['text']).toBe('caught up');
  });
});

describe('consent: a person decides on an invitation', () => {
  it('joins on accept, with the moderator\'s verified identity shown', async () => {
    const me = name('kizuna');
    const mod = name('mod');
    const seen: SlimInvitation[] = [];
    const ep = await endpoint(me, SECRET, async (invitation) => {
      seen.push(invitation);
      return true;
    });
    app('moderator', { local: `org/ns/${mod}`, invite: `org/ns/${me}`, mls: true, message: 'welcome' });
    const session = await ep.listenForSession(20_000);
    expect(text((await session.nextMessage(20_000))?.payload)).toBe('welcome');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.moderator).toBe(`org/ns/${mod}`);
    expect(seen[0]?.moderatorIdentity).toMatch(new RegExp(`^org/ns/${mod}_[A-Za-z0-9]{8}$`));
    expect(seen[0]?.mls).toBe(true);
  });

  it('declining leaves the SLIM moderator without an answer; accepting after its retry window is "expired"', async () => {
    const me = name('kizuna');
    // The person's answers, handed out as invitations arrive (an invitation waits until the test answers).
    const asked: ((accept: boolean) => void)[] = [];
    let notify: () => void = () => undefined;
    const ep = await endpoint(me, SECRET, () =>
      new Promise<boolean>((resolve) => {
        asked.push(resolve);
        notify();
      }),
    );
    const nextAsk = (): Promise<(accept: boolean) => void> =>
      new Promise((resolve) => {
        const check = (): void => {
          const answer = asked.shift();
          if (answer !== undefined) resolve(answer);
          else notify = check;
        };
        check();
      });

    const declined = waitFor(ep, 'declined', () => true, 20_000);
    const first = app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me}`, retries: '3', interval: '200' });
    (await nextAsk())(false);
    await declined;
    await first.next('error'); // SLIM's invite ran out of retries

    const expired = waitFor(ep, 'expired', () => true, 20_000);
    const second = app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me}`, retries: '3', interval: '200' });
    const answer = await nextAsk();
    await second.next('error'); // the moderator gave up waiting
    answer(true); // the person accepts, too late
    expect((await expired).expiresAt).toBeLessThan(Date.now());
  });
});

describe('leaving', () => {
  it('a Kizuna participant leaves a SLIM app\'s session on its own (LEAVE_REQUEST answered by the SLIM moderator)', async () => {
    const me = name('kizuna');
    const ep = await endpoint(me);
    app('moderator', { local: `org/ns/${name('mod')}`, invite: `org/ns/${me}`, mls: true });
    const session = await ep.listenForSession(20_000);
    const ended = waitFor(session, 'ended', () => true, 20_000);
    await session.leave(); // rejects with TIMEOUT unless the moderator's LEAVE_REPLY came
    expect(await ended).toBe('left');
  });
});

describe('a SLIM app leaves a session Kizuna moderates', () => {
  it('is answered and taken off the roster (and, with MLS, out of the group)', async () => {
    const bob = name('bob');
    const carol = name('carol');
    const b = app('participant', { local: `org/ns/${bob}`, expect: '1', leave: true });
    const c = app('participant', { local: `org/ns/${carol}`, expect: '2' });
    await Promise.all([b.next('ready'), c.next('ready')]);
    const ep = await endpoint(name('kmod'));
    const session = await ep.createSession({ channel: parseSlimName(`org/ns/${name('chan')}`), mls: true });
    await session.invite(parseSlimName(`org/ns/${bob}`));
    await session.invite(parseSlimName(`org/ns/${carol}`));
    const bobGone = waitUntil(session, 'members', () => !session.members().includes(`org/ns/${bob}`), 20_000);
    await session.publish(Buffer.from('bye bob'));
    await b.next('left'); // SLIM's delete completed: our LEAVE_REPLY arrived
    await bobGone; // the removal ran: commit to carol, acked
    await session.publish(Buffer.from('just us'));
    await c.next('received', (e) => e['text'] === 'just us');
  });
});
