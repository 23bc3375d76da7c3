import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const only = (...parts: string[]) => lintYaml(docs(...parts)).filter((f) => f.rule === 'rule-open-to-everything');
const world = [
  namespace('shop'),
  namespace('ops'),
  pod('shop/db', { ports: [{ port: 5432 }] }),
  pod('shop/api'),
  pod('ops/tool'),
];

describe('lint: rule-open-to-everything', () => {
  it('reports namespaceSelector: {} in numbers, on the rule', () => {
    const [f, ...rest] = only(
      ...world,
      policy(
        'shop/db',
        yaml`
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from:
            - namespaceSelector: {}
            ports:
            - port: 5432
        `,
      ),
    );
    assert.equal(rest.length, 0);
    assert.equal(f.severity, 'warning');
    assert.match(
      f.message,
      /^Rule ingress\[0\] of NetworkPolicy shop\/db is open to the whole cluster: it admits every pod in the cluster \(3 in 2 namespaces\) on TCP 5432 \(for pod shop\/db\)\./,
    );
    assert.match(spanned(f), /^from:/);
  });

  it('reports an ingress rule without peers or ports: the cluster and the internet on every port', () => {
    const [f] = only(...world, policy('shop/open', 'podSelector: {matchLabels: {app: api}}\ningress: [{}]'));
    assert.match(
      f.message,
      /open to the whole cluster and the internet: it admits every pod in the cluster \(3 in 2 namespaces\) and every address outside the cluster on every port/,
    );
    assert.match(f.message, /and list the ports\.$/);
  });

  it('reports ipBlock 0.0.0.0/0 on ingress', () => {
    const [f] = only(
      ...world,
      policy(
        'shop/web',
        'podSelector: {matchLabels: {app: api}}\ningress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 80}]}]',
      ),
    );
    assert.match(f.message, /is open to the whole cluster and the internet/);
  });

  it('leaves narrow rules alone, and egress rules that name their ports (DNS to every namespace, HTTPS anywhere)', () => {
    assert.deepEqual(
      only(
        ...world,
        policy(
          'shop/db',
          'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]',
        ),
        policy(
          'shop/out',
          yaml`
            podSelector: {}
            egress:
            - to: [{namespaceSelector: {}}]
              ports: [{port: 53, protocol: UDP}]
            - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
              ports: [{port: 443}]
          `,
        ),
      ),
      [],
    );
  });

  it('reports an egress rule to everywhere on every port', () => {
    const [f] = only(...world, policy('shop/out', 'podSelector: {}\negress: [{}]'));
    assert.match(
      f.message,
      /^Rule egress\[0\] of NetworkPolicy shop\/out is open to the whole cluster and the internet: it admits to every pod/,
    );
  });

  it('reports a Calico GlobalNetworkPolicy allow with no source', () => {
    const [f] = only(
      ...world,
      yaml`
        apiVersion: projectcalico.org/v3
        kind: GlobalNetworkPolicy
        metadata: {name: allow-all}
        spec:
          selector: app == 'db'
          ingress:
          - action: Allow
      `,
    );
    assert.match(
      f.message,
      /^Rule ingress\[0\] of GlobalNetworkPolicy allow-all is open to the whole cluster and the internet/,
    );
  });
});
