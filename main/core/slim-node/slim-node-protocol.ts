/**
 * Messages between the launcher (parent) and the SLIM node process (child) over the IPC channel.
 * Credentials travel here rather than in argv or the environment, where other local users or crash
 * reports could read them.
 */
import { z } from 'zod';

export const nodeStartRequestSchema = z.object({
  type: z.literal('start'),
  endpoint: z.string().min(1),
  auth: z.object({ username: z.string().min(1), password: z.string().min(1) }).optional(),
  /**
   * Dial this controller (SLIM's southbound OpenControlChannel) and register as `nodeId`: the controller
   * then opens links to other nodes and sets routes on this one. `endpoint` is host:port of the controller.
   */
  controller: z
    .object({
      endpoint: z.string().min(1),
      nodeId: z.string().min(1),
      /** Sent as `authorization: Bearer <token>` on the control stream (controller-auth.ts). */
      token: z.string().min(1).optional(),
      /** CA (PEM file) that signed a TLS controller's certificate: the node then dials https:// and verifies it. */
      caFile: z.string().min(1).optional(),
    })
    .optional(),
});
export type NodeStartRequest = z.infer<typeof nodeStartRequestSchema>;

export const nodeStatusMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), endpoint: z.string(), pid: z.number(), version: z.string() }),
  z.object({
    type: z.literal('error'),
    code: z.enum(['NODE_ADDRESS_IN_USE', 'NODE_START_FAILED']),
    message: z.string(),
    detail: z.string(),
  }),
]);
export type NodeStatusMessage = z.infer<typeof nodeStatusMessageSchema>;

/** The line the node prints on stdout once it listens (for runs without an IPC channel, e.g. by hand). */
export const NODE_READY_LINE_PREFIX = 'KIZUNA_SLIM_NODE_READY ';
