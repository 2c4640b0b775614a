/**
 * Identity tokens through the engine (issue 5): the invitee's token travels in JOIN, the admin verifies
 * it (refusal = no membership), announces it, and every member verifies it again and shows the
 * verified identity next to the member.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../../main/core/engine/engine.js';
import { fromBase64Url } from '../../../../../main/core/encoding/base64url.js';
import { createJwtFileProvider } from '../../../../../main/core/identity/tokens/jwt-file-provider.js';
import { createJwtVerifier } from '../../../../../main/core/identity/tokens/jwt-verifier.js';
import type { IdentityTokenProvider } from '../../../../../main/core/identity/tokens/token-types.js';
import type { EncryptionMode, GroupView } from '../../../../../shared/domain/views.js';
import { LoopbackNetwork } from '../../../../helpers/loopback-network.js';
import { introduce, tempDir, testProfile, userId } from '../../../../helpers/test-engines.js';
import { issuerKey, makeToken, type TestIssuerKey, type TokenSpec } from './token-test-kit.js';
import { expectCode } from '../../../../helpers/expect-code.js';

/** A provider whose token the test sets once the user's key exists. */
function settableProvider(): IdentityTokenProvider & { set(token: string): void } {
  let current = '';
  return {
    kind: 'jwt',
    bindSigningKey() {},
    async token() {
      return current;
    },
    set(token) {
      current = token;
    },
    close() {},
  };
}

const ISSUER = 'https://spire.example';
const AUDIENCE = 'kizuna-test';
const subjectOf = (name: string): string => `spiffe://example.org/kizuna/${name}`;

function memberOf(view: GroupView, id: string) {
  const m = view.members.find((x) => x.userId === id);
  if (m === undefined) throw new Error(`no member ${id}`);
  return m;
}

describe.each<EncryptionMode>(['mls', 'sealed', 'none'])('identity tokens in the join flow (%s)', (mode) => {
  let dir: ReturnType<typeof tempDir>;
  let issuer: TestIssuerKey;
  let engines: Engine[];
  let net: LoopbackNetwork;
  const providers = new Map<string, ReturnType<typeof settableProvider>>();
  const profiles = new Map<string, ReturnType<typeof testProfile>>();

  async function user(name: string, withProvider = true): Promise<Engine> {
    const profile = testProfile(dir.path, name);
    profiles.set(name, profile);
    const provider = settableProvider();
    providers.set(name, provider);
    const engine = await Engine.open({
      dataDir: profile.dir,
      keyWrapper: profile.wrapper,
      ...(withProvider ? { tokenProvider: provider } : {}),
      tokenVerifier: createJwtVerifier({ keys: JSON.stringify({ keys: [issuer.publicJwk] }), issuer: ISSUER, audience: AUDIENCE }),
    });
    engine.createIdentity({ displayName: name });
    engines.push(engine);
    return engine;
  }

  /** A token binding `engine`'s key, valid for ten minutes from now unless `spec` says otherwise. */
  async function tokenFor(engine: Engine, name: string, spec: Partial<TokenSpec> = {}): Promise<string> {
    return makeToken(issuer, { key: fromBase64Url(userId(engine)), iss: ISSUER, aud: AUDIENCE, sub: subjectOf(name), expIn: 600, base: Date.now(), ...spec });
  }

  beforeEach(async () => {
    dir = tempDir();
    issuer = await issuerKey('ES256');
    engines = [];
    net = new LoopbackNetwork();
  });

  afterEach(async () => {
    for (const e of engines) await e.close();
    dir.cleanup();
  });

  it('a valid token makes a member with a verified identity at the admin and at the other members', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const carol = await user('carol');
    const dave = await user('dave');
    introduce(alice, bob, carol, dave);
    net.add(alice, bob, carol, dave);
    providers.get('bob')?.set(await tokenFor(bob, 'bob'));
    providers.get('carol')?.set(await tokenFor(carol, 'carol'));

    const g = await alice.createGroup({ name: 'Verified', members: [userId(bob), userId(carol), userId(dave)], mode });
    await net.settle();
    await carol.acceptInvitation(g.groupId);
    await net.settle();
    await bob.acceptInvitation(g.groupId);
    await net.settle();

    const atAlice = alice.getGroup(g.groupId);
    expect(memberOf(atAlice, userId(bob))).toMatchObject({ status: 'joined', verifiedIdentity: { issuer: ISSUER, subject: subjectOf('bob') } });
    expect(memberOf(atAlice, userId(carol)).verifiedIdentity).toEqual({ issuer: ISSUER, subject: subjectOf('carol') });
    expect(memberOf(atAlice, userId(alice)).verifiedIdentity).toBeNull();
    // Carol was in when Bob joined: she checked the token the admin announced.
    expect(memberOf(carol.getGroup(g.groupId), userId(bob)).verifiedIdentity).toEqual({ issuer: ISSUER, subject: subjectOf('bob') });
    // Bob joined after Carol: her token came in his welcome.
    expect(memberOf(bob.getGroup(g.groupId), userId(carol)).verifiedIdentity).toEqual({ issuer: ISSUER, subject: subjectOf('carol') });

    // Dave joins later still, through the real JWT file provider (SPIFFE helper style).
    const tokenPath = join(dir.path, 'svids', 'jwt_svid.token');
    mkdirSync(join(dir.path, 'svids'), { recursive: true });
    writeFileSync(tokenPath, await tokenFor(dave, 'dave'));
    const fileProvider = createJwtFileProvider({ path: tokenPath });
    const daveProvider = providers.get('dave');
    daveProvider?.set(await fileProvider.token());
    fileProvider.close();
    await dave.acceptInvitation(g.groupId);
    await net.settle();
    for (const e of [alice, bob, carol]) {
      expect(memberOf(e.getGroup(g.groupId), userId(dave)).verifiedIdentity).toEqual({ issuer: ISSUER, subject: subjectOf('dave') });
    }
    expect(memberOf(dave.getGroup(g.groupId), userId(bob)).verifiedIdentity?.subject).toBe(subjectOf('bob'));

    // And the group works.
    await dave.sendText(g.groupId, 'verified hello');
    await net.settle();
    expect(bob.latestMessages(g.groupId, 5).messages.map((m) => m.text)).toEqual(['verified hello']);

    // The verified identities survive a restart.
    await alice.close();
    const profile = profiles.get('alice');
    if (profile === undefined) throw new Error('no profile');
    const reopened = await Engine.open({ dataDir: profile.dir, keyWrapper: profile.wrapper });
    engines[engines.indexOf(alice)] = reopened;
    expect(memberOf(reopened.getGroup(g.groupId), userId(bob)).verifiedIdentity).toEqual({ issuer: ISSUER, subject: subjectOf('bob') });
  });

  it.each<[string, (e: Engine, other: Engine) => Promise<string>, string]>([
    ['an expired token', async (e) => tokenFor(e, 'bob', { expIn: -3600 }), 'token-expired'],
    ['a wrong-audience token', async (e) => tokenFor(e, 'bob', { aud: 'another-app' }), 'token-wrong-audience'],
    ['someone else’s token', async (_e, other) => tokenFor(other, 'carol'), 'token-key-mismatch'],
    ['no token at all (no provider)', async () => '', 'token-missing'],
  ])('%s gives no membership', async (_label, makeBadToken, reason) => {
    const alice = await user('alice');
    const bob = await user('bob', reason !== 'token-missing');
    const carol = await user('carol');
    introduce(alice, bob, carol);
    net.add(alice, bob, carol);
    providers.get('bob')?.set(await makeBadToken(bob, carol));

    const g = await alice.createGroup({ name: 'Guarded', members: [userId(bob), userId(carol)], mode });
    await net.settle();
    await bob.acceptInvitation(g.groupId);
    await net.settle();

    expect(alice.stats().dropped[reason]).toBe(1);
    const atAlice = alice.getGroup(g.groupId);
    expect(memberOf(atAlice, userId(bob))).toMatchObject({ status: 'invited', verifiedIdentity: null });
    // No welcome came back: an MLS invitee stays waiting and holds no group state.
    if (mode === 'mls') expect(bob.getGroup(g.groupId).myState).toBe('joining');
    expect(net.published.filter((p) => p.type === 'WELCOME')).toHaveLength(0);
  });
});

describe('a provider that cannot produce a token', () => {
  it('fails the accept visibly (nothing is sent)', async () => {
    const dir = tempDir();
    const p = testProfile(dir.path, 'bob');
    const provider = createJwtFileProvider({ path: join(dir.path, 'missing.token'), watch: false });
    const bob = await Engine.open({ dataDir: p.dir, keyWrapper: p.wrapper, tokenProvider: provider });
    bob.createIdentity({ displayName: 'bob' });
    const q = testProfile(dir.path, 'alice');
    const alice = await Engine.open({ dataDir: q.dir, keyWrapper: q.wrapper });
    alice.createIdentity({ displayName: 'alice' });
    const r = testProfile(dir.path, 'carol');
    const carol = await Engine.open({ dataDir: r.dir, keyWrapper: r.wrapper });
    carol.createIdentity({ displayName: 'carol' });
    introduce(alice, bob, carol);
    const net = new LoopbackNetwork();
    net.add(alice, bob, carol);
    const g = await alice.createGroup({ name: 'Files', members: [userId(bob), userId(carol)], mode: 'none' });
    await net.settle();
    await expectCode(bob.acceptInvitation(g.groupId), 'TOKEN_MISSING');
    expect(bob.listInvitations().map((i) => i.groupId)).toEqual([g.groupId]);
    for (const e of [alice, bob, carol]) await e.close();
    dir.cleanup();
  });
});

describe('without identity tokens configured', () => {
  it('joins as before and shows no verified identity', async () => {
    const dir = tempDir();
    const open = async (name: string): Promise<Engine> => {
      const p = testProfile(dir.path, name);
      const e = await Engine.open({ dataDir: p.dir, keyWrapper: p.wrapper });
      e.createIdentity({ displayName: name });
      return e;
    };
    const [alice, bob, carol] = [await open('alice'), await open('bob'), await open('carol')];
    introduce(alice, bob, carol);
    const net = new LoopbackNetwork();
    net.add(alice, bob, carol);
    const g = await alice.createGroup({ name: 'Plain', members: [userId(bob), userId(carol)] });
    await net.settle();
    await bob.acceptInvitation(g.groupId);
    await net.settle();
    expect(memberOf(alice.getGroup(g.groupId), userId(bob))).toMatchObject({ status: 'joined', verifiedIdentity: null });
    for (const e of [alice, bob, carol]) await e.close();
    dir.cleanup();
  });
});
