import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixWorks, lintYaml, oneFinding, spanned, yaml } from '../helpers';
import { docs, namespace, pod } from '../manifests';

const LEGACY = docs(
  namespace('shop'),
  pod('shop/db', { labels: { app: 'db' } }),
  yaml`
    apiVersion: "extensions/v1beta1" # from 2017
    kind: NetworkPolicy
    metadata: {name: db, namespace: shop}
    spec:
      podSelector: {matchLabels: {app: db}}
  `,
);

describe('lint: legacy-networkpolicy-api', () => {
  it('flags an extensions/v1beta1 NetworkPolicy at its apiVersion, and the fix rewrites it keeping the quotes', () => {
    const f = oneFinding(lintYaml(LEGACY), 'legacy-networkpolicy-api', /stopped serving in 1\.16/);
    assert.equal(spanned(f), '"extensions/v1beta1"');
    assert.deepEqual(f.tags, ['deprecated']);
    const [fixed] = assertFixWorks([LEGACY], (x) => x.rule === 'legacy-networkpolicy-api');
    assert.match(fixed, /apiVersion: "networking\.k8s\.io\/v1" # from 2017\n/);
  });

  it('says nothing of networking.k8s.io/v1, or of extensions/v1beta1 kinds that are not NetworkPolicies', () => {
    const text = docs(
      LEGACY.replace('"extensions/v1beta1"', 'networking.k8s.io/v1'),
      'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: x, namespace: shop}\n',
    );
    assert.deepEqual(
      lintYaml(text).filter((f) => f.rule === 'legacy-networkpolicy-api'),
      [],
    );
  });
});
