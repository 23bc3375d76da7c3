/**
 * Checks of the addressing as a whole, reported at net-conf.json's tokens
 * where it configures what went wrong: a network too small for the nodes,
 * node subnets too small for their pods, node podCIDRs outside the network,
 * overlaps with Service addresses and node addresses, a cluster CIDR that
 * disagrees with flannel's, and pod addresses that contradict their node.
 * Without a flannel configuration in the workspace the findings go to the
 * objects involved instead, milder, since the network is only assumed.
 */
import type { RelatedInfo } from '../common/finding';
import { type Cidr, cidrContains, cidrCovers, cidrsOverlap, parseIp } from '../common/ip';
import type { Span } from '../common/source';
import { plural, quoteList } from '../common/text';
import type { Pod } from '../model/kubernetes';
import type { Cluster } from '../model/cluster';
import type { NodeAddressing } from './addressing-model';
import type { ClusterFlags } from './cluster-flags';
import { type FlannelConfig, type FlannelNetwork, leasableCount } from './flannel-config';
import type { PodAddressing } from './pod-ips';
import type { FindingSink } from '../common/finding-sink';

/** The kubelet's default maxPods. */
const KUBELET_MAX_PODS = 110;

export interface CheckInputs {
  readonly cluster: Cluster;
  readonly config: FlannelConfig;
  readonly nodes: ReadonlyMap<string, NodeAddressing>;
  readonly pods: ReadonlyMap<string, PodAddressing>;
  readonly flags: ClusterFlags;
}

export function checkAddressing(inputs: CheckInputs, sink: FindingSink): void {
  for (const net of inputs.config.networks) {
    checkNetworkCapacity(inputs, net, sink);
    checkPodCidrs(inputs, net, sink);
    checkOverlaps(inputs, net, sink);
    checkClusterCidr(inputs, net, sink);
  }
  checkSubnetCapacity(inputs, sink);
  checkStatusIPs(inputs, sink);
}

const familyName = (net: FlannelNetwork) => (net.family === 4 ? 'Network' : 'IPv6Network');

/** Where a node is written, or failing that one of its pods. */
function nodeAnchor(inputs: CheckInputs, node: string): Span | undefined {
  const n = inputs.cluster.nodes.find((x) => x.name === node);
  if (n?.meta) return n.meta.nameSpan;
  return inputs.cluster.pods.find((p) => p.node === node)?.meta.nameSpan;
}

function checkNetworkCapacity(inputs: CheckInputs, net: FlannelNetwork, sink: FindingSink): void {
  const without = [...inputs.nodes.values()]
    .filter((n) => !n.subnets.some((s) => s.family === net.family))
    .map((n) => n.node);
  if (without.length === 0) return;
  const etcd = inputs.config.subnetManager === 'etcd';
  const holds = etcd ? leasableCount(net) : 1n << BigInt(net.subnetLen - net.network.prefix);
  const range = etcd && (net.spans?.subnetMin || net.spans?.subnetMax) ? ' between SubnetMin and SubnetMax' : '';
  const consequence = etcd
    ? 'flanneld on them cannot get a lease ("out of subnets")'
    : 'kube-controller-manager cannot give them a podCIDR, so flannel does not start there';
  const message =
    `${familyName(net)} ${net.network.text} holds ${holds} node ` +
    `subnet${holds === 1n ? '' : 's'} (/${net.subnetLen})${range}, but the workspace ` +
    `has ${plural(inputs.nodes.size, 'node')}: ${quoteList(without)} ` +
    `${without.length === 1 ? 'gets' : 'get'} none; ${consequence}, and their pods ` +
    `get no addresses.`;
  const at = net.spans?.network ?? nodeAnchor(inputs, without[0]);
  if (at) sink.report('flannel-network-capacity', net.spans?.network ? 'error' : 'warning', message, at);
}

/** Where a node subnet's size was decided: its podCIDR or lease, SubnetLen, or Network. */
function subnetSizeAnchor(inputs: CheckInputs, n: NodeAddressing): { span: Span; what: string } | undefined {
  const d = n.subnetDetails[0];
  if (d?.span) return { span: d.span, what: d.origin === 'lease' ? 'lease' : 'podCIDR' };
  const net = inputs.config.networks.find((x) => x.family === d?.cidr.family);
  if (net?.spans?.subnetLen) return { span: net.spans.subnetLen, what: 'SubnetLen' };
  if (net?.spans?.network) return { span: net.spans.network, what: familyName(net) };
  return undefined;
}

function checkSubnetCapacity(inputs: CheckInputs, sink: FindingSink): void {
  const full = new Map<string, { span: Span; lines: string[]; related: RelatedInfo[]; what: string }>();
  const small = new Map<string, { span: Span; capacity: bigint; what: string }>();
  const strandedByNode = new Map<string, Pod[]>();
  const pods = inputs.cluster.pods;
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (!p.node || inputs.pods.get(p.id)?.reason !== 'subnet full') continue;
    const list = strandedByNode.get(p.node) ?? [];
    list.push(p);
    strandedByNode.set(p.node, list);
  }
  for (const n of inputs.nodes.values()) {
    if (n.subnets.length === 0) continue;
    const anchor = subnetSizeAnchor(inputs, n);
    const stranded = strandedByNode.get(n.node) ?? [];
    if (stranded.length) {
      const span = anchor?.span ?? stranded[0].meta.nameSpan;
      const key = `${span.file.path}:${span.start}`;
      const entry = full.get(key) ?? { span, lines: [], related: [], what: anchor?.what ?? 'subnet' };
      entry.lines.push(
        `node ${n.node} runs ${plural(n.podCount, 'pod')} but its subnet ${n.subnets.map((s) => s.text).join(' + ')} holds ${n.capacity}, so ${quoteList(
          stranded.map((p) => p.id),
          3,
        )} ${stranded.length === 1 ? 'gets' : 'get'} no address`,
      );
      const nodeSpan = nodeAnchor(inputs, n.node);
      if (nodeSpan && nodeSpan !== span) entry.related.push({ span: nodeSpan, message: `node ${n.node}` });
      full.set(key, entry);
    } else if (
      anchor &&
      n.capacity < BigInt(KUBELET_MAX_PODS) &&
      anchor.what !== 'podCIDR' &&
      anchor.what !== 'lease'
    ) {
      small.set(`${anchor.span.file.path}:${anchor.span.start}`, {
        span: anchor.span,
        capacity: n.capacity,
        what: anchor.what,
      });
    }
  }
  for (const e of full.values()) {
    sink.report(
      'flannel-subnet-capacity',
      'warning',
      `Node subnets are too small for the pods placed on them: ${e.lines.join('; ')}. ` +
        `Those pods would stay in ContainerCreating ("no IP addresses available in range set").`,
      e.span,
      { related: e.related.length ? e.related : undefined },
    );
  }
  for (const e of small.values()) {
    sink.report(
      'flannel-subnet-capacity',
      'info',
      `With this ${e.what}, each node subnet holds ${e.capacity} pod addresses, fewer ` +
        `than the ${KUBELET_MAX_PODS} pods the kubelet admits by default (maxPods); a ` +
        `full node runs out of addresses first.`,
      e.span,
    );
  }
}

function checkPodCidrs(inputs: CheckInputs, net: FlannelNetwork, sink: FindingSink): void {
  if (inputs.config.subnetManager !== 'kube') return;
  const outside: { node: string; cidr: Cidr; span: Span }[] = [];
  for (const n of inputs.nodes.values()) {
    for (const d of n.subnetDetails) {
      if (d.origin === 'podCIDR' && d.span && d.cidr.family === net.family && !cidrCovers(net.network, d.cidr))
        outside.push({ node: n.node, cidr: d.cidr, span: d.span });
    }
  }
  if (outside.length === 0) return;
  if (net.spans?.network) {
    sink.report(
      'flannel-podcidr-outside-network',
      'error',
      `${familyName(net)} ${net.network.text} does not contain the podCIDR of ${quoteList(
        outside.map((o) => `${o.node} (${o.cidr.text})`),
        3,
      )}: flanneld on ${outside.length === 1 ? 'that node' : 'those nodes'} exits with "subnet … specified in the flannel net config doesn't contain … PodCIDR". Make ${familyName(net)} cover kube-controller-manager's --cluster-cidr.`,
      net.spans.network,
      { related: outside.map((o) => ({ span: o.span, message: `node ${o.node}'s podCIDR` })) },
    );
    return;
  }
  const assumed =
    inputs.config.origin === 'override' ? 'given with --pod-network' : `assumed (${inputs.config.sourceName})`;
  const [first, ...rest] = outside;
  sink.report(
    'flannel-podcidr-outside-network',
    'info',
    `${
      outside.length === 1
        ? `Node ${first.node}'s podCIDR ${first.cidr.text} is`
        : `The podCIDRs of ${quoteList(
            outside.map((o) => `${o.node} (${o.cidr.text})`),
            3,
          )} are`
    } outside the pod network ${net.network.text} ${assumed}; the workspace has no flannel configuration. Add flannel's ConfigMap, or set --pod-network (netpolStudio.podNetwork in the editor) to the cluster's pod network.`,
    first.span,
    {
      related: rest.length
        ? rest.slice(0, 10).map((o) => ({ span: o.span, message: `node ${o.node}'s podCIDR` }))
        : undefined,
    },
  );
}

function checkOverlaps(inputs: CheckInputs, net: FlannelNetwork, sink: FindingSink): void {
  const hits: { what: string; span: Span }[] = [];
  for (const r of inputs.flags.serviceRanges)
    if (cidrsOverlap(r.cidr, net.network))
      hits.push({ what: `the Service range ${r.cidr.text} (${r.what})`, span: r.span });
  const services: { what: string; span: Span }[] = [];
  for (const s of inputs.cluster.services) {
    for (const ipText of s.clusterIPs) {
      const ip = parseIp(ipText);
      if (ip && cidrContains(net.network, ip))
        services.push({
          what: `${s.meta.namespace}/${s.meta.name} (${ip.text})`,
          span: s.clusterIPSpans[ipText] ?? s.meta.nameSpan,
        });
    }
  }
  if (services.length)
    hits.push({
      what: `the clusterIP of Service ${quoteList(
        services.map((s) => s.what),
        3,
      )}`,
      span: services[0].span,
    });
  const nodeAddrs: { what: string; span: Span }[] = [];
  for (const n of inputs.cluster.nodes) {
    for (const a of n.addresses) {
      const ip = parseIp(a.address.value);
      if (ip && cidrContains(net.network, ip)) nodeAddrs.push({ what: `${n.name} (${ip.text})`, span: a.address.span });
    }
  }
  if (nodeAddrs.length)
    hits.push({
      what: `the address of node ${quoteList(
        nodeAddrs.map((n) => n.what),
        3,
      )}`,
      span: nodeAddrs[0].span,
    });
  if (hits.length === 0) return;
  const related = [...hits.slice(0, 1), ...services.slice(1), ...nodeAddrs.slice(1)]
    .slice(0, 10)
    .map((h) => ({ span: h.span, message: h.what }));
  const message =
    `${familyName(net)} ${net.network.text} overlaps ` +
    `${hits.map((h) => h.what).join('; and ')}: packets to ` +
    `${hits.length === 1 ? 'it' : 'them'} are routed into the pod network (flannel's ` +
    `routes and masquerading take them), so Services or nodes become unreachable ` +
    `from pods. Pick a pod network that overlaps nothing.`;
  if (net.spans?.network) sink.report('flannel-network-overlap', 'error', message, net.spans.network, { related });
  else
    sink.report(
      'flannel-network-overlap',
      'warning',
      `${message} (The pod network is ${inputs.config.sourceName === 'the default' ? 'assumed' : `from ${inputs.config.sourceName}`}.)`,
      hits[0].span,
    );
}

function checkClusterCidr(inputs: CheckInputs, net: FlannelNetwork, sink: FindingSink): void {
  if (!net.spans?.network || inputs.config.subnetManager !== 'kube') return;
  for (const r of inputs.flags.clusterCidrs) {
    if (r.cidr.family !== net.family || cidrCovers(net.network, r.cidr)) continue;
    sink.report(
      'flannel-cluster-cidr-mismatch',
      'warning',
      `${familyName(net)} ${net.network.text} does not cover ${r.what} ${r.cidr.text}, ` +
        `where node podCIDRs come from: flannel fails on every node whose podCIDR falls ` +
        `outside ${net.network.text}. Use the same range in both.`,
      net.spans.network,
      { related: [{ span: r.span, message: r.what }] },
    );
  }
}

function checkStatusIPs(inputs: CheckInputs, sink: FindingSink): void {
  const owner = new Map<string, Pod>();
  const pods = inputs.cluster.pods;
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (p.spec.hostNetwork || p.statusIPs.length === 0) continue;
    const node = p.node ? inputs.nodes.get(p.node) : undefined;
    for (const text of p.statusIPs) {
      const ip = parseIp(text);
      if (!ip) continue;
      const prev = owner.get(ip.text);
      if (prev) {
        sink.report(
          'flannel-pod-ip',
          'warning',
          `Pod ${p.id} records status IP ${ip.text}, which pod ${prev.id} records too; two ` +
            `pods cannot share an address.`,
          p.meta.nameSpan,
          { related: [{ span: prev.meta.nameSpan, message: `pod ${prev.id}` }] },
        );
      } else owner.set(ip.text, p);
      const fixed = node?.subnetDetails.find(
        (d) => d.cidr.family === ip.family && (d.origin === 'podCIDR' || d.origin === 'lease'),
      );
      if (fixed && !cidrContains(fixed.cidr, ip)) {
        sink.report(
          'flannel-pod-ip',
          'warning',
          `Pod ${p.id} records status IP ${ip.text}, outside its node ${p.node}'s subnet ` +
            `${fixed.cidr.text}; the manifests disagree (a pod dump from another time?). The ` +
            `simulation keeps ${ip.text}.`,
          p.meta.nameSpan,
          { related: fixed.span ? [{ span: fixed.span, message: `node ${p.node}'s subnet` }] : undefined },
        );
      }
    }
  }
}
