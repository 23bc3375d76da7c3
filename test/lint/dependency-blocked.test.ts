import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned, yaml } from '../helpers';
import { client, service } from '../dependency-fixtures';
import { docs, namespace, policy } from '../manifests';

const only = (rule: string, text: string) => lintYaml(text).filter((f) => f.rule === rule);

const base = [
  namespace('shop'),
  service('shop/api', 'api', '[{port: 80, targetPort: 8080}]'),
  client('shop/api', '', 'ports: [{containerPort: 8080}]'),
  client('shop/frontend', 'env: [{name: API_URL, value: "http://api/v1"}]'),
];

describe('lint: dependency-blocked', () => {
  it('fires at the env value when policy blocks the client from the Service’s pods', () => {
    const text = docs(
      ...base,
      policy(
        'shop/api',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
        `,
      ),
    );
    const [f, ...rest] = only('dependency-blocked', text);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'warning');
    assert.equal(spanned(f), '"http://api/v1"');
    assert.match(
      f.message,
      /^Deployment shop\/frontend depends on Service shop\/api port 80 \(env API_URL\), but the policies block 1 of 1 pair: shop\/frontend-0 -> shop\/api-0 TCP\/8080\. First pair: ingress to shop\/api-0 denied by tier default/,
    );
    assert.equal(f.related?.length, 1);
  });

  it('fires on the egress side too, and not when the connection is allowed', () => {
    const egress = docs(
      ...base,
      policy(
        'shop/frontend',
        yaml`
          podSelector: {matchLabels: {app: frontend}}
          egress:
          - to: [{podSelector: {matchLabels: {app: other}}}]
        `,
      ),
    );
    const [f] = only('dependency-blocked', egress);
    assert.match(f.message, /egress from shop\/frontend-0 denied/);
    const allowed = docs(
      ...base,
      policy(
        'shop/api',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: frontend}}}]
            ports: [{port: 8080}]
        `,
      ),
    );
    assert.deepEqual(only('dependency-blocked', allowed), []);
  });
});
