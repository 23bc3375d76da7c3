/**
 * `netpol diff`: what a change newly allows and newly denies, between two folders and against a
 * git revision, in text, JSON and SARIF, and --fail-on-open's exit code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diffReachability } from '../../server/src/engine/reachability-diff';
import { analyzeYaml, cli, yaml } from '../helpers';
import { deployment, docs, namespace, policy } from '../manifests';

const workloads = docs(
  namespace('shop', { team: 'shop' }),
  namespace('monitoring', { team: 'monitoring' }),
  deployment('shop/postgres', 2, { ports: [{ port: 5432 }] }),
  deployment('shop/web', 1, { ports: [{ port: 8080 }] }),
  deployment('monitoring/prometheus', 1),
);
/** postgres admits web only; web admits anything. */
const beforePolicy = policy(
  'shop/db',
  yaml`
    podSelector: {matchLabels: {app: postgres}}
    ingress:
    - from: [{podSelector: {matchLabels: {app: web}}}]
  `,
);
/** The change: postgres admits prometheus (any pod of monitoring) and no longer web. */
const afterPolicy = policy(
  'shop/db',
  yaml`
    podSelector: {matchLabels: {app: postgres}}
    ingress:
    - from: [{namespaceSelector: {matchLabels: {team: monitoring}}}]
  `,
);

describe('policy diff (engine)', () => {
  it('reports each workload pair and port newly allowed or denied, with the deciding rule before and after', () => {
    const d = diffReachability(analyzeYaml(docs(workloads, beforePolicy)), analyzeYaml(docs(workloads, afterPolicy)));
    const lines = d.changes.map((c) => `${c.change} ${c.source} -> ${c.destination} ${c.protocol}/${c.port}`);
    assert.deepEqual(lines, [
      'opened monitoring/prometheus -> shop/postgres TCP/5432',
      'closed shop/web -> shop/postgres TCP/5432',
    ]);
    const opened = d.changes[0];
    assert.equal(opened.pairs, 2, 'both postgres pods');
    assert.equal(opened.of, 2);
    assert.match(opened.before.text, /ingress isolation of NetworkPolicy shop\/db \(no rule allows it\)/);
    assert.equal(opened.after.text, 'NetworkPolicy shop/db ingress rule 1 (Allow)');
    assert.equal(opened.after.ruleIndex, 0);
    assert.ok(opened.span, 'points at the rule');
    assert.equal(d.opened, 1);
    assert.equal(d.closed, 1);
  });

  it('finds nothing when nothing changed, and lists workloads only on one side', () => {
    const d = diffReachability(
      analyzeYaml(docs(workloads, beforePolicy)),
      analyzeYaml(docs(workloads, beforePolicy, deployment('shop/new', 1))),
    );
    assert.deepEqual(d.changes, []);
    assert.deepEqual(d.addedWorkloads, ['shop/new']);
  });
});

describe('netpol diff (CLI)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-diff-'));
    for (const [side, p] of [
      ['before', beforePolicy],
      ['after', afterPolicy],
    ] as const) {
      mkdirSync(join(dir, side));
      writeFileSync(join(dir, side, 'workloads.yaml'), workloads);
      writeFileSync(join(dir, side, 'policy.yaml'), p);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--before/--after: text grouped by workload, one line per change', async () => {
    const r = await cli(['diff', '--before', 'before', '--after', 'after'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'before -> after: 1 newly allowed, 1 newly denied (4 pods compared)',
        '',
        'shop/postgres (Deployment shop/postgres)',
        '  + shop/postgres:5432 newly reachable from monitoring/prometheus (was denied by ingress isolation of NetworkPolicy shop/db (no rule allows it); now allowed by NetworkPolicy shop/db ingress rule 1 (Allow))',
        '  - shop/postgres:5432 no longer reachable from shop/web (was allowed by NetworkPolicy shop/db ingress rule 1 (Allow); now denied by ingress isolation of NetworkPolicy shop/db (no rule allows it))',
        '',
      ].join('\n'),
    );
  });

  it('--fail-on-open exits 1 when something is newly allowed, 0 when only closed', async () => {
    assert.equal((await cli(['diff', '--before', 'before', '--after', 'after', '--fail-on-open'], dir)).code, 1);
    const same = await cli(['diff', '--before', 'before', '--after', 'before', '--fail-on-open'], dir);
    assert.equal(same.code, 0);
    assert.match(same.stdout, /no reachability changes/);
  });

  it('JSON and SARIF', async () => {
    const j = await cli(['diff', '--before', 'before', '--after', 'after', '--format', 'json'], dir);
    const parsed = JSON.parse(j.stdout);
    assert.equal(parsed.opened, 1);
    assert.deepEqual(
      parsed.changes.map((c: { change: string; source: string; after: { policy: string; rule: number } }) => [
        c.change,
        c.source,
        c.after.policy,
      ]),
      [
        ['opened', 'monitoring/prometheus', 'NetworkPolicy shop/db'],
        ['closed', 'shop/web', 'NetworkPolicy shop/db'],
      ],
    );
    assert.equal(parsed.changes[0].file, join('after', 'policy.yaml'));
    const s = JSON.parse(
      (await cli(['diff', '--before', 'before', '--after', 'after', '--format', 'sarif'], dir)).stdout,
    );
    const results = s.runs[0].results;
    assert.deepEqual(
      results.map((x: { ruleId: string; level: string }) => `${x.ruleId} ${x.level}`),
      ['reachability-opened warning', 'reachability-closed note'],
    );
    assert.equal(results[0].locations[0].physicalLocation.artifactLocation.uri, 'after/policy.yaml');
    assert.equal(results[0].locations[0].physicalLocation.region.startLine, 7, 'the rule that opened it');
  });

  it('--base REV compares PATH at a git revision with the working tree', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(join(repo, 'k8s'), { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    writeFileSync(join(repo, 'k8s', 'workloads.yaml'), workloads);
    writeFileSync(join(repo, 'k8s', 'policy.yaml'), beforePolicy);
    writeFileSync(join(repo, 'notes.txt'), 'not a manifest');
    git('add', '-A');
    git('commit', '-q', '-m', 'before');
    writeFileSync(join(repo, 'k8s', 'policy.yaml'), afterPolicy);
    const r = await cli(['diff', 'k8s', '--base', 'HEAD', '--fail-on-open'], repo);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^HEAD -> the working tree: 1 newly allowed, 1 newly denied/);
    assert.match(r.stdout, /\+ shop\/postgres:5432 newly reachable from monitoring\/prometheus/);
    const clean = await cli(['diff', '--base', 'HEAD'], join(repo, 'k8s'));
    assert.equal(clean.code, 0, clean.stderr);
    const bad = await cli(['diff', 'k8s', '--base', 'no-such-rev'], repo);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--base: "no-such-rev" is not a commit of the repository/);
    const option = await cli(['diff', 'k8s', '--base', '--output=x'], repo);
    assert.equal(option.code, 2, 'a revision that looks like an option is refused');
  });

  it('usage errors: neither or both forms', async () => {
    const none = await cli(['diff'], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /diff needs --base REV/);
    const both = await cli(['diff', '--base', 'HEAD', '--before', 'before', '--after', 'after'], dir);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /not both/);
  });
});
