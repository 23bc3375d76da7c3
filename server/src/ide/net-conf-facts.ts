/**
 * Hovers on flannel's net-conf.json keys (a net-conf.json file, or the
 * `net-conf.json` of flannel's ConfigMap): per key, the subnet plan it leads
 * to, from the simulated addressing: the network and how many node subnets it
 * holds, the addresses per node, the range flannel leases from (or the kube
 * subnet manager's podCIDRs), each node's subnet and pods, the backend's MTU.
 */
import { type IpFamily, makeCidr } from '../common/ip';
import { type Span, span } from '../common/source';
import { plural, quoteList } from '../common/text';
import type { Analysis } from '../engine/analysis';
import { backendPort } from '../network/backends';
import { type FlannelNetwork, leasableCount } from '../network/flannel-config';
import { subnetCapacity } from '../network/pod-ips';

/** At most this many nodes listed. */
const MAX_NODES = 8;

/** The net-conf.json key (or its value) at `offset`, inside the JSON text `within`. */
export function netConfKeyAt(within: Span, offset: number): { key: string; span: Span } | undefined {
  const text = within.file.text.slice(within.start, within.end);
  const pair = /"([A-Za-z0-9]+)"\s*:\s*("[^"\n]*"|[^,}\s]+|\{)?/g;
  for (let m = pair.exec(text); m; m = pair.exec(text)) {
    const start = within.start + m.index;
    const keyEnd = start + m[1].length + 2;
    const end = m[2] && m[2] !== '{' ? start + m[0].length : keyEnd;
    if (offset >= start && offset <= end) return { key: m[1], span: span(within.file, start, end) };
  }
  return undefined;
}

export interface NetConfFacts {
  readonly title: string;
  readonly lines: readonly string[];
}

const familyName = (f: IpFamily) => (f === 4 ? 'IPv4' : 'IPv6');

/** What a key leads to; undefined for keys without a subnet plan of their own (the whole configuration's hover then). */
export function netConfKeyFacts(a: Analysis, key: string): NetConfFacts | undefined {
  const k = key.toLowerCase();
  const family: IpFamily = k.startsWith('ipv6') ? 6 : 4;
  const field = k.replace(/^ipv6/, '');
  if (k === 'enableipv4' || k === 'enableipv6') return familiesFacts(a);
  if (k === 'backend' || k === 'type') return backendFacts(a);
  if (!['network', 'subnetlen', 'subnetmin', 'subnetmax'].includes(field)) return undefined;
  const net = a.addressing.config.networks.find((n) => n.family === family);
  if (!net)
    return {
      title: `No ${familyName(family)} network in effect`,
      lines: [
        family === 6
          ? 'EnableIPv6 is not true (or the backend does not carry IPv6): pods get no IPv6 address.'
          : 'EnableIPv4 is false: pods get no IPv4 address.',
      ],
    };
  const plan = [...leaseLines(a, net), ...nodeLines(a, net)];
  if (field === 'network')
    return {
      title: `${familyName(family)} network ${net.network.text}: ${subnetCount(net)} node subnets of /${net.subnetLen}, ${subnetCapacity(makeCidr(family, net.network.base, net.subnetLen))} pod addresses each`,
      lines: plan,
    };
  if (field === 'subnetlen' && a.addressing.config.subnetManager === 'kube')
    return {
      title: `Not used: with the kube subnet manager each node's subnet is its spec.podCIDR (kube-controller-manager's --node-cidr-mask-size)`,
      lines: nodeLines(a, net),
    };
  if (field === 'subnetlen') {
    const size = 1n << BigInt((family === 4 ? 32 : 128) - net.subnetLen);
    return {
      title: `/${net.subnetLen} per node: ${size} addresses, ${subnetCapacity(makeCidr(family, net.network.base, net.subnetLen))} for pods`,
      lines: [`${familyName(family)} network ${net.network.text} holds ${subnetCount(net)} such subnets.`, ...plan],
    };
  }
  return { title: leaseTitle(a, net), lines: nodeLines(a, net) };
}

function subnetCount(net: FlannelNetwork): bigint {
  return 1n << BigInt(net.subnetLen - net.network.prefix);
}

function leaseRange(net: FlannelNetwork): string {
  const first = makeCidr(net.family, net.subnetMin, net.subnetLen).text;
  const last = makeCidr(net.family, net.subnetMax, net.subnetLen).text;
  return `${first} to ${last} (${plural(Number(leasableCount(net)), 'subnet')})`;
}

function leaseTitle(a: Analysis, net: FlannelNetwork): string {
  return a.addressing.config.subnetManager === 'kube'
    ? `Not used: with the kube subnet manager each node's subnet is its spec.podCIDR (flannel would lease ${leaseRange(net)})`
    : `flannel leases ${familyName(net.family)} subnets from ${leaseRange(net)}`;
}

function leaseLines(a: Analysis, net: FlannelNetwork): string[] {
  return a.addressing.config.subnetManager === 'kube'
    ? [`Subnet manager kube: each node's subnet is its spec.podCIDR, allocated by kube-controller-manager.`]
    : [`Subnet manager etcd: flannel leases subnets from ${leaseRange(net)}.`];
}

/** `n1: 10.244.1.0/24 (podCIDR, 3 pods)` per node, then who has none. */
function nodeLines(a: Analysis, net: FlannelNetwork): string[] {
  const nodes = [...a.addressing.nodes.values()];
  if (nodes.length === 0) return ['No Node in the workspace: node subnets are simulated for the nodes pods name.'];
  const withSubnet = nodes.flatMap((n) => {
    const subnet = n.subnetDetails.find((s) => s.cidr.family === net.family);
    return subnet ? [`${n.node}: ${subnet.cidr.text} (${subnet.origin}, ${plural(n.podCount, 'pod')})`] : [];
  });
  const without = nodes.filter((n) => !n.subnets.some((s) => s.family === net.family)).map((n) => n.node);
  const lines = [
    `${plural(withSubnet.length, 'node')} with an ${familyName(net.family)} subnet:`,
    ...withSubnet.slice(0, MAX_NODES),
  ];
  if (withSubnet.length > MAX_NODES) lines.push(`and ${withSubnet.length - MAX_NODES} more`);
  if (without.length) lines.push(`No subnet (no room left, or no podCIDR): ${quoteList(without, MAX_NODES)}.`);
  return lines;
}

function familiesFacts(a: Analysis): NetConfFacts {
  const nets = a.addressing.config.networks;
  return {
    title: nets.length
      ? `Pods get ${nets.map((n) => `${familyName(n.family)} (${n.network.text})`).join(' and ')} addresses`
      : 'No address family is enabled: pods get no address',
    lines: nets.map((n) => `${familyName(n.family)}: ${subnetCount(n)} node subnets of /${n.subnetLen}`),
  };
}

function backendFacts(a: Analysis): NetConfFacts {
  const b = a.addressing.config.backend;
  const port = backendPort(b);
  return {
    title: `Backend ${b.type || '(none)'}: pods' MTU ${b.mtu} (link MTU ${b.linkMtu} − ${b.overhead} bytes of overhead)`,
    lines: [
      ...b.families.flatMap((f) => {
        const device = b.spec?.device(b.options, f);
        return device ? [`Device ${device} on each node (${familyName(f)}).`] : [];
      }),
      ...(port !== undefined ? [`Between nodes: UDP port ${port}.`] : []),
      `Carries ${b.families.map(familyName).join(' and ') || 'no family'}.`,
    ],
  };
}
