import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  analyzeYaml,
  assertFixWorks,
  canReach,
  lintYaml,
  oneFinding,
  spanned,
  yaml,
  ISOLATION_FINDINGS,
} from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const world = [
  namespace('shop'),
  namespace('monitoring'),
  pod('shop/api', { labels: { app: 'api' } }),
  pod('monitoring/prometheus', { labels: { app: 'prometheus' } }),
  pod('monitoring/grafana', { labels: { app: 'grafana' } }),
];
/** The rules that fire, leaving out exposure (the two-namespace fixture isolates few pods, and two peers can cover it all). */
const rules = (text: string) =>
  lintYaml(text)
    .map((f) => f.rule)
    .filter((r) => r !== 'non-isolated-pods' && r !== 'rule-open-to-everything');

const SPLIT = docs(
  ...world,
  policy(
    'shop/metrics',
    yaml`
      podSelector: {matchLabels: {app: api}}
      ingress:
      - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: monitoring
        - podSelector:
            matchLabels:
              app: prometheus
    `,
  ),
);

describe('lint: split-peer-selectors', () => {
  it('flags a namespaceSelector and podSelector written as two peers, and joining them admits only the pods meant', () => {
    const f = oneFinding(lintYaml(SPLIT), 'split-peer-selectors', /are two peers, so either one admits/);
    assert.match(f.message, /Pods \{app=prometheus\} run in monitoring: to admit only them/);
    assert.match(spanned(f), /^podSelector:/);
    assert.deepEqual(rules(SPLIT), ['split-peer-selectors'], 'selector-matches-nothing leaves the podSelector to it');
    assert.equal(canReach(analyzeYaml(SPLIT), 'monitoring/grafana', 'shop/api'), true, 'the whole namespace is in');
    const [fixed] = assertFixWorks([SPLIT], (x) => x.rule === 'split-peer-selectors', {
      allowChanged: ISOLATION_FINDINGS,
    });
    assert.match(fixed, /\n {4}- namespaceSelector:\n.*\n.*monitoring\n {6}podSelector:\n/);
    const after = analyzeYaml(fixed);
    assert.equal(canReach(after, 'monitoring/grafana', 'shop/api'), false);
    assert.equal(canReach(after, 'monitoring/prometheus', 'shop/api'), true);
  });

  it('also in the other order', () => {
    const text = docs(
      ...world,
      policy(
        'shop/metrics',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: prometheus}}
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
        `,
      ),
    );
    oneFinding(lintYaml(text), 'split-peer-selectors', /two peers/);
    assertFixWorks([text], (x) => x.rule === 'split-peer-selectors', { allowChanged: ISOLATION_FINDINGS });
  });

  it('says nothing when the two peers are meant as two (the podSelector matches pods of its own namespace)', () => {
    const text = docs(
      ...world,
      policy(
        'shop/metrics',
        yaml`
          podSelector: {matchLabels: {app: api}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
            - podSelector: {matchLabels: {app: api}}
        `,
      ),
    );
    assert.deepEqual(rules(text), []);
  });
});
