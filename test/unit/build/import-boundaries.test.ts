/**
 * The design's boundaries, checked on the sources: nothing outside main/electron and preload loads
 * Electron at run time (Electron fetches its binary when first loaded, and the core must run
 * without it), the renderer (with everything it imports) uses neither Node nor Electron, main/core's
 * folders import only down their floors (docs/ARCHITECTURE.md), and no import circle exists anywhere.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CORE_FLOORS } from './core-floors.js';
import { filesBelow } from './source-files.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

const sourceFiles = (dir: string): string[] => filesBelow(dir, (name) => SOURCE.test(name) && !name.endsWith('.d.ts'));

interface ModuleRef {
  specifier: string;
  /** Erased from the emitted JavaScript (`import type` / `export type`). */
  typeOnly: boolean;
}

/**
 * Every module a file refers to: import/export declarations, import(), require(). Only `import type`
 * and `export type` count as type-only: with verbatimModuleSyntax, `import { type X } from 'm'` still
 * loads 'm' at run time.
 */
function moduleRefs(file: string): ModuleRef[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const refs: ModuleRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.importClause?.isTypeOnly === true });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      refs.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node)) {
      const [arg] = node.arguments;
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if ((isImport || isRequire) && arg !== undefined && ts.isStringLiteralLike(arg)) refs.push({ specifier: arg.text, typeOnly: false });
    } else if (ts.isImportTypeNode(node)) {
      // import('x').T in a type position: erased, but still an edge of the import graph.
      if (ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) refs.push({ specifier: node.argument.literal.text, typeOnly: true });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return refs;
}

const isElectron = (specifier: string): boolean => specifier === 'electron' || specifier.startsWith('electron/');
const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0] ?? '');
const rel = (p: string): string => relative(root, p).split(sep).join('/');

/** A relative import's file (`./x.js` is written for `./x.ts`; the renderer may omit extensions). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.(m|c)?js$/, '.$1ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

describe('import boundaries', () => {
  const files = sourceFiles(root);

  it('scans the whole repository', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.some((f) => rel(f) === 'main/electron/main.ts')).toBe(true);
  });

  it('only main/electron and preload load Electron at run time (type-only imports are fine elsewhere)', () => {
    const offenders: string[] = [];
    for (const file of files) {
      const path = rel(file);
      if (path.startsWith('main/electron/') || path.startsWith('preload/')) continue;
      if (!readFileSync(file, 'utf8').includes('electron')) continue;
      for (const ref of moduleRefs(file)) if (isElectron(ref.specifier) && !ref.typeOnly) offenders.push(`${path} → ${ref.specifier}`);
    }
    expect(offenders).toEqual([]);
  });

  it('the shell modules that tests load run without Electron', () => {
    // Pure decision modules of the shell (unit-tested) must not pull Electron in, even indirectly.
    const pure = ['security-policy', 'deep-link', 'notification-policy', 'attention-state', 'notice-board', 'notifier', 'key-protection', 'passphrase-prompt-page', 'slim-node-output'].map((n) => join(root, 'main/electron', `${n}.ts`));
    const offenders: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const ref of moduleRefs(file)) {
        if (ref.typeOnly) continue;
        if (isElectron(ref.specifier)) offenders.push(`${rel(file)} → ${ref.specifier}`);
        if (ref.specifier.startsWith('.')) {
          const target = resolveRelative(file, ref.specifier);
          if (target !== undefined) visit(target);
        }
      }
    };
    for (const f of pure) visit(f);
    expect(offenders).toEqual([]);
  });

  it('the renderer, and everything it imports, uses neither Node nor Electron', () => {
    const entries = files.filter((f) => rel(f).startsWith('renderer/'));
    expect(entries.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const ref of moduleRefs(file)) {
        if (ref.typeOnly) continue;
        if (isElectron(ref.specifier) || isNodeBuiltin(ref.specifier)) offenders.push(`${rel(file)} → ${ref.specifier}`);
        if (ref.specifier.startsWith('.')) {
          const target = resolveRelative(file, ref.specifier);
          if (target !== undefined) visit(target);
        }
      }
    };
    for (const f of entries) visit(f);
    expect(offenders).toEqual([]);
  });

  it('recognises the forms it must catch', () => {
    const probe = join(root, 'test/unit/build/import-boundaries.test.ts');
    const refs = moduleRefs(probe);
    expect(refs).toContainEqual({ specifier: 'typescript', typeOnly: false });
    expect(refs).toContainEqual({ specifier: 'node:fs', typeOnly: false });
    // This file mentions 'electron' only inside strings and comments, which are not imports.
    expect(refs.some((r) => isElectron(r.specifier))).toBe(false);
  });
});

const FLOOR_OF = new Map(CORE_FLOORS.flatMap((units, floor) => units.map((unit) => [unit, floor] as const)));

/** The floor unit of a file (path relative to main/core): its longest listed folder, or undefined when none is listed. */
function coreUnit(pathInCore: string): string | undefined {
  const parts = pathInCore.split('/').slice(0, -1);
  for (let n = parts.length; n > 0; n--) {
    const unit = parts.slice(0, n).join('/');
    if (FLOOR_OF.has(unit)) return unit;
  }
  return undefined;
}

/** Imports from a file of `coreDir` to a folder on the same floor or above (type-only imports included). */
function upwardImports(coreDir: string, files: readonly string[]): string[] {
  const inCore = (p: string): string => relative(coreDir, p).split(sep).join('/');
  const offenders: string[] = [];
  for (const file of files) {
    const from = coreUnit(inCore(file));
    if (from === undefined) continue;
    for (const ref of moduleRefs(file)) {
      if (!ref.specifier.startsWith('.')) continue;
      const target = resolveRelative(file, ref.specifier);
      if (target === undefined || inCore(target).startsWith('..')) continue;
      const to = coreUnit(inCore(target));
      if (to === undefined || to === from) continue;
      if ((FLOOR_OF.get(to) ?? 0) >= (FLOOR_OF.get(from) ?? 0)) offenders.push(`${inCore(file)} (${from}) → ${inCore(target)} (${to})`);
    }
  }
  return offenders;
}

/** Every strongly connected group of more than one file in the import graph (type-only edges included). */
function importCircles(files: readonly string[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const targets = moduleRefs(file)
      .filter((r) => r.specifier.startsWith('.'))
      .map((r) => resolveRelative(file, r.specifier))
      .filter((t): t is string => t !== undefined);
    edges.set(file, [...new Set(targets)]);
  }
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) circles.push(component.map((f) => basename(f)).sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return circles;
}

describe('main/core floors and import circles', () => {
  const files = sourceFiles(root);
  const coreDir = join(root, 'main/core');
  const core = files.filter((f) => rel(f).startsWith('main/core/'));

  it('places every folder of main/core on a floor', () => {
    expect(core.length).toBeGreaterThan(100);
    const unplaced = [...new Set(core.filter((f) => coreUnit(relative(coreDir, f).split(sep).join('/')) === undefined).map((f) => dirname(rel(f))))];
    expect(unplaced, 'add these folders to CORE_FLOORS and to the floors in docs/ARCHITECTURE.md').toEqual([]);
  });

  it('has no upward import inside main/core (type-only imports included)', () => {
    expect(upwardImports(coreDir, core)).toEqual([]);
  });

  it('has no import circle anywhere in the project (type-only imports included)', () => {
    expect(importCircles(files)).toEqual([]);
  });

  it('sees an upward import and a type-only circle when there is one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kizuna-floors-'));
    try {
      const write = (path: string, text: string): string => {
        const full = join(dir, path);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
        return full;
      };
      const kernel = write('kernel/context.ts', "import type { Engine } from '../engine/engine.js';\nexport type C = Engine;\n");
      const engine = write('engine/engine.ts', "import { helper } from '../kernel/helper.js';\nexport const Engine = helper;\n");
      const helper = write('kernel/helper.ts', 'export const helper = 1;\n');
      const a = write('circle/a.ts', "import type { B } from './b.js';\nexport type A = B;\n");
      const b = write('circle/b.ts', "export type B = import('./a.js').A;\n");
      expect(upwardImports(dir, [kernel, engine, helper])).toEqual(['kernel/context.ts (kernel) → engine/engine.ts (engine)']);
      expect(importCircles([a, b, kernel, engine, helper])).toEqual([['a.ts', 'b.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the engine port', () => {
  it("keeps the engine's context to the core's own modules and its white-box tests", () => {
    // Hosts, the SDK, the session layer and benchmarks go through the engine's API and its SessionPort.
    const files = sourceFiles(root);
    const internals = join(root, 'main/core/engine/engine-internals.ts');
    const offenders: string[] = [];
    for (const file of files) {
      const path = rel(file);
      if (path === 'main/core/engine/engine.ts' || path.startsWith('test/unit/core/') || path.startsWith('test/adversarial/') || path.startsWith('test/fuzz/') || path === 'test/integration/session/cumulative-acks.test.ts') continue; // white-box: attackers (and the fuzzers playing them) craft what the API will not
      for (const ref of moduleRefs(file)) {
        if (ref.specifier.startsWith('.') && resolveRelative(file, ref.specifier) === internals) offenders.push(path);
      }
      if (!path.startsWith('main/core/') && /\.context\.(self|store|events|now)\b/.test(readFileSync(file, 'utf8'))) offenders.push(`${path} (engine.context)`);
    }
    expect(offenders).toEqual([]);
  });
});
