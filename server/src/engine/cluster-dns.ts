/**
 * The cluster's DNS servers as policy sees them: kube-dns / CoreDNS pods in
 * kube-system (`k8s-app: kube-dns`, which CoreDNS keeps for compatibility, or
 * `k8s-app: coredns`). When the workspace does not hold them, one assumed
 * CoreDNS pod with the labels every kubeadm, kOps, EKS, GKE and AKS cluster
 * gives it, so a policy's DNS rule is checked against what the cluster runs.
 */
import type { Endpoint } from '../policy/endpoint';
import { namespaceProfileLabels } from '../policy/calico/calico-labels';
import type { Analysis } from './analysis';
import { externalClasses } from './address-classes';
import { memoized } from '../common/memo';

export const DNS_NAMESPACE = 'kube-system';
const DNS_LABELS: readonly Readonly<Record<string, string>>[] = [{ 'k8s-app': 'kube-dns' }, { 'k8s-app': 'coredns' }];

export interface ClusterDns {
  /** Indices of the workspace's DNS pods, or empty. */
  readonly indices: readonly number[];
  /** The endpoints to check: the workspace's DNS pods, or the assumed one. */
  readonly endpoints: readonly Endpoint[];
  readonly assumed: boolean;
}

const cache = new WeakMap<Analysis, ClusterDns>();

/** Found once per analysis: rules ask it per policy rule, and the assumed pod stays one object (engine caches key on it). */
export function clusterDns(a: Analysis): ClusterDns {
  return memoized(cache, a, () => findClusterDns(a));
}

function findClusterDns(a: Analysis): ClusterDns {
  const indices: number[] = [];
  a.endpoints.forEach((e, i) => {
    if (
      e.kind === 'pod' &&
      e.namespace === DNS_NAMESPACE &&
      DNS_LABELS.some((l) => Object.entries(l).every(([k, v]) => e.labels[k] === v))
    )
      indices.push(i);
  });
  if (indices.length) return { indices, endpoints: indices.map((i) => a.endpoints[i]), assumed: false };
  const inPodNetwork = externalClasses(a).find((c) => c.tags.has('pod-network') && c.family === 4);
  const labels = { 'k8s-app': 'kube-dns' };
  const namespaceLabels = a.cluster.namespaces.get(DNS_NAMESPACE)?.labels ?? {
    'kubernetes.io/metadata.name': DNS_NAMESPACE,
  };
  const endpoint: Endpoint = {
    id: `${DNS_NAMESPACE}/coredns (assumed)`,
    kind: 'pod',
    namespace: DNS_NAMESPACE,
    labels,
    namespaceLabels,
    serviceAccount: 'coredns',
    ips: inPodNetwork ? inPodNetwork.endpoint.ips : [{ family: 4, value: 0x0af40002n, text: '10.244.0.2' }],
    namedPorts: new Map([
      ['dns', ['UDP/53']],
      ['dns-tcp', ['TCP/53']],
      ['metrics', ['TCP/9153']],
    ]),
    calicoLabels: {
      ...labels,
      'projectcalico.org/namespace': DNS_NAMESPACE,
      'projectcalico.org/orchestrator': 'k8s',
      'projectcalico.org/serviceaccount': 'coredns',
      ...namespaceProfileLabels(a.cluster, DNS_NAMESPACE),
      'pcsa.projectcalico.org/name': 'coredns',
    },
    networkSets: [],
  };
  return { indices: [], endpoints: [endpoint], assumed: true };
}
