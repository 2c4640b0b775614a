import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';
import type { AtRestCipher } from '../crypto/at-rest-cipher.js';
import { createBlake2b256 } from '../crypto/hash.js';
import { bytesEqual } from '../encoding/base64url.js';

/**
 * File contents on disk, one encrypted file per chunk under files/<hash>/<index>. Chunks are
 * sealed with the local key and bound to (hash, index), so they cannot be swapped between files.
 */
export class FileVault {
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly cipher: AtRestCipher,
  ) {
    this.root = join(dataDir, 'files');
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  private dir(hash: Uint8Array): string {
    return join(this.root, Buffer.from(hash).toString('hex'));
  }

  private label(hash: Uint8Array, index: number): string {
    return `file:${Buffer.from(hash).toString('hex')}:${index}`;
  }

  writeChunk(hash: Uint8Array, index: number, data: Uint8Array): void {
    const dir = this.dir(hash);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, String(index));
    const tmp = `${path}.tmp`;
    writeFileSync(tmp, this.cipher.seal(this.label(hash, index), data), { mode: 0o600 });
    renameSync(tmp, path);
  }

  hasChunk(hash: Uint8Array, index: number): boolean {
    return existsSync(join(this.dir(hash), String(index)));
  }

  readChunk(hash: Uint8Array, index: number): Uint8Array {
    let sealed: Uint8Array;
    try {
      sealed = readFileSync(join(this.dir(hash), String(index)));
    } catch {
      throw new KizunaError('FILE_NOT_AVAILABLE');
    }
    return this.cipher.open(this.label(hash, index), sealed);
  }

  /** Reads the whole file and checks it against its hash. */
  read(hash: Uint8Array, chunkCount: number, size: number): Uint8Array {
    const out = new Uint8Array(size);
    const h = createBlake2b256();
    let offset = 0;
    for (let i = 0; i < chunkCount; i++) {
      const chunk = this.readChunk(hash, i);
      if (offset + chunk.byteLength > size) throw new KizunaError('FILE_HASH_MISMATCH');
      out.set(chunk, offset);
      h.update(chunk);
      offset += chunk.byteLength;
    }
    if (offset !== size || !bytesEqual(h.digest(), hash)) throw new KizunaError('FILE_HASH_MISMATCH');
    return out;
  }

  /** Checks a completely received file; false (and the chunks gone) when it does not match its hash. */
  verify(hash: Uint8Array, chunkCount: number, size: number): boolean {
    try {
      this.read(hash, chunkCount, size);
      return true;
    } catch {
      this.remove(hash);
      return false;
    }
  }

  remove(hash: Uint8Array): void {
    rmSync(this.dir(hash), { recursive: true, force: true });
  }
}
