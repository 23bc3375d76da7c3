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

/**
 * What a pod's endpoint shares with the other replicas of its workload: everything but its id,
 * node and addresses. Replicas share one pod spec and one labels object (model/build.ts), so
 * their endpoints share these objects too, and the engine can tell replicas apart by identity
 * alone (engine/classes.ts answers most atoms once per template).
 */
interface PodTemplateParts {
  readonly namespace: string;
  readonly labels: Labels;
  readonly namespaceLabels: Labels;
  readonly namedPorts: ReadonlyMap<string, readonly string[]>;
  readonly calicoLabels: Labels;
}

/** Per snapshot, per pod spec: the template parts built so far (one per namespace and labels, nearly always one). */
const templateParts = new WeakMap<Cluster, Map<Pod['spec'], PodTemplateParts[]>>();

function podTemplateParts(pod: Pod, cluster: Cluster): PodTemplateParts {
  let bySpec = templateParts.get(cluster);
  if (!bySpec) {
    bySpec = new Map<Pod['spec'], PodTemplateParts[]>();
    templateParts.set(cluster, bySpec);
  }
  let list = bySpec.get(pod.spec);
  if (!list) {
    list = [];
    bySpec.set(pod.spec, list);
  }
  for (let i = 0; i < list.length; i++) {
    const parts = list[i];
    if (parts.namespace === pod.namespace && parts.labels === pod.labels) return parts;
  }
  const namedPorts = new Map<string, string[]>();
  for (const p of pod.spec.ports) {
    if (!p.name) continue;
    const ports = namedPorts.get(p.name) ?? [];
    ports.push(portKey(p.protocol, p.containerPort));
    namedPorts.set(p.name, ports);
  }
  for (const ports of namedPorts.values()) ports.sort();
  const parts: PodTemplateParts = {
    namespace: pod.namespace,
    labels: pod.labels,
    namespaceLabels: cluster.namespaces.get(pod.namespace)?.labels ?? { 'kubernetes.io/metadata.name': pod.namespace },
    namedPorts,
    // Host-network pods are their node: no workload endpoint, no Calico labels.
    calicoLabels: pod.spec.hostNetwork ? {} : calicoPodLabels(pod, cluster),
  };
  list.push(parts);
  return parts;
}

export function podEndpoint(pod: Pod, cluster: Cluster, addressing: Addressing): Endpoint {
  const parts = podTemplateParts(pod, cluster);
  const ips = addressing.pods.get(pod.id)?.ips ?? [];
  return {
    id: pod.id,
    kind: pod.spec.hostNetwork ? 'host' : 'pod',
    pod,
    namespace: pod.namespace,
    labels: pod.labels,
    namespaceLabels: parts.namespaceLabels,
    serviceAccount: pod.spec.serviceAccount,
    node: pod.node,
    ips,
    namedPorts: parts.namedPorts,
    calicoLabels: parts.calicoLabels,
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
  return commonFamily(familiesOf(a), familiesOf(b));
}

/** The family two sets of address families share, IPv4 first, as a connection picks it. */
export function commonFamily(a: readonly IpFamily[], b: readonly IpFamily[]): IpFamily | undefined {
  if (a.includes(4) && b.includes(4)) return 4;
  if (a.includes(6) && b.includes(6)) return 6;
  return undefined;
}
