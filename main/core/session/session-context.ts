import { parseSlimName } from '../../../shared/domain/slim-name.js';
import type { Engine } from '../engine/engine.js';
import type { EngineContext } from '../kernel/engine-context.js';
import type { Logger } from '../log/logger.js';
import { FANOUT_ALL, FANOUT_ONE } from '../transport/slim-wire-enums.js';
import type { SlimClient } from '../transport/slim-client.js';
import type { EnvelopeType } from '../wire/wire-schemas.js';
import { sessionHeader } from './session-header.js';
import { KIZUNA_PAYLOAD_TYPE, type SessionOptions } from './session-options.js';

/** What the parts of the session layer share: the engine, the transport and how to publish. */
export interface SessionContext {
  readonly engine: Engine;
  readonly ctx: EngineContext;
  readonly client: SlimClient;
  readonly options: SessionOptions;
  readonly log: Logger;
  /** True while the transport is online. */
  online(): boolean;
  /**
   * Publishes one envelope to a group channel (every subscriber) or to one SLIM name. Returns
   * false when it could not go out now (offline or the write buffer is full).
   */
  publish(to: string, bytes: Uint8Array, meta: { type: EnvelopeType; groupId: Uint8Array; toChannel: boolean; seq: number }): boolean;
}

const names = new Map<string, ReturnType<typeof parseSlimName>>();

/** Parsed SLIM names, cached: the same few names are published to over and over. */
export function slimName(text: string): ReturnType<typeof parseSlimName> {
  let n = names.get(text);
  if (n === undefined) {
    n = parseSlimName(text);
    if (names.size > 10_000) names.clear();
    names.set(text, n);
  }
  return n;
}

export function publishVia(client: SlimClient, online: () => boolean): SessionContext['publish'] {
  return (to, bytes, meta) => {
    if (!online()) return false;
    try {
      return client.publish(slimName(to), bytes, {
        payloadType: KIZUNA_PAYLOAD_TYPE,
        fanout: meta.toChannel ? FANOUT_ALL : FANOUT_ONE,
        session: sessionHeader(meta.type, meta.groupId, meta.toChannel, meta.seq),
      });
    } catch {
      return false;
    }
  };
}
