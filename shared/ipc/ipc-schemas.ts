import { z } from 'zod';

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
