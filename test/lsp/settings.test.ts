/**
 * The language server reads `netpolStudio.evaluateStagedPolicies` from the
 * client (workspace/configuration) and re-analyses when it changes: the
 * staged-policy diagnostic says whether the staged policy is evaluated.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  Diagnostic,
  DidChangeConfigurationNotification,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from '../helpers';

describe('language server settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lsp-settings-'));
  const file = join(dir, 'staged.yaml');
  writeFileSync(file, 'apiVersion: projectcalico.org/v3\nkind: StagedNetworkPolicy\nmetadata:\n  name: lockdown\n  namespace: x\nspec:\n  ingress:\n  - action: Deny\n');
  const uri = pathToFileURL(file).toString();
  const proc = spawn(process.execPath, [join(ROOT, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  let evaluate = false;
  const published: Diagnostic[][] = [];
  let wake: () => void = () => {};
  conn.onRequest(ConfigurationRequest.type, (params) => params.items.map((i) => (i.section === 'netpolStudio' ? { evaluateStagedPolicies: evaluate } : null)));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    if (p.uri !== uri) return;
    published.push(p.diagnostics);
    wake();
  });
  conn.listen();
  after(() => {
    conn.dispose();
    proc.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The staged-policy message once one matching `re` is published. */
  function stagedMessage(re: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no staged-policy diagnostic matching ${re}; got ${JSON.stringify(published.at(-1))}`)), 10000);
      const check = () => {
        const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
        const d = published.at(-1)?.find((x) => x.code === 'staged-policy' && re.test(text(x)));
        if (d) {
          clearTimeout(timer);
          resolve(text(d));
        } else wake = check;
      };
      check();
    });
  }

  it('starts with staged policies not enforced, and evaluates them once the setting is on', async () => {
    const folder = pathToFileURL(dir).toString();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } } },
    });
    await conn.sendNotification('initialized', {});
    assert.match(await stagedMessage(/is staged: Calico previews it but does not enforce it/), /StagedNetworkPolicy x\/lockdown/);
    evaluate = true;
    await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    assert.match(await stagedMessage(/evaluated as if enforced/), /stagedAction Set/);
  });
});
