/** The example repository: what `npm start` shows a new user. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSources } from '../../server/src/engine/analysis';
import { lint } from '../../server/src/lint';
import { discoverManifests, readSourceFile } from '../../server/src/yaml/discover';
import { canReach, cli, ROOT, where } from '../helpers';

const EXAMPLES = join(ROOT, 'examples');

/**
 * The findings examples/README.md's "Deliberate mistakes" list promises: each
 * `file rule-id` code span is one, `file rule-id ×N` is N.
 */
function listedMistakes(): string[] {
  const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8');
  const section = /^## Deliberate mistakes\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme);
  assert.ok(section, 'examples/README.md has a "## Deliberate mistakes" section');
  const out: string[] = [];
  for (const m of section[1].matchAll(/`([\w./-]+\.(?:ya?ml|json)) ([a-z0-9-]+)(?: ×(\d+))?`/g))
    for (let i = 0; i < Number(m[3] ?? 1); i++) out.push(`${m[1]} ${m[2]}`);
  return out.sort();
}

const count = (list: readonly string[], key: string) => list.filter((x) => x === key).length;

const analysis = analyzeSources(discoverManifests([join(ROOT, 'examples')]).files.map(readSourceFile));

describe('the example repository', () => {
  it('has the deliberate mistakes its README lists, and nothing else', () => {
    const expected = listedMistakes();
    assert.ok(expected.length >= 10, 'the README lists the mistakes');
    const reported = lint(analysis)
      .map((f) => `${relative(EXAMPLES, f.span.file.path).split(sep).join('/')} ${f.rule}`)
      .sort();
    const missing = expected.filter((e, i) => expected.indexOf(e) === i && count(reported, e) < count(expected, e));
    const extra = reported.filter((r, i) => reported.indexOf(r) === i && count(reported, r) > count(expected, r));
    const show = (list: string[]) =>
      list.map((k) => `${k} (listed ${count(expected, k)}, reported ${count(reported, k)})`);
    assert.deepEqual(show(missing), [], 'listed in examples/README.md but not reported');
    assert.deepEqual(
      show(extra),
      [],
      `reported but not listed in examples/README.md:\n${lint(analysis)
        .map((f) => `${where(f)} ${f.span.file.path} ${f.message}`)
        .join('\n')}`,
    );
  });

  it('simulates the connections the README describes', () => {
    assert.equal(canReach(analysis, 'ingress-nginx/ingress-nginx-controller-0', 'shop/frontend-1', 8080), true);
    assert.equal(canReach(analysis, 'shop/frontend-0', 'shop/api-1', 8000), true);
    assert.equal(canReach(analysis, 'shop/frontend-0', 'shop/api-1', 9090), false);
    assert.equal(
      canReach(analysis, 'shop/api-0', 'shop/postgres-0', 5432),
      false,
      'the typo leaves postgres behind the default deny',
    );
    assert.equal(canReach(analysis, 'shop/worker-0', 'shop/redis-0', 6379), true);
    assert.equal(
      canReach(analysis, 'monitoring/prometheus-0', 'shop/api-0', 9090),
      false,
      'the bare podSelector admits no one',
    );
    assert.equal(canReach(analysis, 'shop/api-0', 'payments/payments-api-1', 50051), true);
    assert.equal(canReach(analysis, 'shop/frontend-0', 'payments/payments-api-1', 50051), false);
    assert.equal(
      canReach(analysis, 'shop/frontend-0', 'payments/ledger-db-0', 5432),
      true,
      'the incident rule opens the ledger to everyone',
    );
  });

  it('`netpol test examples` runs the intents: the two the README lists fail', async () => {
    const r = await cli(['test', 'examples']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.stdout
        .split('\n')
        .filter((l) => /^ {2}[✓✗]/.test(l))
        .map((l) => l.replace(/:.*/, '')),
      [
        '  ✓ ingress-reaches-frontend',
        '  ✓ frontend-calls-api',
        '  ✗ api-reaches-postgres',
        '  ✗ prometheus-scrapes-api',
        '  ✓ nothing-outside-reaches-postgres',
        '  ✓ frontend-never-reaches-postgres',
        '  ✓ worker-uses-redis',
      ],
    );
    assert.match(r.stdout, /\n5 passed, 2 failed\n$/);
  });

  it('places pods on the declared nodes, in their flannel subnets', () => {
    const pg = analysis.cluster.pods.find((p) => p.id === 'shop/postgres-0')!;
    assert.equal(pg.node, 'worker-c', 'nodeSelector workload=data');
    assert.match(analysis.addressing.pods.get('shop/postgres-0')!.ips[0].text, /^10\.244\.3\./);
    assert.deepEqual(
      analysis.cluster.pods
        .filter((p) => p.workload?.kind === 'DaemonSet')
        .map((p) => [p.id, analysis.addressing.pods.get(p.id)!.ips[0].text]),
      [
        ['monitoring/node-exporter-worker-a', '192.168.10.11'],
        ['monitoring/node-exporter-worker-b', '192.168.10.12'],
        ['monitoring/node-exporter-worker-c', '192.168.10.13'],
      ],
    );
  });

  it('`npm start` prints the findings and the matrix and succeeds', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /\$ netpol lint examples/);
    const findings = lint(analysis);
    const n = (sev: string) => findings.filter((f) => f.severity === sev).length;
    assert.match(
      r.stdout,
      new RegExp(`${n('error')} errors?, ${n('warning')} warnings?, ${n('info') + n('hint')} notes? in \\d+ files`),
    );
    assert.match(r.stdout, /\$ netpol matrix examples/);
    assert.match(r.stdout, /16 shop\/worker-0 /);
  });
});
