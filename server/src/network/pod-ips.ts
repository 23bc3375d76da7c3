/**
 * Pod addresses inside node subnets, as host-local IPAM hands them out: the
 * subnet's `.0` is the tunnel device's (flannel.1 for vxlan), `.1` the
 * gateway (cni0, the bridge), pods get `.2` upwards (in pod-id order here; the
 * cluster uses creation order), the IPv4 broadcast address is never used. A
 * dual-stack pod gets one address from each family's subnet. status.podIP(s),
 * when the manifests record them, win; hostNetwork pods share their node's
 * addresses.
 */
import { bitsOf, type Cidr, cidrSize, cidrsOverlap, type IpAddr, ipAt, parseIp } from '../common/ip';
import type { Pod } from '../model/kubernetes';

export interface PodAddressing {
  readonly pod: string;
  readonly node?: string;
  readonly ips: readonly IpAddr[];
  readonly origin: 'status' | 'simulated' | 'hostNetwork' | 'none';
  /** Why a pod has no address. */
  readonly reason?: 'pending' | 'no subnet' | 'subnet full';
}

/** What pod addressing needs to know of a node. */
export interface NodeForPods {
  readonly subnets: readonly Cidr[];
  readonly ips: readonly IpAddr[];
}

/** The first address host-local hands to a pod: the one after the gateway. */
const FIRST_POD_OFFSET = 2n;

/** Pod addresses a subnet holds: all but the network address, the gateway and (IPv4) the broadcast address. */
export function subnetCapacity(c: Cidr): bigint {
  if (bitsOf(c.family) - c.prefix < 2) return 0n;
  return cidrSize(c) - (c.family === 4 ? 3n : 2n);
}

/** The last offset host-local uses: IPv4 stops before the broadcast address. */
function lastOffset(c: Cidr): bigint {
  return cidrSize(c) - (c.family === 4 ? 2n : 1n);
}

export function assignPodIPs(
  pods: readonly Pod[],
  nodes: ReadonlyMap<string, NodeForPods>,
): Map<string, PodAddressing> {
  const out = new Map<string, PodAddressing>();
  const used = new Set<string>();
  for (let i = 0; i < pods.length; i++) {
    const status = pods[i].statusIPs;
    for (let k = 0; k < status.length; k++) used.add(parseIp(status[k])?.text ?? status[k]);
  }
  // Without status IPs, and with node subnets that do not overlap (one subnet on two nodes shares its
  // cursor), no address is handed out twice: the set of used addresses need not be kept.
  const guard = used.size > 0 || distinctSubnetsOverlap(nodes) ? used : undefined;
  const cursors = new Map<string, SubnetCursor>();
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    const node = p.node ? nodes.get(p.node) : undefined;
    if (p.spec.hostNetwork) {
      out.set(p.id, {
        pod: p.id,
        node: p.node,
        ips: node?.ips ?? [],
        origin: node ? 'hostNetwork' : 'none',
        reason: node ? undefined : 'pending',
      });
      continue;
    }
    if (p.statusIPs.length) {
      const status = p.statusIPs.map(parseIp).filter((x): x is IpAddr => !!x);
      if (status.length) {
        out.set(p.id, { pod: p.id, node: p.node, ips: status, origin: 'status' });
        continue;
      }
    }
    if (!node) {
      out.set(p.id, { pod: p.id, node: p.node, ips: [], origin: 'none', reason: 'pending' });
      continue;
    }
    const subnets = node.subnets;
    let ips: IpAddr[];
    if (subnets.length === 1) {
      // One family (nearly always): a list of its size, not one with room for 17.
      const ip = nextPodIP(subnets[0], cursors, guard);
      ips = ip ? [ip] : [];
    } else {
      ips = [];
      for (let k = 0; k < subnets.length; k++) {
        const ip = nextPodIP(subnets[k], cursors, guard);
        if (ip) ips.push(ip);
      }
    }
    out.set(
      p.id,
      ips.length
        ? { pod: p.id, node: p.node, ips, origin: 'simulated' }
        : {
            pod: p.id,
            node: p.node,
            ips,
            origin: 'none',
            reason: subnets.length === 0 ? 'no subnet' : 'subnet full',
          },
    );
  }
  return out;
}

/** True when two node subnets of different text overlap (then one's addresses may be the other's). */
function distinctSubnetsOverlap(nodes: ReadonlyMap<string, NodeForPods>): boolean {
  const byText = new Map<string, Cidr>();
  for (const n of nodes.values()) for (const c of n.subnets) byText.set(c.text, c);
  const sorted = [...byText.values()].sort(
    (a, b) => a.family - b.family || (a.base < b.base ? -1 : a.base > b.base ? 1 : 0),
  );
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    // Sorted by start: an overlap is a start at or before the end of a CIDR before it (CIDRs nest or are apart).
    if (cidrsOverlap(prev, sorted[i])) return true;
  }
  return false;
}

/** Where host-local goes on in one subnet (by its text: equal subnets of two nodes share it), and where it stops. */
interface SubnetCursor {
  next: bigint;
  readonly last: bigint;
}

/** host-local's order inside a node subnet: from .2 up to the last address (before broadcast for IPv4). */
function nextPodIP(
  subnet: Cidr,
  cursors: Map<string, SubnetCursor>,
  used: Set<string> | undefined,
): IpAddr | undefined {
  let cursor = cursors.get(subnet.text);
  if (!cursor) {
    cursor = { next: FIRST_POD_OFFSET, last: lastOffset(subnet) };
    cursors.set(subnet.text, cursor);
  }
  const last = cursor.last;
  for (let off = cursor.next; off <= last; off++) {
    const ip = ipAt(subnet, off);
    if (used) {
      if (used.has(ip.text)) continue;
      used.add(ip.text);
    }
    cursor.next = off + 1n;
    return ip;
  }
  cursor.next = last + 1n;
  return undefined;
}
