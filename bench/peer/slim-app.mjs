/**
 * One member of a group session written on the official @agntcy/slim-bindings app API, in its own
 * process, for bench/peer.bench.ts. Plain .mjs on purpose: this is what a developer building a group
 * chat on SLIM's own bindings would write, with none of Kizuna's code in the way.
 *
 *   node slim-app.mjs <endpoint> <org/ns/app> <role> <channel> <mls 0|1> [participants,comma,separated]
 *
 * role "moderator" creates the group session on <channel> and invites the participants; role
 * "participant" waits for the invitation. Then the parent drives it with JSON lines on stdin:
 *   {"cmd":"echo"}               answer every received message with the same payload (B)
 *   {"cmd":"count"}              count received messages; {"cmd":"report"} prints the count and when the last came
 *   {"cmd":"rtt","n":N,"warmup":W,"size":S}   send, wait for the answer, N+W times; prints the samples
 *   {"cmd":"flood","count":N,"rate":R,"size":S}   publish N messages paced at R a second (as Kizuna's flood is
 *                                offered), at most 64 in flight; prints when it started
 *   {"cmd":"rss"}                prints resident memory
 * and reads JSON lines on stdout ({"event":...}).
 */
import slim from '@agntcy/slim-bindings';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { createInterface } from 'node:readline';

const [endpoint, nameText, role, channelText, mlsFlag, participantsText] = process.argv.slice(2);
const SECRET = 'kizuna-peer-bench-shared-secret-0123456789abcdef';
const say = (event) => process.stdout.write(`@@${JSON.stringify(event)}\n`);

slim.initializeWithDefaults();
const service = slim.getGlobalService();
const name = slim.Name.fromString(nameText);
const app = service.createAppWithSecret(name, SECRET);
const connId = await service.connectAsync(slim.newInsecureClientConfig(endpoint.startsWith('unix://') ? endpoint : `http://${endpoint}`));
await app.subscribeAsync(name, connId);

let session;
if (role === 'moderator') {
  const config = {
    sessionType: slim.SessionType.Group,
    maxRetries: 10,
    interval: 1000,
    metadata: new Map(),
    mlsSettings: mlsFlag === '1' ? { headerIntegrityValidationPercent: 0, maxSeenControlMessageIdsSize: undefined } : undefined,
  };
  const channel = slim.Name.fromString(channelText);
  session = await app.createSessionAndWaitAsync(config, channel);
  say({ event: 'ready' });
  for (const p of (participantsText ?? '').split(',').filter((x) => x !== '')) {
    const pn = slim.Name.fromString(p);
    await app.setRouteAsync(pn, connId);
    await session.inviteAndWaitAsync(pn);
  }
  say({ event: 'joined' });
} else {
  say({ event: 'ready' });
  session = await app.listenForSessionAsync(undefined);
  say({ event: 'joined' });
}

let mode = 'drop';
let count = 0;
// When the last message was counted, on a clock shared by the processes (the parent compares it with the flood's start).
let lastAt = 0;
const wallNow = () => performance.timeOrigin + performance.now();
let waiter;
// One receive loop: what happens to a message depends on the mode the parent set.
void (async () => {
  for (;;) {
    let msg;
    try {
      msg = await session.getMessageAsync(undefined);
    } catch (error) {
      say({ event: 'receive-error', message: String(error?.inner?.message ?? error) });
      return;
    }
    count += 1;
    if (mode === 'count') lastAt = wallNow();
    if (mode === 'echo') void session.publishAsync(msg.payload, undefined, undefined);
    else if (waiter !== undefined) {
      const w = waiter;
      waiter = undefined;
      w();
    }
  }
})();

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const c = JSON.parse(line);
  if (c.cmd === 'echo') {
    mode = 'echo';
    say({ event: 'ok' });
  } else if (c.cmd === 'count') {
    mode = 'count';
    count = 0;
    say({ event: 'ok' });
  } else if (c.cmd === 'report') {
    say({ event: 'count', count, lastAt });
  } else if (c.cmd === 'rss') {
    say({ event: 'rss', rss: process.memoryUsage().rss });
  } else if (c.cmd === 'rtt') {
    mode = 'wait';
    const payload = new Uint8Array(c.size).fill(0x6b).buffer;
    const samples = [];
    for (let i = 0; i < c.n + c.warmup; i++) {
      const back = new Promise((r) => (waiter = r));
      const start = performance.now();
      await session.publishAsync(payload, undefined, undefined);
      await back;
      if (i >= c.warmup) samples.push(performance.now() - start);
    }
    say({ event: 'rtt', samples });
  } else if (c.cmd === 'flood') {
    const payload = new Uint8Array(c.size).fill(0x6b).buffer;
    // Message i is due i/rate seconds after the start; what falls behind (the window full) goes as soon as it can.
    const startedAt = wallNow();
    const start = performance.now();
    let sent = 0;
    const inFlight = new Set();
    let lastSettled = performance.now();
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    while (sent < c.count) {
      const due = Math.min(c.count, Math.floor(((performance.now() - start) / 1000) * c.rate) + 1);
      if (sent >= due) {
        await pause(1);
        continue;
      }
      const p = session.publishAsync(payload, undefined, undefined).then(() => {
        lastSettled = performance.now();
        inFlight.delete(p);
      });
      inFlight.add(p);
      sent += 1;
      if (inFlight.size >= 64) await Promise.race([Promise.race(inFlight), pause(100)]);
      // Publishes that stop settling (seen over TCP on a quiet machine) end the flood instead of hanging it.
      if (performance.now() - lastSettled > 10_000) break;
    }
    // A publish whose promise never settles (seen on a quiet machine over TCP) must not hang the run:
    // wait for the rest at most 10 s; the receiver's count, not this, decides what was delivered.
    await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 10_000))]);
    say({ event: 'flooded', sent, startedAt, seconds: (performance.now() - start) / 1000, unsettled: inFlight.size });
  } else if (c.cmd === 'exit') {
    break;
  }
}
process.exit(0);
