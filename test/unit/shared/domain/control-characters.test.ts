import { describe, expect, it } from 'vitest';
import { hasControlCharacter } from '../../../../shared/domain/control-characters.js';
import { isValidSlimName } from '../../../../shared/domain/slim-name.js';
import { validateGroupName } from '../../../../main/core/groups/group-validation.js';
import { validateDisplayName } from '../../../../main/core/identity/display-name.js';
import { validateFileName } from '../../../../main/core/messages/message-send.js';
import { expectCode } from '../../../helpers/expect-code.js';

describe('the control-character rule', () => {
  it('covers C0, DEL and C1, and nothing printable', () => {
    for (const c of ['\u0000', '\u0009', '\u000a', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f']) {
      expect(hasControlCharacter(`a${c}b`), JSON.stringify(c)).toBe(true);
    }
    for (const text of ['Alice', 'Ünïcödé ✓', '日本語のグループ', 'emoji 👋🏽', 'tab-free text', '\u00a0', '\u200b']) {
      expect(hasControlCharacter(text), text).toBe(false);
    }
  });

  it('is the one rule behind display names, group names, file names and SLIM names', async () => {
    for (const c of ['\u0007', '\u007f', '\u0085']) {
      await expectCode(() => validateDisplayName(`Al${c}ice`), 'DISPLAY_NAME_INVALID');
      await expectCode(() => validateGroupName(`Team${c}`), 'INVALID_INPUT');
      await expectCode(() => validateFileName(`notes${c}.txt`), 'FILE_NAME_INVALID');
      expect(isValidSlimName(`org/ns/a${c}b`)).toBe(false);
    }
    expect(validateDisplayName('Alice')).toBe('Alice');
    expect(validateGroupName('Team')).toBe('Team');
    expect(validateFileName('notes.txt')).toBe('notes.txt');
    expect(isValidSlimName('org/ns/alice')).toBe(true);
  });
});
