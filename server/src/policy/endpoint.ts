/**
 * Endpoints: what the policy language can see of a traffic source or
 * destination. Pods are workload endpoints; hostNetwork pods are their node
 * (host traffic, outside pod policy); external addresses are neither.
 */
import type { IpAddr, IpFamily } from '../common/ip';
import type { Addressing } from '../network/addressing';
import type { Labels, Pod, Protocol } from '../model/kubernetes';
import type { Cluster } from '../model/cluster';
import { calicoPodLabels, type NetworkSetMembership, networkSetsContaining } from './calico/calico-labels';

export interface Endpoint {
  /** `namespace/name` for pods; the address for external endpoints. */
  readonly id: string;
  /** `pod`: a workload endpoint that policy selects; `host`: a node's own network (hostNetwork pods); `external`: outside the cluster. */
  readonly kind: 'pod' | 'host' | 'external';
  readonly pod?: Pod;
  readonly namespace?: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  readonly serviceAccount?: string;
  readonly node?: string;
  readonly ips: readonly IpAddr[];
  /** Container ports by name: `name` -> `PROTOCOL/port` entries. */
  readonly namedPorts: ReadonlyMap<string, readonly string[]>;
  /** What Calico selectors see of a workload endpoint (pod labels plus Calico's implicit labels); empty for others. */
  readonly calicoLabels: Labels;
  /** The Calico network sets that contain the endpoint's addresses (their labels count for rule selectors). */
  readonly networkSets: readonly NetworkSetMembership[];
}

export function podEndpoint(pod: Pod, cluster: Cluster, addressing: Addressing): Endpoint {
  const namedPorts = new Map<string, string[]>();
  for (const p of pod.spec.ports) {
    if (!p.name) continue;
    const list = namedPorts.get(p.name) ?? [];
    list.push(portKey(p.protocol, p.containerPort));
    namedPorts.set(p.name, list);
  }
  for (const list of namedPorts.values()) list.sort();
  const ips = addressing.pods.get(pod.id)?.ips ?? [];
  const workload = !pod.spec.hostNetwork;
  return {
    id: pod.id,
    kind: pod.spec.hostNetwork ? 'host' : 'pod',
    pod,
    namespace: pod.namespace,
    labels: pod.labels,
    namespaceLabels: cluster.namespaces.get(pod.namespace)?.labels ?? { 'kubernetes.io/metadata.name': pod.namespace },
    serviceAccount: pod.spec.serviceAccount,
    node: pod.node,
    ips,
    namedPorts,
    calicoLabels: workload ? calicoPodLabels(pod, cluster) : {},
    networkSets: networkSetsContaining(ips, cluster),
  };
}

/** An address outside the pods of the snapshot; `cluster` supplies the network sets that may contain it. */
export function externalEndpoint(ip: IpAddr, cluster?: Cluster): Endpoint {
  return {
    id: ip.text,
    kind: 'external',
    labels: {},
    namespaceLabels: {},
    ips: [ip],
    namedPorts: new Map(),
    calicoLabels: {},
    networkSets: cluster ? networkSetsContaining([ip], cluster) : [],
  };
}

export function portKey(protocol: Protocol, port: number): string {
  return `${protocol}/${port}`;
}

export function familiesOf(ep: Endpoint): IpFamily[] {
  const out: IpFamily[] = [];
  if (ep.ips.some((ip) => ip.family === 4)) out.push(4);
  if (ep.ips.some((ip) => ip.family === 6)) out.push(6);
  return out;
}

/** The address family a connection between two endpoints uses: IPv4 when both have one, else IPv6. */
export function connectionFamily(a: Endpoint, b: Endpoint): IpFamily | undefined {
  const fa = familiesOf(a);
  const fb = familiesOf(b);
  if (fa.includes(4) && fb.includes(4)) return 4;
  if (fa.includes(6) && fb.includes(6)) return 6;
  return undefined;
}
