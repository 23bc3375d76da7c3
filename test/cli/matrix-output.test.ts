import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultGroup } from '../../server/src/cli/matrix-output';
import { jsonPieces } from '../../server/src/cli/json-stream';
import { writePieces } from '../../server/src/cli/output-stream';
import { run } from '../../server/src/cli/run';
import { cli, ROOT, yaml } from '../helpers';
import { deployment, docs, namespace, pod, policy } from '../manifests';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function workspace(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-matrix-'));
  made.push(dir);
  writeFileSync(join(dir, 'all.yaml'), text);
  return dir;
}

/**
 * Deployments web and api (3 replicas each, spread over the three default nodes), a bare pod without
 * ports, a default deny, an allow from web to api, and an allow from node-1's pod subnet to api: only
 * the pods on node-1 reach api, so some of api's pod pairs are allowed and others not.
 */
const cluster = workspace(
  docs(
    namespace('shop'),
    deployment('shop/web', 3, { ports: [{ name: 'http', port: 80 }] }),
    deployment('shop/api', 3, { ports: [{ name: 'http', port: 80 }] }),
    pod('shop/debug', { ports: [] }),
    policy('shop/deny', 'podSelector: {}\npolicyTypes: [Ingress]'),
    policy(
      'shop/api',
      yaml`
        podSelector: {matchLabels: {app: api}}
        ingress:
        - from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 10.244.1.0/24}}]
      `,
    ),
  ),
);

/** The workload cells a per-pod matrix implies: all, some or none of the pod pairs (null: no declared ports). */
function grouped(
  pods: string[],
  cells: (i: number, j: number) => boolean | undefined,
  workloads: { pods: string[] }[],
) {
  const at = new Map(pods.map((p, i) => [p, i]));
  return workloads.map((from) =>
    workloads.map((to) => {
      const answers = from.pods.flatMap((s) =>
        to.pods.map((d) => cells(at.get(s)!, at.get(d)!)).filter((x) => x !== undefined),
      );
      if (answers.length === 0) return null;
      return answers.every((x) => x) ? 'all' : answers.some((x) => x) ? 'some' : 'none';
    }),
  );
}

async function runWith(args: string[], columns?: number) {
  let stdout = '';
  const code = await run(args, {
    cwd: ROOT,
    columns,
    out: (t) => {
      stdout += t;
    },
    err: () => {},
  });
  return { code, stdout };
}

describe('cli: matrix by workload (--group workloads)', () => {
  it('JSON: workloads with their pods, and cells that agree with the per-pod matrix', async () => {
    const r = await cli(['matrix', cluster, '--port', '80', '--group', 'workloads', '--format', 'json']);
    const m = JSON.parse(r.stdout);
    assert.equal(m.group, 'workloads');
    assert.equal(m.port, 80);
    assert.deepEqual(
      m.workloads.map((w: { id: string; kind: string; pods: string[] }) => `${w.kind} ${w.id}: ${w.pods.join(' ')}`),
      [
        'Deployment shop/api: shop/api-0 shop/api-1 shop/api-2',
        'Pod shop/debug: shop/debug',
        'Deployment shop/web: shop/web-0 shop/web-1 shop/web-2',
      ],
    );
    const pods = JSON.parse((await cli(['matrix', cluster, '--port', '80', '--format', 'json'])).stdout);
    assert.deepEqual(
      m.allowed,
      grouped(pods.endpoints, (i, j) => pods.allowed[i][j], m.workloads),
    );
    assert.ok(m.allowed.flat().includes('some') && m.allowed.flat().includes('all'));

    const served = JSON.parse((await cli(['matrix', cluster, '--group', 'workloads', '--format', 'json'])).stdout);
    assert.equal(served.mode, 'served-ports');
    assert.deepEqual(served.served, [['TCP/80'], [], ['TCP/80']]);
    const servedPods = JSON.parse((await cli(['matrix', cluster, '--format', 'json'])).stdout);
    const fully = (i: number, j: number) =>
      servedPods.served[j].length ? servedPods.allowed[i][j].length === servedPods.served[j].length : undefined;
    assert.deepEqual(served.allowed, grouped(servedPods.endpoints, fully, served.workloads));
  });

  it('text: a row and a column per workload, and the pods of each workload', async () => {
    const r = await cli(['matrix', cluster, '--port', '80', '--group', 'workloads']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Reachability by workload on TCP\/80/);
    assert.match(r.stdout, /\(✓ every pod pair, ◐ some, · none; 3 workloads, 7 pods\)/);
    const json = JSON.parse(
      (await cli(['matrix', cluster, '--port', '80', '--group', 'workloads', '--format', 'json'])).stdout,
    );
    const symbol: Record<string, string> = { all: '✓', some: '◐', none: '·' };
    const rows = r.stdout.split('\n').filter((l) => /^\d [A-Z].*\(\d+\) /.test(l));
    assert.deepEqual(
      rows.map((l) => l.split(/\s+/).slice(-3).join(' ')),
      json.allowed.map((row: string[]) => row.map((c) => symbol[c]).join(' ')),
    );
    assert.match(r.stdout, /^1 Deployment shop\/api \(3\) /m);
    assert.match(
      r.stdout,
      /Pods of each workload:\n1 Deployment shop\/api: shop\/api-0, shop\/api-1, shop\/api-2\n2 Pod shop\/debug: shop\/debug\n/,
    );
    const served = await cli(['matrix', cluster, '--group', 'workloads']);
    assert.match(served.stdout, /- declares no ports/);
    assert.match(served.stdout, /^2 Pod shop\/debug \(1\) +[·◐✓] - [·◐✓]$/m);
  });

  it('is the default above 2,000 pods, except for the per-pod JSON contract of --port N --format json', () => {
    assert.equal(defaultGroup(2000, 'text', 80), 'pods');
    assert.equal(defaultGroup(2001, 'text', 80), 'workloads');
    assert.equal(defaultGroup(2001, 'text', undefined), 'workloads');
    assert.equal(defaultGroup(2001, 'json', undefined), 'workloads');
    assert.equal(defaultGroup(2001, 'json', 80), 'pods');
  });

  it('rejects an unknown --group', async () => {
    const r = await cli(['matrix', cluster, '--group', 'namespaces']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--group must be one of pods, workloads, not "namespaces"/);
  });
});

describe('cli: a text matrix wider than the terminal', () => {
  it('says so and suggests --namespace, --group workloads or JSON', async () => {
    // `1 shop/api-0  ✓ · …`: 1 + 1 + 10 + 2 + 7 columns of 2 - 1 = 27 characters.
    const narrow = await runWith(['matrix', cluster, '--port', '80'], 26);
    assert.match(
      narrow.stdout,
      /Note: this table is 27 characters wide, wider than the terminal \(26 columns\); try --namespace NS for one namespace, or --group workloads, or --format json\./,
    );
    assert.equal(
      Math.max(
        ...narrow.stdout
          .split('\n')
          .filter((l) => /^\d /.test(l))
          .map((l) => l.length),
      ),
      27,
    );
    const wide = await runWith(['matrix', cluster, '--port', '80'], 27);
    assert.doesNotMatch(wide.stdout, /Note: this table/);
    const oneNamespace = await runWith(['matrix', cluster, '--port', '80', '--namespace', 'shop'], 26);
    assert.match(oneNamespace.stdout, /try --group workloads, or --format json\./);
  });
});

describe('cli: output is written in pieces, with backpressure', () => {
  it('writePieces waits for each write before the next and never writes one string of everything', async () => {
    const writes: number[] = [];
    let pending = false;
    const rows = function* () {
      for (let r = 0; r < 5000; r++) yield `${'x'.repeat(99)}\n`;
    };
    await writePieces((text) => {
      assert.equal(pending, false, 'a write while the previous one waits');
      writes.push(text.length);
      pending = true;
      return new Promise((resolve) =>
        setImmediate(() => {
          pending = false;
          resolve();
        }),
      );
    }, rows());
    assert.equal(
      writes.reduce((x, y) => x + y, 0),
      500_000,
    );
    assert.ok(writes.length >= 7, `${writes.length} writes`);
    assert.ok(Math.max(...writes) < 70_000, `largest write ${Math.max(...writes)}`);
  });

  it('jsonPieces writes what JSON.stringify(value, null, 2) writes', () => {
    const values: unknown[] = [
      { a: 1, b: undefined, c: [1, undefined, () => 1, 'x\ny'], d: {}, e: [], f: { g: [{ h: null }] }, i: new Date(0) },
      [],
      {},
      'text',
      [[[[[[{ deep: [1, 2] }]]]]]],
      { runs: [{ tool: { driver: { name: 'netpol', semanticVersion: undefined } }, results: [{ x: 1 }, { y: 'é' }] }] },
    ];
    for (const v of values) assert.equal([...jsonPieces(v)].join(''), JSON.stringify(v, null, 2));
  });
});
