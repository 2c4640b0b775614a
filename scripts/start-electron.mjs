// `npm start`: runs the desktop app in Electron, or, when Electron's binary was never downloaded
// (npm ci without internet ends in "fetch failed"), says so and points to the browser version.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the electron package says its binary is, without requiring it (that would try to download it). */
function electronBinary() {
  const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const executable = readFileSync(pathFile, 'utf8');
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  const full = join(override !== undefined && override !== '' ? override : join(packageDir, 'dist'), executable);
  return existsSync(full) ? full : undefined;
}

const binary = electronBinary();
if (binary === undefined) {
  process.stderr.write(
    [
      "Electron's binary is not installed (its download during npm install failed or was skipped), so the desktop window cannot start.",
      'Use Kizuna in your browser instead:   npm run web',
      'Or fetch Electron again when online:   node node_modules/electron/install.js',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
