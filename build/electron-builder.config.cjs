// electron-builder configuration for Kizuna (npm run dist). CommonJS, so electron-builder and the
// test that checks it (test/unit/build/packaging-config.test.ts) load it without Electron.
'use strict';

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: 'org.kizuna.desktop',
  productName: 'Kizuna',
  copyright: 'Copyright © Kizuna contributors',
  directories: { output: 'release', buildResources: 'build' },

  // Only built output goes in: compiled main/host/core/shared, bundled preloads, the built renderer.
  // Sources, tests, benchmarks, docs and scripts never do (production node_modules are added by electron-builder).
  files: [
    'package.json',
    'dist/main/**/*.js',
    'dist/shared/**/*.js',
    'dist/shared/proto/**/*.proto',
    'dist/preload/*.cjs',
    'dist/renderer/**/*',
    '!**/*.map',
    '!dist/bridge{,/**}',
    '!{main,shared,preload,renderer,test,bench,docs,scripts}{,/**}',
    '!**/*.{ts,tsx,mts,cts}',
    '!**/{tsconfig*.json,vite.config.*,vitest.config.*}',
    // Native build leftovers (the SQLite amalgamation alone is 9 MB); only build/Release/better_sqlite3.node is loaded.
    '!**/node_modules/better-sqlite3-multiple-ciphers/{deps,src,test,benchmark}{,/**}',
    '!**/node_modules/better-sqlite3-multiple-ciphers/build/{deps,Release/obj,Release/obj.target,Release/.deps,Release/test_extension.node}{,/**}',
    // The renderer is bundled by vite into dist/renderer; React is not loaded from node_modules. Types are not code.
    '!**/node_modules/{react,react-dom,scheduler}{,/**}',
    '!**/node_modules/{@types,undici-types}{,/**}',
  ],
  extraResources: [{ from: 'build/icons/icon.png', to: 'icons/icon.png' }],

  asar: true,
  // Native code is loaded by the OS loader, which cannot read inside an asar archive. The SLIM bindings
  // and their UniFFI runtime are unpacked whole: they locate their native library next to their own JS.
  // Only the target platform's SLIM binary is kept: afterPack deletes the others (~45 MB each, ~276 MB
  // for all six) from app.asar.unpacked (see build/after-pack.cjs).
  //
  // The embedded SLIM node runs as a utility process from app.asar.unpacked (main/electron/slim-node-utility.ts),
  // so that the bindings' JavaScript, and with it their native library, resolve outside the archive: its
  // entry folder, what it imports (zod) and package.json (which makes the .js files ES modules) are unpacked too.
  asarUnpack: [
    '**/node_modules/better-sqlite3-multiple-ciphers/build/Release/*.node',
    '**/node_modules/@agntcy/**',
    '**/node_modules/@ubjs/**',
    '**/*.{node,so,dylib,dll}',
    'package.json',
    'dist/main/core/slim-node/**',
    '**/node_modules/zod/**',
  ],

  // better-sqlite3-multiple-ciphers (the encrypted store) is compiled against Electron's Node ABI when packaging (from source).
  npmRebuild: true,
  buildDependenciesFromSource: true,
  nodeGypRebuild: false,

  // Prunes the other platforms' SLIM binaries and flips every Electron fuse (build/after-pack.cjs);
  // electron-builder's own `electronFuses` stays unset so nothing is flipped twice.
  afterPack: './build/after-pack.cjs',

  protocols: [{ name: 'Kizuna link', schemes: ['kizuna'] }],

  linux: {
    target: ['AppImage', 'deb'],
    executableName: 'kizuna',
    icon: 'build/icons/icon.png',
    category: 'Network',
    synopsis: 'End-to-end encrypted group messenger that works offline',
    mimeTypes: ['x-scheme-handler/kizuna'],
    desktop: {
      entry: {
        Name: 'Kizuna',
        GenericName: 'Messenger',
        Comment: 'End-to-end encrypted group messenger that works offline',
        Categories: 'Network;InstantMessaging;Chat;',
        Keywords: 'chat;messenger;encrypted;group;',
        StartupWMClass: 'Kizuna',
        MimeType: 'x-scheme-handler/kizuna;',
      },
    },
  },
  deb: {
    // safeStorage talks to the Secret Service through libsecret.
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0'],
  },
  mac: {
    target: ['dmg'],
    icon: 'build/icons/icon.png',
    category: 'public.app-category.social-networking',
    hardenedRuntime: true,
  },
  dmg: { title: 'Kizuna' },
  win: {
    target: ['nsis'],
    icon: 'build/icons/icon.png',
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true, deleteAppDataOnUninstall: false },
};

module.exports = config;
