/**
 * Rules whose findings come from reading the manifests (the yaml and model
 * stages): documented here so every finding id has docs and SARIF metadata.
 */
import { LintRule } from '../rule';

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
    docs: 'Mirrors the Kubernetes API server validation: types, label syntax, ports, protocols, CIDRs, selector operators. An invalid NetworkPolicy is left out of the simulation, as the cluster would never accept it.',
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
    title: 'A policy is left out of the simulation because the API server would reject it.',
    docs: 'Fix the errors reported inside the policy; until then the simulated cluster behaves as if it were not applied.',
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
