import {
  bitsOf,
  type Cidr,
  cidrContains,
  cidrCovers,
  cidrsOverlap,
  type IpAddr,
  type IpFamily,
  isCidr,
  makeCidr,
  parseCidr,
  parseIp,
} from '../common/ip';
import type { Span } from '../common/source';
import type { KubeNode } from '../model/kubernetes';
import type { Cluster } from '../model/cluster';
import { type FlannelConfig, type FlannelNetwork, leasableSubnets, subnetsBetween, subnetSize } from './flannel-config';
import type { Lease } from './leases';
import { nodeAddressCandidates } from './node-ips';
import type { FindingSink } from '../common/finding-sink';

export type SubnetOrigin = 'podCIDR' | 'lease' | 'inferred' | 'allocated';

export interface NodeSubnet {
  readonly cidr: Cidr;
  readonly origin: SubnetOrigin;
  /** Where it was written (the podCIDR or the lease), for findings. */
  readonly span?: Span;
}

/** Subnets already handed out, for overlap tests that stay cheap with many nodes. */
class TakenSubnets {
  private readonly byPrefix = new Map<string, Set<bigint>>();
  private readonly all: Cidr[] = [];

  add(c: Cidr): void {
    const key = `${c.family}/${c.prefix}`;
    const set = this.byPrefix.get(key);
    if (set) set.add(c.base);
    else this.byPrefix.set(key, new Set([c.base]));
    this.all.push(c);
  }

  overlaps(c: Cidr): boolean {
    for (const [key, set] of this.byPrefix) {
      const [fam, pre] = key.split('/').map(Number);
      if (fam !== c.family) continue;
      if (pre <= c.prefix) {
        if (set.has(makeCidr(c.family, c.base, pre).base)) return true;
      } else if (this.all.some((t) => t.prefix === pre && cidrsOverlap(t, c))) return true;
    }
    return false;
  }
}

export function assignNodeSubnets(
  cluster: Cluster,
  config: FlannelConfig,
  leases: readonly Lease[],
  sink: FindingSink,
): Map<string, NodeSubnet[]> {
  const out = new Map<string, NodeSubnet[]>(cluster.nodes.map((n) => [n.name, []]));
  const leaseOf = config.subnetManager === 'etcd' ? matchLeases(cluster.nodes, leases, sink) : new Map<string, Lease>();
  if (config.subnetManager === 'kube' && leases.length) {
    sink.report(
      'flannel-lease',
      'warning',
      'A lease export is in the workspace, but flannel runs with the kube subnet ' +
        "manager here, where node subnets are the nodes' spec.podCIDR; the leases are " +
        'not used.',
      leases[0].span,
    );
  }
  if (config.subnetManager === 'etcd') reportIgnoredPodCidrs(cluster.nodes, sink);
  const statusIPs = podStatusIPsByNode(cluster);
  for (const net of config.networks) {
    const taken = new TakenSubnets();
    const given = new Map<string, NodeSubnet>();
    for (const n of cluster.nodes) {
      const fixed =
        config.subnetManager === 'kube' ? podCidrOf(n, net.family) : leaseSubnet(leaseOf.get(n.name), net.family);
      if (fixed) {
        reportOverlap(fixed, given, n.name, sink);
        given.set(n.name, fixed);
        taken.add(fixed.cidr);
      }
    }
    for (const n of cluster.nodes) {
      if (given.has(n.name)) continue;
      const inferred = inferSubnet(net, statusIPs.get(n.name) ?? [], taken);
      if (inferred) {
        given.set(n.name, { cidr: inferred, origin: 'inferred' });
        taken.add(inferred);
      }
    }
    const free = candidates(net, config);
    const next = (): Cidr | undefined => {
      for (let r = free.next(); !r.done; r = free.next()) if (!taken.overlaps(r.value)) return r.value;
      return undefined;
    };
    for (const n of cluster.nodes) {
      let s = given.get(n.name);
      if (!s) {
        const c = next();
        if (c) {
          taken.add(c);
          s = { cidr: c, origin: 'allocated' };
        }
      }
      if (s) out.get(n.name)!.push(s);
    }
  }
  return out;
}

/** The order free subnets are handed out in. */
function candidates(net: FlannelNetwork, config: FlannelConfig): Generator<Cidr> {
  if (config.subnetManager === 'etcd') return leasableSubnets(net);
  const size = subnetSize(net.family, net.subnetLen);
  const last = net.network.base + (1n << BigInt(bitsOf(net.family) - net.network.prefix)) - size;
  return (function* () {
    yield* subnetsBetween(net, net.subnetMin, last);
    yield* subnetsBetween(net, net.network.base, net.subnetMin - size);
  })();
}

function podCidrOf(n: KubeNode, family: IpFamily): NodeSubnet | undefined {
  for (const c of n.podCIDRs) {
    const cidr = parseCidr(c.value);
    if (isCidr(cidr) && cidr.family === family)
      return { cidr: makeCidr(cidr.family, cidr.base, cidr.prefix), origin: 'podCIDR', span: c.span };
  }
  return undefined;
}

function leaseSubnet(lease: Lease | undefined, family: IpFamily): NodeSubnet | undefined {
  const c = lease?.subnets.find((s) => s.family === family);
  return c && lease ? { cidr: c, origin: 'lease', span: lease.span } : undefined;
}

function reportOverlap(s: NodeSubnet, given: ReadonlyMap<string, NodeSubnet>, node: string, sink: FindingSink): void {
  for (const [other, o] of given) {
    if (!cidrsOverlap(o.cidr, s.cidr) || !s.span) continue;
    sink.report(
      'flannel-subnet-overlap',
      'error',
      `Node ${node}'s ${s.origin === 'lease' ? 'lease' : 'podCIDR'} ${s.cidr.text} ` +
        `overlaps node ${other}'s ${o.cidr.text}: pods on both nodes would get clashing addresses.`,
      s.span,
      { related: o.span ? [{ span: o.span, message: `node ${other}'s subnet` }] : undefined },
    );
    return;
  }
}

/** Leases -> nodes, by the node named in the lease, else by its PublicIP. */
function matchLeases(nodes: readonly KubeNode[], leases: readonly Lease[], sink: FindingSink): Map<string, Lease> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const byAddress = new Map<string, string>();
  for (const n of nodes) for (const ip of nodeAddressCandidates(n)) byAddress.set(ip.text, n.name);
  const out = new Map<string, Lease>();
  for (const lease of leases) {
    const node =
      lease.node !== undefined
        ? byName.has(lease.node)
          ? lease.node
          : undefined
        : lease.publicIPs.map((ip) => byAddress.get(ip.text)).find((x) => x);
    const what = lease.subnets.map((s) => s.text).join(' & ');
    if (!node) {
      const who =
        lease.node !== undefined
          ? `node "${lease.node}"`
          : lease.publicIPs.length
            ? `PublicIP ${lease.publicIPs.map((i) => i.text).join(', ')}`
            : 'no node';
      sink.report(
        'flannel-lease',
        'info',
        `The lease ${what} belongs to ${who}, which is not a node in the workspace (an ` +
          `old host whose lease has not expired yet?); its subnet stays taken.`,
        lease.span,
      );
      continue;
    }
    const prev = out.get(node);
    if (prev) {
      sink.report(
        'flannel-lease',
        'warning',
        `Node ${node} has a second lease, ${what}, besides ` +
          `${prev.subnets.map((s) => s.text).join(' & ')}; flannel keeps renewing one (a ` +
          `stale lease from a restart?). The simulation uses the first.`,
        lease.span,
        { related: [{ span: prev.span, message: 'the lease that is used' }] },
      );
      continue;
    }
    out.set(node, lease);
  }
  return out;
}

function reportIgnoredPodCidrs(nodes: readonly KubeNode[], sink: FindingSink): void {
  for (const n of nodes) {
    const first = n.podCIDRs[0];
    if (!first) continue;
    sink.report(
      'flannel-ignored-setting',
      'info',
      `flannel keeps its state in etcd here (no --kube-subnet-mgr), so it leases node ` +
        `${n.name}'s subnet itself and does not use spec.podCIDR ${first.value}.`,
      first.span,
    );
  }
}

/** status.podIP(s) of the pods placed on each node (hostNetwork pods excluded). */
function podStatusIPsByNode(cluster: Cluster): Map<string, IpAddr[]> {
  const out = new Map<string, IpAddr[]>();
  const pods = cluster.pods;
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (!p.node || p.spec.hostNetwork || p.statusIPs.length === 0) continue;
    for (const text of p.statusIPs) {
      const ip = parseIp(text);
      if (!ip) continue;
      const list = out.get(p.node) ?? [];
      list.push(ip);
      out.set(p.node, list);
    }
  }
  return out;
}

/** The SubnetLen block of `net` that holds every one of `ips` of its family, if free. */
function inferSubnet(net: FlannelNetwork, ips: readonly IpAddr[], taken: TakenSubnets): Cidr | undefined {
  const mine = ips.filter((ip) => ip.family === net.family);
  if (mine.length === 0) return undefined;
  const block = makeCidr(net.family, mine[0].value, net.subnetLen);
  if (!cidrCovers(net.network, block) || !mine.every((ip) => cidrContains(block, ip)) || taken.overlaps(block))
    return undefined;
  return block;
}
