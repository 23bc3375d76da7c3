/**
 * Times chosen lint rules on a folder (one cold process; wall and CPU time, the latter steadier
 * on a shared machine) and writes their findings as JSON, to compare a rule's output before and
 * after a change.
 *
 * Usage: node --import tsx bench/rule-time.ts DIR [--rule ID ...] [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { FindingSink } from '../server/src/common/finding-sink';
import { Engine } from '../server/src/engine/engine';
import { LINT_RULES } from '../server/src/lint';
import { everyPolicy, type LintContext } from '../server/src/lint/lint-rule';
import { defaultProjectConfig } from '../server/src/lint/project-config';
import { buildCluster } from '../server/src/model/build';
import { computeAddressing } from '../server/src/network/addressing';
import { compilePolicies } from '../server/src/policy/compile';
import { podEndpoint } from '../server/src/policy/endpoint';
import { discoverManifests, readSourceFile } from '../server/src/yaml/discover';
import { parseFile } from '../server/src/yaml/parse-yaml';

const argv = process.argv.slice(2);
const dir = argv[0];
const chosen = argv.flatMap((a, i) => (argv[i - 1] === '--rule' ? [a] : []));
const out = argv[argv.indexOf('--out') + 1];
const t0 = performance.now();
const parsed = discoverManifests([dir]).files.map((f) => parseFile(readSourceFile(f)));
const cluster = buildCluster(parsed);
const addressing = computeAddressing(cluster);
const policies = compilePolicies(cluster);
const endpoints = cluster.pods.map((p) => podEndpoint(p, cluster, addressing));
const t1 = performance.now();
const engine = new Engine(policies, endpoints);
const t2 = performance.now();
console.log(`prepare ${(t1 - t0).toFixed(0)} ms, engine ${(t2 - t1).toFixed(0)} ms`);
const context: LintContext = {
  analysis: { cluster, addressing, policies, endpoints, engine },
  config: defaultProjectConfig('.'),
  checkpoint: () => undefined,
  ...everyPolicy(policies),
};
const all: unknown[] = [];
for (const rule of LINT_RULES) {
  if (chosen.length && !chosen.includes(rule.id)) continue;
  const sink = new FindingSink();
  const t = performance.now();
  const cpu = process.cpuUsage();
  rule.check(context, sink);
  const used = process.cpuUsage(cpu);
  console.log(
    `${rule.id.padEnd(34)} ${(performance.now() - t).toFixed(0).padStart(7)} ms wall ${((used.user + used.system) / 1000).toFixed(0).padStart(7)} ms CPU  ${sink.findings.length} findings`,
  );
  for (const f of sink.findings)
    all.push({
      ...f,
      span: `${f.span.file.path}:${f.span.start}-${f.span.end}`,
      related: f.related?.map((r) => ({ ...r, span: `${r.span.file.path}:${r.span.start}-${r.span.end}` })),
      fixes: f.fixes?.map((x) => ({
        ...x,
        edits: x.edits.map((e) => ({ ...e, span: `${e.span.file.path}:${e.span.start}-${e.span.end}` })),
      })),
    });
}
if (argv.includes('--out')) writeFileSync(out, JSON.stringify(all, null, 1));
