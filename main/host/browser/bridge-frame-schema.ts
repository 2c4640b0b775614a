import { z } from 'zod';
import type { ClientFrame } from './bridge-protocol.js';

/** What the browser host accepts from a page (see bridge-protocol.ts). */
export const clientFrameSchema: z.ZodType<ClientFrame> = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    name: z.string().max(64),
    input: z.unknown().optional(),
  })
  .strict();
