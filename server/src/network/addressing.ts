/**
 * The network stage: flannel addressing. Every node gets a pod subnet (its
 * spec.podCIDR under the kube subnet manager, else the next free subnet in
 * node-name order from SubnetMin), every pod an IP inside its node's subnet
 * (`.0` is flannel.1's, `.1` the gateway's, pods from `.2` in pod-id order),
 * unless status.podIP(s) records one. hostNetwork pods take their node's IP.
 */
import { Finding } from '../common/finding';
import { Cidr, cidrContains, cidrSize, formatIp, IpAddr, ipAt, isCidr, parseCidr, parseIp } from '../common/ip';
import { Cluster, KubeNode, Pod } from '../model/types';
import { FlannelConfig, flannelConfig, leasableSubnets } from './flannel';

export interface NodeAddressing {
  readonly node: string;
  /** Pod subnets (IPv4 first). Empty when the network has no room left. */
  readonly subnets: readonly Cidr[];
  /** The node's own addresses (InternalIP, or simulated). */
  readonly ips: readonly IpAddr[];
  readonly subnetOrigin: 'podCIDR' | 'allocated' | 'none';
  readonly ipOrigin: 'status' | 'simulated';
}

export interface PodAddressing {
  readonly pod: string;
  readonly node?: string;
  readonly ips: readonly IpAddr[];
  readonly origin: 'status' | 'simulated' | 'hostNetwork' | 'none';
}

export interface Addressing {
  readonly config: FlannelConfig;
  readonly nodes: ReadonlyMap<string, NodeAddressing>;
  readonly pods: ReadonlyMap<string, PodAddressing>;
  readonly findings: readonly Finding[];
}

export interface AddressingOptions {
  /** `--pod-network`: the flannel Network when the workspace has no configuration. */
  readonly podNetwork?: string;
}

/** Simulated node addresses: 10.0.0.10, 10.0.0.11, … in node-name order, for nodes without an InternalIP. */
export const DEFAULT_NODE_ADDRESS_BASE = '10.0.0.10';

export function computeAddressing(cluster: Cluster, options: AddressingOptions = {}): Addressing {
  const config = flannelConfig(options.podNetwork, options.podNetwork ? 'override' : 'default');
  const findings: Finding[] = [];
  const nodes = addressNodes(cluster.nodes, config);
  const pods = addressPods(cluster.pods, nodes);
  return { config, nodes, pods, findings };
}

function addressNodes(nodes: readonly KubeNode[], config: FlannelConfig): Map<string, NodeAddressing> {
  const out = new Map<string, NodeAddressing>();
  const taken = new Set<string>();
  const fromSpec = new Map<string, Cidr[]>();
  for (const n of nodes) {
    const cidrs = n.podCIDRs.map((c) => parseCidr(c.value)).filter(isCidr);
    if (cidrs.length) {
      fromSpec.set(n.name, cidrs);
      for (const c of cidrs) taken.add(c.text);
    }
  }
  const free = leasableSubnets(config);
  const nextFree = (): Cidr | undefined => {
    for (let r = free.next(); !r.done; r = free.next()) if (!taken.has(r.value.text)) return r.value;
    return undefined;
  };
  const base = parseIp(DEFAULT_NODE_ADDRESS_BASE)!;
  nodes.forEach((n, i) => {
    const given = fromSpec.get(n.name);
    const allocated = given ? undefined : nextFree();
    const ips = n.internalIPs.map(parseIp).filter((x): x is IpAddr => !!x);
    out.set(n.name, {
      node: n.name,
      subnets: given ?? (allocated ? [allocated] : []),
      ips: ips.length ? ips : [{ family: 4, value: base.value + BigInt(i), text: formatIp(4, base.value + BigInt(i)) }],
      subnetOrigin: given ? 'podCIDR' : allocated ? 'allocated' : 'none',
      ipOrigin: ips.length ? 'status' : 'simulated',
    });
  });
  return out;
}

function addressPods(pods: readonly Pod[], nodes: ReadonlyMap<string, NodeAddressing>): Map<string, PodAddressing> {
  const out = new Map<string, PodAddressing>();
  const used = new Set<string>();
  for (const p of pods) for (const ip of p.statusIPs) used.add(parseIp(ip)?.text ?? ip);
  const cursor = new Map<string, bigint>();
  for (const p of pods) {
    const node = p.node ? nodes.get(p.node) : undefined;
    if (p.spec.hostNetwork) {
      out.set(p.id, { pod: p.id, node: p.node, ips: node?.ips ?? [], origin: node ? 'hostNetwork' : 'none' });
      continue;
    }
    const status = p.statusIPs.map(parseIp).filter((x): x is IpAddr => !!x);
    if (status.length) {
      out.set(p.id, { pod: p.id, node: p.node, ips: status, origin: 'status' });
      continue;
    }
    const subnet = node?.subnets[0];
    if (!node || !subnet) {
      out.set(p.id, { pod: p.id, node: p.node, ips: [], origin: 'none' });
      continue;
    }
    const ip = nextPodIP(subnet, cursor, used);
    out.set(p.id, { pod: p.id, node: p.node, ips: ip ? [ip] : [], origin: ip ? 'simulated' : 'none' });
  }
  return out;
}

/** host-local's order inside a node subnet: from .2 up to the last address before broadcast. */
function nextPodIP(subnet: Cidr, cursor: Map<string, bigint>, used: Set<string>): IpAddr | undefined {
  const last = cidrSize(subnet) - 2n;
  for (let off = cursor.get(subnet.text) ?? 2n; off <= last; off++) {
    const ip = ipAt(subnet, off);
    if (used.has(ip.text)) continue;
    cursor.set(subnet.text, off + 1n);
    used.add(ip.text);
    return ip;
  }
  return undefined;
}

/** The node whose pod subnet holds `ip`, if any. */
export function nodeOfAddress(addressing: Addressing, ip: IpAddr): string | undefined {
  for (const n of addressing.nodes.values()) if (n.subnets.some((s) => cidrContains(s, ip))) return n.node;
  return undefined;
}
