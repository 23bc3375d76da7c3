/**
 * Rules whose findings come from reading the manifests (the yaml and model
 * stages) or from compiling policies (the policy stage's Calico validator):
 * documented here so every finding id has docs and SARIF metadata.
 */
import type { LintRule } from '../rule';

export const readingRules: readonly LintRule[] = [
  {
    id: 'yaml-syntax',
    severity: 'error',
    title: 'The YAML does not parse.',
    docs: 'The document has a syntax error. Other documents of the same file are still analysed; this one is skipped until it parses.',
  },
  {
    id: 'invalid-field',
    severity: 'error',
    title: 'A field has a wrong type or value; the API server would reject the object.',
    docs: "Mirrors the Kubernetes API server validation (types, label syntax, ports, protocols, CIDRs, selector operators) and Calico's own validator and CRD rules for projectcalico.org/v3 resources (ports need a TCP/UDP/SCTP protocol, no catch-all CIDR in notNets, global() only as a whole namespaceSelector, services alone on a rule side, one address family per rule, ICMP and HTTP constraints, fixed well-known tiers). An invalid policy is left out of the simulation, as the cluster would never accept it.",
  },
  {
    id: 'invalid-selector',
    severity: 'error',
    title: 'A Calico selector does not parse.',
    docs: 'The finding marks the character where the selector broke and says what Calico expected there. Calico rejects the whole resource, so the policy is left out of the simulation. Selectors use `==`, `!=`, `in {…}`, `not in {…}`, `has()`, `!`, `&&`, `||`, parentheses, `all()`, `contains`, `starts with`, `ends with`; values are quoted with \' or " and have no escapes; only spaces and tabs separate tokens.',
  },
  {
    id: 'unknown-tier',
    severity: 'error',
    title: 'A Calico policy names a tier that does not exist.',
    docs: 'Calico rejects a policy whose `tier` does not exist. The tiers that always exist are kube-admin, default and kube-baseline; others need a Tier object. The message suggests the closest tier name.',
  },
  {
    id: 'unknown-service',
    severity: 'warning',
    title: 'A Calico rule names a Service that is not in the workspace.',
    docs: 'A `services` match selects the endpoints of the named Service; when the Service does not exist, the match selects nothing, so an Allow rule admits no one. Usually a typo or a missing namespace (a GlobalNetworkPolicy must give one); the message suggests the closest Service name.',
  },
  {
    id: 'field-not-simulated',
    severity: 'info',
    title: 'A field is read but outside the pod-to-pod simulation.',
    docs: 'doNotTrack and preDNAT policies apply only to host endpoints and are left out; applyOnForward, HTTP matches and HostEndpoints do not change pod-to-pod verdicts; a source port is taken to be an ephemeral port (32768-60999). For ClusterNetworkPolicy peers Calico cannot convert (nodes, domainNames), the rule fails closed as Calico does, reported as a warning.',
  },
  {
    id: 'staged-policy',
    severity: 'info',
    title: 'A staged Calico policy is shown but not enforced.',
    docs: 'StagedNetworkPolicy, StagedGlobalNetworkPolicy and StagedKubernetesNetworkPolicy preview a change without enforcing it, so the simulation leaves them out. Run `netpol … --staged` or turn on the `netpolStudio.evaluateStagedPolicies` setting to evaluate them as if enforced (stagedAction Set replaces or adds the enforced policy of the same name, Delete removes it, Learn and Ignore change nothing).',
  },
  {
    id: 'yaml-boolean-string',
    severity: 'warning',
    title: 'An unquoted yes/no/on/off where a string belongs.',
    docs: 'kubectl parses manifests as YAML 1.1, where plain `yes`, `no`, `on` and `off` are booleans; in a string field (a label value, a name) the API server then rejects the object. Quote the value.',
  },
  {
    id: 'unknown-field',
    severity: 'warning',
    title: 'A field is not part of the object’s schema.',
    docs: 'The API server drops unknown fields (or rejects them under strict field validation), so the field has no effect. Usually a typo or an indentation mistake; the message suggests the closest field.',
  },
  {
    id: 'policy-not-simulated',
    severity: 'warning',
    title: 'A policy is left out of the simulation because the API server (or Calico) would reject it.',
    docs: 'Fix the errors reported inside the policy; until then the simulated cluster behaves as if it were not applied. This also covers Calico Tiers and NetworkSets that Calico would reject.',
  },
  {
    id: 'duplicate-object',
    severity: 'warning',
    title: 'The same object is defined twice.',
    docs: 'Same kind, namespace and name twice: `kubectl apply` on the folder keeps the last one applied, and so does the simulation (files in path order).',
  },
  {
    id: 'unschedulable',
    severity: 'warning',
    title: 'No node fits a pod.',
    docs: 'nodeSelector, required node affinity or taints exclude every node in the workspace, so the pod would stay Pending and get no IP.',
  },
  {
    id: 'template-not-analysed',
    severity: 'info',
    title: 'A document holds template directives and is not analysed.',
    docs: 'Helm and other Go-template files are not YAML until rendered. Render them (`helm template …`) and analyse the output.',
  },
  {
    id: 'file-too-large',
    severity: 'warning',
    title: 'A file is too large to analyse.',
    docs: 'Files over 8 MB are skipped to keep the editor responsive.',
  },
];
