/**
 * In-process cost of one policy edit as the language server pays it (AnalysisCache + runLint with
 * the lint memo), per stage and per rule: the edit of bench/server-latency.ts, CPU ms, medians of
 * the edits after the first.
 *
 * Usage: node BUNDLE DIR [--edits N] [--fresh] [--profile FILE] (`--profile`: a CPU profile of the measured edits)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SourceFile } from '../server/src/common/source';
import { AnalysisCache } from '../server/src/engine/analysis-cache';
import { LINT_RULES, runLint } from '../server/src/lint';
import { LintMemo } from '../server/src/lint/lint-memo';
import { discoverManifests, readSourceFile } from '../server/src/yaml/discover';
import { parseFile } from '../server/src/yaml/parse-yaml';

const argv = process.argv.slice(2);
const dir = argv[0];
const edits = argv.includes('--edits') ? Number(argv[argv.indexOf('--edits') + 1]) : 7;
const EDITED = join(dir, 'team-1/network-policies.yaml');
const paths = discoverManifests([dir]).files;
const parsed = paths.map((p) => parseFile(readSourceFile(p)));
const editedAt = paths.indexOf(EDITED);
const text = readFileSync(EDITED, 'utf8');
const peer = '        matchLabels:\n          tier: web\n';
// `--fresh`: a label value no edit wrote before (a rule never seen), else web and backend in turn.
const fresh = argv.includes('--fresh');
const variant = (i: number) =>
  text
    .replace(peer, `        matchLabels:\n          tier: ${fresh ? `t${i}` : i % 2 ? 'web' : 'backend'}\n`)
    .replace('# The API:', `# The API (edit ${i}):`);

const ruleMs = new Map<string, number[]>();
let current: Map<string, number> = new Map();
for (const rule of LINT_RULES) {
  const check = rule.check;
  (rule as { check: typeof check }).check = (c, s) => {
    const t = process.cpuUsage();
    try {
      check.call(rule, c, s);
    } finally {
      const u = process.cpuUsage(t);
      current.set(rule.id, (u.user + u.system) / 1000);
    }
  };
}
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const cache = new AnalysisCache();
const memo = new LintMemo();
const stage: Record<string, number[]> = { analysis: [], lint: [], total: [], wall: [] };
let findings = 0;
const profile = argv.includes('--profile') ? argv[argv.indexOf('--profile') + 1] : undefined;
const session = new Session();
const post = (method: string) =>
  new Promise<unknown>((resolve, reject) => session.post(method, (e, r) => (e ? reject(e) : resolve(r))));
async function main(): Promise<void> {
  for (let i = 0; i <= edits; i++) {
    if (i === 2 && profile) {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    }
    if (i > 0) parsed[editedAt] = parseFile(new SourceFile(EDITED, variant(i)));
    current = new Map();
    const w = performance.now();
    const t0 = cpu();
    const analysis = cache.analyze(parsed);
    const t1 = cpu();
    const report = runLint(analysis, { memo });
    const t2 = cpu();
    const wall = performance.now() - w;
    findings = report.findings.length;
    if (i < 2) continue; // the first run is cold, the second the first edit
    stage.analysis.push(t1 - t0);
    stage.lint.push(t2 - t1);
    stage.total.push(t2 - t0);
    stage.wall.push(wall);
    for (const [id, ms] of current) {
      const l = ruleMs.get(id) ?? [];
      l.push(ms);
      ruleMs.set(id, l);
    }
  }
  if (profile) writeFileSync(profile, JSON.stringify(((await post('Profiler.stop')) as { profile: unknown }).profile));
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const out: string[] = [];
  for (const [k, v] of Object.entries(stage)) out.push(`${k} ${median(v).toFixed(1)}`);
  console.log(`${dir}: ${out.join(', ')} ms (CPU, medians of ${edits - 1} edits; ${findings} findings)`);
  const carried = (cache as { admissions?: { stats: unknown } }).admissions?.stats;
  if (carried) console.log(`  admissions carried: ${JSON.stringify(carried)}`);
  const rows = [...ruleMs].map(([id, v]) => [id, median(v)] as const).sort((a, b) => b[1] - a[1]);
  console.log(
    rows
      .filter(([, ms]) => ms >= 0.5)
      .map(([id, ms]) => `  ${id} ${ms.toFixed(1)}`)
      .join('\n'),
  );
}

main();
