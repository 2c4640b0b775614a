import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentTypeFor, isAppRoute, lookupStaticFile } from '../../../../main/host/browser/static-files.js';
import { injectBridgeScript } from '../../../../main/host/browser/bridge-script.js';
import { tempDir } from '../../../helpers/test-engines.js';

describe('static renderer files', () => {
  let dir: ReturnType<typeof tempDir>;
  let root: string;

  beforeAll(() => {
    dir = tempDir('kizuna-static-');
    root = join(dir.path, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<html></html>');
    writeFileSync(join(root, 'assets', 'a b.js'), '');
    writeFileSync(join(dir.path, 'outside.txt'), 'secret');
    symlinkSync(join(dir.path, 'outside.txt'), join(root, 'assets', 'escape.txt'));
    symlinkSync(dir.path, join(root, 'up'));
  });
  afterAll(() => dir.cleanup());

  it('finds files inside the folder, / being index.html', () => {
    expect(lookupStaticFile(root, '/')).toMatchObject({ kind: 'file', contentType: 'text/html; charset=utf-8' });
    expect(lookupStaticFile(root, '/assets/a%20b.js')).toMatchObject({ kind: 'file', contentType: 'text/javascript; charset=utf-8' });
    expect(lookupStaticFile(root, '/assets/none.js')).toEqual({ kind: 'missing' });
    expect(lookupStaticFile(root, '/assets')).toEqual({ kind: 'missing' });
  });

  it('refuses traversal, encoded separators, NUL and symlinks that lead outside', () => {
    for (const path of ['/../outside.txt', '/assets/../../outside.txt', '/%2e%2e/outside.txt', '/..%2foutside.txt', '/..%5Coutside.txt', '/a%00b', 'relative', '/%E0%A4%A', '/C:/x']) {
      expect(lookupStaticFile(root, path), path).toEqual({ kind: 'refused' });
    }
    expect(lookupStaticFile(root, '/assets/escape.txt')).toEqual({ kind: 'refused' });
    expect(lookupStaticFile(root, '/up/outside.txt')).toEqual({ kind: 'refused' });
  });

  it('knows the usual content types and app routes', () => {
    expect(contentTypeFor('x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('x.woff2')).toBe('font/woff2');
    expect(contentTypeFor('x.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
    expect(isAppRoute('/chats/abc')).toBe(true);
    expect(isAppRoute('/assets/x.js')).toBe(false);
  });

  it('puts the bridge script before the first script, or at the end of head', () => {
    expect(injectBridgeScript('<head><meta charset="utf-8"><script type="module" src="./a.js"></script></head>')).toBe(
      '<head><meta charset="utf-8"><script src="/kizuna-bridge.js"></script><script type="module" src="./a.js"></script></head>',
    );
    expect(injectBridgeScript('<head><title>x</title></head><body></body>')).toBe('<head><title>x</title><script src="/kizuna-bridge.js"></script></head><body></body>');
  });
});
