/**
 * The time budget of an analysis (reliability issue, limits): it stops pod expansion, the engine's
 * endpoint classes and long lint rules part way (the analysis is then partial: reading findings,
 * no pods), lint rules not started when it has run out are skipped, and a limit-exceeded warning
 * says where the analysis stopped and which rules' findings are missing. The clocks are the test's
 * own (they run out at a given place, or step before each rule), so nothing here depends on the
 * machine's speed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SourceFile } from '../../server/src/common/source';
import { TimeBudget } from '../../server/src/common/time-budget';
import { analyzeSources } from '../../server/src/engine/analysis';
import { LINT_RULES, runLint } from '../../server/src/lint';
import { analyzeYaml, clockRunningOutIn, cli, yaml } from '../helpers';
import { docs, namespace, pod } from '../manifests';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A namespace without policies (non-isolated-pods, a rule) and a container port out of range (invalid-field, reading). */
const text = docs(
  namespace('shop'),
  pod('shop/web'),
  yaml`
    apiVersion: v1
    kind: Pod
    metadata: {name: bad, namespace: shop}
    spec:
      containers: [{name: c, image: x, ports: [{containerPort: 70000}]}]
  `,
);

const budgetNotices = <F extends { rule: string; message: string }>(findings: readonly F[]): F[] =>
  findings.filter((f) => f.rule === 'limit-exceeded' && /stopped early/.test(f.message));

describe('reliability: the time budget of an analysis', () => {
  const a = analyzeYaml(text);

  it('without a budget every rule runs', () => {
    const { findings } = runLint(a);
    assert.ok(findings.some((f) => f.rule === 'non-isolated-pods'));
    assert.deepEqual(budgetNotices(findings), []);
  });

  it('a budget already spent: no rule runs, reading findings stay, and the notice names every rule', () => {
    const { findings } = runLint(a, { timeBudgetMs: 0 });
    const [notice, ...more] = budgetNotices(findings);
    assert.equal(more.length, 0);
    assert.equal(notice.severity, 'warning');
    assert.match(notice.message, new RegExp(`so ${LINT_RULES.length} of the lint rules did not run`));
    for (const r of LINT_RULES) assert.ok(notice.message.includes(r.id), r.id);
    assert.match(notice.message, /timeBudgetSeconds in \.netpol\.yaml \(or netpol lint --time-budget SECONDS\)/);
    assert.ok(findings.some((f) => f.rule === 'invalid-field' && /70000/.test(f.message)));
    assert.ok(!findings.some((f) => f.rule === 'non-isolated-pods'));
  });

  it('a budget that runs out part way: the rules that ran report, the others are named as skipped', () => {
    // The clock moves one step before each rule: a budget of k + 1 runs k rules, here every rule up
    // to non-isolated-pods, which has findings in this workspace.
    const k = LINT_RULES.findIndex((r) => r.id === 'non-isolated-pods') + 1;
    let t = 0;
    const { findings } = runLint(a, {
      timeBudgetMs: k + 1,
      now: () => t,
      betweenRules: () => {
        t++;
      },
    });
    const [notice] = budgetNotices(findings);
    const ran = LINT_RULES.slice(0, k).map((r) => r.id);
    const skipped = LINT_RULES.slice(k).map((r) => r.id);
    assert.ok(
      notice.message.includes(
        `so ${skipped.length} of the lint rules did not run and their findings are missing: ${skipped.join(', ')}.`,
      ),
      notice.message,
    );
    for (const id of ran) assert.ok(!notice.message.includes(`${id},`) && !notice.message.endsWith(id), id);
    const full = runLint(a).findings.filter((f) => ran.includes(f.rule));
    assert.ok(full.length > 0, 'the first rules have findings here, so the test can tell they ran');
    assert.deepEqual(
      findings.filter((f) => ran.includes(f.rule)).map((f) => f.message),
      full.map((f) => f.message),
    );
  });

  it('a budget spent during pod expansion: no pod is analysed, every reading finding stays, no rule runs', () => {
    const budget = new TimeBudget(1000, 0, clockRunningOutIn('placePods'));
    const partial = analyzeSources([new SourceFile('all.yaml', text)], { budget });
    assert.equal(partial.stoppedIn, 'pod expansion');
    assert.deepEqual(partial.cluster.pods, []);
    assert.deepEqual(partial.endpoints, []);
    const { findings } = runLint(partial, { budget });
    assert.ok(findings.some((f) => f.rule === 'invalid-field' && /70000/.test(f.message)));
    const [notice, ...more] = budgetNotices(findings);
    assert.equal(more.length, 0);
    assert.match(
      notice.message,
      new RegExp(
        `^The analysis stopped early during pod expansion, so no pod was analysed: it took 1000000 s, over its time budget of 1 s, so ${LINT_RULES.length} of the lint rules did not run .* \\(reading and validation; the pods are left out\\)`,
      ),
    );
    assert.deepEqual(
      findings.filter((f) => f.rule !== 'limit-exceeded' && LINT_RULES.some((r) => r.id === f.rule)),
      [],
    );
  });

  it('a budget spent while reading the files: the files read are kept, each one left says so on its first line', () => {
    // The clock runs out at the second check between files: the first file is read, the second is not.
    let checks = 0;
    const budget = new TimeBudget(1000, 0, () => {
      if ((new Error().stack ?? '').includes('parseEach')) checks++;
      return checks >= 2 ? 1e9 : 0;
    });
    const second = docs(namespace('shop'), pod('shop/api'));
    const partial = analyzeSources([new SourceFile('all.yaml', text), new SourceFile('more.yaml', second)], { budget });
    assert.equal(partial.stoppedIn, 'reading the files');
    assert.deepEqual(partial.cluster.pods, []);
    const { findings } = runLint(partial, { budget });
    // The first file was read: its reading finding is there.
    assert.ok(findings.some((f) => f.rule === 'invalid-field' && f.span.file.path === 'all.yaml'));
    const unread = findings.filter((f) => f.span.file.path === 'more.yaml');
    assert.equal(unread.length, 1);
    assert.equal(unread[0].rule, 'limit-exceeded');
    assert.equal(
      unread[0].message,
      "This file is not analysed: the analysis's time budget of 1 s ran out while reading the files, after 1 of 2.",
    );
    assert.deepEqual([unread[0].span.start, unread[0].span.end], [0, second.indexOf('\n')]);
    const [notice] = budgetNotices(findings);
    assert.match(notice.message, /^The analysis stopped early during reading the files, so no pod was analysed/);
  });

  it('a budget spent while the engine computes endpoint classes: the same partial analysis, the stage named', () => {
    const budget = new TimeBudget(1000, 0, clockRunningOutIn('computeClasses'));
    const partial = analyzeSources([new SourceFile('all.yaml', text)], { budget });
    assert.equal(partial.stoppedIn, 'endpoint classes');
    assert.deepEqual(partial.endpoints, []);
    const [notice] = budgetNotices(runLint(partial, { budget }).findings);
    assert.match(notice.message, /^The analysis stopped early during endpoint classes, so no pod was analysed/);
  });

  it('a budget spent inside a long rule: that rule stops at its check, its findings are left out, the rules before it report', () => {
    const budget = new TimeBudget(1000, 0, clockRunningOutIn('non-isolated-pods'));
    const { findings } = runLint(a, { budget });
    const k = LINT_RULES.findIndex((r) => r.id === 'non-isolated-pods');
    const missing = LINT_RULES.slice(k).map((r) => r.id);
    const [notice] = budgetNotices(findings);
    assert.ok(
      notice.message.startsWith(
        `The analysis stopped early during the rule non-isolated-pods: it took 1000000 s, over its time budget of 1 s, so ${missing.length} of the lint rules did not finish and their findings are missing: ${missing.join(', ')}.`,
      ),
      notice.message,
    );
    assert.ok(!findings.some((f) => f.rule === 'non-isolated-pods'));
    const before = LINT_RULES.slice(0, k).map((r) => r.id);
    assert.deepEqual(
      findings.filter((f) => before.includes(f.rule)).map((f) => f.message),
      runLint(a)
        .findings.filter((f) => before.includes(f.rule))
        .map((f) => f.message),
    );
  });

  it("what the caller's check throws inside a rule ends the run (a newer edit), and is no rule's internal error", () => {
    class Newer extends Error {}
    assert.throws(
      () =>
        runLint(a, {
          withinRules: () => {
            throw new Newer();
          },
        }),
      Newer,
    );
  });

  it('netpol lint --time-budget: the notice in every format, and usage errors for a bad value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-budget-'));
    made.push(dir);
    writeFileSync(join(dir, 'all.yaml'), text);
    // The budget counts from the start: 1 µs is spent before the first file is read, so the one
    // finding that fails the run (an error in all.yaml) is never found: the notices are warnings.
    const r = await cli(['lint', dir, '--time-budget', '0.000001', '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const json: { findings: { rule: string; message: string; file: string }[] } = JSON.parse(r.stdout);
    assert.equal(budgetNotices(json.findings).length, 1);
    assert.equal(budgetNotices(json.findings)[0].file, join(dir, 'all.yaml'));
    const t = await cli(['lint', dir, '--time-budget', '0.000001']);
    assert.match(
      t.stdout,
      new RegExp(
        `all\\.yaml:1:1: warning: The analysis stopped early during reading the files, so no pod was analysed: it took [\\d.e-]+ s, over its time budget of 0\\.000001 s, so ${LINT_RULES.length} of`,
      ),
    );
    const ok = await cli(['lint', dir, '--time-budget', '600']);
    assert.doesNotMatch(ok.stdout, /stopped early/);
    assert.match(ok.stdout, /non-isolated-pods/);
    for (const bad of ['0', '-1', 'soon']) {
      const u = await cli(['lint', dir, '--time-budget', bad]);
      assert.equal(u.code, 2);
      assert.match(
        u.stderr,
        new RegExp(`--time-budget must be a number of seconds above 0, such as 20 or 0\\.5, not "${bad}"`),
      );
    }
  });

  it('timeBudgetSeconds in .netpol.yaml: the notice points at it; a bad value is invalid-config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-budget-'));
    made.push(dir);
    writeFileSync(join(dir, 'all.yaml'), text);
    writeFileSync(join(dir, '.netpol.yaml'), 'timeBudgetSeconds: 0.000001\n');
    const r = await cli(['lint', dir]);
    assert.match(r.stdout, /\.netpol\.yaml:1:20: warning: The analysis stopped early/);
    writeFileSync(join(dir, '.netpol.yaml'), 'timeBudgetSeconds: 0\n');
    const bad = await cli(['lint', dir]);
    assert.match(bad.stdout, /\.netpol\.yaml:1:20: warning: timeBudgetSeconds must be a number of seconds above 0/);
    assert.doesNotMatch(bad.stdout, /stopped early/);
  });
});
