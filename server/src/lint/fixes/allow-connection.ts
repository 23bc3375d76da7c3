/**
 * The "Allow this connection" fix of dependency-blocked and intent-violated:
 * the smallest rule in the right place. For the side that denies (ingress at
 * the destination, egress at the source, or both), an allow rule goes into a
 * NetworkPolicy that already isolates it when that policy selects exactly the
 * pods concerned (so the rule opens all of them and nothing else), written at
 * its rules' indentation; otherwise a new NetworkPolicy with that one rule is appended to
 * the file of a policy that isolates it. Offered only when Kubernetes
 * NetworkPolicies alone decide the denying side: a Calico or admin policy's
 * decision would not change with one more NetworkPolicy rule.
 */
import type { Fix, TextEdit } from '../../common/finding';
import type { SourceFile } from '../../common/source';
import { memoized } from '../../common/memo';
import { classIndex } from '../../engine/admission';
import type { Analysis } from '../../engine/analysis';
import { membersOf } from '../../engine/describe';
import {
  commonLabels,
  type LeastPrivilegePlan,
  type PeerSpec,
  type PortSpec,
  type RuleSpec,
} from '../../engine/least-privilege';
import type { DirectionVerdict } from '../../engine/verdict';
import type { KubeNetworkPolicy } from '../../model/kubernetes';
import { type CompiledPolicy, type PolicyRef, policyName } from '../../policy/rule-model';
import { appendDocumentEdit, appendRuleEdit, freeName, kubeRuleLines, planDocument } from './policy-text';

export interface ConnectionToAllow {
  /** How an ingress rule names the sources, and an egress rule the destinations (as the intent or dependency says). */
  readonly sourcePeers: readonly PeerSpec[];
  readonly destinationPeers: readonly PeerSpec[];
  /** The pods on each side (indices into analysis.endpoints); outside sources have none. */
  readonly sources: readonly number[];
  readonly destinations: readonly number[];
  readonly ports: readonly PortSpec[] | undefined;
  /** Why, for the new policy's comment: `intent frontend-calls-api`. */
  readonly reason: string;
  /** The verdict of a blocked pair: which sides deny. */
  readonly ingress: DirectionVerdict;
  readonly egress: DirectionVerdict;
}

const isKube = (ref: PolicyRef) => ref.kind === 'NetworkPolicy' && ref.group !== 'projectcalico.org';

/**
 * What the fixes look up in the snapshot, indexed once per analysis: a run offers a fix per blocked
 * dependency or violated intent, and scanning every policy for each grew with fixes x policies.
 */
interface PolicyLookups {
  readonly compiled: ReadonlyMap<PolicyRef, CompiledPolicy>;
  /** NetworkPolicies by namespace and name (several when files repeat one: the file tells). */
  readonly kube: ReadonlyMap<string, readonly KubeNetworkPolicy[]>;
  /** Every NetworkPolicy name, which a new policy's name must not take. */
  readonly names: ReadonlySet<string>;
}

const lookupsCache = new WeakMap<Analysis, PolicyLookups>();

function lookups(a: Analysis): PolicyLookups {
  return memoized(lookupsCache, a, () => {
    const compiled = new Map<PolicyRef, CompiledPolicy>();
    for (const tier of a.policies.tiers)
      for (const p of tier.policies) if (!compiled.has(p.ref)) compiled.set(p.ref, p);
    const kube = new Map<string, KubeNetworkPolicy[]>();
    for (const p of a.cluster.networkPolicies) {
      const key = `${p.meta.namespace}/${p.meta.name}`;
      const list = kube.get(key);
      if (list) list.push(p);
      else kube.set(key, [p]);
    }
    return { compiled, kube, names: new Set(a.cluster.networkPolicies.map((p) => p.meta.name)) };
  });
}

function kubePolicy(a: Analysis, ref: PolicyRef): KubeNetworkPolicy | undefined {
  return lookups(a)
    .kube.get(`${ref.namespace}/${ref.name}`)
    ?.find((p) => p.meta.namespace === ref.namespace && p.meta.span.file === ref.span.file);
}

/** The snapshot's NetworkPolicy names and those this fix gives its new policies. */
class TakenNames {
  private readonly added = new Set<string>();
  constructor(private readonly existing: ReadonlySet<string>) {}
  has(name: string): boolean {
    return this.existing.has(name) || this.added.has(name);
  }
  add(name: string): void {
    this.added.add(name);
  }
}

interface SideEdit {
  readonly edit?: TextEdit;
  /** A new document for the end of `file`. */
  readonly document?: { readonly file: SourceFile; readonly text: string };
  readonly words: string;
}

function side(
  a: Analysis,
  verdict: DirectionVerdict,
  pods: readonly number[],
  peers: readonly PeerSpec[],
  c: ConnectionToAllow,
  taken: TakenNames,
): SideEdit | undefined {
  const direction = verdict.direction;
  const refs = verdict.policies.map((p) => p.ref);
  if (refs.length === 0 || !refs.every(isKube) || pods.length === 0) return undefined;
  const rules: RuleSpec[] = peers.map((peer) => ({ peer, ports: c.ports, reasons: [c.reason] }));
  const mine = new Set(pods);
  // The rule goes into a policy that selects exactly these pods: one that selects fewer would open
  // only some of them, one that selects more would open others too.
  for (const ref of refs) {
    const cp = lookups(a).compiled.get(ref);
    const kube = kubePolicy(a, ref);
    if (!cp || !kube) continue;
    const selected = membersOf(classIndex(a).selectedBy(cp.subject));
    if (selected.length !== mine.size || !selected.every((i) => mine.has(i))) continue;
    const lines = rules.flatMap((r) => kubeRuleLines(r, direction, kube.meta.namespace));
    const edit = appendRuleEdit(kube, direction, lines);
    if (edit) return { edit, words: `an ${direction} rule in ${policyName(ref)}` };
  }
  const first = a.endpoints[pods[0]];
  const namespace = first.namespace ?? 'default';
  const base = (first.pod?.workload?.name ?? first.pod?.name ?? 'pods').slice(0, 30);
  const name = freeName(`${base}-allow-${direction}`, taken);
  taken.add(name);
  const plan: LeastPrivilegePlan = {
    owner: first.id,
    name: base,
    namespace,
    pods,
    subject: commonLabels(a, pods),
    ...(direction === 'ingress' ? { ingress: rules } : { egress: rules }),
  };
  const text = planDocument(plan, 'kubernetes', name, [`# Allows ${c.reason}.`]);
  return {
    document: { file: refs[0].span.file, text },
    words: `a NetworkPolicy ${namespace}/${name} for the ${direction}`,
  };
}

/** The fix, or undefined when no NetworkPolicy rule can allow the connection. */
export function allowConnectionFix(a: Analysis, c: ConnectionToAllow): Fix | undefined {
  const taken = new TakenNames(lookups(a).names);
  const sides: SideEdit[] = [];
  if (!c.ingress.allowed) {
    const s = side(a, c.ingress, c.destinations, c.sourcePeers, c, taken);
    if (!s) return undefined;
    sides.push(s);
  }
  if (!c.egress.allowed) {
    const s = side(a, c.egress, c.sources, c.destinationPeers, c, taken);
    if (!s) return undefined;
    sides.push(s);
  }
  if (sides.length === 0) return undefined;
  const edits: TextEdit[] = sides.flatMap((s) => (s.edit ? [s.edit] : []));
  // New documents for the same file go in one insertion.
  const byFile = new Map<SourceFile, string[]>();
  for (const s of sides)
    if (s.document) byFile.set(s.document.file, [...(byFile.get(s.document.file) ?? []), s.document.text]);
  for (const [file, docs] of byFile) edits.push(appendDocumentEdit(file, docs.join('---\n')));
  return { title: `Allow this connection: add ${sides.map((s) => s.words).join(' and ')}`, edits, preferred: true };
}
