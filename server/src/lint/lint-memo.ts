/**
 * What the lint rules of `scope: 'policy'` (lint-rule.ts) found in the last complete run, file by
 * file, and what those findings depended on, so that the next run (the language server's, after
 * an edit) checks only the policies of the files the edit changed and keeps the other files'
 * findings. Its findings always equal a run from scratch (test/engine/analysis-cache.test.ts
 * compares them after random sequences of edits). Nothing is reused unless, compared with the
 * last run:
 *
 * - the project's configuration and the caller's inputs (the analysis options) are the same
 *   objects;
 * - every object that is not a policy (pods, workloads, namespaces, Services, intents, tiers,
 *   network sets…) is the same object, read from the same parse, and so are the namespaces, the
 *   endpoints and the addresses (engine/analysis-cache.ts keeps them while nothing they read
 *   changed);
 * - the outside world is cut into the same address classes (every policy's CIDRs cut it);
 * - and, for a file, its policies are the same objects and compile to the same policies in the
 *   same tiers (a staged policy elsewhere may replace one, a duplicate elsewhere may hide one).
 *
 * A file whose text changed is read again into new objects, so its findings are always found
 * again. A run given up (a newer edit) changes nothing here; of a run the time budget cut short,
 * the rules that finished are remembered.
 */
import type { Finding } from '../common/finding';
import type { RuleId } from '../common/rule-registry';
import type { SourceFile, Span } from '../common/source';
import { externalClasses } from '../engine/address-classes';
import type { Analysis } from '../engine/analysis';
import type { CompiledPolicy } from '../policy/rule-model';
import type { ProjectConfig } from './project-config';

/** Counters a test or benchmark reads to see the work done. */
export interface LintMemoStats {
  /** Runs that reused findings of unchanged files. */
  incrementalRuns: number;
  /** Runs of every rule over every policy. */
  fullRuns: number;
  /** Policies checked by the policy-scoped rules in the last run (all of them on a full run). */
  policiesChecked: number;
}

/** What the scoped findings of one run depended on. */
export interface LintInputs {
  /** Everything but the policies, item by item. */
  readonly shared: readonly unknown[];
  /** Each file's policies, as written and as compiled, item by item. */
  readonly files: ReadonlyMap<SourceFile, readonly unknown[]>;
}

/** What one run may reuse: the files whose findings are kept, or undefined when every rule runs in full. */
export interface LintPlan {
  readonly inputs: LintInputs;
  /** Files whose scoped findings are kept from the last run; the others' are found again. */
  readonly kept?: ReadonlySet<SourceFile>;
}

export class LintMemo {
  private inputs?: LintInputs;
  private found = new Map<RuleId, ReadonlyMap<SourceFile, readonly Finding[]>>();
  readonly stats: LintMemoStats = { incrementalRuns: 0, fullRuns: 0, policiesChecked: 0 };

  /** What a run over `analysis` may reuse (nothing for an analysis the time budget cut short). */
  plan(analysis: Analysis, config: ProjectConfig | undefined, extra: readonly unknown[]): LintPlan | undefined {
    if (analysis.stoppedIn !== undefined) return undefined;
    const inputs = lintInputs(analysis, config, extra);
    const last = this.inputs;
    if (!last || !sameItems(last.shared, inputs.shared)) return { inputs };
    const kept = new Set<SourceFile>();
    for (const [file, items] of inputs.files) {
      const before = last.files.get(file);
      if (before && sameItems(before, items)) kept.add(file);
    }
    return { inputs, kept };
  }

  /** The findings of `rule` in the last run in the files `kept`, or undefined when it has none stored. */
  keptFindings(rule: RuleId, kept: ReadonlySet<SourceFile>): Finding[] | undefined {
    const byFile = this.found.get(rule);
    if (!byFile) return undefined;
    const out: Finding[] = [];
    for (const [file, findings] of byFile) if (kept.has(file)) out.push(...findings);
    return out;
  }

  /** Stores a complete run: its inputs and each scoped rule's findings (rules missing from `found` are not reused). */
  remember(plan: LintPlan, found: ReadonlyMap<RuleId, readonly Finding[]>, policiesChecked: number): void {
    this.inputs = plan.inputs;
    this.found = new Map([...found].map(([rule, findings]) => [rule, byFile(findings)]));
    if (plan.kept) this.stats.incrementalRuns++;
    else this.stats.fullRuns++;
    this.stats.policiesChecked = policiesChecked;
  }

  /** Forgets everything (the next run is a full one). */
  clear(): void {
    this.inputs = undefined;
    this.found = new Map();
  }
}

function byFile(findings: readonly Finding[]): Map<SourceFile, Finding[]> {
  const out = new Map<SourceFile, Finding[]>();
  for (const f of findings) {
    const list = out.get(f.span.file);
    if (list) list.push(f);
    else out.set(f.span.file, [f]);
  }
  return out;
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Marks where one list ends in a flat list of inputs, so that an item moving to the next list changes the key. */
const NEXT = Symbol('next list');

/** The policy objects of a cluster, as written (their metadata identifies them). */
function policyMetas(a: Analysis): { readonly meta: { readonly span: Span } }[] {
  const c = a.cluster;
  return [
    ...c.networkPolicies,
    ...c.calico.policies,
    ...c.calico.stagedKubePolicies.map((s) => s.policy),
    ...c.adminPolicies,
  ];
}

/** A compiled policy as the scoped rules see it (its objects are new after every compile). */
function compiledKey(tier: string, p: CompiledPolicy): string {
  const r = p.ref;
  return [tier, p.tier, p.order, p.sortName, r.kind, r.group, r.namespace, r.name, r.span.start, r.span.end].join(
    '\u0000',
  );
}

const fileIds = new WeakMap<SourceFile, number>();
let nextFileId = 0;

/** A span's file (the object, not its path) and start, as a string. */
function spanKey(span: { readonly file: SourceFile; readonly start: number }): string {
  let id = fileIds.get(span.file);
  if (id === undefined) {
    id = nextFileId++;
    fileIds.set(span.file, id);
  }
  return `${id}:${span.start}`;
}

export function lintInputs(a: Analysis, config: ProjectConfig | undefined, extra: readonly unknown[]): LintInputs {
  const c = a.cluster;
  // The policies among `objects` (whose metadata are other objects than the policies' own), by where they are.
  const policyAt = new Set(policyMetas(a).map((p) => spanKey(p.meta.span)));
  const shared: unknown[] = [config, ...extra, NEXT, a.endpoints, a.addressing, c.namespaces, NEXT];
  for (const o of c.objects) if (!policyAt.has(spanKey(o.meta.span))) shared.push(o.meta);
  shared.push(NEXT);
  // Objects that may not be in `objects` (a tier or network set without metadata, say) count too.
  for (const list of [c.nodes, c.workloads, c.services, c.serviceAccounts, c.configMaps, c.ingresses, c.intents]) {
    for (const x of list) shared.push(x);
    shared.push(NEXT);
  }
  for (const list of [c.calico.tiers, c.calico.networkSets, c.calico.hostEndpoints]) {
    for (const x of list) shared.push(x);
    shared.push(NEXT);
  }
  // Another policy's CIDRs cut the outside world into other address classes, which messages name.
  for (const x of externalClasses(a))
    shared.push(
      `${x.family} ${x.endpoint.id} ${[...x.tags].sort().join(',')} ${x.ranges.map((r) => `${r.first}-${r.last}`).join(',')}`,
    );
  const files = new Map<SourceFile, unknown[]>();
  const itemsOf = (file: SourceFile) => {
    let items = files.get(file);
    if (!items) {
      items = [];
      files.set(file, items);
    }
    return items;
  };
  for (const file of c.files) itemsOf(file);
  for (const p of policyMetas(a)) itemsOf(p.meta.span.file).push(p.meta);
  for (const file of files.keys()) itemsOf(file).push(NEXT);
  for (const tier of a.policies.tiers)
    for (const p of tier.policies) itemsOf(p.ref.span.file).push(compiledKey(tier.name, p));
  return { shared, files };
}
