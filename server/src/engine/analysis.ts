/**
 * The whole pipeline for one snapshot: network addressing, compiled policies,
 * endpoints and the engine. Adapters (LSP, CLI) call `analyze` and read from
 * the result; nothing here knows about editors or terminals.
 */
import type { SourceFile } from '../common/source';
import { OutOfTime, type TimeBudget } from '../common/time-budget';
import { buildCluster, buildClusterFromSources } from '../model/build';
import type { Cluster } from '../model/cluster';
import type { ParsedFile } from '../yaml/parse-yaml';
import { type Addressing, type AddressingOptions, computeAddressing } from '../network/addressing';
import { compilePolicies, type PolicyOptions } from '../policy/compile';
import { type Endpoint, podEndpoint } from '../policy/endpoint';
import type { CompiledPolicy, CompiledRule, PolicySet } from '../policy/rule-model';
import { Engine } from './engine';

export interface AnalysisOptions extends AddressingOptions, PolicyOptions {
  /** Bounds the run: once spent, the stages stop and the analysis is partial (`stoppedIn`). */
  readonly budget?: TimeBudget;
}

export interface Analysis {
  readonly cluster: Cluster;
  readonly addressing: Addressing;
  readonly policies: PolicySet;
  /** One endpoint per pod, in `cluster.pods` order. */
  readonly endpoints: readonly Endpoint[];
  readonly engine: Engine;
  /**
   * Set when the time budget ran out before the analysis was complete: the stage it stopped in. The
   * pods are then left out (`cluster.pods` is empty) and nothing is decided about them; what reading
   * and validation found is all there.
   */
  readonly stoppedIn?: string;
  /**
   * Engine work kept from the earlier analyses of the same workspace (the language server's,
   * engine/analysis-cache.ts), reused only where its inputs are unchanged; absent elsewhere.
   */
  readonly carried?: CarriedWork;
}

/** Engine work an analysis may take from an earlier one (engine/carried-admissions.ts). */
export interface CarriedWork {
  /**
   * What `rule` of `policy` admits: `compute(a, policy, rule)`, or the same answer taken from an
   * earlier analysis, where a rule of the same content (direction, subject, condition, by atom
   * key) was computed over the same endpoint classes and outside address classes.
   */
  admission<T>(
    a: Analysis,
    policy: CompiledPolicy,
    rule: CompiledRule,
    compute: (a: Analysis, policy: CompiledPolicy, rule: CompiledRule) => T,
  ): T;
}

export function analyze(cluster: Cluster, options: AnalysisOptions = {}): Analysis {
  const { budget } = options;
  let policies: PolicySet | undefined;
  try {
    budget?.check('addressing');
    const addressing = computeAddressing(cluster, options);
    budget?.check('policy compilation');
    policies = compilePolicies(cluster, options);
    const endpoints = cluster.pods.map((p) => {
      budget?.check('endpoints');
      return podEndpoint(p, cluster, addressing);
    });
    return { cluster, addressing, policies, endpoints, engine: new Engine(policies, endpoints, budget) };
  } catch (e) {
    if (!(e instanceof OutOfTime)) throw e;
    return partialAnalysis(cluster, options, policies, e.stage);
  }
}

/**
 * The analysis of a run the time budget stopped in `stage`: every reading finding, the policies as
 * compiled (`policies` when compiling was complete), and no pods (nothing decided about them).
 */
export function partialAnalysis(
  cluster: Cluster,
  options: AnalysisOptions,
  policies: PolicySet | undefined,
  stage: string,
): Analysis {
  const bare: Cluster = { ...cluster, pods: [] };
  const compiled = policies ?? compilePolicies(bare, options);
  return {
    cluster: bare,
    addressing: computeAddressing(bare, options),
    policies: compiled,
    endpoints: [],
    engine: new Engine(compiled, []),
    stoppedIn: stage,
  };
}

/**
 * The whole pipeline from parsed files: read them into a Cluster, then analyse
 * it. The language server calls this with its cached parses (only changed
 * files are parsed again); the CLI through analyzeSources.
 */
export function analyzeParsed(files: readonly ParsedFile[], options: AnalysisOptions = {}): Analysis {
  return analyze(buildCluster(files, options.budget), options);
}

/** Parses, reads and analyses a set of source files in one go. */
export function analyzeSources(files: readonly SourceFile[], options: AnalysisOptions = {}): Analysis {
  return analyze(buildClusterFromSources(files, options.budget), options);
}
