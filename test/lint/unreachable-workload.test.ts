import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned, yaml } from '../helpers';
import { deployment, docs, namespace, pod, policy } from '../manifests';

const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'unreachable-workload');

const denyIngress = policy('shop/default-deny', 'podSelector: {}\npolicyTypes: [Ingress]');

describe('lint: unreachable-workload', () => {
  it('reports a workload with ports that nothing can reach, on the workload, with the deciding policy', () => {
    const text = docs(
      namespace('shop'),
      deployment('shop/api', 2, { ports: [{ name: 'http', port: 8080 }] }),
      pod('shop/web', { labels: { app: 'web' } }),
      denyIngress,
      policy(
        'shop/api-from-web',
        yaml`
          podSelector: {matchLabels: {app: apii}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
        `,
      ),
    );
    const found = only(text);
    assert.deepEqual(
      found.map((f) => spanned(f)),
      ['api', 'web'],
    );
    const [f] = found;
    assert.equal(f.severity, 'info');
    assert.match(
      f.message,
      /^Deployment shop\/api serves TCP\/8080, but no other pod and no address outside the cluster can reach it on it\. For example: ingress to shop\/api-0 denied by tier default: no rule of default-deny matched/,
    );
    assert.match(f.related![0].message, /NetworkPolicy shop\/default-deny selects/);
  });

  it('counts a Service’s target ports, and stays silent when one source gets through or nothing is declared', () => {
    const service = yaml`
      apiVersion: v1
      kind: Service
      metadata: {name: batch, namespace: shop}
      spec:
        selector: {app: batch}
        ports: [{port: 80, targetPort: 9000}]
    `;
    const closed = docs(namespace('shop'), deployment('shop/batch', 1), service, denyIngress);
    const [f, ...rest] = only(closed);
    assert.deepEqual(rest, []);
    assert.match(f.message, /^Deployment shop\/batch backs 1 Service \(shop\/batch\) and serves TCP\/9000, but/);
    // Without the Service and without declared ports: nothing says it should be reachable.
    assert.deepEqual(only(docs(namespace('shop'), deployment('shop/batch', 1), denyIngress)), []);
    // One rule admitting outside addresses on its port: reachable.
    const open = docs(
      namespace('shop'),
      deployment('shop/batch', 1),
      service,
      denyIngress,
      policy(
        'shop/batch-from-lb',
        'podSelector: {matchLabels: {app: batch}}\ningress:\n- from: [{ipBlock: {cidr: 0.0.0.0/0}}]',
      ),
    );
    assert.deepEqual(only(open), []);
  });
});
