/** The example repository: what `npm start` shows a new user. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSources } from '../../server/src/engine/analysis';
import { lint } from '../../server/src/lint';
import { discoverManifests, readSourceFile } from '../../server/src/yaml/discover';
import { canReach, ROOT, where } from '../helpers';

const analysis = analyzeSources(discoverManifests([join(ROOT, 'examples')]).files.map(readSourceFile));

describe('the example repository', () => {
  it('has the deliberate mistakes its README lists, and nothing else', () => {
    const findings = lint(analysis).map(
      (f) => `${f.span.file.path.slice(join(ROOT, 'examples').length + 1)} ${where(f)}`,
    );
    assert.deepEqual(findings, [
      'charts/shop-cache/templates/networkpolicy.yaml template-not-analysed@4:9',
      'cluster/canal-config.yaml flannel-ignored-setting@50:7',
      'monitoring/prometheus.yaml policy-not-simulated@49:9',
      'monitoring/prometheus.yaml invalid-field@56:5',
      'monitoring/prometheus.yaml invalid-field@64:17',
      'shop/network-policies.yaml selector-matches-nothing@62:5',
      'shop/network-policies.yaml selector-matches-nothing@103:9',
    ]);
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
    assert.match(r.stdout, /2 errors, 4 warnings, 1 note in 13 files/);
    assert.match(r.stdout, /\$ netpol matrix examples/);
    assert.match(r.stdout, /16 shop\/worker-0 /);
  });
});
