/**
 * Regression tests: a workload with `replicas: 2147483647` expanded to the simulated-pods limit
 * (then 100,000 pods, before the pipeline was linear: lint ran for minutes), and the workloads after
 * it got no pods at all, so every selector of theirs "matched nothing". The limit holds across all
 * workloads and Pod objects; past it every workload keeps a fair share, with one finding at the
 * `replicas` value. The workloads are sized from the limit, so the tests follow its value.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LIMITS } from '../../server/src/common/limits';
import { SourceFile } from '../../server/src/common/source';
import { buildCluster } from '../../server/src/model/build';
import { parseFile } from '../../server/src/yaml/parse-yaml';
import { cli, spanned } from '../helpers';
import { deployment, docs } from '../manifests';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const limit = LIMITS.simulatedPods;
const podsOf = (pods: readonly { name: string }[], workload: string) =>
  pods.filter((p) => p.name.startsWith(`${workload}-`)).length;

describe('reliability: simulated pods', () => {
  it('under the limit every workload has all its pods, and nothing is reported', () => {
    const cluster = buildCluster([
      parseFile(new SourceFile('w.yaml', docs(deployment('default/a', 3), deployment('default/b', 1000)))),
    ]);
    assert.equal(cluster.pods.length, 1003);
    assert.deepEqual(
      cluster.findings.filter((f) => f.rule === 'limit-exceeded'),
      [],
    );
  });

  it('replicas: 2147483647 beside large and small workloads: the total is capped, every workload keeps pods', () => {
    // Two large workloads that each ask for the whole limit, so they are cut to a share too.
    const large = limit;
    const text = docs(
      deployment('default/small', 3),
      deployment('default/big-a', large),
      deployment('default/huge', 2147483647),
      deployment('default/big-b', large),
      deployment('default/late', 1),
    );
    const cluster = buildCluster([parseFile(new SourceFile('w.yaml', text))]);
    assert.equal(cluster.pods.length, limit);
    assert.equal(podsOf(cluster.pods, 'small'), 3);
    assert.equal(podsOf(cluster.pods, 'late'), 1);
    // What the small ones leave is shared by the three large ones.
    const share = (limit - 4) / 3;
    assert.ok(Number.isInteger(share), 'the small workloads leave a multiple of 3');
    for (const w of ['big-a', 'huge', 'big-b']) assert.equal(podsOf(cluster.pods, w), share, w);
    const [finding, ...more] = cluster.findings.filter((f) => f.rule === 'limit-exceeded');
    assert.equal(more.length, 0);
    assert.equal(spanned(finding), '2147483647');
    const n = (x: number) => x.toLocaleString('en-US');
    assert.equal(
      finding.message,
      `The workspace asks for ${n(2147483647 + 2 * large + 4)} pods, past the ${n(limit)} simulated at most: Deployment default/huge is simulated with ${n(share)} of its 2,147,483,647 pods, and 2 other workloads with fewer pods than they ask for. Verdicts are the same for every pod of a workload, so policy findings hold; checks that count pods (subnet capacity) count the simulated ones only.`,
    );
    assert.deepEqual(
      finding.related?.map((r) => [spanned({ ...finding, span: r.span }), r.message]),
      [
        [String(large), `Deployment default/big-a: simulated with ${n(share)} of its ${n(large)} pods`],
        [String(large), `Deployment default/big-b: simulated with ${n(share)} of its ${n(large)} pods`],
      ],
    );
  });

  it('Pod objects count too: past the limit the rest are left out, with a finding at the first of them', () => {
    // Block style (the fast reader's), in files under the documents-per-file limit.
    const total = limit + 2;
    const perFile = LIMITS.documentsPerFile - 1;
    const pod = (i: number) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${String(i).padStart(7, '0')}\nspec:\n  containers:\n  - name: c\n    image: x\n`;
    const files = [];
    for (let from = 0; from < total; from += perFile) {
      const last = from + perFile >= total;
      const pods = Array.from({ length: Math.min(perFile, total - from) }, (_, i) => pod(from + i));
      if (last) pods.push(deployment('default/web', 2));
      files.push(parseFile(new SourceFile(`pods-${files.length + 1}.yaml`, pods.join('---\n'))));
    }
    assert.ok(files.length > 1);
    const cluster = buildCluster(files);
    assert.equal(cluster.pods.length, limit);
    assert.equal(podsOf(cluster.pods, 'web'), 0);
    const findings = cluster.findings.filter((f) => f.rule === 'limit-exceeded');
    assert.deepEqual(findings.map(spanned), [`p${String(limit).padStart(7, '0')}`, '2']);
    assert.match(findings[0].message, /this Pod and the 1 after it are not simulated/);
    assert.match(findings[1].message, /Deployment default\/web is simulated with 0 of its 2 pods/);
  });

  it('netpol lint on replicas: 2147483647 finishes with the finding at the value and the capped pods analysed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-pods-'));
    made.push(dir);
    writeFileSync(
      join(dir, 'w.yaml'),
      docs(deployment('default/huge', 2147483647), deployment('default/many', limit), deployment('default/web', 2)),
    );
    const share = (limit - 2) / 2;
    const r = await cli(['lint', dir, '--format', 'json']);
    assert.equal(r.stderr, '');
    const { findings } = JSON.parse(r.stdout) as {
      findings: { rule: string; message: string; line: number; column: number }[];
    };
    const limits = findings.filter((f) => f.rule === 'limit-exceeded');
    assert.deepEqual(
      limits.map((f) => [f.line, f.column]),
      [[5, 13]],
    );
    assert.ok(
      limits[0].message.includes(
        `Deployment default/huge is simulated with ${share.toLocaleString('en-US')} of its 2,147,483,647 pods`,
      ),
      limits[0].message,
    );
    // The rules ran on the capped set: each workload's pods are there, in their numbers.
    const open = findings.filter((f) => f.rule === 'non-isolated-pods').map((f) => f.message);
    assert.ok(
      open.some((m) => m.includes(`${share} pods of Deployment default/huge`)),
      open.join('\n'),
    );
    assert.ok(open.some((m) => m.includes(`${share} pods of Deployment default/many`)));
    assert.ok(open.some((m) => /2 pods of Deployment default\/web/.test(m)));
  });
});
