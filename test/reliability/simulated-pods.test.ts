/**
 * Regression test: a workload with `replicas: 100000000` expanded that many
 * pods (minutes, gigabytes). Pods past the simulated-pods limit are left out,
 * with one finding at the workload that passes it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../server/src/common/limits';
import { SourceFile } from '../../server/src/common/source';
import { buildCluster } from '../../server/src/model/build';
import { parseFile } from '../../server/src/yaml/parse-yaml';
import { spanned } from '../helpers';
import { deployment } from '../manifests';

describe('reliability: simulated pods', () => {
  it('a Deployment of 100,000,000 replicas is capped at the limit, with a finding at its name', {
    timeout: 120_000,
  }, () => {
    const text = `${deployment('default/small', 3)}---\n${deployment('default/huge', 100_000_000)}---\n${deployment('default/late', 2)}`;
    const cluster = buildCluster([parseFile(new SourceFile('w.yaml', text))]);
    assert.equal(cluster.pods.length, LIMITS.simulatedPods);
    const limit = cluster.findings.filter((f) => f.rule === 'limit-exceeded');
    assert.deepEqual(limit.map(spanned), ['huge']);
    assert.match(limit[0].message, /past 100,000/);
    assert.equal(cluster.pods.filter((p) => p.name.startsWith('small-')).length, 3);
  });
});
