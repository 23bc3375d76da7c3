/** Findings as diagnostics: tags and the rule's page. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DiagnosticTag } from 'vscode-languageserver';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { lintYaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

describe('lsp: findings as diagnostics', () => {
  it('marks a rule that never matches as unnecessary (faded) and links the rule page', () => {
    const findings = lintYaml(
      docs(
        namespace('shop'),
        pod('shop/api', { labels: { app: 'api' } }),
        policy('shop/api', 'podSelector: {matchLabels: {app: api}}\ningress: [{ports: [{protocol: UDP, port: 9}]}]'),
      ),
    );
    const d = toDiagnostic(findings.find((f) => f.rule === 'rule-never-matches')!);
    assert.deepEqual(d.tags, [DiagnosticTag.Unnecessary]);
    assert.match(d.codeDescription?.href ?? '', /\/docs\/rules\/rule-never-matches$/);
  });

  it('marks a legacy apiVersion as deprecated, and leaves other findings untagged', () => {
    const findings = lintYaml(
      docs(
        'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec: {podSelector: {matchLabels: {app: nope}}}\n',
        pod('shop/api', { labels: { app: 'api' } }),
      ),
    );
    assert.deepEqual(toDiagnostic(findings.find((f) => f.rule === 'legacy-networkpolicy-api')!).tags, [
      DiagnosticTag.Deprecated,
    ]);
    assert.equal(toDiagnostic(findings.find((f) => f.rule === 'selector-matches-nothing')!).tags, undefined);
  });
});
