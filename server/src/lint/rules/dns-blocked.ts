/**
 * dns-blocked: egress isolation that denies UDP or TCP 53 to the cluster's DNS
 * pods (engine/cluster-dns.ts), the most common way a default-deny breaks a
 * namespace. Reported once per egress-isolating policy, at its name, with a fix
 * for Kubernetes NetworkPolicies: the DNS egress rule (UDP and TCP 53 to
 * kube-system's DNS pods).
 */
import type { TextEdit } from '../../common/finding';
import { type Span, span } from '../../common/source';
import type { IpFamily } from '../../common/ip';
import { type ClusterDns, clusterDns } from '../../engine/cluster-dns';
import type { EndpointClass } from '../../engine/classes';
import { decidingStep } from '../../engine/connections';
import { decide, type Packet } from '../../engine/evaluate';
import { sideAtoms } from '../../engine/peer-groups';
import { describePods } from '../../engine/describe';
import { externalClasses } from '../../engine/address-classes';
import type { Analysis } from '../../engine/analysis';
import type { Verdict } from '../../engine/verdict';
import type { AtomValue } from '../../policy/atoms';
import { commonFamily, connectionFamily, type Endpoint } from '../../policy/endpoint';
import type { KubeNetworkPolicy, Protocol } from '../../model/kubernetes';
import { type PolicyRef, policyName } from '../../policy/rule-model';
import { columnOf } from '../edits';
import { dnsEgressRule } from '../fixes/dns-rule';
import type { LintRule } from '../lint-rule';
import { AnswerRow } from '../../engine/answer-row';

function lineIndent(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^ */.exec(text.slice(start))![0].length;
}

/** The edit that adds the DNS egress rule to a NetworkPolicy, keeping its indentation; undefined when its layout is unusual. */
function dnsRuleEdit(a: Analysis, p: KubeNetworkPolicy): TextEdit | undefined {
  const file = p.meta.span.file;
  const rule = dnsEgressRule(a, p.meta.namespace ?? 'default');
  const text = file.text;
  const rules = p.egress ?? [];
  if (rules.length) {
    const last = rules[rules.length - 1];
    const col = columnOf(last.span);
    const before = text.slice(last.span.start - col, last.span.start);
    if (!/^\s*-\s+$/.test(before)) return undefined;
    const dash = ' '.repeat(before.indexOf('-'));
    return {
      span: span(file, last.span.end, last.span.end),
      newText: `\n${rule.map((l) => dash + l).join('\n')}`,
    };
  }
  if (p.egressSpan) {
    // `egress: []`: the value becomes the rule.
    const after = text.slice(p.egressSpan.end);
    const m = /^:\s*\[\s*\]/.exec(after);
    if (!m) return undefined;
    const indent = ' '.repeat(columnOf(p.egressSpan));
    return {
      span: span(file, p.egressSpan.end, p.egressSpan.end + m[0].length),
      newText: `:\n${rule.map((l) => indent + l).join('\n')}`,
    };
  }
  if (!p.policyTypes) return undefined;
  // No `egress` key: add one after policyTypes, at its indentation.
  const indent = ' '.repeat(lineIndent(text, p.policyTypes.span.start));
  const keyLine = text.slice(text.lastIndexOf('\n', p.policyTypes.span.start - 1) + 1, p.policyTypes.span.start);
  if (!/^\s*policyTypes:\s*$/.test(keyLine) && !/^\s*$/.test(keyLine.replace(/-\s*$/, ''))) {
    if (!/policyTypes:/.test(keyLine)) return undefined;
  }
  const end = p.policyTypes.span.end;
  return {
    span: span(file, end, end),
    newText: `\n${indent}egress:\n${rule.map((l) => indent + l).join('\n')}`,
  };
}

/**
 * Where to report: the policy whose rule denied DNS, or, when a tier ended without a
 * matching rule, that tier's policies, a Kubernetes NetworkPolicy first (the fix can
 * add the DNS rule to it); not a policy of an earlier tier that passed the traffic on.
 */
function decidingPolicy(v: Verdict): PolicyRef | undefined {
  const steps = v.egress.steps;
  const last = steps[steps.length - 1];
  if (last?.policy) return last.policy;
  const inTier = last ? v.egress.policies.filter((p) => p.tier === last.tier) : [];
  const candidates = inTier.length ? inTier : v.egress.policies;
  return (
    candidates.find((p) => p.ref.kind === 'NetworkPolicy' && p.ref.group !== 'projectcalico.org') ?? candidates[0]
  )?.ref;
}

interface PolicyFinding {
  readonly pods: number[];
  readonly protocols: Set<Protocol>;
  readonly text: string;
  readonly related: readonly { readonly span: Span; readonly message: string }[];
}

/**
 * Whether a pod class's egress lets it reach the cluster's DNS on port 53: the engine's
 * egressAllowed for the workspace's DNS pods; the assumed DNS pod and the outside addresses are
 * no endpoints of the snapshot, so the class's egress policies are asked directly, with their
 * answers read only for the atoms egress rules read of a destination (found once).
 */
export class DnsReach {
  private assumedValues?: AnswerRow;

  constructor(
    private readonly a: Analysis,
    private readonly dns: ClusterDns,
  ) {}

  /** Whether the egress of `cls` allows (protocol, 53) to destination values `dst` in `family`. */
  private egress(cls: EndpointClass, family: IpFamily | undefined, dst: AnswerRow, protocol: Protocol) {
    if (family === undefined) return false;
    const packet: Packet = { protocol, port: 53, family, src: cls.values, dst };
    return decide(this.a.policies, this.a.engine.applicable(cls.id, 'egress'), 'egress', packet);
  }

  /** Whether the class's first member `s` reaches one of the DNS pods other than itself. */
  reachesDns(cls: EndpointClass, s: Endpoint, protocol: Protocol): boolean {
    const { dns } = this;
    if (dns.assumed) {
      const t = dns.endpoints[0];
      this.assumedValues ??= egressDestinationValues(this.a, t);
      return t.id !== s.id && this.egress(cls, connectionFamily(s, t), this.assumedValues, protocol);
    }
    return dns.indices.some(
      (t) => this.a.endpoints[t].id !== s.id && this.a.engine.egressAllowed(s, this.a.endpoints[t], protocol, 53),
    );
  }

  /**
   * Whether the class's first member reaches anything on (protocol, 53): the first member of
   * another pod class, or an outside address class. Pod classes answering the atoms its egress
   * rules read of a destination alike (and of the same families) are decided once per group.
   */
  reachesAnything(cls: EndpointClass, protocol: Protocol): boolean {
    const atoms = new Set<number>();
    for (const t of this.a.engine.applicable(cls.id, 'egress').tiers)
      for (const p of t.policies) for (const r of p.egress!) sideAtoms(r.condition, 'destination', atoms);
    for (const group of this.a.engine.peerGroups.groups([...atoms])) {
      const peer = group.representative;
      if (!this.egress(cls, commonFamily(cls.families, peer.families), peer.values, protocol)) continue;
      // A class other than its own: the first member of its own class is the pod asking.
      if (peer.id !== cls.id || group.classes().length > 1) return true;
    }
    return externalClasses(this.a).some((x) =>
      this.egress(cls, cls.families.includes(x.family) ? x.family : undefined, x.values, protocol),
    );
  }
}

/**
 * An endpoint's atom answers as an egress decision reads them of a destination: the atoms that
 * egress rules read on the destination side are evaluated (the others are never read there).
 */
function egressDestinationValues(a: Analysis, ep: Endpoint): AnswerRow {
  const atoms = new Set<number>();
  for (const tier of a.policies.tiers)
    for (const p of tier.policies) for (const r of p.egress ?? []) sideAtoms(r.condition, 'destination', atoms);
  const values: AtomValue[] = new Array(a.policies.atoms.length).fill(false);
  for (const id of atoms) values[id] = a.policies.atoms[id].evaluate(ep);
  return AnswerRow.of(values);
}

export const dnsBlocked: LintRule = {
  id: 'dns-blocked',
  check({ analysis: a, checkpoint }, sink) {
    const dns = clusterDns(a);
    // Without DNS pods in the workspace, the cluster's resolver may be anywhere (a
    // node-local cache, an outside address): only a pod that reaches no destination at
    // all on port 53 certainly cannot resolve names.
    const reach = new DnsReach(a, dns);
    const byPolicy = new Map<string, PolicyFinding & { ref: PolicyRef }>();
    for (const cls of a.engine.classes) {
      checkpoint();
      if (cls.kind !== 'pod') continue;
      const s = a.endpoints[cls.members[0]];
      const denied: Protocol[] = [];
      let first: Verdict | undefined;
      let firstTarget = '';
      for (const protocol of ['UDP', 'TCP'] as const) {
        // Decided without traces, stopping at the first allowed destination; only the first
        // denied pair is explained, for the message.
        if (!dns.endpoints.some((t) => t.id !== s.id) || reach.reachesDns(cls, s, protocol)) continue;
        if (dns.assumed && reach.reachesAnything(cls, protocol)) continue;
        denied.push(protocol);
        if (!first) {
          const target = dns.endpoints.find((t) => t.id !== s.id)!;
          first = a.engine.explainEndpoints(s, target, protocol, 53);
          firstTarget = target.id;
        }
      }
      if (!first || denied.length === 0) continue;
      const ref = decidingPolicy(first);
      if (!ref) continue;
      const key = `${policyName(ref)}|${ref.span.file.uri ?? ''}|${ref.span.start}`;
      const entry = byPolicy.get(key) ?? {
        ref,
        pods: [],
        protocols: new Set(),
        ...decidingStep(a, first, s.id, firstTarget),
      };
      entry.pods.push(...cls.members);
      for (const p of denied) entry.protocols.add(p);
      byPolicy.set(key, entry);
    }
    for (const e of byPolicy.values()) {
      const ref = e.ref;
      const pods = describePods(
        a,
        e.pods.sort((x, y) => x - y),
      );
      const protocols = [...e.protocols].sort().reverse().join(' and ');
      const kube =
        ref.kind === 'NetworkPolicy' && ref.group !== 'projectcalico.org'
          ? a.cluster.networkPolicies.find((p) => p.meta.name === ref.name && p.meta.namespace === ref.namespace)
          : undefined;
      const edit = kube && dnsRuleEdit(a, kube);
      const target = dns.assumed
        ? `any destination (the workspace has no DNS pods in kube-system; checked against a standard CoreDNS pod, k8s-app=kube-dns, and every other address)`
        : `kube-system's DNS pods (${describePods(a, dns.indices)})`;
      sink.report(
        'dns-blocked',
        'warning',
        `${policyName(ref)} isolates the egress of ${pods} and denies DNS: ${protocols} 53 to ${target}. Name lookups will fail. First: ${e.text}.`,
        ref.span,
        {
          related: [...e.related],
          fixes: edit
            ? [{ title: 'Allow DNS: UDP and TCP 53 to kube-system’s DNS pods', edits: [edit], preferred: true }]
            : undefined,
        },
      );
    }
  },
};
