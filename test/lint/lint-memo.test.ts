/**
 * The incremental lint of the language server (lint/lint-memo.ts): after an edit of one policy
 * file, the rules of `scope: 'policy'` check only that file's policies and keep the other files'
 * findings, and whatever else the edit changed makes them run in full. The random edit sequences
 * of test/engine/analysis-cache.test.ts compare every run with a run from scratch; these cases
 * pin the dependencies one by one.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/common/finding';
import { SourceFile } from '../../server/src/common/source';
import { type Analysis, analyzeSources } from '../../server/src/engine/analysis';
import { AnalysisCache } from '../../server/src/engine/analysis-cache';
import { LINT_RULES, runLint } from '../../server/src/lint';
import { LintMemo } from '../../server/src/lint/lint-memo';
import { type ParsedFile, parseFile } from '../../server/src/yaml/parse-yaml';
import { docs, namespace, pod, policy } from '../manifests';

/** The language server's way: parses kept per text, one analysis cache and one memo. */
class Session {
  private readonly parses = new Map<string, ParsedFile>();
  readonly cache = new AnalysisCache();
  readonly memo = new LintMemo();

  analysis(files: Record<string, string>): Analysis {
    const parsed = Object.keys(files)
      .sort()
      .map((p) => {
        let pf = this.parses.get(p);
        if (!pf || pf.file.text !== files[p]) {
          pf = parseFile(new SourceFile(p, files[p]));
          this.parses.set(p, pf);
        }
        return pf;
      });
    return this.cache.analyze(parsed);
  }

  lint(files: Record<string, string>): { incremental: readonly Finding[]; scratch: readonly Finding[] } {
    const paths = Object.keys(files).sort();
    const incremental = runLint(this.analysis(files), { memo: this.memo }).findings;
    const scratch = runLint(analyzeSources(paths.map((p) => new SourceFile(p, files[p])))).findings;
    assert.deepEqual(shown(incremental), shown(scratch), 'the incremental findings are those of a run from scratch');
    return { incremental, scratch };
  }
}

function shown(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.span.file.path}:${f.span.start}-${f.span.end} ${f.rule} ${f.message}`);
}

const workloads = docs(
  namespace('shop'),
  namespace('bank'),
  pod('shop/web'),
  pod('bank/db', { labels: { app: 'db' }, ports: [{ port: 5432 }] }),
);

/** port-not-exposed: db declares 5432 only. */
const dbOn8080 = policy(
  'bank/db',
  'podSelector: {matchLabels: {app: db}}\ningress: [{from: [{namespaceSelector: {}}], ports: [{port: 8080}]}]',
);

/** rule-never-matches: web declares TCP only. */
const webOnUdp = (port: number) =>
  policy(
    'shop/web',
    `podSelector: {matchLabels: {app: web}}\ningress: [{from: [{podSelector: {}}], ports: [{protocol: UDP, port: ${port}}]}]`,
  );

describe('lint: findings of unchanged files are kept after a policy edit', () => {
  it('checks only the edited file’s policies, and finds its findings again', () => {
    const session = new Session();
    const first = session.lint({ 'w.yaml': workloads, 'a.yaml': dbOn8080, 'b.yaml': webOnUdp(80) });
    assert.equal(session.memo.stats.fullRuns, 1);
    const second = session.lint({ 'w.yaml': workloads, 'a.yaml': dbOn8080, 'b.yaml': `# moved\n${webOnUdp(81)}` });
    assert.equal(session.memo.stats.incrementalRuns, 1);
    assert.equal(session.memo.stats.policiesChecked, 1, 'only the policy of b.yaml is checked');
    const kept = first.incremental.find((f) => f.rule === 'port-not-exposed');
    assert.ok(kept, 'a.yaml has its finding');
    assert.ok(second.incremental.includes(kept), 'a.yaml’s finding is the one found before');
    const edited = second.incremental.find((f) => f.rule === 'rule-never-matches');
    assert.equal(edited?.span.file.path, 'b.yaml');
    assert.equal(edited?.span.file.text.startsWith('# moved'), true, 'b.yaml’s finding is of its new text');
  });

  it('drops the findings of a file deleted, and finds those of a file added', () => {
    const session = new Session();
    session.lint({ 'w.yaml': workloads, 'a.yaml': dbOn8080, 'b.yaml': webOnUdp(80) });
    const gone = session.lint({ 'w.yaml': workloads, 'a.yaml': dbOn8080 });
    assert.deepEqual(
      gone.incremental.map((f) => f.rule).filter((r) => r === 'rule-never-matches' || r === 'port-not-exposed'),
      ['port-not-exposed'],
    );
    const added = session.lint({ 'w.yaml': workloads, 'a.yaml': dbOn8080, 'c.yaml': webOnUdp(82) });
    assert.ok(added.incremental.some((f) => f.rule === 'rule-never-matches' && f.span.file.path === 'c.yaml'));
    assert.equal(session.memo.stats.incrementalRuns, 2);
  });

  it('runs in full when the edit changes a pod', () => {
    const session = new Session();
    session.lint({ 'w.yaml': workloads, 'a.yaml': dbOn8080 });
    // db now declares 8080: the kept policy's finding goes.
    const withPort = workloads.replace('containerPort: 5432', 'containerPort: 8080');
    const after = session.lint({ 'w.yaml': withPort, 'a.yaml': dbOn8080 });
    assert.equal(session.memo.stats.fullRuns, 2);
    assert.ok(!after.incremental.some((f) => f.rule === 'port-not-exposed'));
  });

  it('finds again the findings that name outside addresses when another file’s CIDR cuts them otherwise', () => {
    const open = `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: open, namespace: shop}\nspec:\n  selector: app == 'web'\n  types: [Ingress]\n  ingress: [{action: Allow, source: {notNets: [10.0.0.0/8]}}]\n`;
    const other = (cidr: string) =>
      policy('bank/other', `podSelector: {}\ningress: [{from: [{ipBlock: {cidr: ${cidr}}}]}]`);
    const session = new Session();
    const message = (findings: readonly Finding[]) =>
      findings.find((f) => f.rule === 'rule-open-to-everything' && f.span.file.path === 'open.yaml')?.message;
    const before = session.lint({ 'w.yaml': workloads, 'open.yaml': open, 'other.yaml': other('10.1.0.0/16') });
    const after = session.lint({ 'w.yaml': workloads, 'open.yaml': open, 'other.yaml': other('8.8.8.8/32') });
    assert.match(message(before.incremental) ?? '', /internet addresses \(e\.g\. 0\.0\.0\.0\)/);
    assert.match(message(after.incremental) ?? '', /every internet address and some private ones/);
  });

  it('runs in full when the configuration changes, and a stale memo is never read after a run given up', () => {
    const session = new Session();
    session.lint({ 'w.yaml': workloads, 'a.yaml': dbOn8080, 'b.yaml': webOnUdp(80) });
    const files = ['w.yaml', 'a.yaml', 'b.yaml'];
    const texts = [workloads, dbOn8080, webOnUdp(83)];
    const analysis = session.cache.analyze(files.map((p, i) => parseFile(new SourceFile(p, texts[i]))));
    let rules = 0;
    assert.throws(() =>
      runLint(analysis, {
        memo: session.memo,
        betweenRules: () => {
          if (++rules > 3) throw new Error('a newer edit');
        },
      }),
    );
    assert.equal(session.memo.stats.incrementalRuns, 0, 'a run given up is not remembered');
  });

  it('remembers the rules that finished when the time budget stopped a run', () => {
    const session = new Session();
    const files = { 'w.yaml': workloads, 'a.yaml': dbOn8080, 'b.yaml': webOnUdp(80) };
    // A clock that moves 1 ms per reading: the budget runs out part way through the rules.
    let clock = 0;
    const cut = runLint(session.analysis(files), { memo: session.memo, timeBudgetMs: 20, now: () => clock++ });
    assert.ok(
      cut.findings.some((f) => f.rule === 'limit-exceeded'),
      'the budget stopped the run',
    );
    assert.equal(session.memo.stats.fullRuns, 1);
    // The next edit keeps what the cut run found and runs the rules it left out in full.
    session.lint({ ...files, 'b.yaml': webOnUdp(81) });
    assert.equal(session.memo.stats.incrementalRuns, 1);
  });

  it('has policy-scoped rules (the ones whose findings are kept)', () => {
    const scoped = LINT_RULES.filter((r) => r.scope === 'policy').map((r) => r.id);
    assert.ok(scoped.includes('rule-never-matches') && scoped.includes('port-not-exposed'), scoped.join(', '));
  });
});
