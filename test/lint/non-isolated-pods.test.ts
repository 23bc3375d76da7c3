import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned } from '../helpers';
import { deployment, docs, namespace, pod, policy } from '../manifests';

const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'non-isolated-pods');

describe('lint: non-isolated-pods', () => {
  it('reports one info per workload of a namespace without policies, per direction, with count and names', () => {
    const text = docs(namespace('shop'), namespace('ops'), deployment('shop/api', 3), pod('ops/tool'));
    const findings = only(text);
    const api = findings.filter((f) => spanned(f) === 'api');
    assert.equal(api.length, 2);
    const ingress = api.find((f) => /for ingress/.test(f.message))!;
    assert.equal(ingress.severity, 'info');
    assert.match(
      ingress.message,
      /^Not isolated for ingress: 3 pods of Deployment shop\/api: api-0, api-1, api-2; no policy restricts who connects to them: every pod in the cluster and every internet address can, on every port\.$/,
    );
    assert.match(api.find((f) => /for egress/.test(f.message))!.message, /they can reach every pod in the cluster/);
  });

  it('groups several workloads of a declared namespace into one finding at the Namespace, with related locations', () => {
    const text = docs(namespace('shop'), deployment('shop/api', 2), deployment('shop/web', 1));
    const [f] = only(text).filter((x) => /ingress/.test(x.message));
    assert.equal(spanned(f), 'shop');
    assert.match(f.message, /in namespace shop: 3 pods of 2 workloads \(api-0, api-1, web-0\)/);
    assert.equal(f.related?.length, 2);
  });

  it('is a warning where the namespace isolates its other pods in that direction, and quiet for isolated pods', () => {
    const text = docs(
      namespace('shop'),
      pod('shop/api'),
      pod('shop/db'),
      policy(
        'shop/db-from-api',
        'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]',
      ),
    );
    const findings = only(text).filter((f) => /ingress/.test(f.message));
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.equal(spanned(findings[0]), 'api');
    assert.match(findings[0].message, /Namespace shop has ingress policies for its other pods; these were left out/);
    // Egress: nobody isolates, so info for both pods (one finding at the namespace).
    const egress = only(text).filter((f) => /egress/.test(f.message));
    assert.deepEqual(
      egress.map((f) => f.severity),
      ['info'],
    );
  });

  it('does not fire when a default-deny covers every pod, nor for hostNetwork pods', () => {
    const text = docs(
      namespace('shop'),
      pod('shop/api'),
      pod('shop/agent', { hostNetwork: true }),
      policy('shop/deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
    );
    assert.deepEqual(only(text), []);
  });

  it('counts a pod whose policies only allow as not isolated (an allow-all ingress rule)', () => {
    const text = docs(namespace('shop'), pod('shop/api'), policy('shop/all', 'podSelector: {}\ningress: [{}]'));
    const findings = only(text).filter((f) => /ingress/.test(f.message));
    assert.equal(findings.length, 1);
  });
});
