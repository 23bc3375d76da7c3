/**
 * cidr-covers-pods: a NetworkPolicy ipBlock that covers pod addresses: the
 * flannel subnets of nodes (from the simulated addressing), or a /32 (/128)
 * that is one pod's IP. Pod IPs change whenever a pod is rescheduled, so such
 * a rule silently admits whichever pod gets the address next; ipBlock is for
 * addresses outside the cluster. Calico rules' `nets` (and `notNets`, which
 * leave pods out by address just as fragilely) on either side are read the
 * same way, `notNets` acting as `except` for `nets` (a `notNets` that leaves the
 * whole pod network out is the advised pattern, not a finding). The fix replaces a
 * one-pod ipBlock peer (or a one-entry `nets`) with the pod's labels and
 * namespace as selectors.
 */
import type { Fix } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import {
  bitsOf,
  type Cidr,
  cidrContains,
  cidrCovers,
  cidrLast,
  type IpAddr,
  type IpFamily,
  isCidr,
  parseCidr,
} from '../../common/ip';
import type { RuleId } from '../../common/rule-registry';
import { type Located, span } from '../../common/source';
import { columnOf } from '../edits';
import { plural, quoteList } from '../../common/text';
import { podNetworks } from '../../engine/address-classes';
import type { Analysis } from '../../engine/analysis';
import type { CalicoPolicy, EntityRule } from '../../model/calico/calico-resources';
import type { KubeNetworkPolicy, NetworkPolicyPeer } from '../../model/kubernetes';
import { calicoPolicyRef } from '../../policy/calico/selector-uses';
import type { Endpoint } from '../../policy/endpoint';
import { policyName } from '../../policy/rule-model';
import type { LintContext, LintRule } from '../lint-rule';
import { memoized } from '../../common/memo';
import { lowerBound } from '../../common/sorted';

const ID: RuleId = 'cidr-covers-pods';

export const cidrCoversPods: LintRule = { id: ID, scope: 'policy', check };

function check({ analysis: a, scoped }: LintContext, sink: FindingSink): void {
  for (const p of scoped(a.cluster.calico.policies)) if (p.readValid && !p.staged) checkCalico(a, p, sink);
  for (const np of scoped(a.cluster.networkPolicies)) {
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
  const pods = podsIn(a, cidr, except);
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
  const nodes = coveredSubnets(a, cidr, except);
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

/** A family's pod addresses, ascending, each with its endpoint's index. */
interface PodAddresses {
  readonly values: readonly bigint[];
  readonly owners: readonly number[];
  readonly ips: readonly IpAddr[];
}

const addressIndex = new WeakMap<Analysis, Map<IpFamily, PodAddresses>>();

/** The pods' addresses per family, sorted once per analysis: a CIDR's pods are a range of them. */
function podAddresses(a: Analysis, family: IpFamily): PodAddresses {
  const perFamily = memoized(addressIndex, a, () => {
    const entries = new Map<IpFamily, { ip: IpAddr; owner: number }[]>([
      [4, []],
      [6, []],
    ]);
    a.endpoints.forEach((e, owner) => {
      if (e.kind === 'pod') for (const ip of e.ips) entries.get(ip.family)!.push({ ip, owner });
    });
    const index = new Map<IpFamily, PodAddresses>();
    for (const [f, list] of entries) {
      list.sort((x, y) => (x.ip.value < y.ip.value ? -1 : x.ip.value > y.ip.value ? 1 : x.owner - y.owner));
      index.set(f, {
        values: list.map((x) => x.ip.value),
        owners: list.map((x) => x.owner),
        ips: list.map((x) => x.ip),
      });
    }
    return index;
  });
  return perFamily.get(family)!;
}

const boundsIndex = new WeakMap<Analysis, Map<IpFamily, { readonly min: bigint; readonly max: bigint }>>();

/**
 * The lowest and highest pod address per family, found in one pass: most CIDRs policies name are
 * outside the pod network, and these settle them without sorting every pod address.
 */
function podBounds(a: Analysis, family: IpFamily): { readonly min: bigint; readonly max: bigint } | undefined {
  const perFamily = memoized(boundsIndex, a, () => {
    const bounds = new Map<IpFamily, { readonly min: bigint; readonly max: bigint }>();
    for (const e of a.endpoints) {
      if (e.kind !== 'pod') continue;
      for (const ip of e.ips) {
        const b = bounds.get(ip.family);
        if (!b) bounds.set(ip.family, { min: ip.value, max: ip.value });
        else if (ip.value < b.min) bounds.set(ip.family, { min: ip.value, max: b.max });
        else if (ip.value > b.max) bounds.set(ip.family, { min: b.min, max: ip.value });
      }
    }
    return bounds;
  });
  return perFamily.get(family);
}

/** The pods with an address in `cidr` and in none of `except`, in endpoint order (exported for the reference test). */
export function podsIn(a: Analysis, cidr: Cidr, except: readonly Cidr[]): Endpoint[] {
  const last = cidrLast(cidr);
  const bounds = podBounds(a, cidr.family);
  if (!bounds || last < bounds.min || cidr.base > bounds.max) return [];
  const { values, owners, ips } = podAddresses(a, cidr.family);
  const found = new Set<number>();
  for (let i = lowerBound(values, cidr.base); i < values.length && values[i] <= last; i++)
    if (!except.some((x) => cidrContains(x, ips[i]))) found.add(owners[i]);
  return [...found].sort((x, y) => x - y).map((i) => a.endpoints[i]);
}

/** `n1 (10.244.1.0/24)` for each node whose pod subnet `cidr` covers outside `except`. */
function coveredSubnets(a: Analysis, cidr: Cidr, except: readonly Cidr[]): string[] {
  return [...a.addressing.nodes.values()].flatMap((n) =>
    n.subnets
      .filter((s: Cidr) => cidrCovers(cidr, s) && !except.some((x) => cidrCovers(x, s)))
      .map((s) => `${n.node} (${s.text})`),
  );
}

function parsedCidrs(list: readonly Located<string>[] | undefined): Cidr[] {
  return (list ?? []).map((x) => parseCidr(x.value)).filter(isCidr);
}

function checkCalico(a: Analysis, p: CalicoPolicy, sink: FindingSink): void {
  const name = policyName(calicoPolicyRef(p));
  for (const [direction, rules] of [
    ['ingress', p.ingress],
    ['egress', p.egress],
  ] as const)
    for (const rule of rules?.items ?? [])
      for (const [side, entity] of [
        ['source', rule.source],
        ['destination', rule.destination],
      ] as const) {
        if (!entity.nets && !entity.notNets) continue;
        const where = `${name}, ${direction}[${rule.index}] ${side}`;
        const notNets = parsedCidrs(entity.notNets?.items);
        for (const net of entity.nets?.items ?? []) checkNet(a, p, where, entity, net, notNets, 'nets', sink);
        for (const net of entity.notNets?.items ?? []) checkNet(a, p, where, entity, net, [], 'notNets', sink);
      }
}

function checkNet(
  a: Analysis,
  p: CalicoPolicy,
  where: string,
  entity: EntityRule,
  net: Located<string>,
  except: readonly Cidr[],
  field: 'nets' | 'notNets',
  sink: FindingSink,
): void {
  const cidr = parseCidr(net.value);
  if (!isCidr(cidr) || cidr.prefix === 0) return; // everywhere: internet-egress-without-except
  // Leaving the whole pod network out is what keeps a rule to outside addresses off the pods: stable, and advised.
  if (field === 'notNets' && podNetworks(a).some((n) => cidrCovers(cidr, n))) return;
  const pods = podsIn(a, cidr, except);
  if (pods.length === 0) return;
  const effect =
    field === 'nets'
      ? 'the next pod to get this one would match instead'
      : 'the pod would stop being left out and the next pod to get this one would be left out instead';
  if (cidr.prefix === bitsOf(cidr.family) && pods.length === 1) {
    const pod = pods[0];
    sink.report(
      ID,
      'warning',
      `${where}: ${field} ${cidr.text} is the address of pod ${pod.id}. Pod IPs change when pods are rescheduled, and ${effect}; select the pod by its labels (${field === 'nets' ? 'selector' : 'notSelector'}).`,
      net.span,
      { fixes: field === 'nets' ? calicoSelectorFix(p, entity, pod) : [] },
    );
    return;
  }
  const nodes = coveredSubnets(a, cidr, except);
  const subnets = nodes.length ? ` the pod subnets of ${plural(nodes.length, 'node')}: ${quoteList(nodes, 5)};` : '';
  sink.report(
    ID,
    'warning',
    `${where}: ${field} ${cidr.text} covers pod addresses:${subnets} ${plural(pods.length, 'pod')} (${quoteList(
      pods.map((x) => x.id),
      5,
    )}). Pod IPs change when pods are rescheduled; match pods with selector and namespaceSelector, and keep ${field} for addresses outside the cluster${field === 'nets' ? ' (add the pod network to notNets)' : ''}.`,
    net.span,
  );
}

/**
 * Replaces a side's one-entry `nets` with the pod's labels as `selector`, plus a `namespaceSelector` unless
 * the policy is namespaced in the pod's own namespace. Only when `nets` is all the side says about addresses:
 * the criteria of a side are ANDed, so a selector beside other nets or selectors would mean something else.
 */
function calicoSelectorFix(p: CalicoPolicy, entity: EntityRule, pod: Endpoint): Fix[] {
  const nets = entity.nets;
  if (!nets) return [];
  if (nets.items.length !== 1 || !pod.pod || Object.keys(pod.labels).length === 0) return [];
  if (entity.notNets || entity.selector || entity.notSelector || entity.namespaceSelector) return [];
  if (entity.serviceAccounts || entity.services) return [];
  const selector = Object.entries(pod.labels)
    .map(([k, v]) => `${k} == '${v}'`)
    .join(' && ');
  const lines = [`selector: ${JSON.stringify(selector)}`];
  const sameNamespace = !p.global && (p.meta.namespace ?? 'default') === pod.namespace;
  if (!sameNamespace)
    lines.push(`namespaceSelector: ${JSON.stringify(`projectcalico.org/name == '${pod.namespace}'`)}`);
  const file = nets.keySpan.file;
  const col = columnOf(nets.keySpan);
  const block = /^[\s-]*$/.test(file.text.slice(nets.keySpan.start - col, nets.keySpan.start));
  const newText = block ? lines.join(`\n${' '.repeat(col)}`) : lines.join(', ');
  return [
    {
      title: `Select pod ${pod.id} by its labels (${selector}) instead of its IP`,
      edits: [{ span: span(file, nets.keySpan.start, nets.span.end), newText }],
      preferred: true,
    },
  ];
}
