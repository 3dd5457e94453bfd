import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The module structure of `src/`, checked from the source text:
 * (a) no import cycles: modules form layers a reader can walk from the bottom up;
 * (b) the Autotask client (`src/autotask/`) is a self-contained library that knows nothing of the
 *     app: it imports only its own folder, the PSA HTTP kit (`src/psa-http/`), zod, axios and Node's
 *     built-ins; the kit itself imports only its own folder, zod, axios and Node's built-ins.
 *
 * Every import counts: static imports, `export … from`, dynamic `import('…')`, and `import type`
 * too. A type-only cycle is erased at run time, but it is still two modules that each need the
 * other to be understood, and it turns into a run-time cycle as soon as someone imports a value
 * along the same edge. The check is about structure, so types are part of it.
 */

const root = path.resolve(import.meta.dirname, '../..');
const srcDir = path.join(root, 'src');
// Prisma's generated client: not ours to structure.
const generatedDir = path.join(srcDir, 'generated');
const clientDir = path.join(srcDir, 'autotask');
const psaHttpDir = path.join(srcDir, 'psa-http');

/** Every `.ts` file under `dir`, as absolute paths. */
function tsFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => f.endsWith('.ts') && !f.startsWith(generatedDir + path.sep) && fs.statSync(f).isFile())
    .sort();
}

/** The module specifiers a file imports: static, `export from`, dynamic with a string literal, type-only. */
function specifiersOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  // The compiler's own pre-scan: it skips comments and strings, which a regular expression would not.
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The file a relative specifier names, or null when it is not a relative import of a source file. */
function resolveRelative(from: string, specifier: string): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => c.endsWith('.ts') && fs.existsSync(c) && fs.statSync(c).isFile()) ?? null;
}

/** The imports of the files under `dir` that are neither in `allowedDirs` nor zod, axios or node:*. */
function importsOutside(dir: string, allowedDirs: readonly string[]): string[] {
  const outside: string[] = [];
  for (const file of tsFilesUnder(dir)) {
    for (const specifier of specifiersOf(file)) {
      const target = resolveRelative(file, specifier);
      const allowed =
        target !== null
          ? allowedDirs.some((d) => target.startsWith(d + path.sep))
          : specifier === 'zod' || specifier === 'axios' || specifier.startsWith('node:');
      if (!allowed) outside.push(`${relative(file)} imports '${specifier}'`);
    }
  }
  return outside;
}

type Graph = ReadonlyMap<string, readonly string[]>;

/** File → the files of the graph it imports. */
function importGraph(files: readonly string[]): Graph {
  const inGraph = new Set(files);
  return new Map(
    files.map((file) => {
      const targets = specifiersOf(file)
        .map((s) => resolveRelative(file, s))
        .filter((t): t is string => t !== null && inGraph.has(t));
      return [file, [...new Set(targets)]];
    }),
  );
}

/** Tarjan's strongly connected components: files that can all reach one another. */
function stronglyConnected(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };

  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return components;
}

/** One concrete cycle through `start` inside `component` (shortest, by breadth-first search). */
function cycleThrough(graph: Graph, component: readonly string[], start: string): string[] {
  const members = new Set(component);
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');

/** The import cycles of a graph, each as `a.ts → b.ts → a.ts`. */
function importCycles(graph: Graph): string[] {
  const cycles: string[] = [];
  for (const component of stronglyConnected(graph)) {
    const [first] = [...component].sort();
    const selfImport = component.length === 1 && (graph.get(first!) ?? []).includes(first!);
    if (component.length > 1 || selfImport) {
      const files = component.length > 1 ? ` (${component.length} files)` : '';
      cycles.push(`${cycleThrough(graph, component, first!).map(relative).join(' → ')}${files}`);
    }
  }
  return cycles.sort();
}

describe('module structure of src/', () => {
  it('has no import cycles', () => {
    const cycles = importCycles(importGraph(tsFilesUnder(srcDir)));
    expect(cycles, `Import cycles in src/:\n  ${cycles.join('\n  ')}\n`).toEqual([]);
  });

  it('the Autotask client imports only its own folder, src/psa-http/, zod, axios and node:*', () => {
    expect(importsOutside(clientDir, [clientDir, psaHttpDir])).toEqual([]);
  });

  it('the PSA HTTP kit (src/psa-http/) imports only its own folder, zod, axios and node:*', () => {
    expect(tsFilesUnder(psaHttpDir).length).toBeGreaterThan(3);
    expect(importsOutside(psaHttpDir, [psaHttpDir])).toEqual([]);
  });

  it('the checks see what they must (the graph is not empty, a made-up cycle is found)', () => {
    const graph = importGraph(tsFilesUnder(srcDir));
    expect(graph.get(path.join(clientDir, 'client.ts'))).toContain(path.join(clientDir, 'http.ts'));
    const a = path.join(srcDir, 'a.ts');
    const b = path.join(srcDir, 'b.ts');
    const c = path.join(srcDir, 'c.ts');
    const made: Graph = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    expect(importCycles(made)).toEqual(['src/a.ts → src/b.ts → src/c.ts → src/a.ts (3 files)']);
    expect(importCycles(new Map([[a, [a]]]))).toEqual(['src/a.ts → src/a.ts']);
    expect(
      importCycles(
        new Map([
          [a, [b]],
          [b, []],
        ]),
      ),
    ).toEqual([]);
  });
});
