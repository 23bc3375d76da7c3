import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import { buildCluster } from '../../server/src/model/build';
import { parseFile } from '../../server/src/yaml/parse-yaml';
import { spanned, yaml } from '../helpers';

const read = (spec: string, apiVersion = 'networking.k8s.io/v1') => {
  const text = yaml`
    apiVersion: ${apiVersion}
    kind: NetworkPolicy
    metadata:
      name: np
      namespace: shop
    spec:
      ${spec.trimEnd()}
  `;
  const c = buildCluster([parseFile(new SourceFile('np.yaml', text))]);
  return { np: c.networkPolicies[0], findings: c.findings, text };
};

/** `rule: spanned text` for each finding other than the policy-not-simulated summary. */
const problems = (findings: ReturnType<typeof read>['findings']) =>
  findings.filter((f) => f.rule !== 'policy-not-simulated').map((f) => `${f.rule}: ${spanned(f)}`);

describe('model stage: NetworkPolicy reading', () => {
  it('reads a complete policy', () => {
    const { np, findings } = read(yaml`
      podSelector: {matchLabels: {app: db}}
      policyTypes: [Ingress, Egress]
      ingress:
      - from:
        - namespaceSelector: {matchLabels: {team: a}}
          podSelector: {matchExpressions: [{key: tier, operator: In, values: [api, web]}]}
        - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
        ports:
        - port: 5432
        - {protocol: UDP, port: 1000, endPort: 2000}
        - port: metrics
      egress: []
    `);
    assert.deepEqual(findings, []);
    assert.equal(np.valid, true);
    assert.deepEqual(np.policyTypes?.value, ['Ingress', 'Egress']);
    assert.equal(np.ingress?.length, 1);
    const rule = np.ingress![0];
    assert.equal(rule.peers?.length, 2);
    assert.deepEqual(
      rule.peers![0].podSelector?.matchExpressions.map((e) => [e.key, e.operator, e.values]),
      [['tier', 'In', ['api', 'web']]],
    );
    assert.equal(rule.peers![1].ipBlock?.except[0].value, '10.1.0.0/16');
    assert.deepEqual(
      rule.ports?.map((p) => [p.protocol, p.port?.value, p.endPort?.value]),
      [
        ['TCP', 5432, undefined],
        ['UDP', 1000, 2000],
        ['TCP', 'metrics', undefined],
      ],
    );
    assert.deepEqual(np.egress, []);
  });

  it('tells absent from empty: ingress, from and ports', () => {
    const { np } = read(yaml`
      podSelector: {}
      ingress:
      - {}
      - from: []
        ports: []
    `);
    assert.equal(np.egress, undefined);
    assert.equal(np.ingress![0].peers, undefined);
    assert.deepEqual(np.ingress![1].peers, []);
    assert.deepEqual(np.ingress![1].ports, []);
  });

  it('reads the pre-1.7 extensions/v1beta1 NetworkPolicy the same way', () => {
    const { np, findings } = read(
      yaml`
        podSelector: {matchLabels: {app: db}}
        ingress: [{from: [{podSelector: {}}]}]`,
      'extensions/v1beta1',
    );
    assert.deepEqual(findings, []);
    assert.equal(np.meta.apiVersion, 'extensions/v1beta1');
    assert.equal(np.ingress?.[0].peers?.length, 1);
  });

  it('reports what the API server rejects, at the offending node, and leaves the policy out', () => {
    const { np, findings } = read(yaml`
      podSelector: {}
      policyTypes: [ingress, Egress, Egress]
      ingress:
      - from:
        - {}
        - ipBlock: {cidr: 10.0.0.0/33}
          podSelector: {}
        - ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16, 192.168.0.0/24]}
        - podSelector: {matchExpressions: [{key: app, operator: in, values: [a]}, {key: b, operator: Exists, values: [x]}, {key: c, operator: NotIn}]}
        ports:
        - {protocol: tcp, port: 0}
        - {port: "80"}
        - {port: Metrics_Port}
        - {endPort: 90}
        - {port: 100, endPort: 90}
        - {port: http, endPort: 90}
    `);
    assert.equal(np.valid, false);
    assert.deepEqual(problems(findings), [
      'invalid-field: ingress',
      'invalid-field: Egress',
      'invalid-field: {}',
      'invalid-field: ipBlock',
      'invalid-field: 10.0.0.0/33',
      'invalid-field: 10.0.0.0/16',
      'invalid-field: 192.168.0.0/24',
      'invalid-field: in',
      'invalid-field: values: [x]',
      'invalid-field: NotIn',
      'invalid-field: tcp',
      'invalid-field: 0',
      'invalid-field: "80"',
      'invalid-field: Metrics_Port',
      'invalid-field: 90',
      'invalid-field: 90',
      'invalid-field: 90',
    ]);
    const summary = findings.find((f) => f.rule === 'policy-not-simulated')!;
    assert.equal(spanned(summary), 'np');
    assert.match(findings.find((f) => spanned(f) === 'ingress')!.message, /use "Ingress"/);
    assert.match(findings.find((f) => spanned(f) === 'in')!.message, /"In" \(operators are case-sensitive\)/);
    assert.match(findings.find((f) => spanned(f) === '"80"')!.message, /write 80 without quotes/);
  });

  it('warns about unknown fields with a suggestion, without rejecting the policy', () => {
    const { np, findings } = read(yaml`
      podSelector: {}
      ingres:
      - from: [{podselector: {}}]
    `);
    assert.equal(np.valid, true);
    assert.deepEqual(
      findings.map((f) => [f.rule, spanned(f)]),
      [['unknown-field', 'ingres']],
    );
    assert.match(findings[0].message, /did you mean `ingress`\?/);
  });

  it('warns when an ipBlock CIDR has host bits set', () => {
    const { np, findings } = read(yaml`
      podSelector: {}
      ingress: [{from: [{ipBlock: {cidr: 10.1.2.3/16}}]}]`);
    assert.equal(np.valid, true);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /means 10\.1\.0\.0\/16/);
  });

  it('reports invalid label keys and values in selectors', () => {
    const { findings } = read('podSelector: {matchLabels: {"-bad": "x y"}}');
    assert.deepEqual(problems(findings), ['invalid-field: "-bad"', 'invalid-field: "x y"']);
  });
});
