import { fileURLToPath } from 'node:url';

/** The repository root (this file is in <root>/scripts). */
export function projectRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}
