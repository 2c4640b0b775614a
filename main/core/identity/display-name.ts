import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import { hasControlCharacter } from '../../../shared/domain/control-characters.js';
import { characterCount } from '../../../shared/domain/text-length.js';

const DISPLAY_NAME_MAX_CHARS = 64;

/** Trims and checks a display name (1..64 characters, no control characters). */
export function validateDisplayName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length === 0 || characterCount(name) > DISPLAY_NAME_MAX_CHARS || hasControlCharacter(name)) {
    throw new KizunaError('DISPLAY_NAME_INVALID');
  }
  return name;
}
