/**
 * New policies as YAML text: a namespace's default-deny, and a least-privilege
 * policy for one workload from what it needs (its inferred dependencies and
 * the NetworkIntents' allow-intents, engine/least-privilege.ts), as a
 * NetworkPolicy or a Calico NetworkPolicy (lint/fixes/policy-text.ts, shared
 * with the complete-intents fix).
 */
import type { Analysis } from '../engine/analysis';
import type { IngressControllerSelector } from '../engine/dependencies';
import { type LeastPrivilegePlan, leastPrivilegePlan, neededBroken } from '../engine/least-privilege';
import { dnsEgressRule } from '../lint/fixes/dns-rule';
import { freeName, type PolicyFlavor, planComment, planDocument, yamlScalar } from '../lint/fixes/policy-text';

export function defaultDenyYaml(a: Analysis, namespace: string, existingNames: readonly string[]): string {
  const name = existingNames.includes('default-deny') ? 'default-deny-all' : 'default-deny';
  return `# Default deny for namespace ${namespace}: every pod is isolated for ingress and egress,
# but may still look names up (DNS); add policies that allow what each workload needs.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${yamlScalar(name)}
  namespace: ${yamlScalar(namespace)}
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
  egress:
${dnsEgressRule(a, namespace)
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}

export interface LeastPrivilegePolicy {
  readonly plan: LeastPrivilegePlan;
  readonly content: string;
}

/**
 * The least-privilege policy for the workload's pods: isolates both directions and
 * allows what its dependencies and allow-intents need, and DNS.
 */
export function leastPrivilegePolicy(
  a: Analysis,
  pods: readonly number[],
  flavor: PolicyFlavor,
  controllers: readonly IngressControllerSelector[] = [],
): LeastPrivilegePolicy {
  const plan = leastPrivilegePlan(a, pods, { directions: ['ingress', 'egress'], controllers });
  const taken = new Set(
    a.cluster.networkPolicies.filter((p) => p.meta.namespace === plan.namespace).map((p) => p.meta.name),
  );
  const name = freeName(`${plan.name}-least-privilege`, taken);
  const comment = [
    ...planComment(plan, 'what its inferred dependencies and NetworkIntents say it needs'),
    '# Connections neither says anything about are cut: review before applying.',
  ];
  return { plan, content: planDocument(plan, flavor, name, comment) };
}

/** What adding the generated policy would break of what was needed (`after`: the analysis with it). */
export function leastPrivilegeCheck(
  before: Analysis,
  after: Analysis,
  controllers: readonly IngressControllerSelector[] = [],
): string[] {
  return neededBroken(before, after, controllers);
}
