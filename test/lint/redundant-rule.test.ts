import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintYaml, oneFinding, spanned, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const world = [
  namespace('shop', { team: 'shop' }),
  namespace('ops', { team: 'ops' }),
  pod('shop/api', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8000 }] }),
  pod('shop/db', { labels: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }),
  pod('ops/backup', { labels: { app: 'backup' } }),
];
const rules = (text: string) =>
  lintYaml(text)
    .filter((f) => f.rule === 'redundant-rule' || f.rule === 'redundant-policy')
    .map((f) => `${f.rule}: ${f.message}`);

describe('lint: redundant-rule and redundant-policy', () => {
  it('flags a rule whose peers and ports another rule of the same policy already admits (decided on pods, not YAML)', () => {
    const text = docs(
      ...world,
      policy(
        'shop/db',
        yaml`
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{namespaceSelector: {}}]
            ports: [{port: 5432}]
          - from: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{port: 5432}]
          - from: [{namespaceSelector: {matchLabels: {team: ops}}}]
            ports: [{port: 22}]
        `,
      ),
    );
    const f = oneFinding(
      lintYaml(text),
      'redundant-rule',
      /Ingress rule 2 of NetworkPolicy shop\/db is redundant: rule 1 of the same policy already admits/,
    );
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.tags, ['unnecessary']);
    assert.match(spanned(f), /^from: \[\{podSelector/);
    assert.equal(f.related?.length, 1);
    assert.equal(rules(text).length, 1, 'the port-22 rule is not covered');
  });

  it('flags only the later of two equal rules, across policies', () => {
    const rule = 'ingress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]';
    const text = docs(
      ...world,
      policy('shop/a-db', `podSelector: {matchLabels: {app: db}}\n${rule}`),
      policy(
        'shop/b-db',
        yaml`
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{port: 5432}]
          - from: [{podSelector: {matchLabels: {app: db}}}]
        `,
      ),
    );
    assert.deepEqual(rules(text), [
      'redundant-rule: Ingress rule 1 of NetworkPolicy shop/b-db is redundant: ingress rule 1 of NetworkPolicy shop/a-db already admits every connection it matches, with the same or wider peers and ports (from podSelector {app=api} on TCP/5432).',
    ]);
  });

  it('flags a whole policy another one covers, not its rules one by one, and never a default deny', () => {
    const text = docs(
      ...world,
      policy('shop/deny', 'podSelector: {}'),
      policy('shop/db-open', 'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{namespaceSelector: {}}]}]'),
      policy(
        'shop/db-api',
        'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]',
      ),
    );
    assert.deepEqual(rules(text), [
      'redundant-policy: NetworkPolicy shop/db-api is redundant: NetworkPolicy shop/db-open applies to all of its pods in the same directions and already admits everything its rules admit, so removing it changes no connection.',
    ]);
  });

  it('keeps a policy that isolates pods or a direction the wider one does not', () => {
    const text = docs(
      ...world,
      policy('shop/db-open', 'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{namespaceSelector: {}}]}]'),
      policy(
        'shop/all-from-api',
        'podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {app: api}}}], ports: [{port: 5432}]}]',
      ),
      policy(
        'shop/db-both',
        'podSelector: {matchLabels: {app: db}}\npolicyTypes: [Ingress, Egress]\ningress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]',
      ),
    );
    assert.deepEqual(rules(text), [
      'redundant-rule: Ingress rule 1 of NetworkPolicy shop/db-both is redundant: ingress rule 1 of NetworkPolicy shop/db-open already admits every connection it matches, with the same or wider peers and ports (from namespaceSelector {} on any port).',
    ]);
  });
  it('compares egress rules with named ports on the destination pods, where the names resolve', () => {
    // shop/api declares "http" as 8000; the subject (shop/web) declares no port at all: the egress
    // rule on "http" admits shop/api on 8000, and the rule to shop/api on every port covers it.
    const text = docs(
      ...world,
      pod('shop/web', { labels: { app: 'web' } }),
      policy(
        'shop/web',
        yaml`
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Egress]
          egress:
          - to: [{podSelector: {matchLabels: {app: api}}}]
          - to: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{port: http}]
        `,
      ),
    );
    assert.deepEqual(rules(text), [
      'redundant-rule: Egress rule 2 of NetworkPolicy shop/web is redundant: rule 1 of the same policy already admits every connection it matches, with the same or wider peers and ports (to podSelector {app=api} on any port).',
    ]);
  });
});
