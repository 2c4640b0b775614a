import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Settings } from '../../shared/ipc/ipc-contract.js';
import { settingsPatchSchema, settingsSchema } from '../../shared/ipc/settings-schemas.js';

/** The user's settings, in the profile folder as settings.json (validated on every read). */
const DEFAULT_SETTINGS: Settings = {
  node: { mode: 'embedded', remoteEndpoint: '' },
  theme: 'system',
  language: 'system',
  notifications: true,
};

export class SettingsStore {
  private current: Settings;
  private readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'settings.json');
    this.current = this.load();
  }

  private load(): Settings {
    try {
      return settingsSchema.parse({ ...DEFAULT_SETTINGS, ...JSON.parse(readFileSync(this.path, 'utf8')) });
    } catch {
      // Missing or damaged: start from the defaults (the file is rewritten on the next change).
      return structuredClone(DEFAULT_SETTINGS);
    }
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  update(patch: z.output<typeof settingsPatchSchema>): Settings {
    const next: Settings = { ...this.current, ...patch, node: patch.node ?? this.current.node };
    settingsSchema.parse(next);
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.path);
    this.current = next;
    return this.get();
  }
}
