/**
 * ClusterNetworkPolicy (and AdminNetworkPolicy / BaselineAdminNetworkPolicy)
 * -> the tiered rule model, as Calico converts them
 * (libcalico-go/lib/backend/k8s/conversion/clusternetworkpolicy.go): tier Admin
 * in `kube-admin`, Baseline in `kube-baseline`, priority as order (a
 * BaselineAdminNetworkPolicy at order 1000), Accept/Allow -> Allow, Deny, Pass.
 * A direction applies only when it has rules (no implicit isolation). A rule
 * with a peer Calico cannot convert (nodes, domainNames) fails closed: an
 * Allow rule is dropped, a Deny or Pass rule becomes "deny everything".
 */
import { type Cidr, isCidr, parseCidr } from '../common/ip';
import type { AdminPeer, AdminPodSet, AdminPolicy, AdminPort, AdminRule } from '../model/adminpolicy/admin-policy';
import type { AtomTable } from './atoms';
import type { FindingSink } from '../common/finding-sink';
import { formatLabelSelector, KubeLabelMatcher, MATCH_ALL } from './label-matcher';
import {
  type CompiledPolicy,
  type CompiledRule,
  type Condition,
  type Direction,
  KUBE_ADMIN_TIER,
  KUBE_BASELINE_TIER,
  type Side,
} from './rule-model';

const BASELINE_ADMIN_ORDER = 1000;

function podSetCondition(set: AdminPodSet, side: Side, atoms: AtomTable): Condition {
  const ns = new KubeLabelMatcher(set.namespaceSelector);
  const pods = set.podSelector ? new KubeLabelMatcher(set.podSelector) : MATCH_ALL;
  return { type: 'endpoint', side, atom: atoms.endpoints({ namespaceSelector: ns }, pods).id, negate: false };
}

function peerCondition(peer: AdminPeer, side: Side, atoms: AtomTable): Condition {
  if (peer.pods) return podSetCondition(peer.pods, side, atoms);
  const cidrs = (peer.networks ?? []).map((n) => parseCidr(n.value)).filter(isCidr) as Cidr[];
  return { type: 'nets', side, atom: atoms.nets(cidrs).id, negate: false };
}

function portCondition(p: AdminPort, atoms: AtomTable): Condition {
  if (p.named)
    return { type: 'ports', side: 'destination', ranges: [], named: [atoms.namedPort(p.named).id], negate: false };
  const proto: Condition = { type: 'protocol', protocols: [p.protocol!], negate: false };
  if (p.from === undefined) return proto;
  return {
    type: 'all',
    of: [proto, { type: 'ports', side: 'destination', ranges: [[p.from, p.to!]], named: [], negate: false }],
  };
}

function describePodSet(s: AdminPodSet): string {
  const ns = formatLabelSelector(s.namespaceSelector);
  const pods = s.podSelector ? formatLabelSelector(s.podSelector) : undefined;
  return `${pods === undefined ? 'pods' : `pods {${pods}}`} in namespaces {${ns}}`;
}

function describePeer(p: AdminPeer): string {
  if (p.pods) return describePodSet(p.pods);
  if (p.networks) return `networks ${p.networks.map((n) => n.value).join(', ')}`;
  return p.unsupported?.value ?? 'nothing';
}

function describePort(p: AdminPort): string {
  if (p.named) return `named port ${p.named}`;
  return p.from === undefined ? `${p.protocol}` : `${p.protocol}/${p.from}${p.to !== p.from ? `-${p.to}` : ''}`;
}

function compileRule(
  r: AdminRule,
  direction: Direction,
  atoms: AtomTable,
  kind: string,
  out: FindingSink,
): CompiledRule | undefined {
  const action = r.action!.value;
  const side: Side = direction === 'ingress' ? 'source' : 'destination';
  const label = `${r.name ? `rule "${r.name}"` : `${direction} rule ${r.index + 1}`}`;
  const unsupported = r.peers.find((p) => p.unsupported);
  if (unsupported) {
    const effect =
      action === 'Allow'
        ? 'so Calico drops this Allow rule'
        : `so Calico replaces this ${action} rule with one that denies all ${direction} traffic`;
    out.report(
      'field-not-simulated',
      'warning',
      `${kind} ${label}: Calico cannot convert a ${unsupported.unsupported!.value} ` +
        `peer and fails closed, ${effect}; the simulation does the same.`,
      unsupported.unsupported!.span,
    );
    if (action === 'Allow') return undefined;
    return {
      index: r.index,
      direction,
      action: 'Deny',
      condition: { type: 'all', of: [] },
      span: r.span,
      summary: `fail-closed replacement of ${label} (unsupported ${unsupported.unsupported!.value} peer): deny all`,
    };
  }
  const parts: Condition[] = [{ type: 'any', of: r.peers.map((p) => peerCondition(p, side, atoms)) }];
  if (r.ports) parts.push({ type: 'any', of: r.ports.map((p) => portCondition(p, atoms)) });
  const summary = `${r.name ? `"${r.name}": ` : ''}${direction === 'ingress' ? 'from' : 'to'} ${r.peers.map(describePeer).join(' or ')}${r.ports ? ` on ${r.ports.map(describePort).join(', ')}` : ''}`;
  return { index: r.index, direction, action, condition: { type: 'all', of: parts }, span: r.span, summary };
}

export function compileAdminPolicy(p: AdminPolicy, atoms: AtomTable, out: FindingSink): CompiledPolicy | undefined {
  if (!p.subject) return undefined;
  const subject = podSetCondition(p.subject, 'destination', atoms) as { atom: number };
  const rules = (list: readonly AdminRule[] | undefined, d: Direction) => {
    const compiled = (list ?? [])
      .map((r) => compileRule(r, d, atoms, `${p.kind} ${p.meta.name}`, out))
      .filter((r): r is CompiledRule => !!r);
    return compiled.length ? compiled : undefined;
  };
  const order = p.kind === 'BaselineAdminNetworkPolicy' ? BASELINE_ADMIN_ORDER : (p.priority?.value ?? 0);
  const notes = [
    `${p.kind} has no implicit isolation: it applies only in directions it has rules ` +
      `for, and traffic no rule matches passes on to the next tier.`,
  ];
  if (p.kind === 'BaselineAdminNetworkPolicy')
    notes.push(`A BaselineAdminNetworkPolicy is placed in tier kube-baseline at order ${BASELINE_ADMIN_ORDER}.`);
  return {
    ref: { kind: p.kind, name: p.meta.name, span: p.meta.nameSpan },
    tier: p.tier === 'Admin' ? KUBE_ADMIN_TIER.name : KUBE_BASELINE_TIER.name,
    order,
    sortName: p.meta.name,
    subject: subject.atom,
    ingress: rules(p.ingress, 'ingress'),
    egress: rules(p.egress, 'egress'),
    notes,
  };
}
