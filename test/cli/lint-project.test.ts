/**
 * The project file (.netpol.yaml), --rule, suppressions in the YAML, and SARIF
 * that Microsoft's validator accepts, through the CLI as CI runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli, ROOT, yaml } from '../helpers';

const made: string[] = [];
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-project-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/**
 * A pod and a policy whose podSelector has a typo: one selector-matches-nothing warning at line 17
 * (and a default-deny that allows DNS, so the pod is isolated and nothing else is reported).
 */
const TYPO = yaml`
  apiVersion: v1
  kind: Pod
  metadata:
    name: web
    namespace: shop
    labels: {app: web}
  spec:
    containers: [{name: c, image: nginx}]
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: q
    namespace: shop
  spec:
    podSelector:
      matchLabels: {app: wbe}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: deny, namespace: shop}
  spec: {podSelector: {}, policyTypes: [Ingress, Egress], egress: [{ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]}
`;

const rules = (out: string) =>
  (JSON.parse(out).findings as { rule: string; severity: string }[]).map((f) => `${f.rule}:${f.severity}`);

describe('cli: the project file and suppressions', () => {
  it('reads rule severities from .netpol.yaml, and --rule overrides them', async () => {
    const dir = workspace({ 'app.yaml': TYPO, '.netpol.yaml': 'rules:\n  selector-matches-nothing: error\n' });
    const r = await cli(['lint', dir, '--format', 'json'], dir);
    assert.deepEqual(rules(r.stdout), ['selector-matches-nothing:error']);
    assert.equal(r.code, 1);
    const off = await cli(['lint', dir, '--format', 'json', '--rule', 'selector-matches-nothing=off'], dir);
    assert.deepEqual(rules(off.stdout), []);
    assert.equal(off.code, 0);
    const info = await cli(['lint', dir, '--rule', 'selector-matches-nothing=info', '--format', 'json'], dir);
    assert.deepEqual(rules(info.stdout), ['selector-matches-nothing:info']);
  });

  it('finds .netpol.yaml in a folder above the linted path, and reads it when named with --config', async () => {
    const dir = workspace({ 'team/app.yaml': TYPO, '.netpol.yaml': 'rules: {selector-matches-nothing: off}\n' });
    assert.deepEqual(rules((await cli(['lint', join(dir, 'team'), '--format', 'json'], dir)).stdout), []);
    const other = workspace({ 'strict.yaml': 'rules: {selector-matches-nothing: error}\n' });
    const r = await cli(['lint', join(dir, 'team'), '--config', join(other, 'strict.yaml'), '--format', 'json'], dir);
    assert.deepEqual(rules(r.stdout), ['selector-matches-nothing:error']);
  });

  it('reports mistakes in the project file at the key, with the rule it probably meant', async () => {
    const dir = workspace({
      'app.yaml': TYPO,
      '.netpol.yaml':
        'rules:\n  selector-matches-nothin: off\n  unschedulable: loud\nsensitivePorts: [5432, {port: 99999}]\n',
    });
    const r = await cli(['lint', dir], dir);
    assert.match(
      r.stdout,
      /\.netpol\.yaml:2:3: warning: rules: there is no rule "selector-matches-nothin"; did you mean selector-matches-nothing\?/,
    );
    assert.match(r.stdout, /\.netpol\.yaml:3:18: error: rules\.unschedulable: "loud" is not a severity/);
    assert.match(r.stdout, /\.netpol\.yaml:4:\d+: error: .*99999/);
  });

  it('rejects an unknown --rule with a suggestion (exit 2)', async () => {
    const dir = workspace({ 'app.yaml': TYPO });
    const r = await cli(['lint', dir, '--rule', 'selector-matches-nothin=off'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no rule "selector-matches-nothin"; did you mean selector-matches-nothing\?/);
  });

  it('suppresses with a comment on the line above or on the same line, and counts what it suppressed', async () => {
    const above = TYPO.replace(
      '    matchLabels: {app: wbe}',
      '    # netpol-ignore: selector-matches-nothing not deployed yet\n    matchLabels: {app: wbe}',
    );
    const dir = workspace({
      'app.yaml': above.replace('  podSelector:\n', '  podSelector: # netpol-ignore: selector-matches-nothing\n'),
    });
    const r = await cli(['lint', dir], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No findings in 1 file \(1 suppressed\)\./);
    const shown = await cli(['lint', dir, '--show-suppressed'], dir);
    assert.match(shown.stdout, /app\.yaml:\d+:\d+: warning: .*\[selector-matches-nothing, suppressed at app\.yaml:\d+/);
    const json = JSON.parse((await cli(['lint', dir, '--format', 'json'], dir)).stdout);
    assert.equal(json.suppressed.length, 1);
    assert.equal(json.summary.suppressed, 1);
    assert.equal(json.suppressed[0].rule, 'selector-matches-nothing');
  });

  it('suppresses a rule in one object with the netpol.studio/ignore annotation', async () => {
    const text = TYPO.replace(
      '  name: q\n',
      '  name: q\n  annotations:\n    netpol.studio/ignore: "selector-matches-nothing, unschedulable"\n',
    );
    const dir = workspace({ 'app.yaml': text });
    const r = await cli(['lint', dir], dir);
    assert.match(r.stdout, /No findings in 1 file \(1 suppressed\)\./);
  });

  it('reports a suppression that names no rule that exists', async () => {
    const dir = workspace({ 'app.yaml': `${TYPO}# netpol-ignore: selector-matches-nothng\n` });
    const r = await cli(['lint', dir], dir);
    assert.match(
      r.stdout,
      /warning: netpol-ignore: there is no rule "selector-matches-nothng"; did you mean selector-matches-nothing\?/,
    );
  });

  it('reads the paths `include` names and skips the ones `ignore` names', async () => {
    const dir = workspace({
      'team/.netpol.yaml': 'include: [../cluster]\nignore: [vendor]\n',
      'team/app.yaml': TYPO,
      'team/vendor/broken.yaml': 'key: [unclosed\n',
      'cluster/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
    });
    const r = await cli(['lint', join(dir, 'team'), '--format', 'json'], dir);
    const out = JSON.parse(r.stdout);
    assert.equal(out.summary.files, 2, 'team/app.yaml and cluster/ns.yaml, not vendor/');
    assert.deepEqual(rules(r.stdout), ['selector-matches-nothing:warning']);
  });
});

describe('cli: SARIF that Microsoft’s validator accepts', () => {
  const multitool = join(ROOT, 'node_modules', '.bin', 'sarif-multitool');

  function validate(sarif: string): string[] {
    const dir = workspace({ 'out.sarif': sarif });
    const log = join(dir, 'validation.sarif');
    const r = spawnSync(multitool, ['validate', join(dir, 'out.sarif'), '--output', log], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const results = JSON.parse(readFileSync(log, 'utf8')).runs[0].results as {
      ruleId: string;
      message: { text?: string; arguments?: string[] };
    }[];
    return results.map((x) => `${x.ruleId}: ${x.message.text ?? x.message.arguments?.join(' ')}`);
  }

  it('validates with relative paths, absolute paths from another directory, fixes and suppressions', async () => {
    const suppressed = TYPO.replace(
      '    matchLabels:',
      '    # netpol-ignore: selector-matches-nothing\n    matchLabels:',
    );
    const dir = workspace({ 'a.yaml': TYPO, 'b/c.yaml': suppressed.replace('name: q', 'name: r') });
    const relativeRun = await cli(['lint', dir, '--format', 'sarif'], dir);
    assert.deepEqual(validate(relativeRun.stdout), []);
    const run = JSON.parse(relativeRun.stdout).runs[0];
    assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.ok(run.results.some((x: { suppressions?: unknown[] }) => x.suppressions?.length));
    const elsewhere = workspace({});
    const absoluteRun = await cli(['lint', dir, '--format', 'sarif'], elsewhere);
    assert.deepEqual(validate(absoluteRun.stdout), []);
    const uri = JSON.parse(absoluteRun.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    assert.match(uri, /^file:\/\/\//);
  });

  it('validates on the example repository, rules named apart from their ids and linked to their docs', async () => {
    const r = await cli(['lint', 'examples', '--format', 'sarif'], ROOT);
    assert.deepEqual(validate(r.stdout), []);
    const driver = JSON.parse(r.stdout).runs[0].tool.driver;
    assert.match(driver.informationUri, /^https:\/\//);
    for (const rule of driver.rules) {
      assert.notEqual(rule.name.toLowerCase(), rule.id);
      assert.match(rule.helpUri, new RegExp(`/docs/rules/${rule.id}$`));
    }
  });
});
