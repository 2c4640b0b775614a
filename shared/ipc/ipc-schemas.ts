import { z } from 'zod';
import { settingsPatchSchema } from './settings-schemas.js';
import { retryPolicyPatchSchema } from './retry-policy-schema.js';

/** Building blocks for request schemas: ids are base64url text of 32 bytes (43 characters). */
export const id43 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a 43-character id');
export const userIdSchema = id43;
export const groupIdSchema = id43;
export const messageIdSchema = id43;
export const encryptionModeSchema = z.enum(['mls', 'sealed', 'none']);
export const messageFilterSchema = z.enum(['all', 'text', 'file', 'media']);
export const cursorSchema = z.object({ id: messageIdSchema, sentAt: z.number().int().nonnegative() });
export const pageLimitSchema = z.number().int().min(1).max(500);
/** Bytes travel as base64 text over every bridge (Electron IPC and the browser host alike). */
export const base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');
export const noInput = z.object({}).strict();

/**
 * What each request's input builder in ipc-contract.ts receives: zod itself and the building blocks,
 * named like the fields they usually fill. The contract only refers to this type, so it carries no
 * zod at run time and the sandboxed preload and the page bridge can take its names without bundling
 * a single schema; the side that validates builds the schemas from this kit (request-validation.ts).
 */
export const schemaKit = {
  z,
  noInput,
  userId: userIdSchema,
  groupId: groupIdSchema,
  messageId: messageIdSchema,
  members: z.array(userIdSchema).max(1000),
  card: z.string().max(16 * 1024, 'CONTACT_CARD_TOO_LARGE'),
  cursor: cursorSchema,
  limit: pageLimitSchema,
  filter: messageFilterSchema,
  mode: encryptionModeSchema,
  base64: base64Schema,
  settingsPatch: settingsPatchSchema,
  retryPolicy: retryPolicyPatchSchema,
};
export type SchemaKit = typeof schemaKit;
