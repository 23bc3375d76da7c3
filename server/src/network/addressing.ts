/**
 * The network stage: flannel addressing. Reads flannel's configuration from
 * the workspace (sources.ts, configuration.ts), gives every node a pod subnet
 * per enabled family (nodesubnets.ts) and every pod an address inside it
 * (podips.ts), then checks the result (checks.ts). Everything it finds wrong
 * is a finding in `findings`; nothing here throws on bad input.
 */
import type { Finding } from '../common/finding';
import { type Cidr, type IpAddr, ipAt, minBigint } from '../common/ip';
import type { Cluster } from '../model/types';
import { sourceRole } from '../yaml/sourcerole';
import { checkAddressing } from './checks';
import { type ClusterFlags, readClusterFlags } from './clusterflags';
import { resolveConfiguration } from './configuration';
import { type FlannelConfig, parsePodNetwork } from './flannel';
import { readLeases } from './leases';
import { declaredPublicIP, internalIPsOf, simulatedNodeBase, simulatedNodeIP } from './nodeips';
import { assignNodeSubnets, type NodeSubnet, type SubnetOrigin } from './nodesubnets';
import { assignPodIPs, type PodAddressing, subnetCapacity } from './podips';
import { findFlannelSources } from './sources';

export type { PodAddressing } from './podips';
export type { SubnetOrigin } from './nodesubnets';

export interface NodeAddressing {
  readonly node: string;
  /** Pod subnets, IPv4 first. Empty when the network has no room left. */
  readonly subnets: readonly Cidr[];
  /** How the first subnet was decided ('none' without subnets). */
  readonly subnetOrigin: SubnetOrigin | 'none';
  /** Per subnet: how it was decided and where it was written. */
  readonly subnetDetails: readonly NodeSubnet[];
  /** The node's own addresses (InternalIP, or simulated), one or more per family. */
  readonly ips: readonly IpAddr[];
  readonly ipOrigin: 'status' | 'simulated';
  /** The outer addresses tunnelled packets travel between, per family. */
  readonly publicIPs: readonly IpAddr[];
  /** `.1` of each subnet: the pods' gateway (cni0, or Calico's routing in Canal). */
  readonly gateways: readonly IpAddr[];
  /** `.0` of each subnet, on the backend's device (flannel.1, flannel-wg, …), when the backend has one. */
  readonly tunnelIPs: readonly IpAddr[];
  /** Pod addresses the node's subnets hold (the smallest family's). */
  readonly capacity: bigint;
  /** Pods placed on the node that need a pod address (hostNetwork pods excluded). */
  readonly podCount: number;
}

export interface Addressing {
  readonly config: FlannelConfig;
  readonly nodes: ReadonlyMap<string, NodeAddressing>;
  readonly pods: ReadonlyMap<string, PodAddressing>;
  /** Service ranges and cluster CIDRs the workspace shows (kube-apiserver flags, kubeadm-config). */
  readonly flags: ClusterFlags;
  readonly findings: readonly Finding[];
}

export interface AddressingOptions {
  /**
   * `--pod-network` (or the editor setting): the flannel network when the
   * workspace has no configuration; an IPv4 CIDR, an IPv6 one, or both
   * separated by a comma. Invalid values are ignored (the adapters check them).
   */
  readonly podNetwork?: string;
}

export function computeAddressing(cluster: Cluster, options: AddressingOptions = {}): Addressing {
  const findings: Finding[] = [];
  const flags = readClusterFlags(cluster);
  const netConfFiles = cluster.files.filter((f) => sourceRole(f.path) === 'flannel-net-conf');
  const leaseFiles = cluster.files.filter((f) => sourceRole(f.path) === 'flannel-leases');
  const leases = readLeases(leaseFiles, findings);
  const parsedOverride = options.podNetwork ? parsePodNetwork(options.podNetwork) : undefined;
  const config = resolveConfiguration(
    {
      sources: findFlannelSources(cluster.configMaps, netConfFiles),
      flags,
      hasLeases: leaseFiles.length > 0,
      override: parsedOverride && !('error' in parsedOverride) ? parsedOverride : undefined,
    },
    findings,
  );
  const subnets = assignNodeSubnets(cluster, config, leases, findings);
  const nodes = addressNodes(cluster, config, subnets);
  const pods = assignPodIPs(cluster.pods, nodes);
  const podCount = new Map<string, number>();
  for (const p of cluster.pods)
    if (p.node && !p.spec.hostNetwork) podCount.set(p.node, (podCount.get(p.node) ?? 0) + 1);
  const counted = new Map<string, NodeAddressing>();
  for (const [name, n] of nodes) counted.set(name, { ...n, podCount: podCount.get(name) ?? 0 });
  findings.push(...checkAddressing({ cluster, config, nodes: counted, pods, flags }));
  return { config, nodes: counted, pods, flags, findings };
}

function addressNodes(
  cluster: Cluster,
  config: FlannelConfig,
  subnets: ReadonlyMap<string, NodeSubnet[]>,
): Map<string, NodeAddressing> {
  const out = new Map<string, NodeAddressing>();
  const families = config.networks.length ? config.networks.map((n) => n.family) : [4 as const];
  const avoid = config.networks.map((n) => n.network);
  const bases = families.map((f) => simulatedNodeBase(f, avoid));
  const hasTunnelDevice = !!config.backend.spec?.device(config.backend.options, 4);
  cluster.nodes.forEach((n, i) => {
    const details = subnets.get(n.name) ?? [];
    const own = internalIPsOf(n);
    const ips = own.length ? own : bases.map((b) => simulatedNodeIP(b, i));
    const publicIPs = families
      .map((f) => declaredPublicIP(n, f) ?? ips.find((ip) => ip.family === f))
      .filter((x): x is IpAddr => !!x);
    const cidrs = details.map((d) => d.cidr);
    const capacities = cidrs.map(subnetCapacity);
    out.set(n.name, {
      node: n.name,
      subnets: cidrs,
      subnetOrigin: details[0]?.origin ?? 'none',
      subnetDetails: details,
      ips,
      ipOrigin: own.length ? 'status' : 'simulated',
      publicIPs,
      gateways: cidrs.filter((c) => subnetCapacity(c) > 0n).map((c) => ipAt(c, 1n)),
      tunnelIPs: hasTunnelDevice ? cidrs.map((c) => ipAt(c, 0n)) : [],
      capacity: capacities.length ? minBigint(capacities[0], ...capacities) : 0n,
      podCount: 0,
    });
  });
  return out;
}
