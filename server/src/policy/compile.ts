/**
 * The policy stage's entry point: every policy in the snapshot compiled into
 * one PolicySet (atoms + tiers in evaluation order). Add a policy kind by
 * compiling it to CompiledPolicy here; the engine needs no change.
 */
import { Cluster } from '../model/types';
import { AtomTable } from './atoms';
import { compileKubePolicy } from './kube';
import { CompiledPolicy, CompiledTier, DEFAULT_TIER, PolicySet } from './rules';

export function compilePolicies(cluster: Cluster): PolicySet {
  const atoms = new AtomTable();
  const policies: CompiledPolicy[] = [];
  for (const np of cluster.networkPolicies) if (np.valid) policies.push(compileKubePolicy(np, atoms));

  const tierDefs = [{ ...DEFAULT_TIER }];
  const tiers: CompiledTier[] = tierDefs
    .map((t) => ({ ...t, policies: policies.filter((p) => p.tier === t.name).sort(comparePolicies) }))
    .sort((a, b) => a.order - b.order || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { atoms: atoms.atoms, tiers };
}

/** Lower order first; no order (Infinity) last; ties by name. */
export function comparePolicies(a: CompiledPolicy, b: CompiledPolicy): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0;
}
