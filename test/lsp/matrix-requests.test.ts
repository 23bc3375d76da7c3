/**
 * The matrix panel's requests over the protocol, as the VS Code client sends them: the matrix
 * (workloads, pods, the outside world, ports per cell, problems), one cell explained in both
 * directions with the rules to reveal, the notification after an edit and the matrix following
 * it, and the diff mode against the saved files and against a revision's texts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  type CellParams,
  type CellResult,
  type MatrixParams,
  type MatrixResult,
  Notifications,
  Requests,
} from '../../server/src/protocol/netpol-protocol';
import { yaml } from '../helpers';
import { TestClient } from './client';

const WORKLOADS = yaml`
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    replicas: 2
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        containers:
        - name: web
          image: web
          ports: [{containerPort: 8080}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: db, namespace: shop}
  spec:
    replicas: 1
    selector: {matchLabels: {app: db}}
    template:
      metadata: {labels: {app: db}}
      spec:
        containers:
        - name: db
          image: db
          ports: [{containerPort: 5432}, {containerPort: 9187}]
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: mon, namespace: ops}
  spec:
    replicas: 1
    selector: {matchLabels: {app: mon}}
    template:
      metadata: {labels: {app: mon}}
      spec:
        containers:
        - {name: mon, image: mon}
`;

const POLICIES = yaml`
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: default-deny, namespace: shop}
  spec:
    podSelector: {}
    policyTypes: [Ingress]
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: db-from-web, namespace: shop}
  spec:
    podSelector: {matchLabels: {app: db}}
    ingress:
    - from:
      - podSelector: {matchLabels: {app: web}}
      ports:
      - port: 5432
`;

/** The same policies with db-from-web's rule admitting no one on 5432 (a closed connection). */
const CLOSED = POLICIES.replace('- port: 5432', '- port: 5433');

describe('lsp: the reachability matrix requests', () => {
  let client: TestClient;
  let dir: string;
  let policiesUri: string;
  const matrix = (p: MatrixParams) => client.connection.sendRequest(Requests.matrix, p) as Promise<MatrixResult>;
  const explain = (p: CellParams) => client.connection.sendRequest(Requests.explainCell, p) as Promise<CellResult>;
  const nextAnalysis = () =>
    new Promise<number>((resolve) => {
      const d = client.connection.onNotification(Notifications.analysisChanged, (p: { version: number }) => {
        d.dispose();
        resolve(p.version);
      });
    });

  /** The accessible name the webview gives a cell (its contract), read from the model. */
  function cellName(m: MatrixResult['model'], from: string, to: string, port?: string): string {
    const r = m.endpoints.findIndex((e) => e.label === from);
    const c = m.endpoints.findIndex((e) => e.label === to);
    assert.ok(r >= 0 && c >= 0, `${from} or ${to} is not in the matrix: ${m.endpoints.map((e) => e.label)}`);
    const [allowed, denied, diff] = m.cells[r][c];
    const pick = (list: number[]) => list.filter((i) => !port || m.ports[i] === port).map((i) => m.ports[i]);
    const a = pick(allowed);
    const d = pick(denied);
    const verdict =
      a.length + d.length === 0
        ? 'none'
        : d.length === 0
          ? 'allowed'
          : a.length === 0
            ? 'denied'
            : `allowed on ${a.join(', ')}, denied on ${d.join(', ')}`;
    return `${from} to ${to}: ${verdict}${diff ? ` (${diff})` : ''}`;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-matrix-'));
    writeFileSync(join(dir, 'workloads.yaml'), WORKLOADS);
    writeFileSync(join(dir, 'policies.yaml'), POLICIES);
    policiesUri = pathToFileURL(join(dir, 'policies.yaml')).toString();
    client = new TestClient();
    const first = nextAnalysis();
    await client.initialize(dir);
    await first;
  });
  after(async () => client.stop());

  it('answers workloads with their declared ports, the outside world, and problems', async () => {
    const { model, version } = await matrix({ mode: 'workloads' });
    assert.ok(version >= 1);
    assert.equal(model.mode, 'workloads');
    const labels = model.endpoints.map((e) => e.label);
    assert.deepEqual(labels.slice(0, 3), ['ops/mon', 'shop/db', 'shop/web'], 'by namespace, then name');
    assert.ok(labels.includes('the internet'), labels.join(', '));
    assert.ok(labels.some((l) => l === 'cloud metadata'));
    const outside = model.endpoints.filter((e) => e.kind === 'outside');
    assert.ok(outside.every((e) => e.namespace === ''));
    assert.deepEqual(
      model.endpoints
        .filter((e) => e.kind === 'workload')
        .map((e) => e.id)
        .sort(),
      ['Deployment ops/mon', 'Deployment shop/db', 'Deployment shop/web'],
    );
    assert.ok(model.ports.includes('TCP/5432') && model.ports.includes('TCP/9187') && model.ports.includes('TCP/8080'));
    assert.equal(
      cellName(model, 'shop/web', 'shop/db'),
      'shop/web to shop/db: allowed on TCP/5432, denied on TCP/9187',
    );
    assert.equal(cellName(model, 'ops/mon', 'shop/db'), 'ops/mon to shop/db: denied');
    assert.equal(cellName(model, 'shop/web', 'ops/mon'), 'shop/web to ops/mon: none', 'mon declares no ports');
    assert.equal(cellName(model, 'the internet', 'shop/web'), 'the internet to shop/web: denied');
    assert.equal(cellName(model, 'shop/web', 'the internet'), 'shop/web to the internet: allowed');
    // The diagonal: web's two replicas reach each other? Not through shop's default deny.
    assert.equal(cellName(model, 'shop/web', 'shop/web'), 'shop/web to shop/web: denied');
    assert.equal(model.diffSummary, undefined);
  });

  it('answers pods by the toggle', async () => {
    const { model } = await matrix({ mode: 'pods' });
    assert.equal(model.mode, 'pods');
    const pods = model.endpoints.filter((e) => e.kind === 'pod').map((e) => e.id);
    assert.deepEqual(pods.sort(), ['ops/mon-0', 'shop/db-0', 'shop/web-0', 'shop/web-1']);
    assert.equal(cellName(model, 'shop/web-1', 'shop/db-0', 'TCP/5432'), 'shop/web-1 to shop/db-0: allowed');
  });

  it('explains a cell in both directions, with the deciding rule to reveal', async () => {
    const r = await explain({ mode: 'workloads', from: 'Deployment shop/web', to: 'Deployment shop/db' });
    assert.ok(r.ok, r.message);
    const x = r.explanation!;
    assert.equal(x.title, 'shop/web to shop/db');
    assert.equal(x.summary, 'shop/web to shop/db: allowed on TCP 5432, denied on TCP 9187');
    assert.deepEqual(
      x.directions.map((d) => `${d.title}: ${d.allowed}`),
      [
        'TCP 5432 · egress from shop/web: true',
        'TCP 5432 · ingress to shop/db: true',
        'TCP 9187 · egress from shop/web: true',
        'TCP 9187 · ingress to shop/db: false',
      ],
    );
    const allow = x.directions[1].steps.find((s) => s.reveal)!;
    assert.match(allow.text, /NetworkPolicy shop\/db-from-web .*ingress rule 1 Allow/);
    assert.equal(allow.reveal!.uri, policiesUri);
    assert.equal(allow.reveal!.line, POLICIES.split('\n').indexOf('  - from:'), 'the rule, not the policy');
    const deny = x.directions[3].steps.map((s) => s.text).join('\n');
    assert.match(deny, /no rule of .*matched; the tier's default action is Deny/);
    // The diagonal says what it is.
    const self = await explain({ mode: 'pods', from: 'shop/db-0', to: 'shop/db-0', port: 'TCP/5432' });
    assert.match(self.explanation!.notes.join('\n'), /its own IP address/);
    const replicas = await explain({ mode: 'workloads', from: 'Deployment shop/web', to: 'Deployment shop/web' });
    assert.match(replicas.explanation!.notes.join('\n'), /replica to replica/);
    const denied = await explain({ mode: 'workloads', from: 'Deployment ops/mon', to: 'Deployment shop/db' });
    assert.equal(denied.explanation!.summary, 'ops/mon to shop/db: denied', 'as the cell reads');
    const gone = await explain({ mode: 'workloads', from: 'Deployment shop/nope', to: 'Deployment shop/db' });
    assert.equal(gone.ok, false);
  });

  it('notifies after an edit, and the matrix follows the unsaved text; diff marks against the saved files', async () => {
    const changed = nextAnalysis();
    await client.open(policiesUri, POLICIES, 1);
    const v1 = await changed;
    const closed = nextAnalysis();
    await client.change(policiesUri, CLOSED, 2);
    const v2 = await closed;
    assert.ok(v2 > v1);
    const live = await matrix({ mode: 'workloads' });
    assert.equal(live.version, v2);
    assert.equal(cellName(live.model, 'shop/web', 'shop/db'), 'shop/web to shop/db: denied');
    const diff = await matrix({ mode: 'workloads', base: { kind: 'saved' } });
    assert.equal(cellName(diff.model, 'shop/web', 'shop/db'), 'shop/web to shop/db: denied (closed)');
    assert.equal(cellName(diff.model, 'ops/mon', 'shop/db'), 'ops/mon to shop/db: denied', 'unchanged: no mark');
    assert.match(diff.model.diffSummary!, /^Compared with the saved files: 0 newly allowed, 1 newly denied/);
    const pods = await matrix({ mode: 'pods', base: { kind: 'saved' } });
    assert.equal(
      cellName(pods.model, 'shop/web-0', 'shop/db-0', 'TCP/5432'),
      'shop/web-0 to shop/db-0: denied (closed)',
    );
    const why = await explain({
      mode: 'workloads',
      from: 'Deployment shop/web',
      to: 'Deployment shop/db',
      port: 'TCP/5432',
      base: { kind: 'saved' },
    });
    assert.match(why.explanation!.notes.join('\n'), /Newly denied: shop\/db:5432 no longer reachable from shop\/web/);
    // Saved (the client watches files, but the server does not re-read an open file on save): the
    // saved state is read again, so nothing differs from it.
    writeFileSync(join(dir, 'policies.yaml'), CLOSED);
    const saved = await matrix({ mode: 'workloads', base: { kind: 'saved' } });
    assert.equal(cellName(saved.model, 'shop/web', 'shop/db'), 'shop/web to shop/db: denied');
    assert.match(saved.model.diffSummary!, /: 0 newly allowed, 0 newly denied/);
  });

  it('diff marks against a revision: the texts the client read at it', async () => {
    // At the "revision" the rule admitted no one; the editor (version 2) still has it closed, so
    // compare the saved file (open) against a revision without db-from-web's port: opened.
    const back = nextAnalysis();
    await client.change(policiesUri, POLICIES, 3);
    await back;
    const r = await matrix({
      mode: 'workloads',
      base: { kind: 'revision', ref: 'HEAD~1', files: [{ uri: policiesUri, text: CLOSED }] },
    });
    assert.equal(
      cellName(r.model, 'shop/web', 'shop/db'),
      'shop/web to shop/db: allowed on TCP/5432, denied on TCP/9187 (opened)',
    );
    assert.match(r.model.diffSummary!, /^Compared with HEAD~1: 1 newly allowed, 0 newly denied/);
    // A file the revision lacks: without the policies, shop was not isolated, so now more is denied.
    const none = await matrix({
      mode: 'workloads',
      base: { kind: 'revision', ref: 'v0', files: [{ uri: policiesUri, text: null }] },
    });
    assert.equal(cellName(none.model, 'ops/mon', 'shop/db'), 'ops/mon to shop/db: denied (closed)');
  });
});
