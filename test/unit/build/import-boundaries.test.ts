/**
 * The design's boundaries, checked on the sources: nothing outside main/electron and preload loads
 * Electron at run time (Electron fetches its binary when first loaded, and the core must run
 * without it), and the renderer (with everything it imports) uses neither Node nor Electron.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SKIP = new Set(['node_modules', 'dist', 'release', '.git', '.tmp', 'coverage']);
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(p));
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

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
      return; // import('x').T in a type position
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
    const pure = ['security-policy', 'deep-link', 'notification-policy', 'key-protection', 'passphrase-prompt-page', 'slim-node-output'].map((n) => join(root, 'main/electron', `${n}.ts`));
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
