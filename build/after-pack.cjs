// electron-builder afterPack hook, run after the app is packed and before electron-builder signs it:
//   1. keeps only the target platform's SLIM bindings (and UniFFI runtime) in app.asar.unpacked;
//   2. flips every Electron fuse of the packaged binary.
// CommonJS and free of Electron, so the packaging test can load it.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** Platform packages whose native code is kept only for the target: scope, name prefix. */
const PER_PLATFORM_PACKAGES = [
  ['@agntcy', 'slim-bindings-'],
  ['@ubjs', 'node-'],
];

/** The package-name suffix of the target (the bindings' own naming: linux-x64-gnu, darwin-arm64, win32-x64-msvc). */
function targetSuffixes(platform, arch) {
  const arches = arch === 'universal' ? ['x64', 'arm64'] : [arch];
  if (platform === 'linux') return arches.map((a) => `linux-${a}-gnu`);
  if (platform === 'darwin' || platform === 'mas') return arches.map((a) => `darwin-${a}`);
  if (platform === 'win32') return arches.map((a) => `win32-${a}-msvc`);
  throw new Error(`Unknown platform ${platform}`);
}

/** Which per-platform package folders (names) to delete, given those present. */
function packagesToPrune(names, prefix, platform, arch) {
  const keep = new Set(targetSuffixes(platform, arch).map((suffix) => `${prefix}${suffix}`));
  return names.filter((name) => name.startsWith(prefix) && !keep.has(name));
}

function resourcesDir(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    return path.join(appOutDir, `${packager.appInfo.productFilename}.app`, 'Contents', 'Resources');
  }
  return path.join(appOutDir, 'resources');
}

/** Deletes the other platforms' SLIM bindings from app.asar.unpacked; returns what it removed. */
function pruneOtherPlatforms(context, archName) {
  const removed = [];
  const unpacked = path.join(resourcesDir(context), 'app.asar.unpacked', 'node_modules');
  for (const [scope, prefix] of PER_PLATFORM_PACKAGES) {
    const dir = path.join(unpacked, scope);
    if (!fs.existsSync(dir)) continue;
    for (const name of packagesToPrune(fs.readdirSync(dir), prefix, context.electronPlatformName, archName)) {
      fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      removed.push(`${scope}/${name}`);
    }
  }
  const kept = path.join(unpacked, '@agntcy');
  const slim = fs.existsSync(kept) ? fs.readdirSync(kept).filter((n) => n.startsWith('slim-bindings-')) : [];
  if (slim.length === 0) throw new Error(`No SLIM bindings for ${context.electronPlatformName}-${archName} are left in ${unpacked}.`);
  return removed;
}

/**
 * Every Electron fuse, stated. `strictlyRequireAllFuses` makes packaging fail if the Electron binary
 * has a fuse this list does not decide (a fuse added by a future Electron).
 */
const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.
  RunAsNode: false,
  EnableCookieEncryption: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS could inject code or trust.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and SIGUSR1 would open a debugger into the main process.
  EnableNodeCliInspectArguments: false,
  // app.asar is validated against the hash embedded in the signed app (macOS, Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Only app.asar is loaded, never a loose app/ folder beside it.
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer is served from app://; file:// pages get no extra powers.
  GrantFileProtocolExtraPrivileges: false,
  // V8's WebAssembly trap handlers stay on (libsodium and MLS run as WebAssembly in the core).
  WasmTrapHandlers: true,
});

/** The @electron/fuses config for FUSES, given that module's enums; throws if either side names a fuse the other lacks. */
function fuseConfig(FuseV1Options, FuseVersion, platform) {
  const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
  const missing = known.filter((name) => !(name in FUSES));
  if (missing.length > 0) throw new Error(`Electron fuses not stated in build/after-pack.cjs: ${missing.join(', ')}`);
  const config = {
    version: FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses invalidates an ad-hoc signature (unsigned arm64 macOS builds); electron-builder signs after this hook.
    resetAdHocDarwinSignature: platform === 'darwin' || platform === 'mas',
  };
  for (const [name, value] of Object.entries(FUSES)) {
    const index = FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}`);
    config[index] = value;
  }
  return config;
}

/** The packaged Electron binary, named as electron-builder names it (cf. PlatformPackager.addElectronFuses). */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
  if (electronPlatformName === 'win32') return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
  return path.join(appOutDir, packager.executableName);
}

async function afterPack(context) {
  const { Arch } = require('builder-util');
  const archName = Arch[context.arch];
  const removed = pruneOtherPlatforms(context, archName);
  console.log(`  • kept only the ${context.electronPlatformName}-${archName} SLIM bindings (removed ${removed.length} other platform packages)`);
  // Our own @electron/fuses (electron-builder bundles an older one that does not know every fuse).
  const { FuseV1Options, FuseVersion, flipFuses } = await import('@electron/fuses');
  const flipped = await flipFuses(electronBinaryPath(context), fuseConfig(FuseV1Options, FuseVersion, context.electronPlatformName));
  if (flipped < 1) throw new Error('No Electron fuse wire was found in the packaged binary.');
}

module.exports = { afterPack, fuseConfig, electronBinaryPath, packagesToPrune, targetSuffixes, FUSES };
