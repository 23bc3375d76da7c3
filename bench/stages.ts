/**
 * One cold run of the pipeline on a generated cluster folder, stage by stage, in
 * a process of its own (bench/run.ts starts one per run, so peak RSS is this
 * run's). Prints one line of JSON: milliseconds per stage and per lint rule,
 * counts, and the process's peak RSS.
 *
 * Usage: node --import tsx bench/stages.ts DIR [--no-pod-matrix]. bench/run.ts runs it bundled
 * with esbuild, as dist/cli.js is, because tsx makes every imported constant a getter call.
 */
import { performance } from 'node:perf_hooks';
import { FindingSink } from '../server/src/common/finding-sink';
import { workloadGroups, workloadServedCell } from '../server/src/ide/workload-matrix';
import { LINT_RULES, runLint } from '../server/src/lint';
import { discoverManifests, readSourceFile } from '../server/src/yaml/discover';
import { timedAnalysis } from './timed-analysis';

const dir = process.argv[2];
const podMatrix = !process.argv.includes('--no-pod-matrix');
const ms: Record<string, number> = {};
const rules: Record<string, number> = {};

function time<T>(stage: string, f: () => T, into = ms): T {
  const t = performance.now();
  const r = f();
  into[stage] = performance.now() - t;
  return r;
}

const sources = time('read', () => discoverManifests([dir]).files.map((f) => readSourceFile(f)));
const context = timedAnalysis(sources, time);
const { analysis } = context;
const { engine, endpoints, policies } = analysis;
const findings: Record<string, number> = {};
time('lint rules', () => {
  for (const rule of LINT_RULES) {
    const sink = new FindingSink();
    time(rule.id, () => rule.check(context, sink), rules);
    findings[rule.id] = sink.findings.length;
  }
});
// The whole lint stage once more as the CLI runs it (reading findings, severities,
// suppressions, sorting); every cache the rules filled is warm by now.
const report = time('lint (warm)', () => runLint(analysis));
// The workload matrix `netpol matrix --group workloads` prints (without --port: on the ports each
// destination declares), every pair of workloads.
const groups = workloadGroups(
  analysis,
  endpoints.map((_, i) => i),
);
time('workload matrix', () => {
  for (const from of groups) for (const to of groups) workloadServedCell(analysis, from, to);
});
if (podMatrix) time('pod matrix TCP/8080', () => engine.matrix('TCP', 8080));
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    ms,
    rules,
    counts: {
      files: sources.length,
      bytes: sources.reduce((n, s) => n + s.text.length, 0),
      pods: endpoints.length,
      policies: policies.tiers.reduce((n, t) => n + t.policies.length, 0),
      atoms: policies.atoms.length,
      classes: engine.classes.length,
      workloads: groups.length,
      findings: report.findings.length,
    },
    findings,
    peakRssMb,
  }),
);
