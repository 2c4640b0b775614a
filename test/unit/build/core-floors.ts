/**
 * main/core's floors, bottom first, as drawn in docs/ARCHITECTURE.md: import-boundaries.test.ts checks
 * the imports against this list, architecture-map.test.ts the drawing. A folder may import its own files
 * and anything on a lower floor, never a folder on its own floor or above. A nested folder is part of
 * its parent unless listed here itself (identity/tokens sits far below identity's services).
 */
export const CORE_FLOORS: readonly (readonly string[])[] = [
  ['log', 'encoding', 'wire', 'threads', 'scheduling'],
  ['events', 'crypto', 'identity/tokens', 'slim-node'],
  ['store', 'envelopes', 'transport'],
  ['kernel', 'slim-session'],
  ['identity', 'encryption'],
  ['groups'],
  ['messages'],
  ['ingest'],
  ['engine'],
  ['session', 'controller'],
];
