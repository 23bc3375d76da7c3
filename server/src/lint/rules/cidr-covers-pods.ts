/**
 * cidr-covers-pods: a NetworkPolicy ipBlock that covers pod addresses: the
 * flannel subnets of nodes (from the simulated addressing), or a /32 (/128)
 * that is one pod's IP. Pod IPs change whenever a pod is rescheduled, so such
 * a rule silently admits whichever pod gets the address next; ipBlock is for
 * addresses outside the cluster. The fix replaces a one-pod ipBlock peer with
 * the pod's labels and namespace as selectors.
 */
import type { Fix } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import { bitsOf, type Cidr, cidrContains, cidrCovers, isCidr, parseCidr } from '../../common/ip';
import type { RuleId } from '../../common/rule-registry';
import { columnOf } from '../edits';
import { plural, quoteList } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { KubeNetworkPolicy, NetworkPolicyPeer } from '../../model/kubernetes';
import type { Endpoint } from '../../policy/endpoint';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'cidr-covers-pods';

export const cidrCoversPods: LintRule = { id: ID, check };

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  for (const np of a.cluster.networkPolicies) {
    if (!np.valid) continue;
    for (const [direction, rules] of [
      ['ingress', np.ingress],
      ['egress', np.egress],
    ] as const)
      for (const rule of rules ?? [])
        for (const peer of rule.peers ?? []) checkPeer(a, np, `${direction}[${rule.index}]`, peer, sink);
  }
}

function checkPeer(
  a: Analysis,
  np: KubeNetworkPolicy,
  where: string,
  peer: NetworkPolicyPeer,
  sink: FindingSink,
): void {
  const block = peer.ipBlock;
  const cidr = block && parseCidr(block.cidr.value);
  if (!block || !cidr || !isCidr(cidr) || cidr.prefix === 0) return; // 0.0.0.0/0: internet-egress-without-except
  const except = block.except.map((e) => parseCidr(e.value)).filter(isCidr);
  const inBlock = (e: Endpoint) =>
    e.kind === 'pod' && e.ips.some((ip) => cidrContains(cidr, ip) && !except.some((x) => cidrContains(x, ip)));
  const pods = a.endpoints.filter(inBlock);
  if (pods.length === 0) return;
  const name = `NetworkPolicy ${np.meta.namespace}/${np.meta.name}, ${where}`;
  if (cidr.prefix === bitsOf(cidr.family) && pods.length === 1) {
    const p = pods[0];
    sink.report(
      ID,
      'warning',
      `${name}: ipBlock ${cidr.text} is the address of pod ${p.id}. Pod IPs change when pods are rescheduled, and the next pod to get this one would be admitted instead; select the pod by its labels.`,
      block.cidr.span,
      { fixes: selectorFix(peer, p) },
    );
    return;
  }
  const nodes = [...a.addressing.nodes.values()].flatMap((n) =>
    n.subnets
      .filter((s: Cidr) => cidrCovers(cidr, s) && !except.some((x) => cidrCovers(x, s)))
      .map((s) => `${n.node} (${s.text})`),
  );
  const subnets = nodes.length ? ` the pod subnets of ${plural(nodes.length, 'node')}: ${quoteList(nodes, 5)};` : '';
  sink.report(
    ID,
    'warning',
    `${name}: ipBlock ${cidr.text} covers pod addresses:${subnets} ${plural(pods.length, 'pod')} (${quoteList(
      pods.map((p) => p.id),
      5,
    )}). Pod IPs change when pods are rescheduled; select pods with podSelector and namespaceSelector, and keep ipBlock for addresses outside the cluster (add the pod network to except).`,
    block.cidr.span,
  );
}

/** Replaces a peer that is only an ipBlock with the pod's namespace and labels as selectors. */
function selectorFix(peer: NetworkPolicyPeer, p: Endpoint): Fix[] {
  if (peer.podSelector || peer.namespaceSelector || !p.pod || Object.keys(p.labels).length === 0) return [];
  const labels = Object.entries(p.labels).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  const ns = `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${p.namespace}}}`;
  const pod = `podSelector: {matchLabels: {${labels.join(', ')}}}`;
  const text = peer.span.file.text;
  const col = columnOf(peer.span);
  const before = text.slice(peer.span.start - col, peer.span.start);
  const block = /^[\s-]*$/.test(before) && text[peer.span.start] !== '{';
  const newText = block ? `${ns}\n${' '.repeat(col)}${pod}` : `{${ns}, ${pod}}`;
  return [
    {
      title: `Select pod ${p.id} by its labels (${labels.join(', ')}) instead of its IP`,
      edits: [{ span: peer.span, newText }],
      preferred: true,
    },
  ];
}
