import { z } from 'zod';
import { EVENT_NAMES, type EventPayloads } from '../../../shared/ipc/ipc-contract.js';
import { MAX_EVENTS_PER_MESSAGE } from '../event-batcher.js';

/**
 * Messages between the thread that owns the UI (Electron's main process) and the worker thread that
 * runs the core. Both sides parse what they receive with these schemas.
 *
 *   host → worker   init (once) · request · keyring-reply · node-launched · node-exited · close
 *   worker → host   ready | init-failed · result · events · keyring-call · node-launch · node-stop · node-kill · closed
 *
 * `events` carries the events of one loop turn in order (event-batcher.ts), at most
 * MAX_EVENTS_PER_MESSAGE; the worker sends them before any result, so a request's events come first.
 *
 * The keyring calls go back to the host because Electron's safeStorage lives on the main thread; so
 * do embedded SLIM node launches when the host asks for it (Electron starts the node as a utility
 * process, which only the main process can do: with the RunAsNode fuse off, fork() cannot).
 */
const bytesSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes');

const serializedErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const workerKeySchema = z.discriminatedUnion('kind', [
  /** The data key is wrapped by the host's keyring (safeStorage), reached through keyring-call messages. */
  z.object({ kind: z.literal('os-keyring') }).strict(),
  z.object({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024) }).strict(),
  z.object({ kind: z.literal('key-file'), path: z.string().min(1), create: z.boolean() }).strict(),
]);
export type WorkerKey = z.infer<typeof workerKeySchema>;

/** How the core in the worker reaches SLIM (a subset of createKizunaCore's options that can cross threads). */
const workerCoreSchema = z
  .object({
    /** Use this node whatever the settings say. */
    nodeEndpoint: z.string().min(1).max(512).optional(),
    /** Do not connect at all. */
    offline: z.boolean().optional(),
    /** Where the embedded node's socket and lock live. */
    embeddedRuntimeDir: z.string().min(1).optional(),
    /** Embedded node processes are started by the host (node-launch messages) rather than forked by the worker. */
    hostLaunchesNode: z.boolean().optional(),
  })
  .strict();
export type WorkerCore = z.infer<typeof workerCoreSchema>;

const nodeLaunchOptionsSchema = z
  .object({
    endpoint: z.string().min(1),
    auth: z.object({ username: z.string(), password: z.string() }).strict().optional(),
    startTimeoutMs: z.number().int().positive().optional(),
    stopGraceMs: z.number().int().nonnegative().optional(),
    rustLog: z.string().optional(),
  })
  .strict();

const nodeExitSchema = z.object({ code: z.number().int().nullable(), signal: z.string().nullable() }).strict();

export const hostToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), dataDir: z.string().min(1), key: workerKeySchema, core: workerCoreSchema.optional() }).strict(),
  z.object({ type: z.literal('request'), id: z.number().int().nonnegative(), name: z.unknown(), input: z.unknown() }).strict(),
  z
    .object({
      type: z.literal('keyring-reply'),
      id: z.number().int().nonnegative(),
      bytes: bytesSchema.optional(),
      error: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('node-launched'),
      id: z.number().int().nonnegative(),
      node: z.object({ pid: z.number().int(), version: z.string() }).strict().optional(),
      error: serializedErrorSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal('node-exited'), id: z.number().int().nonnegative(), exit: nodeExitSchema, output: z.array(z.string()) }).strict(),
  z.object({ type: z.literal('close') }).strict(),
]);
export type HostToWorker = z.infer<typeof hostToWorkerSchema>;

/** What the core pushes through the worker: every event of the contract except the shell's own deep links. */
export type WorkerEventPayloads = Omit<EventPayloads, 'deep-link'>;
export type WorkerEventName = keyof WorkerEventPayloads;
/** One pushed event, as the listener's arguments: the name, and that name's payload type. */
export type WorkerEventArgs = { [E in WorkerEventName]: [event: E, payload: WorkerEventPayloads[E]] }[WorkerEventName];
/** One pushed event: a union over the names, each with its own payload type. */
export type WorkerEvent = { [E in WorkerEventName]: { event: E; payload: WorkerEventPayloads[E] } }[WorkerEventName];


export const WORKER_EVENT_NAMES = EVENT_NAMES.filter((e): e is WorkerEventName => e !== 'deep-link');

/**
 * An event as checked on arrival: a known name and an object payload. The payloads' shapes are the
 * contract's views, built and validated by the core itself on the other side of this thread boundary
 * (the worker runs our own code in our own process), so their type is the payload map's.
 */
const workerEventSchema = z
  .object({
    event: z.enum(WORKER_EVENT_NAMES as [WorkerEventName, ...WorkerEventName[]]),
    payload: z.custom<WorkerEventPayloads[WorkerEventName]>((v) => typeof v === 'object' && v !== null, 'expected an event payload'),
  })
  .strict();
const workerEventsSchema = z.object({ type: z.literal('events'), events: z.array(workerEventSchema).min(1).max(MAX_EVENTS_PER_MESSAGE) }).strict();

const ipcResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: serializedErrorSchema }),
]);

const workerToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('init-failed'), error: serializedErrorSchema }).strict(),
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), result: ipcResultSchema }).strict(),
  workerEventsSchema,
  z
    .object({ type: z.literal('keyring-call'), id: z.number().int().nonnegative(), op: z.enum(['protect', 'unprotect']), bytes: bytesSchema })
    .strict(),
  z.object({ type: z.literal('node-launch'), id: z.number().int().nonnegative(), options: nodeLaunchOptionsSchema }).strict(),
  z.object({ type: z.literal('node-stop'), id: z.number().int().nonnegative() }).strict(),
  z.object({ type: z.literal('node-kill'), id: z.number().int().nonnegative(), signal: z.string().max(16) }).strict(),
  z.object({ type: z.literal('closed') }).strict(),
]);
/** What the worker sends: its parsed form, with each event's payload tied to its name. */
export type WorkerToHost = Exclude<z.infer<typeof workerToHostSchema>, { type: 'events' }> | { type: 'events'; events: WorkerEvent[] };

/** Parses a message from the worker; undefined when it is not one. */
export function parseWorkerToHost(raw: unknown): WorkerToHost | undefined {
  const parsed = workerToHostSchema.safeParse(raw);
  // The schema checked each event's name and that its payload is an object; that name and payload
  // belong together is what the worker's own typed post() guarantees, which zod cannot express.
  return parsed.success ? (parsed.data as WorkerToHost) : undefined;
}

/** An event for an `events` message: the name and its payload, typed together. */
export function workerEvent<E extends WorkerEventName>(event: E, payload: WorkerEventPayloads[E]): WorkerEvent {
  return { event, payload } as WorkerEvent;
}
