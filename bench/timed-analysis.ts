/**
 * The pipeline from source files to a lint context, each stage timed through `time` (under the
 * stage names bench/run.ts reports): shared by bench/stages.ts (one cold run) and
 * bench/stage-passes.ts (several in one process).
 */
import type { SourceFile } from '../server/src/common/source';
import { Engine } from '../server/src/engine/engine';
import { everyPolicy, type LintContext } from '../server/src/lint/lint-rule';
import { defaultProjectConfig } from '../server/src/lint/project-config';
import { buildCluster } from '../server/src/model/build';
import { computeAddressing } from '../server/src/network/addressing';
import { compilePolicies } from '../server/src/policy/compile';
import { podEndpoint } from '../server/src/policy/endpoint';
import { type ParsedFile, parseFile } from '../server/src/yaml/parse-yaml';

export type Timer = <T>(stage: string, f: () => T) => T;

/** parse, model, addressing, policy, endpoints and engine, timed; the lint context of the analysis. */
export function timedAnalysis(sources: readonly SourceFile[], time: Timer): LintContext {
  let parsed: ParsedFile[] | undefined = time('parse', () => sources.map(parseFile));
  const cluster = time('model', () => buildCluster(parsed!));
  // The CLI keeps no YAML nodes once a file is read into the model (buildClusterFromSources reads
  // each file as soon as it is parsed): neither does the analysis here, or it would collect garbage
  // among every document's nodes.
  parsed = undefined;
  const addressing = time('addressing', () => computeAddressing(cluster));
  const policies = time('policy', () => compilePolicies(cluster));
  const endpoints = time('endpoints', () => cluster.pods.map((p) => podEndpoint(p, cluster, addressing)));
  const engine = time('engine', () => new Engine(policies, endpoints));
  const analysis = { cluster, addressing, policies, endpoints, engine };
  return { analysis, config: defaultProjectConfig('.'), checkpoint: () => undefined, ...everyPolicy(policies) };
}
