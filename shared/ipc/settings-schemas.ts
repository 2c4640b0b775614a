import { z } from 'zod';

/** Each setting's schema, once: the stored file and a change from the UI are built from them. */
const settingFields = {
  node: z.object({ mode: z.enum(['embedded', 'remote']), remoteEndpoint: z.string().max(512) }),
  theme: z.enum(['system', 'light', 'dark']),
  language: z.enum(['system', 'en', 'ja']),
  notifications: z.boolean(),
};

/** settings.json as read back (keys it does not know are dropped, not refused). */
export const settingsSchema = z.object(settingFields);

/** A change from the renderer: any subset, and nothing it does not know. */
export const settingsPatchSchema = z
  .object({
    node: settingFields.node.strict().optional(),
    theme: settingFields.theme.optional(),
    language: settingFields.language.optional(),
    notifications: settingFields.notifications.optional(),
  })
  .strict();
