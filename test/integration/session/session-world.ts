import type { Engine } from '../../../main/core/engine/engine.js';
import { SessionLayer } from '../../../main/core/session/session-layer.js';
import type { SessionOptions } from '../../../main/core/session/session-options.js';
import type { SlimNodeHandle } from '../../../main/core/slim-node/slim-node-launcher.js';
import { FAST_CLIENT_OPTIONS, createSlimTestKit, type SlimTestKit } from '../../helpers/slim-test-kit.js';
import { introduce, newUser, tempDir, userId } from '../../helpers/test-engines.js';
import { waitUntil } from '../../helpers/wait-for.js';

/** Session timings short enough that acks, heartbeats and gap checks happen within a test. */
export const IN_PROCESS_TIMINGS = { ackTimeoutMs: 500, heartbeatMs: 300, gapCheckMs: 200, directRetryCapMs: 500, transport: FAST_CLIENT_OPTIONS };

/** Engines in this process, each with its own session layer on one real SLIM node, all online. */
export interface SessionWorld {
  kit: SlimTestKit;
  node: SlimNodeHandle;
  engines: Engine[];
  sessions: SessionLayer[];
  /** Closes the layers, then the engines, then the node, and removes the folder. */
  close(): Promise<void>;
}

/**
 * Starts a node and one engine per name (introduced to each other), with IN_PROCESS_TIMINGS timings
 * overridden by `optionsFor(name)`, and waits until every layer is online.
 */
export async function sessionWorld(names: readonly string[], optionsFor: (name: string) => Partial<SessionOptions> = () => ({})): Promise<SessionWorld> {
  const kit = createSlimTestKit();
  const node = await kit.startNode();
  const dir = tempDir();
  const engines: Engine[] = [];
  const sessions: SessionLayer[] = [];
  for (const name of names) {
    const { engine } = await newUser(dir.path, name);
    const session = new SessionLayer(engine, { endpoint: node.endpoint, ...IN_PROCESS_TIMINGS, ...optionsFor(name) });
    session.start();
    engines.push(engine);
    sessions.push(session);
  }
  introduce(...engines);
  await Promise.all(sessions.map((s) => s.waitOnline()));
  return {
    kit,
    node,
    engines,
    sessions,
    close: async () => {
      for (const s of sessions) await s.close();
      for (const e of engines) await e.close();
      await kit.dispose();
      dir.cleanup();
    },
  };
}

/**
 * The first engine creates a sealed group with every other one, each accepts its invitation, and the
 * creator sees them all joined. Its id.
 */
export async function sealedGroupOfAll(engines: readonly Engine[], name: string, invitationWaitMs = 10_000): Promise<string> {
  const [admin, ...others] = engines as [Engine, ...Engine[]];
  const invited = others.map((e) => e.events.waitFor('invitation', (i) => i.state === 'pending', invitationWaitMs));
  const g = await admin.createGroup({ name, members: others.map(userId), mode: 'sealed' });
  await Promise.all(invited);
  for (const e of others) await e.acceptInvitation(g.groupId);
  await waitUntil(admin.events, 'group', () => admin.getGroup(g.groupId).members.every((m) => m.status === 'joined'), 15_000);
  return g.groupId;
}
