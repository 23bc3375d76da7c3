/**
 * The DNS egress rule (UDP and TCP 53 to kube-system's DNS pods), as block
 * YAML lines of an `egress` list item: what dns-blocked's fix adds to a
 * policy and what every default-deny for egress carries, so that isolating a
 * namespace's egress does not break its name lookups.
 */
import { DNS_NAMESPACE } from '../../engine/cluster-dns';

export const DNS_EGRESS_RULE: readonly string[] = [
  '- to:',
  '  - namespaceSelector:',
  '      matchLabels:',
  `        kubernetes.io/metadata.name: ${DNS_NAMESPACE}`,
  '    podSelector:',
  '      matchLabels:',
  '        k8s-app: kube-dns',
  '  ports:',
  '  - protocol: UDP',
  '    port: 53',
  '  - protocol: TCP',
  '    port: 53',
];
