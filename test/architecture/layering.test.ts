/**
 * The code map's invariants (ARCHITECTURE.md), checked on the source: each
 * stage imports only common/ and the stages before it, nothing imports in a
 * circle, the `yaml` package is the yaml stage's alone, the two adapters do
 * not import each other, file names are kebab-case and no two source files
 * share a name.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT } from '../helpers';

const SERVER = join(ROOT, 'server', 'src');
/** Stages in pipeline order; a stage may import only common/ and the stages before it. */
const STAGES = ['common', 'yaml', 'model', 'network', 'policy', 'engine', 'lint', 'ide', 'protocol', 'lsp', 'cli'];
/** Adapters sit side by side on the top floor: neither imports the other. */
const ADAPTERS = new Set(['lsp', 'cli']);

function files(dir: string, ext = /\.ts$/): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : files(p, ext);
    return ext.test(e.name) ? [p] : [];
  });
}

/** Relative and package imports of a file (static `import … from`, `export … from`, `import()`). */
function importsOf(file: string): { relative: string[]; packages: string[] } {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1] ?? m[2]);
  const rel: string[] = [];
  const pkgs: string[] = [];
  for (const s of specs) {
    if (s.startsWith('.')) rel.push(resolveTs(resolve(dirname(file), s)));
    else pkgs.push(s);
  }
  return { relative: rel, packages: pkgs };
}

function resolveTs(base: string): string {
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // try the next form
    }
  }
  return base;
}

const stageOf = (file: string) => relative(SERVER, file).split('/')[0];

describe('architecture: the code map holds', () => {
  const sources = files(SERVER);

  it('every stage imports only common/ and the stages before it; the adapters not each other', () => {
    const wrong: string[] = [];
    for (const f of sources) {
      const from = stageOf(f);
      assert.ok(STAGES.includes(from), `${relative(ROOT, f)}: ${from}/ is not a stage of the code map`);
      for (const target of importsOf(f).relative) {
        if (target === join(ROOT, 'package.json')) continue; // the version, read from source when not bundled
        if (!target.startsWith(SERVER)) {
          wrong.push(`${relative(ROOT, f)} imports ${relative(ROOT, target)}, outside server/src`);
          continue;
        }
        const to = stageOf(target);
        const ok =
          to === from || STAGES.indexOf(to) < STAGES.indexOf(from)
            ? !(ADAPTERS.has(to) && ADAPTERS.has(from) && to !== from)
            : false;
        if (!ok) wrong.push(`${relative(ROOT, f)} (${from}) imports ${relative(ROOT, target)} (${to})`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('no module imports itself through a circle', () => {
    const graph = new Map(sources.map((f) => [f, importsOf(f).relative.filter((t) => t.startsWith(SERVER))]));
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SERVER, p)).join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of sources) visit(f, []);
    assert.deepEqual(circles, []);
  });

  it('reads YAML through the yaml stage only', () => {
    const outside = sources
      .filter((f) => stageOf(f) !== 'yaml' && importsOf(f).packages.some((p) => p === 'yaml' || p.startsWith('yaml/')))
      .map((f) => relative(ROOT, f));
    assert.deepEqual(outside, []);
  });

  it('names files in kebab-case, and no two source files alike', () => {
    const all = [
      ...sources,
      ...files(join(ROOT, 'client', 'src')),
      ...files(join(ROOT, 'test')),
      ...files(join(ROOT, 'bench')),
      ...files(join(ROOT, 'scripts'), /\.(ts|mjs)$/),
    ];
    const badNames = all.filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]+)*\.(ts|mjs)$/.test(basename(f)));
    assert.deepEqual(
      badNames.map((f) => relative(ROOT, f)),
      [],
    );
    const byName = new Map<string, string[]>();
    for (const f of sources) byName.set(basename(f), [...(byName.get(basename(f)) ?? []), relative(SERVER, f)]);
    const shared = [...byName.entries()]
      .filter(([, list]) => list.length > 1)
      .map(([n, list]) => `${n}: ${list.join(', ')}`);
    assert.deepEqual(shared, []);
  });
});
