import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, ROOT, yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-cli-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const cleanApps = docs(
  namespace('shop'),
  pod('shop/web', { node: 'n1' }),
  pod('shop/db', { node: 'n2', ports: [{ name: 'pg', port: 5432 }] }),
);
const dbPolicy = policy(
  'shop/db',
  yaml`
    podSelector: {matchLabels: {app: db}}
    ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: pg}]}]
  `,
);
const clean = workspace({ 'app.yaml': cleanApps, 'policy.yaml': docs(dbPolicy) });
/**
 * The clean workspace with a baseline that isolates every pod: nothing to report (web declares no
 * port here: nothing reaches it, and nothing is meant to).
 */
const isolated = workspace({
  'app.yaml': docs(
    namespace('shop'),
    pod('shop/web', { node: 'n1', ports: [] }),
    pod('shop/db', { node: 'n2', ports: [{ name: 'pg', port: 5432 }] }),
  ),
  'policy.yaml': docs(
    dbPolicy,
    policy(
      'shop/baseline',
      yaml`
        podSelector: {}
        policyTypes: [Ingress, Egress]
        egress: [{to: [{podSelector: {}}]}]
      `,
    ),
  ),
});
const broken = workspace({
  'bad.yaml': yaml`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: p, namespace: shop}
    spec:
      podSelector: {}
      policyTypes: [ingress]
    ---
    key: [unclosed
  `,
  'warn.yaml': docs(pod('shop/web'), policy('shop/q', 'podSelector: {matchLabels: {app: wbe}}')),
});

describe('cli: usage errors exit 2 with a message that says what was wrong', () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['matrix', clean, '--prot', '80'], /unknown option --prot for "matrix"; the options are/],
    [['matrix', clean, '--port'], /--port needs a value/],
    [['matrix', clean, '--port', '99999'], /--port must be a port number from 1 to 65535, not "99999"/],
    [['matrix', clean, '--port', '80', '--protocol', 'ICMP'], /--protocol must be one of TCP, UDP, SCTP, not "ICMP"/],
    [['lint', clean, '--format', 'xml'], /--format must be one of text, json, sarif/],
    [['lint', join(clean, 'missing')], /missing: no such file or directory/],
    [['lint', workspace({ 'notes.txt': 'x' })], /no manifest files \(\*\.yaml, \*\.yml\) found/],
    [
      ['explain', clean, '--from', 'shop/wbe', '--to', 'shop/db', '--port', '80'],
      /--from: no pod "shop\/wbe"; did you mean "shop\/web"\?/,
    ],
    [['explain', clean, '--from', 'shop/web', '--to', 'shop/db'], /explain needs --port/],
    [
      ['explain', clean, '--from', 'shop/web', '--to', 'shop/db', '--port', 'mysql'],
      /shop\/db has no TCP port named "mysql" \(its named ports: pg\)/,
    ],
    [['matrix', clean, '--namespace', 'shp'], /no pods in namespace "shp"; did you mean "shop"\?/],
    [['lint', clean, '--pod-network', 'banana'], /--pod-network must be an IPv4 CIDR/],
  ];
  for (const [args, message] of cases) {
    it(args.filter((a) => !a.startsWith('/')).join(' '), async () => {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
  }

  it('prints help and the version', async () => {
    assert.match((await cli(['--help'])).stdout, /Usage:\n {2}netpol lint PATH\.\.\./);
    assert.match((await cli(['matrix', '-h'])).stdout, /Exit codes/);
    assert.equal((await cli([])).code, 2);
  });
});

describe('cli: lint', () => {
  it('exits 0 on a clean workspace and says so', async () => {
    const r = await cli(['lint', isolated]);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(r.stdout, 'No findings in 2 files.\n');
  });

  it('prints path:line:col findings and exits 1 on errors', async () => {
    const r = await cli(['lint', broken], broken);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.deepEqual(
      lines.slice(0, -1).map((l) => l.replace(/: (error|warning|info): .*\[/, ': $1 [')),
      [
        'bad.yaml:3:18: warning [policy-not-simulated]',
        'bad.yaml:6:17: error [invalid-field]',
        'bad.yaml:9:1: error [yaml-syntax]',
        'warn.yaml:3:18: info [non-isolated-pods]',
        'warn.yaml:3:18: info [non-isolated-pods]',
        'warn.yaml:11:16: warning [selector-matches-nothing]',
      ],
    );
    assert.equal(lines.at(-1), '2 errors, 2 warnings, 2 notes in 2 files');
  });

  it('--fail-on decides the exit code', async () => {
    const onlyWarnings = workspace({
      'w.yaml': docs(pod('shop/web'), policy('shop/q', 'podSelector: {matchLabels: {app: wbe}}')),
    });
    assert.equal((await cli(['lint', onlyWarnings])).code, 0);
    assert.equal((await cli(['lint', onlyWarnings, '--fail-on', 'warning'])).code, 1);
    assert.equal((await cli(['lint', broken, '--fail-on', 'none'])).code, 0);
  });

  it('writes JSON with 1-based lines, 0-based LSP ranges and fixes', async () => {
    const r = await cli(['lint', broken, '--format', 'json'], broken);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.summary, { files: 2, errors: 2, warnings: 2, notes: 2 });
    const f = out.findings.find((x: { rule: string }) => x.rule === 'selector-matches-nothing');
    assert.equal(f.file, 'warn.yaml');
    assert.equal(f.line, 11);
    assert.equal(f.column, 16);
    assert.deepEqual(f.range.start, { line: 10, character: 15 });
    assert.equal(f.fixes[0].edits[0].newText, 'web');
  });

  it('writes SARIF 2.1.0 with rule metadata and 1-based regions', async () => {
    const r = await cli(['lint', broken, '--format', 'sarif'], broken);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'netpol');
    assert.ok(run.tool.driver.rules.some((x: { id: string }) => x.id === 'selector-matches-nothing'));
    const res = run.results.find((x: { ruleId: string }) => x.ruleId === 'invalid-field');
    assert.equal(res.level, 'error');
    assert.match(res.message.text, /"ingress" is not a policy type/);
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'bad.yaml');
    assert.deepEqual(res.locations[0].physicalLocation.region, {
      startLine: 6,
      startColumn: 17,
      endLine: 6,
      endColumn: 24,
    });
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, 'invalid-field');
  });
});

describe('cli: matrix, explain, addresses', () => {
  it('prints the README.md JSON contract for one port', async () => {
    const r = await cli(['matrix', clean, '--port', '5432', '--format', 'json']);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), {
      port: 5432,
      protocol: 'TCP',
      endpoints: ['shop/db', 'shop/web'],
      allowed: [
        [false, true],
        [true, true],
      ],
    });
  });

  it('prints a text table, and the served-ports view without --port', async () => {
    const t = await cli(['matrix', clean, '--port', '5432']);
    assert.match(t.stdout, /^TCP\/5432: may the row's pod open a connection/);
    assert.match(t.stdout, /1 shop\/db {3}· ✓\n2 shop\/web {2}✓ ✓/);
    assert.match(t.stdout, /3 of 4 pairs allowed\./);
    const s = await cli(['matrix', clean, '--format', 'json']);
    const served = JSON.parse(s.stdout);
    assert.equal(served.mode, 'served-ports');
    assert.deepEqual(served.served, [['TCP/5432'], ['TCP/80']]);
    assert.deepEqual(served.allowed, [
      [[], ['TCP/80']],
      [['TCP/5432'], ['TCP/80']],
    ]);
  });

  it('--namespace limits the matrix', async () => {
    const r = await cli(['matrix', clean, '--port', '80', '--namespace', 'shop', '--format', 'json']);
    assert.equal(JSON.parse(r.stdout).endpoints.length, 2);
  });

  it('explains a connection, by pod, by IP and by port name', async () => {
    const r = await cli(['explain', clean, '--from', 'shop/web', '--to', 'shop/db', '--port', 'pg']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^shop\/web -> shop\/db TCP\/5432: ALLOWED/);
    assert.match(r.stdout, /ingress rule 1 Allow/);
    const ext = await cli([
      'explain',
      clean,
      '--from',
      '203.0.113.9',
      '--to',
      'shop/db',
      '--port',
      '5432',
      '--format',
      'json',
    ]);
    const v = JSON.parse(ext.stdout);
    assert.equal(v.from, '203.0.113.9');
    assert.equal(v.allowed, false);
    assert.equal(v.ingress.policies[0].ref.span.file.endsWith('policy.yaml'), true);
  });

  it('prints addresses per the contract', async () => {
    const r = await cli(['addresses', clean, '--format', 'json']);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.nodes.map((n: { name: string; subnet: string; subnets: string[] }) => [n.name, n.subnet, n.subnets]),
      [
        ['n1', '10.244.1.0/24', ['10.244.1.0/24']],
        ['n2', '10.244.2.0/24', ['10.244.2.0/24']],
      ],
    );
    assert.deepEqual(
      out.pods.map((p: { id: string; node: string; ip: string; ips: string[] }) => [p.id, p.node, p.ip, p.ips]),
      [
        ['shop/db', 'n2', '10.244.2.2', ['10.244.2.2']],
        ['shop/web', 'n1', '10.244.1.2', ['10.244.1.2']],
      ],
    );
    const t = await cli(['addresses', clean, '--pod-network', '10.50.0.0/16']);
    assert.match(t.stdout, /Pod network 10\.50\.0\.0\/16 \(node subnets \/24\), from --pod-network/);
    assert.match(t.stdout, /shop\/web\s+n1\s+10\.50\.1\.2/);
  });
});

describe('cli: the built bin', () => {
  it('dist/cli.js runs as an executable with the documented exit codes', () => {
    const bin = join(ROOT, 'dist', 'cli.js');
    const out = execFileSync(bin, ['matrix', clean, '--port', '80', '--format', 'json']).toString();
    assert.equal(JSON.parse(out).port, 80);
    assert.equal(spawnSync(bin, ['lint', broken]).status, 1);
    assert.equal(spawnSync(bin, ['nope']).status, 2);
  });
});
