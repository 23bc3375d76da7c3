/**
 * The language server reads `netpolStudio.evaluateStagedPolicies` from the
 * client (workspace/configuration) and re-analyses when it changes: the
 * staged-policy diagnostic says whether the staged policy is evaluated.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  type Diagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
} from 'vscode-languageserver-protocol';
import { readSettings, type SettingsResult } from '../../server/src/lsp/settings';
import { yaml } from '../helpers';
import { TestClient } from './client';

const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lsp-settings-'));
  const file = join(dir, 'staged.yaml');
  writeFileSync(
    file,
    yaml`
      apiVersion: projectcalico.org/v3
      kind: StagedNetworkPolicy
      metadata:
        name: lockdown
        namespace: x
      spec:
        ingress:
        - action: Deny
    `,
  );
  const uri = pathToFileURL(file).toString();
  const client = new TestClient();
  let evaluate = false;
  client.connection.onRequest(ConfigurationRequest.type, (params) =>
    params.items.map((i) => (i.section === 'netpolStudio' ? { evaluateStagedPolicies: evaluate } : null)),
  );
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const staged = (re: RegExp) =>
    client.diagnostics(uri, (d) => d.some((x) => x.code === 'staged-policy' && re.test(text(x))));

  it('starts with staged policies not enforced, and evaluates them once the setting is on', async () => {
    await client.initialize(dir, { configuration: true });
    const before = await staged(/is staged: Calico previews it but does not enforce it/);
    assert.match(text(before.find((x) => x.code === 'staged-policy')!), /StagedNetworkPolicy x\/lockdown/);
    evaluate = true;
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const afterChange = await staged(/evaluated as if enforced/);
    assert.match(text(afterChange.find((x) => x.code === 'staged-policy')!), /stagedAction Set/);
  });
});

/** The analysis options and problems (the editor settings are tested on their own). */
const core = (r: SettingsResult) => ({ options: r.options, problems: r.problems });

describe('settings: netpolStudio.podNetwork', () => {
  it('turns podNetwork into the analysis option', () => {
    assert.deepEqual(core(readSettings({ podNetwork: ' 10.50.0.0/16 ' })), {
      options: { evaluateStaged: false, podNetwork: '10.50.0.0/16' },
      problems: [],
    });
    assert.equal(
      readSettings({ podNetwork: '10.50.0.0/16,fd00:50::/56' }).options.podNetwork,
      '10.50.0.0/16,fd00:50::/56',
    );
    assert.deepEqual(core(readSettings({ podNetwork: '' })), { options: { evaluateStaged: false }, problems: [] });
    assert.deepEqual(core(readSettings(undefined)), { options: { evaluateStaged: false }, problems: [] });
  });

  it('ignores a value it cannot use, and says why', () => {
    const r = readSettings({ podNetwork: '10.50.0.0' });
    assert.equal(r.options.podNetwork, undefined);
    assert.match(r.problems[0], /netpolStudio.podNetwork is not used: .*needs a prefix length/);
    assert.match(readSettings({ podNetwork: 16 }).problems[0], /must be a string/);
  });
});

describe('settings: editor features', () => {
  it('reads the editor switches, with defaults', () => {
    const d = readSettings(undefined).editor;
    assert.equal(d.inlayHints, true);
    assert.equal(d.codeLens, true);
    assert.equal(d.generatedPolicyKind, 'kubernetes');
    const r = readSettings({ inlayHints: { enabled: false }, maxFileSizeKb: 10, generatedPolicyKind: 'calico' });
    assert.equal(r.editor.inlayHints, false);
    assert.equal(r.editor.maxFileSize, 10 * 1024);
    assert.equal(r.editor.generatedPolicyKind, 'calico');
    assert.match(readSettings({ maxFileSizeKb: -1 }).problems.join(), /maxFileSizeKb must be a positive number/);
  });
});

describe('settings: netpolStudio.rules', () => {
  it('reads severities per rule id, and says what it cannot use', () => {
    const r = readSettings({ rules: { 'non-isolated-pods': 'off', 'sensitive-port-exposed': 'ERROR' } });
    assert.deepEqual(
      [...r.editor.rules],
      [
        ['non-isolated-pods', 'off'],
        ['sensitive-port-exposed', 'error'],
      ],
    );
    assert.deepEqual(r.problems, []);
    const bad = readSettings({ rules: { 'non-isolated-pod': 'off', 'redundant-rule': 'loud', 'shadowed-rule': 3 } });
    assert.equal(bad.editor.rules.size, 0);
    assert.deepEqual(bad.problems, [
      'netpolStudio.rules: there is no rule "non-isolated-pod"; did you mean non-isolated-pods?',
      'netpolStudio.rules: redundant-rule must be one of off, hint, info, warning, error, not "loud".',
      'netpolStudio.rules: shadowed-rule must be one of off, hint, info, warning, error, not 3.',
    ]);
    assert.deepEqual(readSettings({ rules: ['off'] }).problems, [
      'netpolStudio.rules must be an object such as {"non-isolated-pods": "off"}.',
    ]);
  });

  it('changes the severity of a diagnostic, and turns it off, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-lsp-rules-'));
    const file = join(dir, 'staged.yaml');
    writeFileSync(
      file,
      yaml`
        apiVersion: projectcalico.org/v3
        kind: StagedNetworkPolicy
        metadata:
          name: lockdown
          namespace: x
        spec:
          ingress:
          - action: Deny
      `,
    );
    const uri = pathToFileURL(file).toString();
    const client = new TestClient();
    let rules: Record<string, string> = {};
    client.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((i) => (i.section === 'netpolStudio' ? { rules } : null)),
    );
    try {
      await client.initialize(dir, { configuration: true });
      const staged = (d: readonly Diagnostic[]) => d.find((x) => x.code === 'staged-policy');
      const before = staged(await client.diagnostics(uri, (d) => staged(d) !== undefined));
      assert.notEqual(before?.severity, DiagnosticSeverity.Error);
      rules = { 'staged-policy': 'error' };
      await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      await client.diagnostics(uri, (d) => staged(d)?.severity === DiagnosticSeverity.Error);
      rules = { 'staged-policy': 'off' };
      await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      await client.diagnostics(uri, (d) => staged(d) === undefined);
    } finally {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settings: netpolStudio.timeBudgetSeconds', () => {
  it('bounds every analysis, 10 s by default; a value it cannot use is a problem', () => {
    assert.equal(readSettings(undefined).editor.timeBudgetMs, 10_000);
    assert.equal(readSettings({ timeBudgetSeconds: 2.5 }).editor.timeBudgetMs, 2500);
    for (const bad of [0, -1, '10']) {
      const r = readSettings({ timeBudgetSeconds: bad });
      assert.equal(r.editor.timeBudgetMs, 10_000);
      assert.deepEqual(r.problems, ['netpolStudio.timeBudgetSeconds must be a number of seconds above 0, such as 10.']);
    }
  });

  it('an analysis over the budget shows the partial results with the notice; raising it re-analyses in full', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-lsp-budget-'));
    const file = join(dir, 'pods.yaml');
    writeFileSync(
      file,
      yaml`
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        spec:
          containers: [{name: c, image: x, ports: [{containerPort: 70000}]}]
      `,
    );
    const uri = pathToFileURL(file).toString();
    const client = new TestClient();
    let timeBudgetSeconds = 0.000001;
    client.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((i) => (i.section === 'netpolStudio' ? { timeBudgetSeconds } : null)),
    );
    const notice = (d: readonly Diagnostic[]) =>
      d.find((x) => x.code === 'limit-exceeded' && /stopped early/.test(text(x)));
    try {
      await client.initialize(dir, { configuration: true });
      const partial = await client.diagnostics(uri, (d) => notice(d) !== undefined);
      assert.match(
        text(notice(partial)!),
        /^The analysis stopped early during pod expansion, so no pod was analysed: .* Raise the budget with netpolStudio\.timeBudgetSeconds in the editor settings \(or timeBudgetSeconds in \.netpol\.yaml\)/,
      );
      // Reading findings are there; the rules' are not.
      assert.ok(partial.some((x) => x.code === 'invalid-field'));
      assert.ok(!partial.some((x) => x.code === 'non-isolated-pods'));
      timeBudgetSeconds = 600;
      await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      const full = await client.diagnostics(uri, (d) => notice(d) === undefined);
      assert.ok(full.some((x) => x.code === 'invalid-field'));
      assert.ok(full.some((x) => x.code === 'non-isolated-pods'));
    } finally {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
