/**
 * The analysis stages run several times in one process on a cluster folder: pass 0 is the cold
 * run `npm run bench` reports (bench/stages.ts), later passes show what is left once the JIT has
 * compiled the code (every pass builds everything anew: no cache carries over). Prints one line
 * per pass: milliseconds per stage, the analysis (model … lint) and its ratio to the `yaml`
 * package's parseAllDocuments of the same files (the yardstick, here beside the analysis's
 * live objects: at 50k pods that makes it slower than alone, see bench/yardstick.ts, which
 * `npm run bench` uses); then the slowest lint rules of the last pass.
 *
 * Usage: PASSES=N node BUNDLE DIR, where BUNDLE is this file bundled as the CLI is (tsx makes every
 * imported constant a getter call, which slows hot loops):
 *   npx esbuild bench/stage-passes.ts --bundle --platform=node --target=node20 --format=cjs --outfile=OUT.js
 * Add `--cpu-prof` to node for a profile.
 */
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { FindingSink } from '../server/src/common/finding-sink';
import { LINT_RULES } from '../server/src/lint';
import { discoverManifests, readSourceFile } from '../server/src/yaml/discover';
import { timedAnalysis } from './timed-analysis';

const dir = process.argv[2];
const passes = Number(process.env.PASSES ?? 4);
const sources = discoverManifests([dir]).files.map((f) => readSourceFile(f));
for (let pass = 0; pass < passes; pass++) {
  const ms: Record<string, number> = {};
  const rules: Record<string, number> = {};
  const time = <T>(stage: string, f: () => T, into = ms): T => {
    const t = performance.now();
    const r = f();
    into[stage] = Math.round(performance.now() - t);
    return r;
  };
  const context = timedAnalysis(sources, time);
  time('lint', () => {
    for (const rule of LINT_RULES) time(rule.id, () => rule.check(context, new FindingSink()), rules);
  });
  time('yaml', () => {
    for (const s of sources) parseAllDocuments(s.text);
  });
  const total = ms.model + ms.addressing + ms.policy + ms.endpoints + ms.engine + ms.lint;
  console.log(`pass ${pass}`, JSON.stringify(ms), 'analysis', total, 'ratio', (total / ms.yaml).toFixed(2));
  if (pass === passes - 1)
    console.log(
      JSON.stringify(
        Object.entries(rules)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 10),
      ),
    );
}
