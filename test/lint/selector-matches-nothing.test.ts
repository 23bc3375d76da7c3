import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeYaml,
  applyEdits,
  assertFixWorks,
  canReach,
  lintYaml,
  spanned,
  where,
  yaml,
  ISOLATION_FINDINGS,
} from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const pods = [
  namespace('shop'),
  namespace('monitoring', { team: 'platform' }),
  pod('shop/api', { labels: { app: 'api' } }),
  pod('shop/postgres', { labels: { app: 'postgres' } }),
  pod('monitoring/prometheus', { labels: { app: 'prometheus' } }),
];
const only = (rule: string, texts: string) => lintYaml(texts).filter((f) => f.rule === rule);

describe('lint: selector-matches-nothing', () => {
  it('flags a policy podSelector with a typo, suggests the label, and its fix makes the policy work', () => {
    const text = docs(
      ...pods,
      policy(
        'shop/deny',
        yaml`
          podSelector: {}
          policyTypes: [Ingress]
        `,
      ),
      policy(
        'shop/pg',
        yaml`
          podSelector:
            matchLabels:
              app: postgress
          ingress:
          - from: [{podSelector: {matchLabels: {app: api}}}]
        `,
      ),
    );
    const findings = only('selector-matches-nothing', text);
    assert.equal(findings.length, 1);
    const f = findings[0];
    assert.equal(f.severity, 'warning');
    assert.match(
      f.message,
      /selects no pod in namespace shop, so NetworkPolicy pg has no effect\. Did you mean app=postgres\?/,
    );
    assert.equal(spanned(f), 'matchLabels:\n      app: postgress');
    assert.equal(f.fixes?.[0].title, 'Change app=postgress to app=postgres');
    assert.equal(canReach(analyzeYaml(text), 'shop/api', 'shop/postgres'), false);
    const fixed = applyEdits(text, f.fixes![0].edits);
    assert.deepEqual(only('selector-matches-nothing', fixed), []);
    assert.equal(canReach(analyzeYaml(fixed), 'shop/api', 'shop/postgres'), true);
  });

  it('explains a bare podSelector meant for another namespace, and adds the namespaceSelector', () => {
    const text = docs(
      ...pods,
      policy(
        'shop/metrics',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  app: prometheus
            ports:
            - port: 80
        `,
      ),
    );
    const [f] = only('selector-matches-nothing', text);
    assert.match(
      f.message,
      /only looks in namespace shop, where it matches no pod\. The pods it matches run in namespace monitoring: add a namespaceSelector/,
    );
    assert.equal(f.fixes?.[0].title, 'Add namespaceSelector for namespace monitoring');
    const fixed = applyEdits(text, f.fixes![0].edits);
    assert.match(
      fixed,
      /\n {4}- namespaceSelector:\n {8}matchLabels:\n {10}kubernetes.io\/metadata.name: monitoring\n {6}podSelector:\n {8}matchLabels:\n {10}app: prometheus\n/,
    );
    assert.deepEqual(only('selector-matches-nothing', fixed), []);
    assert.equal(canReach(analyzeYaml(fixed), 'monitoring/prometheus', 'shop/api'), true);
  });

  it('flags a namespaceSelector that matches no namespace, and a label key typo', () => {
    const findings = only(
      'selector-matches-nothing',
      docs(
        ...pods,
        policy(
          'shop/p',
          yaml`
            podSelector: {}
            ingress:
            - from:
              - namespaceSelector: {matchLabels: {teem: platform}}
              - podSelector: {matchLabels: {ap: api}}
          `,
        ),
      ),
    );
    assert.deepEqual(findings.map(where), ['selector-matches-nothing@34:26', 'selector-matches-nothing@35:20']);
    assert.match(
      findings[0].message,
      /matches none of the namespaces in the workspace \(monitoring, shop\)\. No pod in scope has a teem label; did you mean team\?/,
    );
    assert.equal(findings[0].fixes?.[0].edits[0].newText, 'team');
    assert.match(findings[1].message, /did you mean app\?/);
  });

  it('stays quiet when selectors match, and when the workspace has no pods to compare with', () => {
    assert.deepEqual(
      only(
        'selector-matches-nothing',
        docs(
          ...pods,
          policy(
            'shop/p',
            yaml`
              podSelector: {matchLabels: {app: api}}
              ingress: [{from: [{namespaceSelector: {matchLabels: {team: platform}}}]}]
            `,
          ),
        ),
      ),
      [],
    );
    assert.deepEqual(
      only('selector-matches-nothing', docs(policy('shop/p', 'podSelector: {matchLabels: {app: nothing}}'))),
      [],
    );
  });
});

describe('lint: selector-matches-nothing, one fix per candidate', () => {
  it('offers a fix per label value in scope, the closest first and preferred, and each fix works', () => {
    const text = docs(
      namespace('shop'),
      pod('shop/a', { labels: { tier: 'frontend' } }),
      pod('shop/b', { labels: { tier: 'backend' } }),
      pod('shop/c', { labels: { tier: 'cache' } }),
      policy('shop/p', 'podSelector: {matchLabels: {tier: bakend}}\ningress: [{from: [{podSelector: {}}]}]'),
    );
    const [f] = only('selector-matches-nothing', text);
    assert.match(f.message, /Did you mean tier=backend\?/);
    assert.deepEqual(
      f.fixes?.map((x) => [x.title, x.preferred]),
      [
        ['Change tier=bakend to tier=backend', true],
        ['Change tier=bakend to tier=cache', false],
        ['Change tier=bakend to tier=frontend', false],
      ],
    );
    for (const fix of [0, 1, 2])
      assertFixWorks([text], (x) => x.rule === 'selector-matches-nothing', { fix, allowChanged: ISOLATION_FINDINGS });
  });

  it('offers the values when none is close, the closest preferred', () => {
    const text = docs(
      namespace('shop'),
      pod('shop/a', { labels: { app: 'web' } }),
      pod('shop/b', { labels: { app: 'postgres' } }),
      policy('shop/p', 'podSelector: {matchLabels: {app: database}}\ningress: [{}]'),
    );
    const [f] = only('selector-matches-nothing', text);
    assert.match(f.message, /Values of app in scope: postgres, web\./);
    assert.equal(f.fixes?.length, 2);
    assert.equal(f.fixes?.filter((x) => x.preferred).length, 1);
  });

  it('offers a namespaceSelector fix per namespace the pods run in', () => {
    const text = docs(
      namespace('shop'),
      namespace('monitoring'),
      namespace('ops'),
      pod('shop/api', { labels: { app: 'api' } }),
      pod('monitoring/prometheus', { labels: { app: 'prometheus' } }),
      pod('ops/prometheus', { labels: { app: 'prometheus' } }),
      policy(
        'shop/p',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: prometheus}}
        `,
      ),
    );
    const [f] = only('selector-matches-nothing', text);
    assert.deepEqual(
      f.fixes?.map((x) => x.title),
      ['Add namespaceSelector for namespace monitoring', 'Add namespaceSelector for namespace ops'],
    );
    for (const fix of [0, 1])
      assertFixWorks([text], (x) => x.rule === 'selector-matches-nothing', { fix, allowChanged: ISOLATION_FINDINGS });
  });
});
