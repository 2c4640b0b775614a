/**
 * The second link a client keeps to its node, only to prove the main link alive.
 *
 * A node never routes a publish back to the connection it came from, so a link cannot probe itself. The main
 * link publishes numbered probes to a name only this liveness link subscribes; the liveness link sends each
 * straight back to a name only the main link subscribes. A probe that does not return in time (LivenessProbe)
 * closes the main link, and either link closing closes the other: the pair is one unit of "connected".
 */
import { randomBytes } from 'node:crypto';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { createSlimName } from '../../../shared/domain/slim-name.js';
import { createLogger } from '../log/logger.js';
import { LivenessProbe, type LivenessProbeOptions } from './liveness-probe.js';
import { PROBE_PAYLOAD_TYPE } from './probe-payload-type.js';
import { buildPublish, buildSubscribe } from './slim-message-builder.js';
import { encodeSlimName, hashSlimName, type NameHasher, type NameHashes } from './slim-name-encoding.js';
import type { IncomingPublish } from './slim-message-reader.js';
import type { SlimConnection } from './slim-connection.js';
import type { WireName } from './slim-wire-types.js';

const log = createLogger('transport.liveness');

/** The two private names of one client (random, so other clients never see its probes). */
export interface LivenessNames {
  readonly echo: WireName;
  readonly echoHashes: NameHashes;
  readonly probe: WireName;
  readonly probeHashes: NameHashes;
}

export function createLivenessNames(hasher: NameHasher): LivenessNames {
  const id = randomBytes(12).toString('hex');
  const echo = createSlimName('kizuna', 'transport-probe', `${id}-echo`);
  const probe = createSlimName('kizuna', 'transport-probe', `${id}-probe`);
  return {
    echo: encodeSlimName(hasher, echo),
    echoHashes: hashSlimName(hasher, echo),
    probe: encodeSlimName(hasher, probe),
    probeHashes: hashSlimName(hasher, probe),
  };
}

function sameHashes(a: NameHashes, b: NameHashes): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

export class LivenessLink {
  readonly #main: SlimConnection;
  readonly #link: SlimConnection;
  readonly #names: LivenessNames;
  readonly #source: WireName;
  readonly #probe: LivenessProbe;

  constructor(main: SlimConnection, link: SlimConnection, names: LivenessNames, source: WireName, options: LivenessProbeOptions) {
    this.#main = main;
    this.#link = link;
    this.#names = names;
    this.#source = source;
    link.once('closed', (reason) =>
      main.close(
        // A refused credential or an unreachable node is the answer for the pair; anything else is a lost link.
        reason.code === 'AUTH_FAILED' || reason.code === 'NODE_UNREACHABLE'
          ? reason
          : new KizunaError('TRANSPORT_CLOSED', 'The liveness link to the SLIM node was lost.', { reason: reason.code }),
      ),
    );
    main.once('closed', () => link.close());
    link.on('publish', (message) => this.#echo(message));
    // Arrival, not delivery: what the main link read but still queues proves it alive as well.
    main.on('arrived', () => this.#probe.heard());
    this.#probe = new LivenessProbe(
      options,
      (sequence) => {
        const blob = new Uint8Array(4);
        new DataView(blob.buffer).setUint32(0, sequence);
        main.send(buildPublish({ source, destination: names.probe, payloadType: PROBE_PAYLOAD_TYPE, blob }));
      },
      (waitedMs) => {
        log.warn('liveness probe unanswered; dropping the link', { waitedMs, linkId: main.linkId });
        main.close(new KizunaError('TRANSPORT_CLOSED', 'The SLIM node stopped answering.', { waitedMs }));
      },
    );
  }

  get probesSent(): number {
    return this.#probe.sent;
  }

  get lastRoundTripMs(): number | undefined {
    return this.#probe.lastRoundTripMs;
  }

  /** Waits for both links' negotiation and subscribes each to its private name. */
  async prepare(ackTimeoutMs: number): Promise<void> {
    await Promise.all([this.#main.ready, this.#link.ready]);
    const [onLink, onMain] = await Promise.all([
      this.#link.request((id) => buildSubscribe(this.#source, this.#names.probe, id), ackTimeoutMs),
      this.#main.request((id) => buildSubscribe(this.#source, this.#names.echo, id), ackTimeoutMs),
    ]);
    if (!onLink.success || !onMain.success) {
      throw new KizunaError('SUBSCRIBE_FAILED', 'The node refused the liveness subscriptions.', { error: onLink.error || onMain.error });
    }
  }

  start(): void {
    this.#probe.start();
  }

  stop(): void {
    this.#probe.stop();
  }

  /** True when `message` (received on the main link) was one of our probes coming back: the caller drops it. */
  consume(message: IncomingPublish): boolean {
    this.#probe.heard();
    if (message.payloadType !== PROBE_PAYLOAD_TYPE || !sameHashes(message.destination.hashes, this.#names.echoHashes)) return false;
    if (message.blob.length === 4) this.#probe.echo(new DataView(message.blob.buffer, message.blob.byteOffset, 4).getUint32(0));
    return true;
  }

  #echo(message: IncomingPublish): void {
    if (message.payloadType !== PROBE_PAYLOAD_TYPE || !sameHashes(message.destination.hashes, this.#names.probeHashes)) return;
    if (!this.#link.isOpen) return;
    this.#link.send(buildPublish({ source: this.#source, destination: this.#names.echo, payloadType: PROBE_PAYLOAD_TYPE, blob: message.blob }));
  }
}
