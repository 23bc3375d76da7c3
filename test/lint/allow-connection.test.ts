/** The "Allow this connection" fix of dependency-blocked and intent-violated. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertFixWorks, ISOLATION_FINDINGS, lintYaml, yaml } from '../helpers';
import { client, service } from '../dependency-fixtures';
import { networkIntent, shop } from '../intent-fixtures';
import { docs, namespace, policy } from '../manifests';

const base = [
  namespace('shop'),
  service('shop/api', 'api', '[{port: 80, targetPort: 8080}]'),
  client('shop/api', '', 'ports: [{containerPort: 8080}]'),
  client('shop/frontend', 'env: [{name: API_URL, value: "http://api/v1"}]'),
];

const apiFromWeb = policy(
  'shop/api',
  yaml`
    podSelector:
      matchLabels:
        app: api
    ingress:
    - from:
      - podSelector:
          matchLabels:
            app: web
  `,
);

describe('fix: Allow this connection', () => {
  it('adds an ingress rule to the destination’s own policy, at its indentation (dependency-blocked)', () => {
    const text = docs(...base, apiFromWeb);
    const f = lintYaml(text).find((x) => x.rule === 'dependency-blocked')!;
    assert.equal(f.fixes?.[0].title, 'Allow this connection: add an ingress rule in NetworkPolicy shop/api');
    const [fixed] = assertFixWorks([text], (x) => x.rule === 'dependency-blocked', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.match(
      fixed,
      / {6}app: api\n {2}ingress:\n {2}- from:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: web\n {2}- from:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: frontend\n {4}ports:\n {4}- protocol: TCP\n {6}port: 8080\n$/,
    );
  });

  it('puts the rule in the policy that selects exactly the destination pods, not in one that selects some of them', () => {
    const canary = yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: a-canary, namespace: shop}
      spec:
        selector: {matchLabels: {app: api, track: canary}}
        template:
          metadata: {labels: {app: api, track: canary}}
          spec:
            containers:
            - {name: main, image: x, ports: [{containerPort: 8080}]}
    `;
    // Listed first, and selecting only the canary: a rule there would leave the other api pods closed.
    const canaryFromWeb = policy(
      'shop/aa-canary',
      'podSelector: {matchLabels: {app: api, track: canary}}\ningress:\n- from: [{podSelector: {matchLabels: {app: web}}}]',
    );
    const text = docs(canary, ...base, canaryFromWeb, apiFromWeb);
    const f = lintYaml(text).find((x) => x.rule === 'dependency-blocked')!;
    assert.equal(f.fixes?.[0].title, 'Allow this connection: add an ingress rule in NetworkPolicy shop/api');
    const [fixed] = assertFixWorks([text], (x) => x.rule === 'dependency-blocked', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.match(
      fixed,
      / {2}ingress:\n {2}- from: \[\{podSelector: \{matchLabels: \{app: web\}\}\}\]\n---/,
      'the canary policy is unchanged',
    );
  });

  it('adds a new policy when the deciding policy selects more pods, and the egress side when the source is isolated', () => {
    const text = docs(
      ...base,
      client('shop/web', ''),
      policy('shop/default-deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
    );
    const f = lintYaml(text).find((x) => x.rule === 'dependency-blocked')!;
    assert.equal(
      f.fixes?.[0].title,
      'Allow this connection: add a NetworkPolicy shop/api-allow-ingress for the ingress and a NetworkPolicy shop/frontend-allow-egress for the egress',
    );
    const [fixed] = assertFixWorks([text], (x) => x.rule === 'dependency-blocked', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.match(
      fixed,
      /name: api-allow-ingress\n {2}namespace: shop\nspec:\n {2}podSelector:\n {4}matchLabels:\n {6}app: api\n {2}policyTypes:\n {2}- Ingress\n {2}ingress:\n {2}- from:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: frontend\n/,
    );
    assert.match(
      fixed,
      /name: frontend-allow-egress[\s\S]*egress:\n {2}- to:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: api\n {4}ports:\n {4}- protocol: TCP\n {6}port: 8080\n/,
    );
  });

  it('allows a violated allow-intent with the intent’s own peer and ports', () => {
    const text = docs(
      shop,
      networkIntent(
        'shop/shop',
        yaml`
          - name: frontend-calls-api
            from: {workload: Deployment/frontend}
            to: {podSelector: {matchLabels: {app: api}}}
            ports: [{port: http, protocol: TCP}]
            expect: allow
        `,
      ),
    );
    const f = lintYaml(text).find((x) => x.rule === 'intent-violated')!;
    assert.match(f.fixes?.[0].title ?? '', /^Allow this connection: add an ingress rule in NetworkPolicy shop\/api$/);
    const [fixed] = assertFixWorks([text], (x) => x.rule === 'intent-violated', { allowChanged: ISOLATION_FINDINGS });
    assert.match(
      fixed,
      / {2}- from: \[\{podSelector: \{matchLabels: \{app: web\}\}\}\]\n {4}ports: \[\{port: 8080\}\]\n {2}- from:\n {4}- podSelector:\n {8}matchLabels:\n {10}app: frontend\n {4}ports:\n {4}- protocol: TCP\n {6}port: http\n---\n/,
    );
  });

  it('offers nothing for a deny-intent, or when a Calico policy decides', () => {
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
    const f = lintYaml(text).find((x) => x.rule === 'intent-violated')!;
    assert.equal(f.fixes, undefined);
    const calicoDeny = yaml`
      apiVersion: projectcalico.org/v3
      kind: GlobalNetworkPolicy
      metadata: {name: deny-api}
      spec:
        selector: app == 'api'
        types: [Ingress]
        ingress:
        - action: Deny
    `;
    const blocked = lintYaml(docs(...base, calicoDeny)).find((x) => x.rule === 'dependency-blocked')!;
    assert.ok(blocked, 'the GlobalNetworkPolicy blocks the dependency');
    assert.equal(blocked.fixes, undefined);
  });
});
