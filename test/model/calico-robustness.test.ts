/** Bad input never crashes: malformed Calico and admin policies become findings. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, yaml } from '../helpers';
import { world } from '../policy/world';

const SHAPES = [
  'spec: 5',
  'spec: {ingress: x, egress: [1, null, "a"], types: Ingress, order: [1], tier: {a: 1}, selector: 7}',
  yaml`
    spec:
      ingress:
      - action: [Allow]
        source: a
        destination: {ports: {a: 1}, nets: "10.0.0.0/8", services: x, serviceAccounts: [1], selector: {a: b}}
        icmp: x
        notICMP: {type: x, code: 999}
        protocol: {a: 1}
        ipVersion: x
        http: [1]`,
  yaml`
    spec:
      egress:
      - action: Deny
        destination: {ports: [[80]], notPorts: [true], notNets: [1], services: {name: [x]}, serviceAccounts: {names: x, selector: [1]}}`,
  yaml`
    spec:
      selector: "((("
      serviceAccountSelector: "a =="
      namespaceSelector: "global() &&"
      doNotTrack: yes
      preDNAT: 1
      applyOnForward: "true"`,
  yaml`
    spec:
      stagedAction: [Set]
      performanceHints: [Fast]`,
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
  yaml`
    spec:
      subject: {pods: x, namespaces: 1}
      ingress:
      - action: 5
        from: [1, {pods: {podSelector: x}}, {}]
        protocols: [{tcp: 1}, {udp: {destinationPort: {range: {start: 9, end: 1}}}}, {sctp: {destinationPort: 5}}]
        ports: [{portNumber: 1}, {portRange: {}}]
      egress:
      - action: Pass
        to: [{networks: [x, 1]}, {nodes: 1}, {domainNames: [a]}]`,
];

describe('malformed input', () => {
  for (const kind of KINDS) {
    it(`${kind}: every shape becomes findings, never a crash`, () => {
      for (const shape of SHAPES) {
        const doc = yaml`
          apiVersion: projectcalico.org/v3
          kind: ${kind}
          metadata:
            name: p
            namespace: x
          ${shape}
        `;
        const f = lintYaml(world(doc));
        assert.ok(!f.some((x) => /Internal error/.test(x.message)), f.map((x) => x.message).join('\n'));
      }
    });
  }
  for (const [version, kind] of ADMIN) {
    it(`${kind}: every shape becomes findings, never a crash`, () => {
      for (const shape of ADMIN_SHAPES) {
        const f = lintYaml(
          world(yaml`
            apiVersion: policy.networking.k8s.io/${version}
            kind: ${kind}
            metadata:
              name: default
            ${shape}
          `),
        );
        assert.ok(f.some((x) => x.severity === 'error'));
        assert.ok(!f.some((x) => /Internal error/.test(x.message)));
      }
    });
  }
});
