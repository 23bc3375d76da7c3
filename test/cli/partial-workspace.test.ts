/**
 * Partial workspaces: a team's folder opened alone, without the namespaces and
 * nodes that live in sibling folders, and the same folder with the project
 * file's `include` (examples/shop/.netpol.yaml), in the CLI and the server.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { analyzeSources } from '../../server/src/engine/analysis';
import { lint } from '../../server/src/lint';
import { discoverManifests, readSourceFile } from '../../server/src/yaml/discover';
import { cli, ROOT } from '../helpers';
import { TestClient } from '../lsp/client';

const SHOP = join(ROOT, 'examples', 'shop');
const absence = (f: { rule: string; message: string }) =>
  (f.rule === 'selector-matches-nothing' && /ingress-nginx/.test(f.message)) || f.rule === 'unschedulable';

describe('partial workspaces: examples/shop', () => {
  it('alone, what the workspace does not define is an info that says how to include it, not a warning', () => {
    const alone = lint(analyzeSources(discoverManifests([SHOP]).files.map(readSourceFile)));
    const found = alone.filter(absence);
    assert.deepEqual(
      found.map((f) => `${f.rule}:${f.severity}`),
      ['selector-matches-nothing:info', 'unschedulable:info'],
    );
    assert.match(
      found[0].message,
      /The workspace does not define a Namespace object for ingress-nginx: .*`include:` in \.netpol\.yaml/,
    );
    assert.match(
      found[1].message,
      /No node fits the pods of StatefulSet shop\/postgres.*The workspace does not define any Node object/,
    );
    // The typo is a mistake whatever the workspace holds: still a warning.
    assert.ok(
      alone.some(
        (f) => f.rule === 'selector-matches-nothing' && f.severity === 'warning' && /postgress/.test(f.message),
      ),
    );
  });

  it('with the include in examples/shop/.netpol.yaml, the CLI reads the sibling folders and the false findings are gone', async () => {
    const r = await cli(['lint', 'examples/shop', '--format', 'json'], ROOT);
    const out = JSON.parse(r.stdout) as {
      findings: { rule: string; message: string; file: string }[];
      summary: { files: number };
    };
    assert.deepEqual(out.findings.filter(absence), []);
    assert.ok(out.summary.files > 3, 'cluster/, ingress-nginx/ and monitoring/ are read too');
    assert.ok(out.findings.some((f) => f.rule === 'selector-matches-nothing' && /postgress/.test(f.message)));
  });

  it('the language server, opened on examples/shop, reads the same include', async () => {
    const client = new TestClient();
    try {
      await client.initialize(SHOP);
      const policies = pathToFileURL(join(SHOP, 'network-policies.yaml')).toString();
      const d = await client.diagnostics(policies, (x) => x.some((y) => /postgress/.test(String(y.message))));
      assert.deepEqual(
        d.filter((y) => /ingress-nginx/.test(String(y.message))).map((y) => y.message),
        [],
      );
      // Files of the included folders get their diagnostics too.
      const canal = pathToFileURL(join(ROOT, 'examples', 'cluster', 'canal-config.yaml')).toString();
      await client.diagnostics(canal, (x) => x.some((y) => y.code === 'flannel-ignored-setting'));
      const workloads = pathToFileURL(join(SHOP, 'workloads.yaml')).toString();
      assert.deepEqual(
        (client.published(workloads) ?? []).filter((y) => y.code === 'unschedulable'),
        [],
      );
    } finally {
      await client.stop();
    }
  });
});
