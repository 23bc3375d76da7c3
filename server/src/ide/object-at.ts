/**
 * "What is at this offset?": the model objects and policy parts written
 * around a position of a source file, innermost first (a peer inside a rule
 * inside a policy). Hovers, go to definition and completion start here.
 */
import type { Located, SourceFile, Span } from '../common/source';
import type { Analysis } from '../engine/analysis';
import { evaluateIntents, type IntentResult } from '../engine/intents';
import type { CalicoRule, EntityRule } from '../model/calico/calico-resources';
import type {
  KubeNetworkPolicy,
  KubeObject,
  LabelSelector,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  Service,
  Workload,
} from '../model/kubernetes';
import type { CompiledPolicy, CompiledRule, Direction, SelectorUse } from '../policy/rule-model';
import { netConfKeyAt } from './net-conf-facts';
import { findCompiledPolicy, type PolicyObject, policyObjects } from './policy-index';

interface PolicyPart {
  readonly object: PolicyObject;
  /** Absent when the policy is left out of the simulation (staged, invalid). */
  readonly compiled?: CompiledPolicy;
  readonly span: Span;
}

export type Target =
  | (PolicyPart & { readonly type: 'policy' })
  /** A policy's podSelector / selector: the pods it applies to. */
  | (PolicyPart & { readonly type: 'subject' })
  | (PolicyPart & {
      readonly type: 'rule';
      readonly direction: Direction;
      readonly index: number;
      readonly rule?: CompiledRule;
    })
  /** One peer (`from`/`to` entry) of a Kubernetes rule. */
  | (PolicyPart & {
      readonly type: 'peer';
      readonly direction: Direction;
      readonly rule?: CompiledRule;
      readonly peer: NetworkPolicyPeer;
    })
  /** A Kubernetes namespaceSelector (in a peer), or a Calico one (a string). */
  | (PolicyPart & {
      readonly type: 'namespace-selector';
      readonly selector: LabelSelector | Located<string>;
      readonly direction?: Direction;
      readonly rule?: CompiledRule;
      readonly peer?: NetworkPolicyPeer;
    })
  /** An ipBlock cidr / except entry or a Calico nets entry. */
  | { readonly type: 'cidr'; readonly text: string; readonly span: Span }
  /** A Calico selector string (a policy's selector or a rule side's). */
  | { readonly type: 'calico-selector'; readonly text: string; readonly use?: SelectorUse; readonly span: Span }
  | { readonly type: 'workload'; readonly workload: Workload; readonly span: Span }
  /** A pod template (a workload's spec.template) or a Pod object: its pods. */
  | { readonly type: 'pod-object'; readonly object: KubeObject; readonly span: Span }
  | { readonly type: 'service'; readonly service: Service; readonly span: Span }
  | { readonly type: 'flannel-config'; readonly span: Span }
  /** One intent of a NetworkIntent, evaluated. */
  | { readonly type: 'intent'; readonly result: IntentResult; readonly span: Span }
  /** A key of net-conf.json (or its value), in a file or flannel's ConfigMap. */
  | { readonly type: 'flannel-key'; readonly key: string; readonly span: Span };

const inside = (s: Span | undefined, file: SourceFile, offset: number): s is Span =>
  !!s && s.file === file && s.start <= offset && offset <= s.end;

/** Every target whose span holds `offset`, innermost (shortest) first. */
export function targetsAt(a: Analysis, file: SourceFile, offset: number): Target[] {
  const out: Target[] = [];
  for (const object of policyObjects(a)) {
    const meta = object.policy.meta;
    if (!inside(meta.span, file, offset)) continue;
    const compiled = findCompiledPolicy(a, meta.nameSpan);
    const base = { object, compiled };
    out.push({ ...base, type: 'policy', span: meta.span });
    if (inside(meta.nameSpan, file, offset)) out.push({ ...base, type: 'policy', span: meta.nameSpan });
    if (object.type === 'kube') kubeTargets(object.policy, base, file, offset, out);
    else calicoTargets(a, object.policy, base, file, offset, out);
  }
  for (const w of a.cluster.workloads) {
    if (!inside(w.meta.span, file, offset)) continue;
    out.push({ type: 'workload', workload: w, span: w.meta.span });
    if (inside(w.templateLabelsSpan, file, offset))
      out.push({ type: 'pod-object', object: w, span: w.templateLabelsSpan });
  }
  for (const p of a.cluster.pods) {
    if (p.workload || !inside(p.meta.span, file, offset)) continue;
    out.push({ type: 'pod-object', object: p, span: p.meta.span });
  }
  for (const s of a.cluster.services)
    if (inside(s.meta.span, file, offset)) out.push({ type: 'service', service: s, span: s.meta.span });
  for (const result of evaluateIntents(a))
    if (inside(result.intent.span, file, offset)) out.push({ type: 'intent', result, span: result.intent.span });
  const flannel: Span[] = [];
  for (const c of a.cluster.configMaps)
    for (const v of Object.values(c.data))
      if (inside(v.span, file, offset) && /"Network"/.test(v.value)) flannel.push(v.span);
  if (/net-conf\.json$/.test(file.path) && file.text.length) flannel.push({ file, start: 0, end: file.text.length });
  for (const s of flannel) {
    out.push({ type: 'flannel-config', span: s });
    const key = netConfKeyAt(s, offset);
    if (key) out.push({ type: 'flannel-key', key: key.key, span: key.span });
  }
  return out.sort((x, y) => x.span.end - x.span.start - (y.span.end - y.span.start));
}

type Base = { readonly object: PolicyObject; readonly compiled?: CompiledPolicy };

function kubeTargets(np: KubeNetworkPolicy, base: Base, file: SourceFile, offset: number, out: Target[]): void {
  if (inside(np.podSelector.span, file, offset)) out.push({ ...base, type: 'subject', span: np.podSelector.span });
  const rules: [Direction, readonly NetworkPolicyRule[] | undefined][] = [
    ['ingress', np.ingress],
    ['egress', np.egress],
  ];
  for (const [direction, list] of rules) {
    for (const r of list ?? []) {
      if (!inside(r.span, file, offset)) continue;
      const rule = base.compiled?.[direction]?.find((x) => x.index === r.index);
      out.push({ ...base, type: 'rule', direction, index: r.index, rule, span: r.span });
      for (const peer of r.peers ?? []) {
        if (!inside(peer.span, file, offset)) continue;
        out.push({ ...base, type: 'peer', direction, rule, peer, span: peer.span });
        const nsSel = peer.namespaceSelector;
        if (nsSel && inside(nsSel.span, file, offset))
          out.push({ ...base, type: 'namespace-selector', selector: nsSel, direction, rule, peer, span: nsSel.span });
        const block = peer.ipBlock;
        if (block) {
          for (const c of [block.cidr, ...block.except])
            if (inside(c.span, file, offset)) out.push({ type: 'cidr', text: c.value, span: c.span });
        }
      }
    }
  }
}

function calicoTargets(
  a: Analysis,
  p: import('../model/calico/calico-resources').CalicoPolicy,
  base: Base,
  file: SourceFile,
  offset: number,
  out: Target[],
): void {
  const uses = a.policies.selectorUses.filter(
    (u) => u.policy.span === p.meta.nameSpan || sameSpan(u.policy.span, p.meta.nameSpan),
  );
  const selectorAt = (s: Located<string> | undefined) => {
    if (!s || !inside(s.span, file, offset)) return;
    const use = uses.find((u) => sameSpan(u.written.span, s.span));
    out.push({ type: 'calico-selector', text: s.value, use, span: s.span });
  };
  if (p.selector && inside(p.selector.span, file, offset)) {
    out.push({ ...base, type: 'subject', span: p.selector.span });
    selectorAt(p.selector);
  }
  if (p.namespaceSelector && inside(p.namespaceSelector.span, file, offset)) {
    out.push({ ...base, type: 'namespace-selector', selector: p.namespaceSelector, span: p.namespaceSelector.span });
    selectorAt(p.namespaceSelector);
  }
  selectorAt(p.serviceAccountSelector);
  const rules: [Direction, readonly CalicoRule[] | undefined][] = [
    ['ingress', p.ingress?.items],
    ['egress', p.egress?.items],
  ];
  for (const [direction, list] of rules) {
    for (const r of list ?? []) {
      if (!inside(r.span, file, offset)) continue;
      const rule = base.compiled?.[direction]?.find((x) => x.index === r.index);
      out.push({ ...base, type: 'rule', direction, index: r.index, rule, span: r.span });
      for (const side of [r.source, r.destination] as EntityRule[]) {
        if (!inside(side.span, file, offset)) continue;
        selectorAt(side.selector);
        selectorAt(side.notSelector);
        selectorAt(side.serviceAccounts?.selector);
        if (side.namespaceSelector && inside(side.namespaceSelector.span, file, offset)) {
          out.push({
            ...base,
            type: 'namespace-selector',
            selector: side.namespaceSelector,
            direction,
            rule,
            span: side.namespaceSelector.span,
          });
          selectorAt(side.namespaceSelector);
        }
        for (const n of [...(side.nets?.items ?? []), ...(side.notNets?.items ?? [])])
          if (inside(n.span, file, offset)) out.push({ type: 'cidr', text: n.value, span: n.span });
      }
    }
  }
}

function sameSpan(x: Span, y: Span): boolean {
  return x.file === y.file && x.start === y.start && x.end === y.end;
}
