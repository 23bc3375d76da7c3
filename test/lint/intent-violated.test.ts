import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, spanned, yaml } from '../helpers';
import { docs } from '../manifests';
import { networkIntent, shop } from '../intent-fixtures';

const only = (rule: string, text: string) => lintYaml(text).filter((f) => f.rule === rule);

describe('lint: intent-violated', () => {
  it('fires on the expect line of an allow-intent the policy denies, naming the pairs and the deciding rule', () => {
    const text = docs(
      shop,
      networkIntent(
        'shop/shop',
        yaml`
          - name: frontend-calls-api
            from: {workload: Deployment/frontend}
            to: {podSelector: {matchLabels: {app: api}}}
            ports: [{port: 8080, protocol: TCP}]
            expect: allow
        `,
      ),
    );
    const [f, ...rest] = only('intent-violated', text);
    assert.deepEqual(rest, []);
    assert.equal(f.severity, 'error');
    assert.equal(spanned(f), 'allow');
    assert.match(
      f.message,
      /^Intent "frontend-calls-api" \(expect: allow\) does not hold: 2 of 2 pairs denied: shop\/frontend-0 -> shop\/api TCP\/8080, shop\/frontend-1 -> shop\/api TCP\/8080\. First pair: ingress to shop\/api denied by tier default: no rule of api matched/,
    );
    assert.equal(f.related?.length, 1);
    assert.match(f.related![0].message, /NetworkPolicy shop\/api/);
  });

  it('points at the deciding rule of a deny-intent that a rule allows, with named ports and groups', () => {
    const text = docs(
      shop,
      networkIntent(
        'shop/shop',
        yaml`
          - name: only-api-reaches-postgres
            from: {podSelector: {}}
            to: {workload: Pod/postgres}
            expect: deny
        `,
      ),
    );
    const [f] = only('intent-violated', text);
    assert.match(f.message, /1 of 3 pairs allowed: shop\/api -> shop\/postgres TCP\/5432/);
    assert.match(
      f.message,
      /ingress to shop\/postgres allowed by tier default: NetworkPolicy shop\/postgres \(order 1000\) ingress rule 1 Allow/,
    );
    assert.equal(
      spanned({ span: f.related![0].span } as never).split('\n')[0],
      'from: [{podSelector: {matchLabels: {app: api}}}]',
    );
  });

  it('does not fire when the intents hold (named ports, ipBlocks, deny on any port)', () => {
    const text = docs(
      shop,
      networkIntent(
        'shop/shop',
        yaml`
          - name: api-reaches-postgres
            from: {workload: Pod/api}
            to: {workload: Pod/postgres}
            ports: [{port: 5432}]
            expect: allow
          - name: nothing-outside-reaches-postgres
            from: {ipBlock: {cidr: 0.0.0.0/0}}
            to: {workload: Pod/postgres}
            expect: deny
          - name: frontend-not-to-postgres
            from: {workload: Deployment/frontend}
            to: {selector: "app == 'postgres'"}
            expect: deny
          - name: everyone-reaches-frontend
            from: {namespace: shop}
            to: {workload: Deployment/frontend}
            ports: [{port: 80}]
            expect: allow
        `,
      ),
    );
    assert.deepEqual(
      lintYaml(text)
        .filter((f) => f.rule.startsWith('intent'))
        .map((f) => f.message),
      [],
    );
  });

  it('treats an ipBlock as the outside addresses of its range only', () => {
    const text = docs(
      shop,
      yaml`
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: frontend, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: frontend}}
          ingress:
          - from: [{ipBlock: {cidr: 203.0.113.0/24}}]
      `,
      networkIntent(
        'shop/shop',
        yaml`
          - name: partner-reaches-frontend
            ports: [{port: 80}]
            from: {ipBlock: {cidr: 203.0.113.0/25}}
            to: {workload: Deployment/frontend}
            expect: allow
          - name: rest-of-internet-does-not
            from: {ipBlock: {cidr: 0.0.0.0/0, except: [203.0.113.0/24]}}
            to: {workload: Deployment/frontend}
            expect: deny
          - name: wrong
            ports: [{port: 80}]
            from: {ipBlock: {cidr: 198.51.100.0/24}}
            to: {workload: Deployment/frontend}
            expect: allow
        `,
      ),
    );
    const found = only('intent-violated', text);
    assert.deepEqual(
      found.map((f) => f.message.match(/^Intent "([^"]+)"/)![1]),
      ['wrong'],
    );
    assert.match(found[0].message, /198\.51\.100\.0 -> shop\/frontend-0 TCP\/80/);
  });
});
