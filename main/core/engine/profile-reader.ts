import { join } from 'node:path';
import type { GroupView, PersonView } from '../../../shared/domain/views.js';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { AtRestCipher } from '../crypto/at-rest-cipher.js';
import type { KeyWrapper } from '../crypto/local-key/key-wrapper.js';
import { hasLocalKey, loadOrCreateLocalKey } from '../crypto/local-key/local-key-file.js';
import { xchachaOpen, xchachaSeal } from '../crypto/xchacha-node.js';
import { toBase64Url, utf8 } from '../encoding/base64url.js';
import { groupViewOf } from '../groups/group-view-of.js';
import { personView } from '../identity/person-view.js';
import { lockProfile } from '../kernel/profile-lock.js';
import { deriveDatabaseKey } from '../store/database-cipher.js';
import { secureProfileDir } from '../store/profile-permissions.js';
import { openStore } from '../store/store.js';

/** Who this profile is, as `identity show` prints it (no keys: those stay sealed). */
export interface ProfileIdentity {
  readonly userId: string;
  readonly displayName: string;
  readonly slimName: string;
}

/**
 * One profile opened to read what the engine would list (groups, contacts, identity; invitations need their signed proposal checked, so the full engine),
 * without the engine: no MLS, transport, SLIM bindings or libsodium, so `kizuna group list` and the
 * like start in a fraction of the time (issue 13's fast start). The same views as the Engine's
 * (group-views.ts, person-view.ts), the same profile lock, key check and migrations (openStore).
 */
export interface ProfileReader {
  readonly identity: ProfileIdentity;
  listGroups(): GroupView[];
  listContacts(): PersonView[];
  listBlocked(): PersonView[];
  close(): void;
}

/** The at-rest cipher on Node's crypto (same format as crypto/at-rest-cipher.ts, which uses libsodium). */
function nodeAtRestCipher(key: Uint8Array): AtRestCipher {
  return {
    seal: (label, plaintext) => xchachaSeal(key, plaintext, utf8(label)),
    open: (label, sealed) => {
      const plain = xchachaOpen(key, sealed, utf8(label));
      if (plain === undefined) throw new KizunaError('STORE_WRONG_KEY', undefined, { label });
      return plain;
    },
  };
}

/** Opens an existing profile (its database and local key must be there; nothing is created). */
export async function openProfileReader(options: { dataDir: string; keyWrapper: KeyWrapper }): Promise<ProfileReader> {
  const { dataDir, keyWrapper } = options;
  if (!(await hasLocalKey(dataDir))) {
    throw new KizunaError('KEY_PROVIDER_FAILED', `The profile in ${dataDir} has no local-key.json: it cannot be opened.`);
  }
  secureProfileDir(dataDir);
  const lock = lockProfile(dataDir);
  try {
    const { key } = await loadOrCreateLocalKey(dataDir, keyWrapper);
    const store = openStore(join(dataDir, 'kizuna.db'), nodeAtRestCipher(key), deriveDatabaseKey(key));
    const self = store.read.identity.get();
    if (self === undefined) {
      store.close();
      throw new KizunaError('IDENTITY_MISSING', 'This profile has no identity yet: pass identity.displayName.');
    }
    const read = store.read;
    return {
      identity: { userId: toBase64Url(self.signPublic), displayName: self.displayName, slimName: self.slimName },
      listGroups: () => read.groups.list().map((g) => groupViewOf(read, self.signPublic, g)),
      listContacts: () => read.people.listByState('added').map(personView),
      listBlocked: () => read.people.listByState('blocked').map(personView),
      close: () => {
        store.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}
