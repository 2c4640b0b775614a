/**
 * Issue 8, class 7: by-name discovery must not take the first self-signed answer. An impostor that
 * subscribes to someone's SLIM name answers with its own card; without an identity token our verifier
 * accepts, or an accepted contact card for that key and name, the answer is unverified and the invite is
 * refused (DISCOVERY_UNVERIFIED) unless the caller confirms it. Real engines over a real SLIM node.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityTokensFromOptions } from '../../../main/core/identity/tokens/index.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { createApp, type AppOptions, type KizunaApp } from '../../../main/host/sdk/index.js';
import { FAST_SESSION } from '../../helpers/core-process.js';
import { createSlimTestKit } from '../../helpers/slim-test-kit.js';
import { tempDir } from '../../helpers/test-engines.js';

const SECRET = 'a shared secret of the deployment, 32+ bytes long';
const kit = createSlimTestKit();
const dir = tempDir('kizuna-discovery-trust-');
const apps: KizunaApp[] = [];
let node: SlimNodeHandle;

async function app(profile: string, slimName: string, extra: Partial<AppOptions> = {}): Promise<KizunaApp> {
  const a = await createApp({ dataDir: join(dir.path, profile), identity: { displayName: profile, slimName }, node: node.endpoint, session: FAST_SESSION, ...extra });
  apps.push(a);
  await a.waitOnline();
  return a;
}

const tokens = (id: string): Partial<AppOptions> => ({ identityTokens: identityTokensFromOptions({ sharedSecret: SECRET, sharedSecretId: id }) });

beforeAll(async () => {
  node = await kit.startNode();
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await kit.dispose();
  dir.cleanup();
});

describe('discovery by SLIM name', () => {
  it('does not invite an impostor answering for a name without confirmation', async () => {
    const admin = await app('admin', 'agntcy/trust/admin');
    const impostor = await app('impostor', 'agntcy/trust/bob');
    const carol = await app('carol', 'agntcy/trust/carol');
    admin.core.engine.addContact(carol.card());

    const seen = await admin.discover('agntcy/trust/bob', 5_000);
    expect(seen.userId).toBe(impostor.identity.userId);
    expect(seen.trust).toEqual({ kind: 'unverified', reason: 'no-token' });

    await expect(admin.createSession({ name: 'g', invites: ['agntcy/trust/bob', 'agntcy/trust/carol'], discoveryTimeoutMs: 5_000 })).rejects.toMatchObject({
      code: 'DISCOVERY_UNVERIFIED',
      details: { name: 'agntcy/trust/bob', userId: impostor.identity.userId, reason: 'no-token' },
    });
    // Nothing stored, nothing sent: no group, the impostor is no contact and got no invitation.
    expect(admin.core.engine.listGroups()).toEqual([]);
    expect(admin.core.engine.listContacts().map((c) => c.userId)).toEqual([carol.identity.userId]);
    expect(impostor.core.engine.listInvitations()).toEqual([]);
  });

  it('binds a name to a key through an accepted contact card', async () => {
    const admin = apps[0] as KizunaApp;
    const carol = apps[2] as KizunaApp;
    const seen = await admin.discover('agntcy/trust/carol', 5_000);
    expect(seen.trust).toEqual({ kind: 'contact' });
    expect(await admin.resolve('agntcy/trust/carol', 5_000)).toBe(carol.identity.userId);
  });

  it('binds a name to a key through a verified identity token, and refuses tokens it cannot verify', async () => {
    const admin = await app('admin-t', 'agntcy/trust/admin-t', tokens('admin-t'));
    const dave = await app('dave', 'agntcy/trust/dave', tokens('dave'));
    const seen = await admin.discover('agntcy/trust/dave', 5_000);
    expect(seen.userId).toBe(dave.identity.userId);
    expect(seen.trust).toMatchObject({ kind: 'token', identity: { issuer: 'shared-secret', subject: 'dave' } });

    // An impostor outside the deployment has no secret: its answer is unverified even for a verifying admin.
    await app('impostor-t', 'agntcy/trust/erin');
    expect((await admin.discover('agntcy/trust/erin', 5_000)).trust).toEqual({ kind: 'unverified', reason: 'no-token' });
    // One with a different secret presents a token our verifier refuses.
    await app('forger', 'agntcy/trust/frank', { identityTokens: identityTokensFromOptions({ sharedSecret: 'another secret entirely, also 32+ bytes', sharedSecretId: 'frank' }) });
    const forged = await admin.discover('agntcy/trust/frank', 5_000);
    expect(forged.trust.kind).toBe('unverified');
    await expect(admin.resolve('agntcy/trust/frank', 5_000)).rejects.toMatchObject({ code: 'DISCOVERY_UNVERIFIED' });
  });

  it('invites an unverified answer only when the caller confirms it', async () => {
    const admin = apps[0] as KizunaApp;
    const impostor = apps[1] as KizunaApp;
    expect(await admin.resolve('agntcy/trust/bob', 5_000, { acceptUnverified: true })).toBe(impostor.identity.userId);
  });
});
