import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { characterCount } from '../../../shared/domain/text-length.js';

export const DISPLAY_NAME_MAX_CHARS = 64;

/** Trims and checks a display name (1..64 characters, no control characters). */
export function validateDisplayName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || characterCount(name) > DISPLAY_NAME_MAX_CHARS || /[\u0000-\u001f\u007f]/u.test(name)) {
    throw new KizunaError('DISPLAY_NAME_INVALID');
  }
  return name;
}
