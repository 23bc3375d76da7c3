/**
 * The DNS egress rule as block YAML lines of an `egress` list item: UDP and TCP 53 to the
 * cluster's DNS pods, selected by their own labels and namespace (engine/least-privilege.ts's
 * `dnsRule`; kube-system's `k8s-app: kube-dns` when the workspace has none). What dns-blocked's
 * fix adds to a policy and what every default-deny for egress carries, so that isolating a
 * namespace's egress does not break its name lookups; least-privilege plans allow the same.
 */
import type { Analysis } from '../../engine/analysis';
import { dnsRule } from '../../engine/least-privilege';
import { kubeRuleLines } from './policy-text';

/** The rule's lines (no indentation) for a NetworkPolicy in `namespace`. */
export function dnsEgressRule(a: Analysis, namespace: string): string[] {
  return kubeRuleLines(dnsRule(a), 'egress', namespace);
}
