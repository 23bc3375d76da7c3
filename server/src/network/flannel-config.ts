/**
 * flannel's network configuration as the simulation uses it: one network per
 * enabled address family, each cut into node subnets, plus the backend.
 * Defaults follow flannel's pkg/subnet/config.go: SubnetLen 24 unless the
 * network is smaller than /22 (then prefix + 2), IPv6SubnetLen 64 unless the
 * IPv6 network is smaller than /62 (then prefix + 2); SubnetMin is the second
 * subnet, SubnetMax the last one.
 */
import type { Span } from '../common/source';
import { bitsOf, type Cidr, cidrLast, type IpFamily, isCidr, makeCidr, parseCidr } from '../common/ip';
import { type Backend, defaultBackend } from './backends';

/** One address family's flannel network and how it is cut into node subnets. */
export interface FlannelNetwork {
  readonly family: IpFamily;
  readonly network: Cidr;
  readonly subnetLen: number;
  /** First and last subnet base addresses that may be leased. */
  readonly subnetMin: bigint;
  readonly subnetMax: bigint;
  /** Where net-conf.json set what is in effect, for findings about it. */
  readonly spans?: {
    readonly network?: Span;
    readonly subnetLen?: Span;
    readonly subnetMin?: Span;
    readonly subnetMax?: Span;
  };
}

/**
 * Who decides node subnets. `kube`: flanneld --kube-subnet-mgr (kube-flannel.yml,
 * Canal): each node's spec.podCIDR, allocated by kube-controller-manager.
 * `etcd`: flannel leases subnets itself from SubnetMin..SubnetMax.
 */
export type SubnetManager = 'kube' | 'etcd';

/** Which CNI plugin wires pods: flannel's (a `cni0` bridge) or Calico's (Canal: routed veths). */
export type PodCni = 'flannel' | 'calico';

export interface FlannelConfig {
  /** The enabled families' networks, IPv4 first. Empty when both families are disabled. */
  readonly networks: readonly FlannelNetwork[];
  readonly ipv4?: FlannelNetwork;
  readonly ipv6?: FlannelNetwork;
  readonly backend: Backend;
  readonly subnetManager: SubnetManager;
  readonly cni: PodCni;
  /**
   * Where the configuration came from: flannel's ConfigMap or a net-conf.json
   * file; else `--pod-network`; else the pod network the cluster's own
   * configuration names (kubeadm-config podSubnet, --cluster-cidr); else the default.
   */
  readonly origin: 'default' | 'override' | 'cluster' | 'configmap' | 'file';
  /** For explanations: "ConfigMap kube-flannel/kube-flannel-cfg", "net-conf.json", … */
  readonly sourceName: string;
  /** The net-conf.json text the configuration was read from, when there is one. */
  readonly sourceSpan?: Span;
}

/** The kube-flannel.yml and Canal default. */
export const DEFAULT_POD_NETWORK = '10.244.0.0/16';

/** flannel's default subnet length for a network: 24 (64 for IPv6), or prefix + 2 for small networks. */
export function defaultSubnetLen(network: Cidr): number {
  if (network.family === 4) return network.prefix <= 22 ? 24 : network.prefix + 2;
  return network.prefix <= 62 ? 64 : network.prefix + 2;
}

export function subnetSize(family: IpFamily, subnetLen: number): bigint {
  return 1n << BigInt(bitsOf(family) - subnetLen);
}

/** A family's network with the defaults for everything not given. */
export function flannelNetwork(
  network: Cidr,
  subnetLen = defaultSubnetLen(network),
  subnetMin?: bigint,
  subnetMax?: bigint,
): FlannelNetwork {
  const size = subnetSize(network.family, subnetLen);
  return {
    family: network.family,
    network,
    subnetLen,
    subnetMin: subnetMin ?? network.base + size,
    subnetMax: subnetMax ?? cidrLast(network) + 1n - size,
  };
}

/** The configuration used when the workspace has none: `networks` (default 10.244.0.0/16), vxlan, kube subnet manager. */
export function defaultFlannelConfig(
  networks: readonly Cidr[] = [parseCidr(DEFAULT_POD_NETWORK) as Cidr],
  origin: 'default' | 'override' | 'cluster' = 'default',
  sourceName?: string,
): FlannelConfig {
  const ipv4 = networks.find((n) => n.family === 4);
  const ipv6 = networks.find((n) => n.family === 6);
  const nets = [ipv4, ipv6].filter((n): n is Cidr => !!n).map((n) => flannelNetwork(n));
  return {
    networks: nets,
    ipv4: nets.find((n) => n.family === 4),
    ipv6: nets.find((n) => n.family === 6),
    backend: defaultBackend(nets.map((n) => n.family)),
    subnetManager: 'kube',
    cni: 'flannel',
    origin,
    sourceName: sourceName ?? (origin === 'default' ? 'the default' : '--pod-network'),
  };
}

/**
 * Parses a `--pod-network` value: one CIDR, or an IPv4 and an IPv6 CIDR
 * separated by a comma for dual-stack (as kubeadm's --pod-network-cidr).
 */
export function parsePodNetwork(text: string): readonly Cidr[] | { error: string } {
  const parts = text.split(',').map((p) => p.trim());
  const out: Cidr[] = [];
  for (const p of parts) {
    const c = parseCidr(p);
    if (!isCidr(c)) return { error: c.error };
    if (out.some((o) => o.family === c.family))
      return {
        error: `"${text}" has two ${c.family === 4 ? 'IPv4' : 'IPv6'} networks; give at most one of each family`,
      };
    const minimum = c.family === 4 ? 28 : 124;
    if (c.prefix > minimum)
      return { error: `${c.text} is too small for flannel: the network prefix must be /${minimum} or shorter` };
    if (c.prefix === 0) return { error: `${c.text} covers every address; flannel needs a real network` };
    out.push(c);
  }
  if (out.length === 0) return { error: 'no network given' };
  return out;
}

/** The subnets a network may lease, from `from` to `to` (base addresses, inclusive), in order. */
export function* subnetsBetween(net: FlannelNetwork, from: bigint, to: bigint): Generator<Cidr> {
  const size = subnetSize(net.family, net.subnetLen);
  for (let base = from; base <= to; base += size) yield makeCidr(net.family, base, net.subnetLen);
}

/** The subnets flannel may lease, SubnetMin to SubnetMax. */
export function leasableSubnets(net: FlannelNetwork): Generator<Cidr> {
  return subnetsBetween(net, net.subnetMin, net.subnetMax);
}

/** How many subnets lie between SubnetMin and SubnetMax. */
export function leasableCount(net: FlannelNetwork): bigint {
  if (net.subnetMax < net.subnetMin) return 0n;
  return (net.subnetMax - net.subnetMin) / subnetSize(net.family, net.subnetLen) + 1n;
}
