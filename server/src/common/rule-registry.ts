/**
 * The one registry of rule ids. Every finding any stage produces carries one of
 * these ids (the type checker enforces it), with a default severity, a one-line
 * title and a family (how the README and the docs group rules). Each id has its
 * documentation at docs/rules/<id>.md; test/lint/rule-registry.test.ts checks
 * that every id has its page. Lint rules that compute findings from the
 * analysis (lint/rules/<id>.ts) use these ids too.
 */
import type { Severity } from './severity';

/**
 * How rules are grouped in the README and the docs: what is wrong with the
 * manifests as written (`manifest`, `calico`, `flannel`), selectors that match
 * nothing, pods exposed more than they should be (`exposure`), connections
 * policy blocks (`reachability`), policies that do less than they seem
 * (`hygiene`), APIs current clusters ignore (`legacy`), NetworkIntent tests
 * (`intents`), and the project file (`project`).
 */
export type RuleFamily =
  | 'manifest'
  | 'calico'
  | 'flannel'
  | 'selectors'
  | 'exposure'
  | 'reachability'
  | 'hygiene'
  | 'legacy'
  | 'intents'
  | 'project';

export interface RuleInfo {
  /** The severity findings of this rule have unless the project configures another. */
  readonly severity: Severity;
  /** One line: what the rule reports. */
  readonly title: string;
  readonly family: RuleFamily;
  /** The SARIF name when the id in PascalCase would equal the id but for case (SARIF wants them different). */
  readonly name?: string;
}

export const RULE_REGISTRY = {
  'yaml-syntax': { severity: 'error', family: 'manifest', title: 'The YAML does not parse.' },
  'invalid-field': {
    severity: 'error',
    family: 'manifest',
    title: 'A field has a wrong type or value; the API server would reject the object.',
  },
  'invalid-selector': { severity: 'error', family: 'calico', title: 'A Calico selector does not parse.' },
  'unknown-tier': { severity: 'error', family: 'calico', title: 'A Calico policy names a tier that does not exist.' },
  'unknown-service': {
    severity: 'warning',
    family: 'calico',
    title: 'A Calico rule names a Service that is not in the workspace.',
  },
  'field-not-simulated': {
    severity: 'info',
    family: 'calico',
    title: 'A field is read but outside the pod-to-pod simulation.',
  },
  'staged-policy': { severity: 'info', family: 'calico', title: 'A staged Calico policy is shown but not enforced.' },
  'yaml-boolean-string': {
    severity: 'warning',
    family: 'manifest',
    title: 'An unquoted yes/no/on/off where a string belongs.',
  },
  'unknown-field': { severity: 'warning', family: 'manifest', title: 'A field is not part of the object’s schema.' },
  'policy-not-simulated': {
    severity: 'warning',
    family: 'manifest',
    title: 'A policy is left out of the simulation because the API server (or Calico) would reject it.',
  },
  'duplicate-object': { severity: 'warning', family: 'manifest', title: 'The same object is defined twice.' },
  unschedulable: { severity: 'warning', family: 'manifest', title: 'No node fits a pod.', name: 'NoNodeFitsPod' },
  'template-not-analysed': {
    severity: 'info',
    family: 'manifest',
    title: 'A document holds template directives and is not analysed.',
  },
  'analysis-failed': {
    severity: 'error',
    family: 'manifest',
    title: 'An internal error while analysing one object; it is left out and everything else is analysed.',
  },
  'limit-exceeded': {
    severity: 'warning',
    family: 'manifest',
    title:
      'A file or document exceeds a resource limit (size, documents, aliases, nesting, keys, selector, pods) and is not analysed in full.',
  },
  'flannel-config-syntax': {
    severity: 'error',
    family: 'flannel',
    title: "flannel's net-conf.json (or the CNI configuration it installs) is not valid JSON.",
  },
  'flannel-config-unknown-field': {
    severity: 'warning',
    family: 'flannel',
    title: 'net-conf.json has a key flannel does not read.',
  },
  'flannel-config-invalid': {
    severity: 'error',
    family: 'flannel',
    title: 'A net-conf.json value flanneld rejects, or a required field is missing.',
  },
  'flannel-subnet-range': {
    severity: 'error',
    family: 'flannel',
    title: 'SubnetMin or SubnetMax is outside the network or not on a SubnetLen boundary.',
  },
  'flannel-ignored-setting': {
    severity: 'warning',
    family: 'flannel',
    title: 'A flannel setting has no effect in this set-up.',
  },
  'flannel-network-capacity': {
    severity: 'error',
    family: 'flannel',
    title: 'The pod network has fewer node subnets than there are nodes.',
  },
  'flannel-subnet-capacity': {
    severity: 'warning',
    family: 'flannel',
    title: 'A node subnet is too small for the pods placed on the node.',
  },
  'flannel-podcidr-outside-network': {
    severity: 'error',
    family: 'flannel',
    title: "A node's podCIDR lies outside flannel's network.",
  },
  'flannel-network-overlap': {
    severity: 'error',
    family: 'flannel',
    title: 'The pod network overlaps Service addresses or node addresses.',
  },
  'flannel-cluster-cidr-mismatch': {
    severity: 'warning',
    family: 'flannel',
    title: "flannel's network does not cover the cluster CIDR node podCIDRs come from.",
  },
  'flannel-backend': { severity: 'error', family: 'flannel', title: "A mistake in net-conf.json's Backend." },
  'flannel-config-conflict': {
    severity: 'warning',
    family: 'flannel',
    title: 'More than one flannel configuration is in the workspace.',
  },
  'flannel-lease': { severity: 'warning', family: 'flannel', title: 'A problem in an exported flannel lease list.' },
  'flannel-subnet-overlap': { severity: 'error', family: 'flannel', title: "Two nodes' subnets overlap." },
  'flannel-cni-config': {
    severity: 'warning',
    family: 'flannel',
    title: 'The CNI configuration flannel installs would not give pods their flannel addresses.',
  },
  'flannel-pod-ip': {
    severity: 'warning',
    family: 'flannel',
    title: "A pod's recorded address contradicts the rest of the manifests.",
  },
  'selector-matches-nothing': {
    severity: 'warning',
    family: 'selectors',
    title: 'A policy or peer selector matches nothing in the workspace.',
  },
  'intent-violated': {
    severity: 'error',
    family: 'intents',
    title: 'A NetworkIntent does not hold: a connection it expects is denied, or one it forbids is allowed.',
  },
  'intent-tests-nothing': {
    severity: 'warning',
    family: 'intents',
    title: 'A NetworkIntent selects no pod on one side, so it tests nothing.',
  },
  'rule-never-matches': {
    severity: 'warning',
    family: 'hygiene',
    title: 'A policy rule can never match: its ports exclude each other, or no destination serves its protocol.',
  },
  'redundant-rule': {
    severity: 'info',
    family: 'hygiene',
    title: 'A rule admits nothing another rule of the same tier and direction does not already admit.',
  },
  'redundant-policy': {
    severity: 'info',
    family: 'hygiene',
    title: 'Another policy of the same tier already isolates all pods a policy selects and admits all its rules admit.',
  },
  'shadowed-rule': {
    severity: 'warning',
    family: 'hygiene',
    title: 'A rule never takes effect: an earlier rule of the same tier matches every connection it matches.',
  },
  'split-ports-rule': {
    severity: 'warning',
    family: 'hygiene',
    title: "A `- ports` item starts a new rule instead of restricting the previous rule's peers to those ports.",
  },
  'split-peer-selectors': {
    severity: 'warning',
    family: 'hygiene',
    title: 'A namespaceSelector and a podSelector written as two peers (OR) where one peer (AND) was meant.',
  },
  'policy-types-defaulting': {
    severity: 'warning',
    family: 'hygiene',
    title: 'policyTypes (given or defaulted) makes a policy isolate, or ignore, a direction its rules do not suggest.',
  },
  'legacy-networkpolicy-api': {
    severity: 'warning',
    family: 'legacy',
    title: 'A NetworkPolicy uses extensions/v1beta1, which current clusters no longer serve.',
  },
  'non-isolated-pods': {
    severity: 'info',
    family: 'exposure',
    title: 'Pods no policy isolates for ingress or egress: everything reaches them, or they reach everything.',
  },
  'rule-open-to-everything': {
    severity: 'warning',
    family: 'exposure',
    title: 'An allow rule admits the whole cluster or the internet.',
  },
  'internet-egress-without-except': {
    severity: 'warning',
    family: 'exposure',
    title: 'Egress to 0.0.0.0/0 or ::/0 that includes the cloud metadata address, the pod or the Service network.',
  },
  'calico-allow-overrides-policy': {
    severity: 'warning',
    family: 'exposure',
    title: 'A Calico Allow rule, decided before the namespace’s NetworkPolicies, admits connections they would deny.',
  },
  'sensitive-port-exposed': {
    severity: 'warning',
    family: 'exposure',
    title:
      'A sensitive port (database, cache, queue, admin) is reachable from other namespaces or outside the cluster.',
  },
  'cidr-covers-pods': {
    severity: 'warning',
    family: 'exposure',
    title: 'An ipBlock covers pod addresses (node pod subnets, or one pod’s IP) that change when pods move.',
  },
  'missing-default-deny': {
    severity: 'warning',
    family: 'exposure',
    title: 'A namespace whose policies isolate only some of its pods in a direction, without a default-deny.',
  },
  'legacy-isolation-annotation': {
    severity: 'warning',
    family: 'legacy',
    title: 'The net.beta.kubernetes.io/network-policy namespace annotation, which current clusters ignore.',
  },
  'dependency-blocked': {
    severity: 'warning',
    family: 'reachability',
    title: 'A workload names a Service (in env, args, a ConfigMap or an Ingress) that policy blocks it from reaching.',
  },
  'dependency-unknown-service': {
    severity: 'info',
    family: 'reachability',
    title: 'A workload names a Service the workspace does not have.',
  },
  'named-port-undeclared': {
    severity: 'warning',
    family: 'reachability',
    title: 'A rule names a port that none of its destination pods declares, so it admits nothing on it.',
  },
  'port-not-exposed': {
    severity: 'hint',
    family: 'reachability',
    title: 'A rule or intent names a numeric port that no destination container declares.',
  },
  'unintended-connection': {
    severity: 'warning',
    family: 'intents',
    title: 'Policy allows a connection into a namespace whose complete NetworkIntent does not list it.',
  },
  'unreachable-workload': {
    severity: 'info',
    family: 'reachability',
    title:
      'A workload declares ports or backs a Service, but no pod and no outside address can reach it on any of them.',
  },

  'dns-blocked': {
    severity: 'warning',
    family: 'reachability',
    title: 'Egress isolation denies DNS (UDP or TCP 53) to the cluster DNS pods.',
  },
  'invalid-config': {
    severity: 'error',
    family: 'project',
    title: 'The project file (.netpol.yaml) or a suppression comment has a mistake.',
  },
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULE_REGISTRY;

export const RULE_IDS = Object.keys(RULE_REGISTRY) as RuleId[];

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULE_REGISTRY, id);
}

export function ruleInfo(id: RuleId): RuleInfo {
  return RULE_REGISTRY[id];
}

/** The rule's name for SARIF (`reportingDescriptor.name`): the id in PascalCase, e.g. `SelectorMatchesNothing`. */
export function ruleName(id: RuleId): string {
  const info: RuleInfo = RULE_REGISTRY[id];
  if (info.name) return info.name;
  return id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
}

/** The product's home page (SARIF `tool.driver.informationUri`). */
export const PRODUCT_URL = 'https://netpol.studio/';

/** Where a rule's page (docs/rules/<id>.md) is published (SARIF `helpUri`). */
export function ruleDocUrl(id: RuleId): string {
  return `${PRODUCT_URL}docs/rules/${id}`;
}
