/** The language server over stdio, as an editor drives it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type CodeAction, DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { yaml } from '../helpers';
import { docs, namespace, pod, policy } from '../manifests';
import { TestClient } from './client';

describe('language server (stdio)', () => {
  let dir: string;
  let client: TestClient;
  const uriOf = (name: string) => pathToFileURL(join(dir, name)).toString();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpol-lsp-'));
    writeFileSync(
      join(dir, 'workloads.yaml'),
      docs(
        namespace('shop'),
        pod('shop/api', { labels: { app: 'api' } }),
        pod('shop/postgres', { labels: { app: 'postgres' } }),
      ),
    );
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [\n');
    client = new TestClient();
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('initializes with diagnostics and quick fixes', async () => {
    const result = (await client.initialize(dir)) as {
      capabilities: { textDocumentSync: number; codeActionProvider: unknown };
    };
    assert.equal(result.capabilities.textDocumentSync, 2);
    assert.ok(result.capabilities.codeActionProvider);
  });

  it('reports problems in workspace files that are not open', async () => {
    const d = await client.diagnostics(uriOf('broken.yaml'), (x) => x.length > 0);
    assert.equal(d[0].code, 'yaml-syntax');
    assert.equal(d[0].severity, DiagnosticSeverity.Error);
    assert.equal(d[0].source, 'netpol');
  });

  const typo = docs(
    policy(
      'shop/pg',
      yaml`
        podSelector:
          matchLabels:
            app: postgress
        ingress: [{from: [{podSelector: {matchLabels: {app: api}}}]}]
      `,
    ),
  );

  it('diagnoses an open document as it is typed, against the rest of the workspace', async () => {
    const uri = uriOf('policy.yaml');
    await client.open(uri, typo);
    const d = await client.diagnostics(uri, (x) => x.some((y) => y.code === 'selector-matches-nothing'));
    const f = d.find((y) => y.code === 'selector-matches-nothing')!;
    assert.equal(f.severity, DiagnosticSeverity.Warning);
    assert.match(f.message as string, /Did you mean app=postgres\?/);
    assert.deepEqual(f.range.start, { line: 5, character: 4 });
    assert.match(f.codeDescription?.href ?? '', /\/docs\/rules\/selector-matches-nothing$/);
  });

  it('offers a quick fix per candidate label, the closest preferred', async () => {
    const uri = uriOf('policy.yaml');
    const actions = (await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } },
      context: { diagnostics: [] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => [a.title, a.isPreferred]),
      [
        ['Change app=postgress to app=postgres', true],
        ['Change app=postgress to app=api', false],
      ],
    );
    const edits = actions[0].edit!.changes![uri];
    assert.deepEqual(edits, [
      { range: { start: { line: 6, character: 11 }, end: { line: 6, character: 20 } }, newText: 'postgres' },
    ]);
  });

  it('clears the diagnostic once the typo is fixed', async () => {
    const uri = uriOf('policy.yaml');
    await client.change(uri, typo.replace('postgress', 'postgres'), 2);
    await client.diagnostics(uri, (x) => !x.some((y) => y.code === 'selector-matches-nothing'));
  });

  it('keeps working through broken YAML in the open document', async () => {
    const uri = uriOf('policy.yaml');
    await client.change(uri, `${typo}---\nspec: {podSelector: [\n`, 3);
    const d = await client.diagnostics(uri, (x) => x.some((y) => y.code === 'yaml-syntax'));
    assert.ok(
      d.some((y) => y.code === 'selector-matches-nothing'),
      'the intact document is still analysed',
    );
  });
});
