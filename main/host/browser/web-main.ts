/**
 * `npm run web` / `kizuna web`: opens a profile headless (its local key protected by a key file),
 * serves the UI on 127.0.0.1 with the browser host, and prints the address (it holds the token).
 *
 *   --data-dir <dir>   profile folder (KIZUNA_DATA_DIR; default <user data>/Kizuna/kizuna-web)
 *   --key-file <file>  key file (KIZUNA_KEY_FILE; default <data-dir>/local.key as for the CLI, created on first
 *                      run, mode 0600; an old <data-dir>.key beside the folder is moved in)
 *   --port <n>         port (KIZUNA_WEB_PORT; default: the port this profile's last run used, kept with its
 *                      token in <data-dir>/web-host.json so open tabs reconnect; any free port the first time)
 *   --node <endpoint>  use this SLIM node (KIZUNA_NODE; default: the profile's settings, the embedded node)
 *   --offline          do not connect to SLIM at all (read and search the history)
 *   --renderer <dir>   built renderer (default dist/renderer, built first if missing)
 *   --no-build         never build the renderer
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KizunaError, toKizunaError } from '../../../shared/errors/kizuna-error.js';
import { createKizunaCore } from '../create-core.js';
import type { KizunaCore } from '../kizuna-core.js';
import { openProfileKey } from '../profile-key.js';
import { startBrowserHost, type BrowserHost } from './browser-host.js';
import { readWebAddress, saveWebAddress } from './web-address.js';

export interface RunWebOptions {
  dataDir?: string;
  keyFile?: string;
  port?: number;
  /** A SLIM node to use whatever the profile's settings say. */
  nodeEndpoint?: string;
  /** Do not connect to SLIM at all. */
  offline?: boolean;
  rendererDir?: string;
  /** Build the renderer when its index.html is missing (default true). */
  buildRenderer?: boolean;
  /** Where progress lines go (default stderr); the URL is returned, not printed. */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunningWeb {
  readonly url: string;
  readonly dataDir: string;
  readonly host: BrowserHost;
  readonly core: KizunaCore;
  /** Stops the host, then the core (and its SLIM node). */
  close(): Promise<void>;
}

/** The folder Electron would use as userData for Kizuna, so `kizuna web` keeps its profile beside the app's. */
export function defaultUserDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Kizuna');
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Kizuna');
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'Kizuna');
}

/** The repository root (where package.json and vite.config.ts are), for sources and compiled output alike. */
export function projectRootDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'main'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new KizunaError('INVALID_CONFIG', 'Cannot find the Kizuna project folder.');
    dir = parent;
  }
}

/** Runs `vite build` (the renderer's own config) when the built renderer is missing. */
async function ensureRendererBuilt(rendererDir: string, build: boolean, log: (line: string) => void): Promise<void> {
  if (existsSync(join(rendererDir, 'index.html'))) return;
  if (!build) throw new KizunaError('INVALID_CONFIG', `The renderer is not built (${rendererDir}); run "npm run build:renderer".`);
  const root = projectRootDir();
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  log('building the renderer (vite build)…');
  const code = await new Promise<number | null>((done) => {
    const child = spawn(process.execPath, [vite, 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', done);
    child.once('error', () => done(1));
  });
  if (code !== 0 || !existsSync(join(rendererDir, 'index.html'))) {
    throw new KizunaError('INVALID_CONFIG', `Building the renderer failed; ${rendererDir}/index.html is missing.`);
  }
}

export async function runWeb(options: RunWebOptions = {}): Promise<RunningWeb> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = resolve(options.dataDir ?? env['KIZUNA_DATA_DIR'] ?? join(defaultUserDataDir(env), 'kizuna-web'));
  const portText = env['KIZUNA_WEB_PORT'];
  const givenPort = options.port ?? (portText === undefined || portText === '' ? undefined : Number(portText));
  if (givenPort !== undefined && (!Number.isInteger(givenPort) || givenPort < 0 || givenPort > 65535)) {
    throw new KizunaError('INVALID_CONFIG', 'The port must be a number from 0 to 65535.');
  }
  const rendererDir = resolve(options.rendererDir ?? join(projectRootDir(), 'dist', 'renderer'));

  await ensureRendererBuilt(rendererDir, options.buildRenderer ?? true, log);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // The CLI's rule (profile-key.ts): KIZUNA_PASSPHRASE, else <dataDir>/local.key (new only for a new profile).
  const key = await openProfileKey({ dataDir, ...(options.keyFile === undefined ? {} : { keyFile: options.keyFile }), env });
  if (key.migratedFrom !== undefined) log(`moved the key file ${key.migratedFrom} into the profile: ${key.keyFile ?? ''}`);
  const nodeEndpoint = options.nodeEndpoint ?? env['KIZUNA_NODE'];
  const core = await createKizunaCore({
    dataDir,
    keyWrapper: key.wrapper,
    ...(nodeEndpoint === undefined || nodeEndpoint === '' ? {} : { nodeEndpoint }),
    ...(options.offline === true ? { offline: true } : {}),
  }).catch(async (err: unknown) => {
    await key.discardIfUnused();
    throw err;
  });
  // The same address as last time (port and token), so a tab left open reconnects; a port given now wins.
  const saved = await readWebAddress(dataDir);
  const port = givenPort ?? saved?.port ?? 0;
  let host: BrowserHost;
  try {
    host = await startBrowserHost({ core, host: '127.0.0.1', port, rendererDir, ...(saved === null ? {} : { token: saved.token }) });
    await saveWebAddress(dataDir, { port: host.port, token: host.token });
  } catch (err) {
    await core.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new KizunaError(
        'INVALID_CONFIG',
        `Port ${port} on 127.0.0.1 is taken by another program${givenPort === undefined ? " (this profile's pages were served there last time)" : ''}; stop it, or start with --port 0 for any free port (open tabs then need the new address).`,
        { port },
      );
    }
    throw err;
  }
  log(`profile: ${dataDir}`);
  let closing: Promise<void> | undefined;
  return {
    url: host.url,
    dataDir,
    host,
    core,
    close() {
      closing ??= host.close().finally(() => core.close());
      return closing;
    },
  };
}

function parseArgs(argv: readonly string[]): RunWebOptions {
  const options: RunWebOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new KizunaError('INVALID_CONFIG', `${arg} needs a value.`);
      return v;
    };
    if (arg === '--data-dir') options.dataDir = value();
    else if (arg === '--key-file') options.keyFile = value();
    else if (arg === '--port') options.port = Number(value());
    else if (arg === '--node') options.nodeEndpoint = value();
    else if (arg === '--renderer') options.rendererDir = value();
    else if (arg === '--no-build') options.buildRenderer = false;
    else if (arg === '--offline') options.offline = true;
    else throw new KizunaError('INVALID_CONFIG', `Unknown option ${arg}.`);
  }
  return options;
}

/** The command line: prints the URL on stdout and runs until SIGINT/SIGTERM. */
export async function webMain(argv: readonly string[]): Promise<void> {
  let running: RunningWeb;
  try {
    running = await runWeb(parseArgs(argv));
  } catch (err) {
    process.stderr.write(`kizuna web: ${toKizunaError(err).message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`Kizuna is running at ${running.url}\n(open it in a browser; the address holds the access token — press Ctrl+C to stop)\n`);
  const stop = (): void => {
    void running.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(resolve(invokedPath)).href) {
  void webMain(process.argv.slice(2));
}
