/**
 * The policy stage's entry point: every policy in the snapshot compiled into
 * one PolicySet (atoms + tiers in evaluation order), with the findings that
 * compiling makes (Calico validation, fields outside the model, staged
 * policies). Add a policy kind by compiling it to CompiledPolicy here; the
 * engine needs no change.
 */
import type { CalicoPolicy } from '../model/calico/calico-resources';
import type { Cluster } from '../model/cluster';
import { compileAdminPolicy } from './compile-admin-policy';
import { AtomTable } from './atoms';
import { FindingSink } from '../common/finding-sink';
import { reportFailure } from '../common/failure';
import type { Span } from '../common/source';
import { compileCalicoPolicy } from './calico/compile-calico-policy';
import { calicoSelectorUses } from './calico/selector-uses';
import { sharingParses } from './calico/selector-parses';
import { applyStaged, type Enforced, stagedCandidates } from './staged';
import { tierDefinitions } from './calico/calico-tiers';
import { type PolicyVerdict, reportHostEndpoints, validateNetworkSet, validatePolicy } from './calico/validate-policy';
import { compileKubePolicy } from './compile-network-policy';
import { ServiceIndex } from './service-index';
import type { CompiledPolicy, CompiledTier, PolicySet } from './rule-model';

export interface PolicyOptions {
  /** Evaluate staged policies as if they were enforced ("what if I enforce this?"). */
  readonly evaluateStaged?: boolean;
}

export function compilePolicies(cluster: Cluster, options: PolicyOptions = {}): PolicySet {
  return sharingParses(() => compile(cluster, options));
}

function compile(cluster: Cluster, options: PolicyOptions): PolicySet {
  const atoms = new AtomTable();
  const out = new FindingSink();
  const tierDefs = tierDefinitions(cluster.calico.tiers, out);
  for (const s of cluster.calico.networkSets) validateNetworkSet(s, out);
  reportHostEndpoints(cluster, out);
  const services = new ServiceIndex(cluster.services);

  const enforced: Enforced[] = [];
  for (const np of cluster.networkPolicies)
    if (np.valid)
      enforced.push({
        key: `knp|${np.meta.namespace}|${np.meta.name}`,
        span: np.meta.nameSpan,
        compile: () => compileKubePolicy(np, atoms),
      });
  const verdicts = new Map<CalicoPolicy, PolicyVerdict>();
  for (const p of cluster.calico.policies) {
    const verdict = guarded(out, p.meta.nameSpan, 'validating this policy', () =>
      validatePolicy(p, tierDefs, services, cluster.namespaces, out),
    );
    if (!verdict) continue;
    verdicts.set(p, verdict);
    if (p.staged || !verdict.valid || verdict.hostOnly) continue;
    enforced.push({
      key: `${p.global ? 'gnp' : 'cnp'}|${p.global ? '' : p.meta.namespace}|${p.meta.name}`,
      span: p.meta.nameSpan,
      compile: () => compileCalicoPolicy(p, atoms, services),
    });
  }
  const chosen = applyStaged(
    enforced,
    stagedCandidates(cluster, atoms, verdicts, services),
    options.evaluateStaged === true,
    out,
  );

  const policies: CompiledPolicy[] = [];
  for (const e of chosen) {
    const compiled = guarded(out, e.span, 'compiling this policy', e.compile);
    if (compiled) policies.push(compiled);
  }
  for (const ap of cluster.adminPolicies) {
    if (!ap.valid) continue;
    const compiled = guarded(out, ap.meta.nameSpan, 'compiling this policy', () => compileAdminPolicy(ap, atoms, out));
    if (compiled) policies.push(compiled);
  }

  const compiledSpans = new Set(policies.map((p) => p.ref.span));
  const selectorUses = cluster.calico.policies
    .filter((p) => p.readValid)
    .flatMap(
      (p) =>
        guarded(out, p.meta.nameSpan, 'reading the selectors of this policy', () =>
          calicoSelectorUses(p, atoms, compiledSpans.has(p.meta.nameSpan)),
        ) ?? [],
    );

  const tiers: CompiledTier[] = [...tierDefs.values()]
    .map((t) => ({ ...t, policies: policies.filter((p) => p.tier === t.name).sort(comparePolicies) }))
    .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { atoms: atoms.atoms, tiers, selectorUses, findings: out.findings };
}

/** `work()`, or undefined with an analysis-failed finding at `at` when it throws: one policy never stops the others. */
function guarded<T>(out: FindingSink, at: Span, doing: string, work: () => T): T | undefined {
  try {
    return work();
  } catch (e) {
    reportFailure(out, doing, e, at);
    return undefined;
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Lower order first; no order (Infinity) last; ties by name (then namespace and kind, for a stable order). */
export function comparePolicies(a: CompiledPolicy, b: CompiledPolicy): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return (
    cmp(a.sortName, b.sortName) || cmp(a.ref.namespace ?? '', b.ref.namespace ?? '') || cmp(a.ref.kind, b.ref.kind)
  );
}
