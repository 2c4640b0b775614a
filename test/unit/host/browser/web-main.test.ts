import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultUserDataDir, runWeb } from '../../../../main/host/browser/web-main.js';
import { expectCode } from '../../../helpers/expect-code.js';
import { tempDir } from '../../../helpers/test-engines.js';

describe('kizuna web (runWeb)', () => {
  let dir: ReturnType<typeof tempDir>;
  let rendererDir: string;

  beforeAll(() => {
    dir = tempDir('kizuna-web-');
    rendererDir = join(dir.path, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><html><head><script type="module" src="./app.js"></script></head></html>');
  });
  afterAll(() => dir.cleanup());

  it('opens a profile protected by a new owner-only key file, serves it, and reopens it with that key', async () => {
    const dataDir = join(dir.path, 'profile');
    const lines: string[] = [];
    const first = await runWeb({ dataDir, rendererDir, buildRenderer: false, offline: true, env: {}, log: (l) => lines.push(l) });
    try {
      expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
      expect(statSync(join(dataDir, 'local.key')).mode & 0o777).toBe(0o600);
      const page = await fetch(first.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/kizuna-bridge.js');
      first.core.engine.createIdentity({ displayName: 'Webby' });
      expect(lines).toContain(`profile: ${dataDir}`);
    } finally {
      await first.close();
    }
    const again = await runWeb({ dataDir, rendererDir, buildRenderer: false, offline: true, env: {}, log: () => undefined });
    try {
      expect(again.core.engine.getIdentity()?.displayName).toBe('Webby');
      // The same port and token as last time, kept owner-only in the profile, so an open tab reconnects.
      expect(again.url).toBe(first.url);
      expect(statSync(join(dataDir, 'web-host.json')).mode & 0o777).toBe(0o600);
    } finally {
      await again.close();
    }
    // Someone else took the port meanwhile: a clear error naming it, not a silently new address.
    const port = Number(new URL(first.url).port);
    const squatter = createServer();
    await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done));
    try {
      const taken = await runWeb({ dataDir, rendererDir, buildRenderer: false, offline: true, env: {}, log: () => undefined }).then(
        () => null,
        (err: unknown) => err as { code?: string; message?: string },
      );
      expect(taken?.code).toBe('INVALID_CONFIG');
      expect(taken?.message).toContain(`Port ${port} on 127.0.0.1 is taken`);
      // --port 0 asks for a new one; the token stays.
      const moved = await runWeb({ dataDir, rendererDir, port: 0, buildRenderer: false, offline: true, env: {}, log: () => undefined });
      expect(new URL(moved.url).searchParams.get('token')).toBe(new URL(first.url).searchParams.get('token'));
      expect(moved.url).not.toBe(first.url);
      await moved.close();
    } finally {
      await new Promise<void>((done) => squatter.close(() => done()));
    }
  });

  it('refuses an existing profile without its key file, a missing renderer, and a bad port', async () => {
    const dataDir = join(dir.path, 'profile');
    await expectCode(runWeb({ dataDir, keyFile: join(dir.path, 'nope.key'), rendererDir, buildRenderer: false, offline: true, env: {}, log: () => undefined }), 'KEY_PROVIDER_FAILED');
    await expectCode(runWeb({ dataDir, rendererDir: join(dir.path, 'none'), buildRenderer: false, offline: true, env: {}, log: () => undefined }), 'INVALID_CONFIG');
    await expectCode(runWeb({ dataDir, rendererDir, port: 70000, buildRenderer: false, offline: true, env: {}, log: () => undefined }), 'INVALID_CONFIG');
  });

  it('keeps its default profile beside the desktop app\'s', () => {
    expect(defaultUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Kizuna');
    expect(defaultUserDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32')).toMatch(/Kizuna$/);
    expect(defaultUserDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Kizuna$/);
  });
});
