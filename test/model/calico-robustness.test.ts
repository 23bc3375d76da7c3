/** Bad input never crashes: malformed Calico and admin policies become findings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml } from '../helpers';
import { world } from '../policy/world';

const SHAPES = [
  'spec: 5',
  'spec: {ingress: x, egress: [1, null, "a"], types: Ingress, order: [1], tier: {a: 1}, selector: 7}',
  'spec:\n  ingress:\n  - action: [Allow]\n    source: a\n    destination: {ports: {a: 1}, nets: "10.0.0.0/8", services: x, serviceAccounts: [1], selector: {a: b}}\n    icmp: x\n    notICMP: {type: x, code: 999}\n    protocol: {a: 1}\n    ipVersion: x\n    http: [1]',
  'spec:\n  egress:\n  - action: Deny\n    destination: {ports: [[80]], notPorts: [true], notNets: [1], services: {name: [x]}, serviceAccounts: {names: x, selector: [1]}}',
  'spec:\n  selector: "((("\n  serviceAccountSelector: "a =="\n  namespaceSelector: "global() &&"\n  doNotTrack: yes\n  preDNAT: 1\n  applyOnForward: "true"',
  'spec:\n  stagedAction: [Set]\n  performanceHints: [Fast]',
];
const KINDS = [
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'Tier',
  'NetworkSet',
  'GlobalNetworkSet',
  'HostEndpoint',
];
const ADMIN = [
  ['v1alpha2', 'ClusterNetworkPolicy'],
  ['v1alpha1', 'AdminNetworkPolicy'],
  ['v1alpha1', 'BaselineAdminNetworkPolicy'],
];
const ADMIN_SHAPES = [
  'spec: []',
  'spec: {tier: 1, priority: x, subject: [], ingress: x, egress: [1]}',
  'spec:\n  subject: {pods: x, namespaces: 1}\n  ingress:\n  - action: 5\n    from: [1, {pods: {podSelector: x}}, {}]\n    protocols: [{tcp: 1}, {udp: {destinationPort: {range: {start: 9, end: 1}}}}, {sctp: {destinationPort: 5}}]\n    ports: [{portNumber: 1}, {portRange: {}}]\n  egress:\n  - action: Pass\n    to: [{networks: [x, 1]}, {nodes: 1}, {domainNames: [a]}]',
];

describe('malformed input', () => {
  for (const kind of KINDS) {
    it(`${kind}: every shape becomes findings, never a crash`, () => {
      for (const shape of SHAPES) {
        const doc = `apiVersion: projectcalico.org/v3\nkind: ${kind}\nmetadata:\n  name: p\n  namespace: x\n${shape}\n`;
        const f = lintYaml(world(doc));
        assert.ok(!f.some((x) => /Internal error/.test(x.message)), f.map((x) => x.message).join('\n'));
      }
    });
  }
  for (const [version, kind] of ADMIN) {
    it(`${kind}: every shape becomes findings, never a crash`, () => {
      for (const shape of ADMIN_SHAPES) {
        const f = lintYaml(
          world(
            `apiVersion: policy.networking.k8s.io/${version}\nkind: ${kind}\nmetadata:\n  name: default\n${shape}\n`,
          ),
        );
        assert.ok(f.some((x) => x.severity === 'error'));
        assert.ok(!f.some((x) => /Internal error/.test(x.message)));
      }
    });
  }
});
