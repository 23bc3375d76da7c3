/**
 * The pipeline of analysis.ts, run again and again over one workspace, keeping what an edit
 * does not touch (the language server holds one per workspace). Its answer is always the one
 * `analyzeParsed` gives on the same files (test/engine/analysis-cache.test.ts checks it after
 * random sequences of edits); what it keeps:
 *
 * - each file's objects, per parse (a file whose text did not change is not read again);
 * - the namespaces, nodes and pods when their inputs are the same objects (model/build.ts's
 *   ClusterMemo), and then the addressing and the endpoints, when nothing else they read
 *   changed (a policy edit changes none of it);
 * - each atom's answers over those endpoints, by atom key: after a policy edit only the atoms
 *   it added are evaluated before the endpoint classes are formed.
 *
 * - what each rule admits (engine/carried-admissions.ts), by the rule's content, while the
 *   endpoints and their classes stay the same: only the rules an edit changed are computed again.
 *
 * Policies are compiled again each time, and the engine's other caches start empty. A
 * time budget stops a run as it stops analyze(), with the same partial analysis.
 * Everything kept belongs to files still in the workspace: a parse that goes takes its objects
 * along (a WeakMap), and atoms no longer used are forgotten.
 */
import { buildCluster, ClusterMemo, type FileObjects, readFileObjects, sameItems } from '../model/build';
import type { Cluster } from '../model/cluster';
import { type Addressing, computeAddressing } from '../network/addressing';
import { compilePolicies } from '../policy/compile';
import type { PolicySet } from '../policy/rule-model';
import { OutOfTime } from '../common/time-budget';
import { type Endpoint, podEndpoint } from '../policy/endpoint';
import { overFileLimit } from '../common/limits';
import type { ParsedFile } from '../yaml/parse-yaml';
import { sourceRole } from '../yaml/source-role';
import { type Analysis, type AnalysisOptions, partialAnalysis } from './analysis';
import { AtomAnswers } from './classes';
import { AdmissionStore } from './carried-admissions';
import { Engine } from './engine';

/** Counters a test or benchmark reads to see the work done. */
export interface AnalysisCacheStats {
  /** Analyses run. */
  analyses: number;
  /** Files read into objects (the others' objects were kept). */
  filesRead: number;
  /** Analyses that computed addresses and endpoints again (the others kept them). */
  endpointRuns: number;
}

interface PodSide {
  /** What addressing and endpoints read, item by item (see podSideInputs). */
  readonly inputs: readonly unknown[];
  readonly addressing: Addressing;
  readonly endpoints: readonly Endpoint[];
  readonly answers: AtomAnswers;
}

/**
 * Everything computeAddressing and podEndpoint read of a cluster, as a flat list of objects:
 * the same list (item by item) means the same addresses and endpoints. Lists are separated by
 * a marker so that an item moving from one list to the next changes the key.
 */
function podSideInputs(cluster: Cluster, options: AnalysisOptions): unknown[] {
  // AddressingOptions: podNetwork is its one field.
  const out: unknown[] = [options.podNetwork];
  const list = (items: Iterable<unknown>) => {
    out.push(SEPARATOR);
    for (const x of items) out.push(x);
  };
  list(cluster.files.filter((f) => !overFileLimit(f.size) && isFlannelFile(f.path)));
  list([cluster.namespaces, cluster.nodes, cluster.pods]);
  list(cluster.workloads);
  list(cluster.services);
  list(cluster.serviceAccounts);
  list(cluster.configMaps);
  list(cluster.calico.networkSets);
  list(cluster.calico.hostEndpoints);
  return out;
}

const SEPARATOR = Symbol('next list');

function isFlannelFile(path: string): boolean {
  const role = sourceRole(path);
  return role === 'flannel-net-conf' || role === 'flannel-leases';
}

export class AnalysisCache {
  private readonly reads = new WeakMap<ParsedFile, FileObjects>();
  private readonly memo = new ClusterMemo();
  private podSide?: PodSide;
  /** What rules admitted in the analyses before, while the endpoint classes stay the same. */
  readonly admissions = new AdmissionStore();
  readonly stats: AnalysisCacheStats = { analyses: 0, filesRead: 0, endpointRuns: 0 };

  /**
   * The analysis of `files` (in workspace order), as analyzeParsed computes it. `check` runs
   * between stages: it throws to give up (a newer edit arrived); what was kept stays valid.
   */
  analyze(files: readonly ParsedFile[], options: AnalysisOptions = {}, check: () => void = () => undefined): Analysis {
    this.stats.analyses++;
    const { budget } = options;
    const cluster = buildCluster(files, budget, { read: (pf) => this.objectsOf(pf), memo: this.memo });
    check();
    // The stages in analyze()'s order, with its budget checks, so a run the budget stops is the same partial analysis.
    let policies: PolicySet | undefined;
    try {
      budget?.check('addressing');
      const inputs = podSideInputs(cluster, options);
      let side = this.podSide;
      const same = side !== undefined && sameItems(side.inputs, inputs);
      if (!same) this.podSide = undefined; // the old endpoints and answers are of no use any more
      const addressing = same ? side!.addressing : computeAddressing(cluster, options);
      budget?.check('policy compilation');
      policies = compilePolicies(cluster, options);
      check();
      if (!side || !same) {
        this.stats.endpointRuns++;
        const endpoints = cluster.pods.map((p) => {
          budget?.check('endpoints');
          return podEndpoint(p, cluster, addressing);
        });
        side = { inputs, addressing, endpoints, answers: new AtomAnswers(endpoints) };
        this.podSide = side;
        check();
      }
      const engine = new Engine(policies, side.endpoints, budget, side.answers);
      side.answers.keepOnly(policies.atoms);
      const carried = this.admissions.next(side.endpoints, engine);
      return { cluster, addressing: side.addressing, policies, endpoints: side.endpoints, engine, carried };
    } catch (e) {
      if (!(e instanceof OutOfTime)) throw e;
      return partialAnalysis(cluster, options, policies, e.stage);
    }
  }

  private objectsOf(pf: ParsedFile): FileObjects {
    let objects = this.reads.get(pf);
    if (!objects) {
      objects = readFileObjects(pf);
      this.reads.set(pf, objects);
      this.stats.filesRead++;
    }
    return objects;
  }
}
