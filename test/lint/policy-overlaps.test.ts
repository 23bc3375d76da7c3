/**
 * The overlaps computation shared by shadowed-rule, redundant-rule and redundant-policy
 * (lint/policy-overlaps.ts): it checks the time budget as it goes (reliability issue, limits), so
 * a budget spent inside it stops the rule that asked, and nothing half computed is kept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimeBudget } from '../../server/src/common/time-budget';
import { LINT_RULES, runLint } from '../../server/src/lint';
import { analyzeYaml, clockRunningOutIn, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const text = docs(
  namespace('shop'),
  pod('shop/api', { labels: { app: 'api' }, ports: [{ name: 'http', port: 8000 }] }),
  pod('shop/db', { labels: { app: 'db' }, ports: [{ name: 'pg', port: 5432 }] }),
  policy(
    'shop/db',
    yaml`
      podSelector: {matchLabels: {app: db}}
      ingress:
      - from: [{namespaceSelector: {}}]
        ports: [{port: 5432}]
      - from: [{podSelector: {matchLabels: {app: api}}}]
        ports: [{port: 5432}]
    `,
  ),
);

describe('lint: the overlaps of policies under a time budget', () => {
  it('a budget spent while the overlaps are computed stops the rule that asked for them', () => {
    const a = analyzeYaml(text);
    assert.ok(
      runLint(a).findings.some((f) => f.rule === 'redundant-rule'),
      'this workspace has a redundant rule, so the test can tell the rule stopped',
    );
    const budget = new TimeBudget(1000, 0, clockRunningOutIn('src/lint/policy-overlaps.ts'));
    const { findings } = runLint(analyzeYaml(text), { budget });
    const k = LINT_RULES.findIndex((r) => r.id === 'redundant-rule');
    const missing = LINT_RULES.slice(k).map((r) => r.id);
    const notice = findings.find((f) => f.rule === 'limit-exceeded' && /stopped early/.test(f.message));
    assert.ok(notice, 'a notice says the analysis stopped early');
    assert.ok(
      notice.message.startsWith(
        `The analysis stopped early during the rule redundant-rule: it took 1000000 s, over its time budget of 1 s, so ${missing.length} of the lint rules did not finish and their findings are missing: ${missing.join(', ')}.`,
      ),
      notice.message,
    );
    assert.ok(!findings.some((f) => f.rule === 'redundant-rule'));
  });
});
