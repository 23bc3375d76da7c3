import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned, yaml } from '../helpers';
import { networkIntent } from '../intent-fixtures';
import { deployment, docs, namespace, pod, policy } from '../manifests';

const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'port-not-exposed');

const shop = [
  namespace('shop'),
  pod('shop/api', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8080 }] }),
  pod('shop/web', { labels: { app: 'web' } }),
];

describe('lint: port-not-exposed', () => {
  it('hints at an ingress rule whose numeric port the policy’s pods do not declare', () => {
    const text = docs(
      ...shop,
      policy(
        'shop/api-from-web',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: 8081}]
        `,
      ),
    );
    const [f, ...rest] = only(text);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'hint');
    assert.match(spanned(f), /^from: \[\{podSelector/);
    assert.equal(
      f.message,
      'Ingress rule 1 of NetworkPolicy shop/api-from-web names port TCP 8081, but no container of the pods it applies to (1 pod) declares it (they declare TCP 8080). Containers may listen without declaring: check the port.',
    );
  });

  it('hints at an egress rule to pods and at an intent’s port, by the destination’s containers', () => {
    const text = docs(
      ...shop,
      policy(
        'shop/web-egress',
        yaml`
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
          - to: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{port: 9090}, {port: 8000, endPort: 8100}]
        `,
      ),
      networkIntent(
        'shop/shop',
        yaml`
          - name: web-calls-api
            from: {podSelector: {matchLabels: {app: web}}}
            to: {podSelector: {matchLabels: {app: api}}}
            ports: [{port: 8088}]
            expect: deny
        `,
      ),
    );
    const found = only(text);
    assert.equal(found.length, 2, found.map((f) => f.message).join('\n'));
    assert.match(
      found[0].message,
      /^Egress rule 1 of NetworkPolicy shop\/web-egress names port TCP 9090, but no container of the pods it allows connecting to \(pod shop\/api\)/,
    );
    assert.equal(spanned(found[1]), '8088');
    assert.match(
      found[1].message,
      /^Intent "web-calls-api" names port TCP 8088, but no container of its destination \(pod shop\/api\) declares it/,
    );
  });

  it('does not fire on declared ports, ranges that hold one, pods that declare no port, or egress to outside addresses', () => {
    const text = docs(
      ...shop,
      deployment('shop/batch', 1),
      policy(
        'shop/api-from-web',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: 8080}, {port: 8000, endPort: 8100}]
        `,
      ),
      policy(
        'shop/batch',
        yaml`
          podSelector: {matchLabels: {app: batch}}
          ingress:
          - ports: [{port: 9000}]
          egress:
          - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
            ports: [{port: 443}]
        `,
      ),
    );
    assert.deepEqual(
      only(text).map((f) => f.message),
      [],
    );
  });
});
