import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * Finds a .proto file under shared/proto whether we run from the sources (tsx, tests) or from the
 * compiled tree (dist/, where the build copies shared/proto next to the JavaScript).
 */
export function protoPath(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'shared', 'proto', relative);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`proto file not found: shared/proto/${relative}`);
}

let kizunaRoot: protobuf.Root | undefined;

/** The kizuna.v1 schema, parsed once on first use. */
export function kizunaProto(): protobuf.Root {
  kizunaRoot ??= protobuf.loadSync(protoPath('kizuna/v1/kizuna.proto'));
  return kizunaRoot;
}
