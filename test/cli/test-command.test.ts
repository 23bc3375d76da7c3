/** `netpol test`: NetworkIntents as unit tests, in text, JSON and JUnit, with exit codes. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, yaml } from '../helpers';
import { docs } from '../manifests';
import { networkIntent, shop } from '../intent-fixtures';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-test-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const intents = networkIntent(
  'shop/shop',
  yaml`
    - name: api-reaches-postgres
      from: {workload: Pod/api}
      to: {workload: Pod/postgres}
      ports: [{port: 5432}]
      expect: allow
    - name: frontend-calls-api
      from: {workload: Deployment/frontend}
      to: {workload: Pod/api}
      ports: [{port: http}]
      expect: allow
    - name: typo
      from: {workload: Deployment/frontent}
      to: {workload: Pod/api}
      ports: [{port: 8080}]
      expect: allow
  `,
);

describe('cli: netpol test', () => {
  it('prints one line per intent and the summary, and exits 1 when one fails', async () => {
    const dir = workspace({ 'shop.yaml': shop, 'intents.yaml': intents });
    const r = await cli(['test', dir], dir);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], 'NetworkIntent shop/shop (intents.yaml)');
    assert.equal(lines[1], '  ✓ api-reaches-postgres');
    assert.equal(
      lines[2],
      '  ✗ frontend-calls-api: 2 of 2 pairs denied: shop/frontend-0 -> shop/api TCP/8080, shop/frontend-1 -> shop/api TCP/8080 (intents.yaml:16:13)',
    );
    assert.match(lines[3], /^ {6}first pair: ingress to shop\/api denied by tier default: no rule of api matched/);
    assert.match(
      r.stdout,
      /✗ typo: tests nothing: the workspace has no Deployment shop\/frontent; did you mean Deployment\/frontend\?/,
    );
    assert.equal(lines[lines.length - 2], '1 passed, 2 failed');
  });

  it('exits 0 when every intent holds', async () => {
    const dir = workspace({
      'shop.yaml': shop,
      'intents.yaml': networkIntent(
        'shop/shop',
        '- {name: ok, from: {workload: Pod/api}, to: {workload: Pod/postgres}, ports: [{port: 5432}], expect: allow}',
      ),
    });
    const r = await cli(['test', dir]);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\n1 passed, 0 failed\n$/);
  });

  it('writes JSON and JUnit for CI', async () => {
    const dir = workspace({ 'shop.yaml': shop, 'intents.yaml': intents });
    const json = JSON.parse((await cli(['test', dir, '--format', 'json'], dir)).stdout);
    assert.equal(json.passed, 1);
    assert.equal(json.failed, 2);
    assert.deepEqual(
      json.intents.map((i: { intent: string; status: string }) => `${i.intent} ${i.status}`),
      ['api-reaches-postgres passed', 'frontend-calls-api failed', 'typo failed'],
    );
    assert.deepEqual(json.intents[1].failing[0], { from: 'shop/frontend-0', to: 'shop/api', port: 'TCP/8080' });
    assert.equal(json.intents[1].line, 16);
    const junit = await cli(['test', dir, '--format', 'junit'], dir);
    assert.equal(junit.code, 1);
    assert.match(
      junit.stdout,
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="netpol test" tests="3" failures="2">/,
    );
    assert.match(
      junit.stdout,
      /<testcase name="api-reaches-postgres" classname="shop\/shop" file="intents.yaml" line="\d+"\/>/,
    );
    assert.match(junit.stdout, /<failure message="2 of 2 pairs denied: shop\/frontend-0 -&gt; shop\/api TCP\/8080/);
    assert.equal((junit.stdout.match(/<testcase /g) ?? []).length, 3);
  });

  it('counts a NetworkIntent it cannot read as failed, and exits 2 without any', async () => {
    const broken = workspace({
      'shop.yaml': shop,
      'intents.yaml': networkIntent(
        'shop/shop',
        '- {name: x, from: {workload: Pod/api}, to: {workload: Pod/postgres}, expect: maybe}',
      ),
    });
    const r = await cli(['test', broken], broken);
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /✗ \(not read\): spec.intents\[0\].expect: "maybe" is not an expectation; use allow or deny. \(intents.yaml:7:80\)/,
    );
    const none = await cli(['test', workspace({ 'shop.yaml': shop })]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no NetworkIntent/);
  });

  it('evaluates staged policies with --staged', async () => {
    const staged = yaml`
      apiVersion: projectcalico.org/v3
      kind: StagedNetworkPolicy
      metadata: {name: api-from-frontend, namespace: shop}
      spec:
        stagedAction: Set
        selector: app == 'api'
        types: [Ingress]
        ingress:
        - action: Allow
          source: {selector: app == 'frontend'}
    `;
    const dir = workspace({
      'shop.yaml': docs(shop, staged),
      'intents.yaml': networkIntent(
        'shop/shop',
        '- {name: f, from: {workload: Deployment/frontend}, to: {workload: Pod/api}, ports: [{port: 8080}], expect: allow}',
      ),
    });
    assert.equal((await cli(['test', dir], dir)).code, 1);
    assert.equal((await cli(['test', dir, '--staged'], dir)).code, 0);
  });
});

describe('cli: netpol deps', () => {
  it('lists inferred dependencies with where they were read and the verdict, in text and JSON', async () => {
    const { client, service } = await import('../dependency-fixtures');
    const dir = workspace({
      'app.yaml': docs(
        shop,
        service('shop/api-svc', 'api', '[{port: 80, targetPort: http}]'),
        client('shop/ui', 'env: [{name: API_URL, value: "http://api-svc/v1"}, {name: Q_URL, value: "amqp://mq:5672"}]'),
      ),
    });
    const text = await cli(['deps', dir], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /Deployment shop\/ui\n {2}-> Service shop\/api-svc port 80 \(TCP\/8080 on its pods\): BLOCKED \(1 of 1 pairs\)\n {5}from env API_URL: "http:\/\/api-svc\/v1" \(app\.yaml:\d+:\d+\)\n {5}first blocked pair shop\/ui-0 -> shop\/api: ingress to shop\/api denied/,
    );
    assert.match(text.stdout, /-> Service shop\/mq: not in the workspace/);
    assert.match(text.stdout, /\n2 dependencies, 1 blocked, 1 to Services not in the workspace\n$/);
    const json = JSON.parse((await cli(['deps', dir, '--format', 'json'], dir)).stdout);
    assert.deepEqual(
      json.map((d: { service: string; status: string }) => `${d.service} ${d.status}`),
      ['shop/api-svc blocked', 'shop/mq unknown-service'],
    );
    assert.deepEqual(json[0].blocked[0], { from: 'shop/ui-0', to: 'shop/api', port: 'TCP/8080' });
  });
});
