import { type IpAddr, ipAt, minBigint } from '../common/ip';
import type { Cluster } from '../model/cluster';
import { sourceRole } from '../yaml/source-role';
import { overFileLimit } from '../common/limits';
import { checkAddressing } from './addressing-checks';
import { readClusterFlags } from './cluster-flags';
import { resolveConfiguration } from './configuration';
import { type FlannelConfig, parsePodNetwork } from './flannel-config';
import { readLeases } from './leases';
import { declaredPublicIP, internalIPsOf, simulatedNodeBase, simulatedNodeIP } from './node-ips';
import { assignNodeSubnets, type NodeSubnet } from './node-subnets';
import { assignPodIPs, subnetCapacity } from './pod-ips';
import { findFlannelSources } from './config-sources';
import type { Addressing, AddressingOptions, NodeAddressing } from './addressing-model';
import { FindingSink } from '../common/finding-sink';

export type { PodAddressing } from './pod-ips';
export type { SubnetOrigin } from './node-subnets';
export type { Addressing, AddressingOptions, NodeAddressing } from './addressing-model';

export function computeAddressing(cluster: Cluster, options: AddressingOptions = {}): Addressing {
  const sink = new FindingSink();
  const flags = readClusterFlags(cluster);
  // Files over the size limit are reported by the yaml stage and not read here either.
  const readable = cluster.files.filter((f) => !overFileLimit(f.size));
  const netConfFiles = readable.filter((f) => sourceRole(f.path) === 'flannel-net-conf');
  const leaseFiles = readable.filter((f) => sourceRole(f.path) === 'flannel-leases');
  const leases = readLeases(leaseFiles, sink);
  const parsedOverride = options.podNetwork ? parsePodNetwork(options.podNetwork) : undefined;
  const config = resolveConfiguration(
    {
      sources: findFlannelSources(cluster.configMaps, netConfFiles),
      flags,
      hasLeases: leaseFiles.length > 0,
      override: parsedOverride && !('error' in parsedOverride) ? parsedOverride : undefined,
    },
    sink,
  );
  const subnets = assignNodeSubnets(cluster, config, leases, sink);
  const nodes = addressNodes(cluster, config, subnets);
  const pods = assignPodIPs(cluster.pods, nodes);
  const podCount = new Map<string, number>();
  const allPods = cluster.pods;
  for (let i = 0; i < allPods.length; i++) {
    const p = allPods[i];
    if (p.node && !p.spec.hostNetwork) podCount.set(p.node, (podCount.get(p.node) ?? 0) + 1);
  }
  const counted = new Map<string, NodeAddressing>();
  for (const [name, n] of nodes) counted.set(name, { ...n, podCount: podCount.get(name) ?? 0 });
  checkAddressing({ cluster, config, nodes: counted, pods, flags }, sink);
  return { config, nodes: counted, pods, flags, findings: sink.findings };
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
