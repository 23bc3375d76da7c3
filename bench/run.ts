/**
 * `npm run bench`: times each pipeline stage on synthetic clusters of growing
 * size and compares the class-based matrix with pair-by-pair evaluation.
 * Reports medians over repeated runs (and the spread), never a single run.
 */
import { performance } from 'node:perf_hooks';
import { SourceFile } from '../server/src/common/source';
import { analyze } from '../server/src/engine/analysis';
import { lint } from '../server/src/lint';
import { buildCluster } from '../server/src/model/build';
import { parseFile } from '../server/src/yaml/parse-yaml';
import { generate, type Size } from './generate';

const SIZES: { name: string; size: Size; runs: number; naive: boolean }[] = [
  { name: 'small', size: { namespaces: 4, replicas: 10 }, runs: 9, naive: true },
  { name: 'medium', size: { namespaces: 20, replicas: 20 }, runs: 7, naive: false },
  { name: 'large', size: { namespaces: 50, replicas: 20 }, runs: 5, naive: false },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));

for (const { name, size, runs, naive } of SIZES) {
  const texts = generate(size);
  const samples: Record<string, number[]> = {
    parse: [],
    model: [],
    analyze: [],
    matrix: [],
    lint: [],
    total: [],
    naive: [],
  };
  let pods = 0;
  let classes = 0;
  let atoms = 0;
  for (let r = 0; r < runs; r++) {
    const files = texts.map((t, i) => new SourceFile(`bench-${i}.yaml`, t));
    const [parsed, tParse] = time(() => files.map(parseFile));
    const [cluster, tModel] = time(() => buildCluster(parsed));
    const [analysis, tAnalyze] = time(() => analyze(cluster));
    const [, tMatrix] = time(() => analysis.engine.matrix('TCP', 8000));
    const [, tLint] = time(() => lint(analysis));
    samples.parse.push(tParse);
    samples.model.push(tModel);
    samples.analyze.push(tAnalyze);
    samples.matrix.push(tMatrix);
    samples.lint.push(tLint);
    samples.total.push(tParse + tModel + tAnalyze + tMatrix + tLint);
    pods = analysis.endpoints.length;
    classes = analysis.engine.classes.length;
    atoms = analysis.policies.atoms.length;
    if (naive) {
      // The same matrix, each pair evaluated on its own (no classes, no cache).
      const [, tNaive] = time(() => {
        const eps = analysis.endpoints;
        for (const s of eps) for (const d of eps) analysis.engine.explainEndpoints(s, d, 'TCP', 8000);
      });
      samples.naive.push(tNaive);
    }
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.length ? median(v) : NaN]));
  const spread = (k: string) => `${fmt(Math.min(...samples[k]))}–${fmt(Math.max(...samples[k]))}`;
  console.log(
    `${name}: ${pods} pods, ${size.namespaces * 6} policies, ${atoms} atoms, ${classes} classes; ${runs} runs, medians in ms (min–max)`,
  );
  for (const k of ['parse', 'model', 'analyze', 'matrix', 'lint', 'total'])
    console.log(`  ${k.padEnd(8)} ${fmt(m[k]).padStart(8)}   (${spread(k)})`);
  console.log(
    `  matrix   ${(pods * pods).toLocaleString('en')} cells, ${fmt((m.matrix / (pods * pods)) * 1e6)} ns per cell`,
  );
  if (naive)
    console.log(
      `  pairwise ${fmt(m.naive).padStart(8)}   (${spread('naive')}): class-based matrix is ${(m.naive / m.matrix).toFixed(0)}× faster`,
    );
}
