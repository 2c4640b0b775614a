import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The profile's SLIM-session identity: its SLIM name and SLIM's shared secret. Kept beside settings.json
 * in its own owner-only file, never in settings (settings go to the UI; the secret never does).
 */
const storedSchema = z.object({ name: z.string().max(512), sharedSecret: z.string().min(32).max(1024) });
export type SlimSessionSecret = z.infer<typeof storedSchema>;

export class SlimSessionSecretStore {
  readonly #path: string;
  constructor(dataDir: string) {
    this.#path = join(dataDir, 'slim-session.json');
  }

  load(): SlimSessionSecret | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = storedSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  save(value: SlimSessionSecret): void {
    const tmp = `${this.#path}.tmp`;
    writeFileSync(tmp, JSON.stringify(storedSchema.parse(value)) + '\n', { mode: 0o600 });
    renameSync(tmp, this.#path);
  }
}
