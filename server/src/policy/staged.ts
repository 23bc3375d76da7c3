/**
 * Staged policies (StagedNetworkPolicy, StagedGlobalNetworkPolicy,
 * StagedKubernetesNetworkPolicy) preview a change without enforcing it. By
 * default they are left out of the simulation; with `evaluateStaged` they are
 * applied as their stagedAction says: Set (the default) creates or replaces
 * the enforced policy of the same kind, namespace and name, Delete removes it,
 * Learn and Ignore change nothing.
 */
import type { Span } from '../common/source';
import type { CalicoPolicy, StagedAction } from '../model/calico/calico-resources';
import type { Cluster } from '../model/cluster';
import type { AtomTable } from './atoms';
import type { FindingSink } from '../common/finding-sink';
import { compileCalicoPolicy } from './calico/compile-calico-policy';
import type { PolicyVerdict } from './calico/validate-policy';
import { compileKubePolicy } from './compile-network-policy';
import type { CompiledPolicy } from './rule-model';
import type { ServiceIndex } from './service-index';

/** An enforced policy, by the identity a staged policy would replace or delete. */
export interface Enforced {
  readonly key: string;
  /** Where the policy is named: findings about compiling it go there. */
  readonly span: Span;
  readonly compile: () => CompiledPolicy;
}

interface StagedCandidate extends Enforced {
  readonly what: string;
  /** The kind and name of the enforced policy it stands for. */
  readonly enforcedName: string;
  readonly action: StagedAction;
  readonly span: Span;
  readonly valid: boolean;
}

export function stagedCandidates(
  cluster: Cluster,
  atoms: AtomTable,
  verdicts: ReadonlyMap<CalicoPolicy, PolicyVerdict>,
  services: ServiceIndex,
): StagedCandidate[] {
  const out: StagedCandidate[] = [];
  for (const p of cluster.calico.policies) {
    if (!p.staged) continue;
    const ns = p.global ? '' : (p.meta.namespace ?? 'default');
    const enforcedKind = p.global ? 'GlobalNetworkPolicy' : 'NetworkPolicy';
    const verdict = verdicts.get(p);
    const note = `staged (${p.stagedAction?.value ?? 'Set'}), evaluated as if enforced`;
    out.push({
      key: `${p.global ? 'gnp' : 'cnp'}|${ns}|${p.meta.name}`,
      what: `${p.kind} ${ns ? `${ns}/` : ''}${p.meta.name}`,
      enforcedName: `${enforcedKind} ${ns ? `${ns}/` : ''}${p.meta.name}`,
      action: p.stagedAction?.value ?? 'Set',
      span: p.meta.nameSpan,
      valid: !!verdict?.valid && !verdict.hostOnly,
      compile: () => compileCalicoPolicy(p, atoms, services, [note]),
    });
  }
  for (const s of cluster.calico.stagedKubePolicies) {
    const np = s.policy;
    out.push({
      key: `knp|${np.meta.namespace}|${np.meta.name}`,
      what: `StagedKubernetesNetworkPolicy ${np.meta.namespace}/${np.meta.name}`,
      enforcedName: `NetworkPolicy ${np.meta.namespace}/${np.meta.name}`,
      action: s.stagedAction?.value ?? 'Set',
      span: np.meta.nameSpan,
      valid: np.valid,
      compile: () => {
        const c = compileKubePolicy(np, atoms);
        return {
          ...c,
          ref: { ...c.ref, kind: 'StagedKubernetesNetworkPolicy' },
          notes: [...c.notes, `staged (${s.stagedAction?.value ?? 'Set'}), evaluated as if enforced`],
        };
      },
    });
  }
  return out;
}

/** The enforced policies after the staged ones are applied (when `evaluate`), with a finding per staged policy. */
export function applyStaged(
  enforced: readonly Enforced[],
  staged: readonly StagedCandidate[],
  evaluate: boolean,
  out: FindingSink,
): Enforced[] {
  // The policies in order, a removed one left as a hole, and where each key's live ones are: a
  // staged policy replaces or removes by key without a pass over every enforced policy.
  const result: (Enforced | undefined)[] = [...enforced];
  const byKey = new Map<string, number[]>();
  result.forEach((e, i) => {
    const at = byKey.get(e!.key);
    if (at) at.push(i);
    else byKey.set(e!.key, [i]);
  });
  const remove = (key: string) => {
    for (const i of byKey.get(key) ?? []) result[i] = undefined;
    byKey.delete(key);
  };
  for (const s of staged) {
    if (!evaluate) {
      out.report(
        'staged-policy',
        'info',
        `${s.what} is staged: Calico previews it but does not enforce it, so the ` +
          `simulation leaves it out. Evaluate it as if enforced with \`--staged\` or the ` +
          `netpolStudio.evaluateStagedPolicies setting.`,
        s.span,
      );
      continue;
    }
    if (!s.valid) continue;
    const existing = byKey.has(s.key);
    let effect: string;
    if (s.action === 'Set') {
      remove(s.key);
      byKey.set(s.key, [result.length]);
      result.push(s);
      effect = existing ? `it replaces ${s.enforcedName}` : `it adds ${s.enforcedName}`;
    } else if (s.action === 'Delete') {
      remove(s.key);
      effect = existing ? `it removes ${s.enforcedName}` : `there is no ${s.enforcedName} to remove`;
    } else {
      effect = `stagedAction ${s.action} changes no enforced policy`;
    }
    out.report(
      'staged-policy',
      'info',
      `${s.what} is evaluated as if enforced (stagedAction ${s.action}): ${effect}.`,
      s.span,
    );
  }
  return result.filter((e): e is Enforced => e !== undefined);
}
