/**
 * SLIM's own group sessions from the SDK, in the shape of seed 000's bindings and against apps written
 * with them: `createSlimApp({ name, node, sharedSecret })`, `app.listenForSession()` (headless: accepts,
 * as SLIM apps do), `app.createSession({ channelName, mlsEnabled })`, `session.invite(name)`,
 * `session.getMessage()`, `session.publish(payload)`, `session.remove(name)`, `session.close()`.
 *
 * Like a SLIM app it has its own connection to the node and a fresh P-256 key and token per run; Kizuna's
 * own groups (KizunaApp) keep their rules beside it.
 */
import { parseSlimName } from '../../../shared/domain/slim-name.js';
import type { SlimSessionMessage } from '../../core/slim-session/group-data.js';
import { createSlimMlsFactory } from '../../core/slim-session/slim-mls.js';
import type { SlimModeratorSession } from '../../core/slim-session/slim-moderator.js';
import type { SlimParticipantSession } from '../../core/slim-session/slim-participant.js';
import { SlimSessionEndpoint, type SlimInvitation } from '../../core/slim-session/slim-session-endpoint.js';
import { fileSessionStore } from '../../core/slim-session/session-store.js';
import { SlimClient } from '../../core/transport/slim-client.js';

export type { SlimSessionMessage } from '../../core/slim-session/group-data.js';
export type { SlimModeratorSession } from '../../core/slim-session/slim-moderator.js';
export type { SlimParticipantSession } from '../../core/slim-session/slim-participant.js';
export type { SlimInvitation } from '../../core/slim-session/slim-session-endpoint.js';

export interface SlimAppOptions {
  /** org/namespace/app (the id comes from the token, as SLIM's). */
  readonly name: string;
  /** The SLIM node: `host:port` or `unix:///path`. */
  readonly node: string;
  /** SLIM's shared secret (at least 32 bytes), the same the other apps use. */
  readonly sharedSecret: string;
  readonly nodeAuth?: { username: string; password: string };
  /**
   * Where to keep this app's SLIM identity and joined sessions (an owner-only JSON file). With it, a
   * restarted app comes back as the same member and rejoins; without it every run is a new member.
   */
  readonly stateFile?: string;
  /**
   * Decides on each invitation (resolve true to join); absent, invitations are accepted at once as SLIM
   * apps do. An answer after `invitation.expiresAt` is too late: the endpoint emits `expired`.
   */
  readonly consent?: (invitation: SlimInvitation) => Promise<boolean>;
}

export interface SlimCreateSessionOptions {
  /** The group channel, org/ns/channel. */
  readonly channelName: string;
  readonly mlsEnabled?: boolean;
  /** Seed 000's max_retries and timeout (ms) for control and data messages. */
  readonly maxRetries?: number;
  readonly timeout?: number;
  readonly metadata?: Readonly<Record<string, string>>;
}

export class SlimApp {
  private constructor(
    private readonly client: SlimClient,
    readonly endpoint: SlimSessionEndpoint,
  ) {}

  static async create(options: SlimAppOptions): Promise<SlimApp> {
    const name = parseSlimName(options.name);
    const client = new SlimClient({ endpoint: options.node, localName: name, ...(options.nodeAuth === undefined ? {} : { auth: options.nodeAuth }) });
    try {
      await client.connect({ timeoutMs: 15_000 });
      const mls = createSlimMlsFactory();
      const endpoint = await SlimSessionEndpoint.open({
        client,
        name,
        secret: options.sharedSecret,
        mls: mls.participant,
        moderatorMls: mls.moderator,
        ...(options.stateFile === undefined ? {} : { store: fileSessionStore(options.stateFile) }),
        ...(options.consent === undefined ? {} : { consent: options.consent }),
      });
      return new SlimApp(client, endpoint);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** `org/ns/app`. */
  get name(): string {
    const { org, namespace, agent } = this.endpoint.name;
    return `${org}/${namespace}/${agent}`;
  }

  /** Waits for an invitation into a SLIM session and joins it (TIMEOUT after `timeoutMs`). */
  listenForSession(options: { timeoutMs?: number } = {}): Promise<SlimParticipantSession> {
    return this.endpoint.listenForSession(options.timeoutMs ?? 24 * 60 * 60 * 1000);
  }

  /** A session we moderate; invite members with session.invite(name). */
  createSession(options: SlimCreateSessionOptions): Promise<SlimModeratorSession> {
    return this.endpoint.createSession({
      channel: parseSlimName(options.channelName),
      mls: options.mlsEnabled === true,
      timer: { timeoutMs: options.timeout ?? 1000, maxRetries: options.maxRetries ?? 10 },
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    });
  }

  async close(): Promise<void> {
    await this.endpoint.close();
    await this.client.close();
  }
}

/** SLIM's create_app with a shared secret. */
export function createSlimApp(options: SlimAppOptions): Promise<SlimApp> {
  return SlimApp.create(options);
}

/** Text of a received message (SLIM payloads are bytes; apps usually send UTF-8). */
export function messageText(message: SlimSessionMessage): string {
  return new TextDecoder().decode(message.payload);
}
