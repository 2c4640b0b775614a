/**
 * Finds shared/proto/slim-data-plane.proto at run time.
 *
 * From sources the file sits three folders above this module; once compiled, this module lives under
 * dist/ (and possibly inside an asar), where the build may or may not have copied shared/proto. Walking up
 * from this module until `shared/proto/<file>` appears covers all of these without a build-time constant.
 * KIZUNA_PROTO_DIR overrides the search (packaging, unusual layouts).
 */
import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KizunaError } from '../../../shared/errors/kizuna-error.js';

export const SLIM_DATA_PLANE_PROTO_FILE = 'slim-data-plane.proto';

export function resolveProtoFile(fileName: string = SLIM_DATA_PLANE_PROTO_FILE): string {
  const override = process.env['KIZUNA_PROTO_DIR'];
  if (override !== undefined && override !== '') {
    const candidate = join(override, fileName);
    if (existsSync(candidate)) return candidate;
  }
  const tried: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  const root = parse(dir).root;
  for (;;) {
    const candidate = join(dir, 'shared', 'proto', fileName);
    tried.push(candidate);
    if (existsSync(candidate)) return candidate;
    if (dir === root) break;
    dir = dirname(dir);
  }
  throw new KizunaError('INTERNAL', `The protocol description ${fileName} was not found.`, { tried });
}
