/**
 * The whole pipeline for one snapshot: network addressing, compiled policies,
 * endpoints and the engine. Adapters (LSP, CLI) call `analyze` and read from
 * the result; nothing here knows about editors or terminals.
 */
import type { SourceFile } from '../common/source';
import { buildCluster } from '../model/build';
import type { Cluster } from '../model/cluster';
import { type ParsedFile, parseFile } from '../yaml/parse-yaml';
import { type Addressing, type AddressingOptions, computeAddressing } from '../network/addressing';
import { compilePolicies, type PolicyOptions } from '../policy/compile';
import { type Endpoint, podEndpoint } from '../policy/endpoint';
import type { PolicySet } from '../policy/rule-model';
import { Engine } from './engine';

export interface AnalysisOptions extends AddressingOptions, PolicyOptions {}

export interface Analysis {
  readonly cluster: Cluster;
  readonly addressing: Addressing;
  readonly policies: PolicySet;
  /** One endpoint per pod, in `cluster.pods` order. */
  readonly endpoints: readonly Endpoint[];
  readonly engine: Engine;
}

export function analyze(cluster: Cluster, options: AnalysisOptions = {}): Analysis {
  const addressing = computeAddressing(cluster, options);
  const policies = compilePolicies(cluster, options);
  const endpoints = cluster.pods.map((p) => podEndpoint(p, cluster, addressing));
  return { cluster, addressing, policies, endpoints, engine: new Engine(policies, endpoints) };
}

/**
 * The whole pipeline from parsed files: read them into a Cluster, then analyse
 * it. The language server calls this with its cached parses (only changed
 * files are parsed again); the CLI through analyzeSources.
 */
export function analyzeParsed(files: readonly ParsedFile[], options: AnalysisOptions = {}): Analysis {
  return analyze(buildCluster(files), options);
}

/** Parses, reads and analyses a set of source files in one go. */
export function analyzeSources(files: readonly SourceFile[], options: AnalysisOptions = {}): Analysis {
  return analyzeParsed(files.map(parseFile), options);
}
