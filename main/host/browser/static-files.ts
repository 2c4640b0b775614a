import { realpathSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Serving the built renderer from a folder, for the browser host (HTTP) and the desktop shell (app://).
 * A URL path maps to a file inside the folder or to nothing: no `..`, no encoded separators, no NUL,
 * no symlink that leads outside, no directories.
 */
export type StaticLookup =
  | { kind: 'file'; path: string; contentType: string }
  /** The path is malformed or tries to leave the folder. */
  | { kind: 'refused' }
  | { kind: 'missing' };

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Splits a URL path (without query) into safe segments, or undefined when it is not acceptable. */
export function safeSegments(urlPath: string): string[] | undefined {
  if (!urlPath.startsWith('/')) return undefined;
  const segments: string[] = [];
  for (const raw of urlPath.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (segment === '') continue;
    if (segment === '.' || segment === '..') return undefined;
    if (segment.includes('/') || segment.includes('\\') || segment.includes('\0') || segment.includes(':')) return undefined;
    segments.push(segment);
  }
  return segments;
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/** Finds the file a URL path names inside `rootDir` (`/` is `index.html`). */
export function lookupStaticFile(rootDir: string, urlPath: string): StaticLookup {
  const segments = safeSegments(urlPath);
  if (segments === undefined) return { kind: 'refused' };
  const root = resolve(rootDir);
  const candidate = resolve(root, ...(segments.length === 0 ? ['index.html'] : segments));
  if (!inside(root, candidate)) return { kind: 'refused' };
  let real: string;
  let realRoot: string;
  try {
    real = realpathSync(candidate);
    realRoot = realpathSync(root);
  } catch {
    return { kind: 'missing' };
  }
  if (!inside(realRoot, real)) return { kind: 'refused' };
  try {
    if (!statSync(real).isFile()) return { kind: 'missing' };
  } catch {
    return { kind: 'missing' };
  }
  return { kind: 'file', path: real, contentType: contentTypeFor(real) };
}

/** Whether a URL path looks like an app route (no file extension) rather than an asset. */
export function isAppRoute(urlPath: string): boolean {
  const last = urlPath.split('/').pop() ?? '';
  return !last.includes('.');
}
