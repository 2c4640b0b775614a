/**
 * Child-process entry for integration tests: one real KizunaCore (engine + session layer on a real
 * SLIM node, its own SQLite file) per process, driven through the same request contract the UI
 * uses (dispatchRequest), with its events forwarded to the parent unless the parent asked for none
 * (a benchmark's echo bot: every event would be IPC work in the process it measures). Test-only
 * commands read the engine's counters and wait for its inbox.
 */
import { createKeyFileWrapper } from '../../main/core/crypto/local-key/key-file-wrapper.js';
import { createKizunaCore } from '../../main/host/create-core.js';
import { dispatchRequest, forwardEvents } from '../../main/host/request-dispatch.js';

interface Start {
  dataDir: string;
  key: string;
  nodeEndpoint: string;
  session: Record<string, unknown>;
  /** False: no events to the parent (CoreProcess's `events` option); absent means true. */
  events?: boolean;
}

type Command =
  | { id: number; kind: 'invoke'; name: string; input: unknown }
  | { id: number; kind: 'stats' }
  | { id: number; kind: 'idle' }
  | { id: number; kind: 'status' }
  | { id: number; kind: 'discover'; name: string }
  | { id: number; kind: 'echo'; groupId: string }
  | { id: number; kind: 'close' };

const send = (m: unknown): void => {
  // The parent may be gone (a test or benchmark ended): nothing to tell then.
  if (process.connected) process.send?.(m, undefined, undefined, () => undefined);
};
process.on('disconnect', () => process.exit(0));

process.once('message', async (start: Start) => {
  const core = await createKizunaCore({
    dataDir: start.dataDir,
    keyWrapper: createKeyFileWrapper(new Uint8Array(Buffer.from(start.key, 'base64'))),
    nodeEndpoint: start.nodeEndpoint,
    session: start.session,
  });
  if (start.events !== false) {
    forwardEvents(core, (event, payload) => send({ event, payload }));
    core.engine.events.on('dropped', (d) => send({ event: 'dropped', payload: d }));
  }
  process.on('message', async (cmd: Command) => {
    try {
      switch (cmd.kind) {
        case 'invoke':
          send({ id: cmd.id, result: await dispatchRequest(core, cmd.name, cmd.input) });
          break;
        case 'stats':
          send({ id: cmd.id, result: { ok: true, value: core.engine.stats() } });
          break;
        case 'idle':
          await core.engine.inbox.idle();
          send({ id: cmd.id, result: { ok: true, value: null } });
          break;
        case 'status':
          send({ id: cmd.id, result: { ok: true, value: core.connectionStatus() } });
          break;
        case 'discover': {
          const card = await core.session()?.discover(cmd.name, 5_000);
          send({ id: cmd.id, result: { ok: true, value: card?.card.displayName ?? null } });
          break;
        }
        case 'echo':
          // A test bot: answers every message from someone else in the group with "echo: <text>".
          core.engine.events.on('message', (m) => {
            if (m.groupId === cmd.groupId && !m.isMine && !m.text.startsWith('echo: ')) void core.engine.sendText(m.groupId, `echo: ${m.text}`).catch(() => undefined);
          });
          send({ id: cmd.id, result: { ok: true, value: null } });
          break;
        case 'close':
          await core.close();
          send({ id: cmd.id, result: { ok: true, value: null } });
          process.exit(0);
      }
    } catch (err) {
      send({ id: cmd.id, result: { ok: false, error: { code: 'INTERNAL', message: String(err) } } });
    }
  });
  send({ ready: true });
});
