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

function compiled(a: Analysis, ref: PolicyRef): CompiledPolicy | undefined {
  for (const tier of a.policies.tiers) for (const p of tier.policies) if (p.ref === ref) return p;
  return undefined;
}

function kubePolicy(a: Analysis, ref: PolicyRef): KubeNetworkPolicy | undefined {
  return a.cluster.networkPolicies.find(
    (p) => p.meta.name === ref.name && p.meta.namespace === ref.namespace && p.meta.span.file === ref.span.file,
  );
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
  taken: Set<string>,
): SideEdit | undefined {
  const direction = verdict.direction;
  const refs = verdict.policies.map((p) => p.ref);
  if (refs.length === 0 || !refs.every(isKube) || pods.length === 0) return undefined;
  const rules: RuleSpec[] = peers.map((peer) => ({ peer, ports: c.ports, reasons: [c.reason] }));
  const mine = new Set(pods);
  // The rule goes into a policy that selects exactly these pods: one that selects fewer would open
  // only some of them, one that selects more would open others too.
  for (const ref of refs) {
    const cp = compiled(a, ref);
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
  const taken = new Set(a.cluster.networkPolicies.map((p) => p.meta.name));
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
