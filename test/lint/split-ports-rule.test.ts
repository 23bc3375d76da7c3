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
  pod('shop/api', { labels: { app: 'api' } }),
  pod('shop/db', { labels: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }),
  pod('shop/web', { labels: { app: 'web' } }),
];
const only = (text: string) => lintYaml(text).filter((f) => f.rule === 'split-ports-rule');

const SPLIT = docs(
  ...world,
  policy(
    'shop/db',
    yaml`
      podSelector: {matchLabels: {app: db}}
      ingress:
      # the API only, on PostgreSQL's port
      - from:
        - podSelector:
            matchLabels:
              app: api
      - ports:
        - port: 5432
    `,
  ),
);

describe('lint: split-ports-rule', () => {
  it('flags a `- ports` item that starts a new rule, and the merge fixes what it admits', () => {
    const f = oneFinding(lintYaml(SPLIT), 'split-ports-rule', /starts a new ingress rule/);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /opens these ports to every source, and the `from` peers of the rule before it/);
    assert.match(spanned(f), /^ports:\n {4}- port: 5432/);
    assert.equal(f.related?.length, 1);
    const before = analyzeYaml(SPLIT);
    assert.equal(canReach(before, 'shop/web', 'shop/db', 5432), true, 'the split opens 5432 to everyone');
    assert.equal(canReach(before, 'shop/api', 'shop/db', 22), true, 'and the API on every port');
    const [fixed] = assertFixWorks([SPLIT], (x) => x.rule === 'split-ports-rule', {
      // the split rule also opens PostgreSQL to everything: merging closes that too
      allowChanged: / (non-isolated-pods|missing-default-deny|rule-open-to-everything|sensitive-port-exposed) /,
    });
    assert.ok(
      fixed.includes(
        "  # the API only, on PostgreSQL's port\n  - from:\n    - podSelector:\n        matchLabels:\n          app: api\n    ports:\n    - port: 5432\n",
      ),
      fixed,
    );
    const after = analyzeYaml(fixed);
    assert.equal(canReach(after, 'shop/web', 'shop/db', 5432), false);
    assert.equal(canReach(after, 'shop/api', 'shop/db', 22), false);
    assert.equal(canReach(after, 'shop/api', 'shop/db', 5432), true);
  });

  it('works for egress `to` rules too', () => {
    const text = docs(
      ...world,
      policy(
        'shop/api-out',
        yaml`
          podSelector: {matchLabels: {app: api}}
          policyTypes: [Egress]
          egress:
            - to:
                - podSelector: {matchLabels: {app: db}}
            - ports:
                - port: 5432
        `,
      ),
    );
    const f = oneFinding(lintYaml(text), 'split-ports-rule', /new egress rule.*every destination.*`to` peers/);
    assert.ok(f.fixes?.length);
    assertFixWorks([text], (x) => x.rule === 'split-ports-rule', { allowChanged: ISOLATION_FINDINGS });
  });

  it('says nothing of rules that each have peers and ports, or a ports-only rule after a rule with ports', () => {
    const text = docs(
      ...world,
      policy(
        'shop/db',
        yaml`
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from: [{podSelector: {matchLabels: {app: api}}}]
            ports: [{port: 5432}]
          - ports: [{port: 9187}]
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: 5432}]
        `,
      ),
    );
    assert.deepEqual(only(text), []);
  });

  it('reports flow-style items without a fix', () => {
    const text = docs(
      ...world,
      policy(
        'shop/db',
        yaml`
          podSelector: {matchLabels: {app: db}}
          ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}, {ports: [{port: 5432}]}]
        `,
      ),
    );
    const [f] = only(text);
    assert.equal(f.fixes, undefined);
  });
});
