/**
 * Regression tests for what the reliability issue found silently wrong: any
 * `{{ }}` (even in a quoted annotation) hid a whole document as a template;
 * no finding for a container without image, a container name that is not a
 * DNS label, apiVersion without kind, unknown container and port fields, or a
 * status.podIP with trailing garbage; raw terminal control bytes from manifest
 * names in text output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { escapeControls } from '../../server/src/cli/control-chars';
import { SourceFile } from '../../server/src/common/source';
import { parseFile } from '../../server/src/yaml/parse-yaml';
import { cli, lintYaml, spanned, where, yaml } from '../helpers';

const findingsOf = (text: string, rule: string) => lintYaml(text).filter((f) => f.rule === rule);

describe('reliability: template detection', () => {
  it('a {{ }} inside a quoted scalar or a block string is text: the document is analysed and its errors reported', () => {
    const text = yaml`
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: default
        annotations: {note: "rendered by {{ .Release.Name }}", other: '{{ x }}'}
      data:
        tmpl: |
          {{ .Labels.alertname }}
      spec:
        containers: [{name: c, image: nginx, ports: [{containerPort: 70000}]}]
    `;
    const p = parseFile(new SourceFile('p.yaml', text));
    assert.deepEqual(p.findings, []);
    assert.equal(p.documents[0].usable, true);
    assert.ok(lintYaml(text).some((f) => f.rule === 'invalid-field' && /70000/.test(f.message)));
  });

  it('a directive outside quoted scalars, or one that breaks the YAML, still makes the document a template', () => {
    for (const text of [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x-{{ .Release.Name }}\n',
      '{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: "a"}\n{{- end }}\n',
    ]) {
      const p = parseFile(new SourceFile('t.yaml', text));
      assert.deepEqual(
        p.findings.map((f) => f.rule),
        ['template-not-analysed'],
        text,
      );
      assert.match(spanned(p.findings[0]), /^\{\{/);
    }
  });
});

describe('reliability: findings that were missing', () => {
  const podWith = (container: string, status = '') => yaml`
    apiVersion: v1
    kind: Pod
    metadata: {name: p, namespace: default}
    spec:
      containers:
      - ${container}
    ${status}
  `;

  it('a container without image', () => {
    const f = findingsOf(podWith('name: c'), 'invalid-field');
    assert.deepEqual(
      f.map((x) => x.message),
      ['spec.containers[0]: required field `image` is missing.'],
    );
    assert.equal(f[0].severity, 'error');
  });

  it('a container name that is not a DNS label', () => {
    const f = findingsOf(podWith('{name: "cont-[", image: nginx}'), 'invalid-field');
    assert.equal(f.length, 1, f.map(where).join('\n'));
    assert.equal(spanned(f[0]), '"cont-["');
    assert.match(f[0].message, /spec\.containers\[0\]\.name: .*DNS label/);
  });

  it('a document with apiVersion but no kind (not a Helm Chart.yaml)', () => {
    const f = findingsOf('apiVersion: v1\nmetadata: {name: x}\n', 'invalid-field');
    assert.deepEqual(f.map(where), ['invalid-field@1:1']);
    assert.match(f[0].message, /required field `kind` is missing/);
    const chart = parseFile(new SourceFile('chart/Chart.yaml', 'apiVersion: v1\nname: x\nversion: 1.0.0\n'));
    assert.deepEqual(chart.findings, []);
  });

  it('unknown fields in a container and a container port', () => {
    const f = findingsOf(
      podWith('{name: c, image: nginx, imagePullPolicyy: Always, ports: [{containerPort: 80, hostPot: 8080}]}'),
      'unknown-field',
    );
    assert.deepEqual(
      f.map((x) => spanned(x)),
      ['imagePullPolicyy', 'hostPot'],
    );
    assert.match(f[0].message, /did you mean `imagePullPolicy`/);
    assert.match(f[1].message, /did you mean `hostPort`/);
  });

  it('a status.podIP with trailing garbage', () => {
    const text = podWith('{name: c, image: nginx}', 'status: {podIP: "10.244.1.7x", podIPs: [{ip: "10.244.1.8 "}]}');
    const f = findingsOf(text, 'invalid-field');
    assert.deepEqual(
      f.map((x) => spanned(x)),
      ['"10.244.1.7x"', '"10.244.1.8 "'],
    );
    assert.match(f[0].message, /status\.podIP: "10\.244\.1\.7x" is not an IP address/);
  });
});

describe('reliability: terminal control bytes in text output', () => {
  const EVIL = '\u001b]0;pwned\u0007\u001b[31mred\u009b2J\u202e';
  const evilName = `evil${EVIL}`;
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-ctl-'));
    const q = JSON.stringify(evilName);
    writeFileSync(
      join(dir, 'pods.yaml'),
      [
        `apiVersion: v1\nkind: Pod\nmetadata: {name: ${q}, namespace: default, labels: {app: a}}\nspec:\n  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]\n`,
        'apiVersion: v1\nkind: Pod\nmetadata: {name: good, namespace: default, labels: {app: b}}\nspec:\n  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]\n',
      ].join('---\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  for (const [command, args] of [
    ['lint', ['lint']],
    ['matrix', ['matrix']],
    ['matrix --port', ['matrix', '--port', '80']],
    ['explain', ['explain', '--from', `default/${evilName}`, '--to', 'default/good', '--port', '80']],
    ['addresses', ['addresses']],
    ['path', ['path', '--from', `default/${evilName}`, '--to', 'default/good']],
    ['select', ['select', '--selector', "app == 'a'"]],
    ['test', ['test']],
    ['a usage error', ['explain', '--from', `default/x${EVIL}`, '--to', 'default/good', '--port', '80']],
  ] as const) {
    it(`${command}: control characters are written as \\u escapes`, async () => {
      const r = await cli([...args, dir]);
      const all = r.stdout + r.stderr;
      assert.doesNotMatch(all, RAW, all);
      if (command !== 'test') assert.match(all, /\\u001b\]0;pwned\\u0007/, all);
    });
  }

  it('JSON output stays valid JSON with the same strings', async () => {
    const r = await cli(['matrix', '--port', '80', '--format', 'json', dir]);
    assert.doesNotMatch(r.stdout, RAW);
    assert.ok(JSON.parse(r.stdout).endpoints.includes(`default/${evilName}`));
    assert.equal(escapeControls('tab\tnew\nline'), 'tab\tnew\nline');
  });
});
