/**
 * Kubernetes NetworkPolicy -> the tiered rule model, as Calico converts it:
 * tier `default`, order 1000, every rule an Allow, the tier's end-of-tier deny
 * doing the isolation. Peers in one rule are ORed, the fields inside one peer
 * ANDed; ports are ORed; absent or empty `from`/`to`/`ports` match everything.
 */
import { type Cidr, isCidr, parseCidr } from '../common/ip';
import type { KubeNetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NetworkPolicyRule } from '../model/kubernetes';
import type { AtomTable } from './atoms';
import { formatLabelSelector, KubeLabelMatcher, MATCH_ALL } from './label-matcher';
import {
  type CompiledPolicy,
  type CompiledRule,
  type Condition,
  type Direction,
  KUBE_POLICY_ORDER,
  protocolCondition,
  type Side,
} from './rule-model';

export function compileKubePolicy(np: KubeNetworkPolicy, atoms: AtomTable): CompiledPolicy {
  const ns = np.meta.namespace;
  const subject = atoms.endpoints({ namespace: ns }, new KubeLabelMatcher(np.podSelector));
  const notes: string[] = [];
  let ingress = false;
  let egress = false;
  if (np.policyTypes && np.policyTypes.value.length > 0) {
    ingress = np.policyTypes.value.includes('Ingress');
    egress = np.policyTypes.value.includes('Egress');
  } else {
    // Kubernetes defaulting: every policy affects ingress; egress only with a non-empty egress list.
    ingress = true;
    egress = (np.egress?.length ?? 0) > 0;
    notes.push(
      `policyTypes is not set, so it defaults to ${egress ? 'Ingress, Egress' : 'Ingress'}${egress ? '' : ' (a policy isolates egress only when it lists egress rules or policyTypes says Egress)'}.`,
    );
  }
  return {
    ref: { kind: 'NetworkPolicy', namespace: ns, name: np.meta.name, span: np.meta.nameSpan },
    tier: 'default',
    order: KUBE_POLICY_ORDER,
    // Calico names converted policies knp.default.<name>; ties in order are broken by that name.
    sortName: `knp.default.${np.meta.name}`,
    subject: subject.id,
    ingress: ingress ? (np.ingress ?? []).map((r) => compileRule(r, 'ingress', ns, atoms)) : undefined,
    egress: egress ? (np.egress ?? []).map((r) => compileRule(r, 'egress', ns, atoms)) : undefined,
    notes,
  };
}

function compileRule(rule: NetworkPolicyRule, direction: Direction, ns: string, atoms: AtomTable): CompiledRule {
  const peerSide: Side = direction === 'ingress' ? 'source' : 'destination';
  const parts: Condition[] = [];
  const summary: string[] = [];
  if (rule.peers && rule.peers.length > 0) {
    parts.push({ type: 'any', of: rule.peers.map((p) => peerCondition(p, peerSide, ns, atoms)) });
    summary.push(`${direction === 'ingress' ? 'from' : 'to'} ${rule.peers.map((p) => describePeer(p)).join(' or ')}`);
  } else {
    summary.push(direction === 'ingress' ? 'from anywhere' : 'to anywhere');
  }
  if (rule.ports && rule.ports.length > 0) {
    parts.push({ type: 'any', of: rule.ports.map((p) => portCondition(p, atoms)) });
    summary.push(`on ${rule.ports.map(describePort).join(', ')}`);
  } else {
    summary.push('on any port');
  }
  return {
    index: rule.index,
    direction,
    action: 'Allow',
    condition: { type: 'all', of: parts },
    span: rule.span,
    summary: summary.join(' '),
  };
}

function peerCondition(peer: NetworkPolicyPeer, side: Side, ns: string, atoms: AtomTable): Condition {
  if (peer.ipBlock) {
    const cidr = parseCidr(peer.ipBlock.cidr.value);
    if (!isCidr(cidr)) return { type: 'any', of: [] }; // invalid: matches nothing (the model reported it)
    const except = peer.ipBlock.except.map((e) => parseCidr(e.value)).filter(isCidr) as Cidr[];
    return { type: 'nets', side, atom: atoms.nets([cidr], except).id, negate: false };
  }
  const podSel = peer.podSelector ? new KubeLabelMatcher(peer.podSelector) : MATCH_ALL;
  const scope = peer.namespaceSelector
    ? { namespaceSelector: new KubeLabelMatcher(peer.namespaceSelector) }
    : { namespace: ns };
  return { type: 'endpoint', side, atom: atoms.endpoints(scope, podSel).id, negate: false };
}

function portCondition(port: NetworkPolicyPort, atoms: AtomTable): Condition {
  const proto = protocolCondition(port.protocol);
  if (!port.port) return proto;
  if (typeof port.port.value === 'string') {
    // Named ports resolve on the destination pod, for the rule's protocol.
    return {
      type: 'all',
      of: [
        proto,
        { type: 'ports', side: 'destination', ranges: [], named: [atoms.namedPort(port.port.value).id], negate: false },
      ],
    };
  }
  const from = port.port.value;
  const to = port.endPort?.value ?? from;
  return {
    type: 'all',
    of: [proto, { type: 'ports', side: 'destination', ranges: [[from, to]], named: [], negate: false }],
  };
}

export function describePeer(p: NetworkPolicyPeer): string {
  if (p.ipBlock)
    return `ipBlock ${p.ipBlock.cidr.value}${p.ipBlock.except.length ? ` except ${p.ipBlock.except.map((e) => e.value).join(', ')}` : ''}`;
  const parts: string[] = [];
  if (p.namespaceSelector) parts.push(`namespaceSelector {${formatLabelSelector(p.namespaceSelector)}}`);
  if (p.podSelector) parts.push(`podSelector {${formatLabelSelector(p.podSelector)}}`);
  return parts.join(' and ');
}

export function describePort(p: NetworkPolicyPort): string {
  if (!p.port) return `${p.protocol} (any port)`;
  return `${p.protocol}/${p.port.value}${p.endPort ? `-${p.endPort.value}` : ''}`;
}
