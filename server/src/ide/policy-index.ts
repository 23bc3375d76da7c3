/** Compiled policies by where they are written (their name's span), and their model objects. */
import type { Span } from '../common/source';
import type { Analysis } from '../engine/analysis';
import type { CalicoPolicy } from '../model/calico/calico-resources';
import type { KubeNetworkPolicy } from '../model/kubernetes';
import type { CompiledPolicy, CompiledTier } from '../policy/rule-model';
import { memoized } from '../common/memo';

const key = (s: Span) => `${s.file.uri ?? s.file.path}#${s.start}`;

interface Index {
  readonly compiled: Map<string, { policy: CompiledPolicy; tier: CompiledTier }>;
}

const cache = new WeakMap<Analysis, Index>();

function index(a: Analysis): Index {
  return memoized(cache, a, () => {
    const compiled = new Map<string, { policy: CompiledPolicy; tier: CompiledTier }>();
    for (const tier of a.policies.tiers)
      for (const policy of tier.policies) compiled.set(key(policy.ref.span), { policy, tier });
    return { compiled };
  });
}

/** The compiled (simulated) policy whose name is written at `nameSpan`; undefined when it is left out. */
export function findCompiledPolicy(a: Analysis, nameSpan: Span): CompiledPolicy | undefined {
  return index(a).compiled.get(key(nameSpan))?.policy;
}

/** Every policy object the workspace declares (simulated or not), Kubernetes and Calico. */
export type PolicyObject =
  | { readonly type: 'kube'; readonly policy: KubeNetworkPolicy; readonly staged: boolean }
  | { readonly type: 'calico'; readonly policy: CalicoPolicy };

export function policyObjects(a: Analysis): PolicyObject[] {
  return [
    ...a.cluster.networkPolicies.map((policy): PolicyObject => ({ type: 'kube', policy, staged: false })),
    ...a.cluster.calico.stagedKubePolicies.map((s): PolicyObject => ({ type: 'kube', policy: s.policy, staged: true })),
    ...a.cluster.calico.policies.map((policy): PolicyObject => ({ type: 'calico', policy })),
  ];
}
