import { z } from 'zod';

/**
 * Messages between the thread that owns the UI (Electron's main process) and the worker thread that
 * runs the core. Both sides parse what they receive with these schemas.
 *
 *   host → worker   init (once) · request · keyring-reply · close
 *   worker → host   ready | init-failed · result · event · keyring-call · closed
 *
 * The keyring calls go back to the host because Electron's safeStorage lives on the main thread.
 */
const bytesSchema = z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes');

const serializedErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const workerKeySchema = z.discriminatedUnion('kind', [
  /** The data key is wrapped by the host's keyring (safeStorage), reached through keyring-call messages. */
  z.object({ kind: z.literal('os-keyring') }).strict(),
  z.object({ kind: z.literal('passphrase'), passphrase: z.string().min(1).max(1024) }).strict(),
  z.object({ kind: z.literal('key-file'), path: z.string().min(1), create: z.boolean() }).strict(),
]);
export type WorkerKey = z.infer<typeof workerKeySchema>;

export const hostToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), dataDir: z.string().min(1), key: workerKeySchema }).strict(),
  z.object({ type: z.literal('request'), id: z.number().int().nonnegative(), name: z.unknown(), input: z.unknown() }).strict(),
  z
    .object({
      type: z.literal('keyring-reply'),
      id: z.number().int().nonnegative(),
      bytes: bytesSchema.optional(),
      error: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('close') }).strict(),
]);
export type HostToWorker = z.infer<typeof hostToWorkerSchema>;

const ipcResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: serializedErrorSchema }),
]);

export const workerToHostSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('init-failed'), error: serializedErrorSchema }).strict(),
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), result: ipcResultSchema }).strict(),
  z.object({ type: z.literal('event'), event: z.string(), payload: z.unknown() }).strict(),
  z
    .object({ type: z.literal('keyring-call'), id: z.number().int().nonnegative(), op: z.enum(['protect', 'unprotect']), bytes: bytesSchema })
    .strict(),
  z.object({ type: z.literal('closed') }).strict(),
]);
export type WorkerToHost = z.infer<typeof workerToHostSchema>;
