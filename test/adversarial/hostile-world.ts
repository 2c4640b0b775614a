/**
 * A group over a real SLIM node for attack tests: engines in this process, each with its session
 * layer on the node, plus raw SLIM clients for the attacker (who publishes what it likes, under any
 * name). Everything is stopped by `close()`.
 */
import type { Engine } from '../../main/core/engine/engine.js';
import { parseSlimName } from '../../shared/domain/slim-name.js';
import { fromBase64Url } from '../../main/core/encoding/base64url.js';
import { buildEnvelope } from '../../main/core/envelopes/envelope-builder.js';
import { generateSigningKeyPair } from '../../main/core/crypto/signing.js';
import { groupChannelName } from '../../main/core/kernel/channel-names.js';
import { sendVia } from '../../main/core/session/session-context.js';
import { SessionLayer } from '../../main/core/session/session-layer.js';
import type { SlimNodeHandle } from '../../main/core/slim-node/slim-node-launcher.js';
import type { EnvelopeType } from '../../main/core/wire/wire-schemas.js';
import { FAST_CLIENT_OPTIONS, collect, createSlimTestKit, type Inbox, type SlimTestKit } from '../helpers/slim-test-kit.js';
import { introduce, openProfile, tempDir, testProfile, userId } from '../helpers/test-engines.js';
import type { EncryptionMode } from '../../shared/domain/views.js';

/** For raw clients: see `raw`. */
export const PATIENT_LIVENESS = { intervalMs: 5_000, timeoutMs: 60_000 };

export const FAST_SESSION = { ackTimeoutMs: 500, heartbeatMs: 500, gapCheckMs: 200, directRetryCapMs: 500, transport: FAST_CLIENT_OPTIONS };

export interface Person {
  engine: Engine;
  session: SessionLayer | undefined;
}

export interface HostileWorld {
  kit: SlimTestKit;
  node: SlimNodeHandle;
  people: Record<string, Person>;
  /** Takes someone offline (its engine stays open: it can still build envelopes). */
  offline(name: string): Promise<void>;
  /** Brings someone back online: a new session layer, which asks its groups for what it missed. */
  online(name: string): Promise<void>;
  /** A raw SLIM client under any name, recording what it receives. */
  raw(name: string): Promise<Inbox>;
  close(): Promise<void>;
}

export async function hostileWorld(names: string[], clocks: Record<string, () => number> = {}): Promise<HostileWorld> {
  const kit = createSlimTestKit();
  const node = await kit.startNode();
  const dir = tempDir('kizuna-adversarial-');
  const people: Record<string, Person> = {};
  for (const name of names) {
    const profile = testProfile(dir.path, name);
    const engine = await openProfile(profile, clocks[name]);
    engine.createIdentity({ displayName: name });
    const session = new SessionLayer(engine, { endpoint: node.endpoint, ...FAST_SESSION });
    session.start();
    people[name] = { engine, session };
  }
  introduce(...Object.values(people).map((p) => p.engine));
  await Promise.all(Object.values(people).map((p) => p.session?.waitOnline()));
  return {
    kit,
    node,
    people,
    offline: async (name) => {
      const p = people[name] as Person;
      await p.session?.close();
      p.session = undefined;
    },
    online: async (name) => {
      const p = people[name] as Person;
      if (p.session !== undefined) return;
      p.session = new SessionLayer(p.engine, { endpoint: node.endpoint, ...FAST_SESSION });
      p.session.start();
      await p.session.waitOnline();
    },
    raw: async (name) => {
      // A patient liveness probe: on a loaded machine a quick one takes a stalled link for dead and
      // reconnects, and whatever the attacker had queued on it (a flood) is lost.
      const client = await kit.client(node.endpoint, name, { liveness: PATIENT_LIVENESS });
      // Reachable under its name, like any member: so whatever is sent there would be seen.
      await client.subscribe(parseSlimName(name));
      return collect(client);
    },
    close: async () => {
      for (const p of Object.values(people)) {
        await p.session?.close();
        await p.engine.close();
      }
      await kit.dispose();
      dir.cleanup();
    },
  };
}

/** Publishes bytes as a Kizuna envelope from a raw client: to a group's channel or to one SLIM name. */
export function publishRaw(inbox: Inbox, to: { group: string } | { name: string }, bytes: Uint8Array, type: EnvelopeType, groupId: string): void {
  const send = sendVia(inbox.client, () => true);
  const g = fromBase64Url(groupId) as Uint8Array;
  const toChannel = 'group' in to;
  const outcome = send(toChannel ? groupChannelName(g) : to.name, bytes, { type, groupId: g, toChannel, seq: 0 });
  // 'later' is back-pressure: the frame is queued on the stream all the same.
  if (outcome.kind === 'refused') throw new Error(`raw publish refused: ${outcome.error.message}`);
}

/** Keys of someone who was never in any group (an outsider on the node). */
export function outsiderKeys(): Parameters<typeof buildEnvelope>[0] {
  const kp = generateSigningKeyPair();
  return { userId: kp.publicKey, signPublic: kp.publicKey, signSecret: kp.secretKey, boxPublic: new Uint8Array(32), boxSecret: new Uint8Array(32), displayName: 'outsider', slimName: 'kizuna/outsiders/x', createdAt: 0 };
}

/** The bytes of the channel envelopes an offline engine queued (built and signed by it, never published). */
export function queuedBytes(engine: Engine, type: EnvelopeType = 'MESSAGE'): Uint8Array[] {
  return engine.outbox.due(1000).filter((j) => j.type === type && j.destination === 'group').map((j) => j.bytes);
}

/** The admin creates a group, the members accept, and everyone is joined at the admin's epoch. */
export async function joinedGroup(admin: Engine, members: Engine[], mode: EncryptionMode, name: string): Promise<string> {
  const invited = members.map((m) => m.events.waitFor('invitation', (i) => i.state === 'pending' && i.groupName === name, 15_000));
  const g = (await admin.createGroup({ name, members: members.map(userId), mode })).groupId;
  await Promise.all(invited);
  const joined = members.map((m) => m.events.waitFor('group', (x) => x.groupId === g && x.myState === 'joined', 15_000));
  for (const m of members) await m.acceptInvitation(g);
  await Promise.all(joined);
  await atEpoch(admin.getGroup(g).epoch, g, members);
  const allJoined = (): boolean => admin.getGroup(g).members.every((m) => m.status === 'joined');
  if (!allJoined()) await admin.events.waitFor('group', () => allJoined(), 15_000);
  return g;
}

export async function atEpoch(epoch: number, groupId: string, engines: Engine[]): Promise<void> {
  await Promise.all(engines.map(async (e) => {
    if (e.getGroup(groupId).epoch >= epoch) return;
    await e.events.waitFor('group', (g) => g.groupId === groupId && g.epoch >= epoch, 15_000);
  }));
}

/** A sealed group of alice (admin), bob and carol where carol's client went away and raw clients took over. */
export interface SyncAttackWorld {
  w: HostileWorld;
  alice: Engine;
  bob: Engine;
  carol: Engine;
  g: string;
  gid: Uint8Array;
  /** A raw client listening under carol's SLIM name: every answer meant for her lands there. */
  carolsName: Inbox;
  /** A raw client of an outsider, to publish from. */
  attacker: Inbox;
}

/**
 * The catch-up attacks' world (catch-up-abuse, sync-forgery, sync-more): the group is joined, carol
 * (a member) goes offline and a raw client listens under her name, and an attacker's raw client is
 * up. `history` is a message bob sends and alice stores first, for requests to be answered with.
 */
export async function syncAttackWorld(
  groupName: string,
  attackerName: string,
  options: { clocks?: Record<string, () => number>; history?: string } = {},
): Promise<SyncAttackWorld> {
  const w = await hostileWorld(['alice', 'bob', 'carol'], options.clocks);
  const engine = (name: string): Engine => (w.people[name] as { engine: Engine }).engine;
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map(engine) as [Engine, Engine, Engine];
  const g = await joinedGroup(alice, [bob, carol], 'sealed', groupName);
  await w.offline('carol');
  const carolsName = await w.raw(carol.getIdentity()?.slimName ?? '');
  const attacker = await w.raw(attackerName);
  if (options.history !== undefined) {
    const text = options.history;
    const served = alice.events.waitFor('message', (m) => m.text === text, 15_000);
    await bob.sendText(g, text);
    await served;
  }
  return { w, alice, bob, carol, g, gid: fromBase64Url(g) as Uint8Array, carolsName, attacker };
}
