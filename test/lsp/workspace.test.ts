/** The server's workspace: flannel's own files are found, followed when open in an editor, and the podNetwork setting applies. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { lint } from '../../server/src/lint';
import { isManifestUri, Workspace } from '../../server/src/lsp/workspace';
import { node } from '../manifests';

describe('lsp: workspace and flannel files', () => {
  it("reads net-conf.json from the folder, follows its open editor's text, and applies the podNetwork setting only without it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-ws-'));
    writeFileSync(join(dir, 'nodes.yaml'), node('a'));
    const ws = new Workspace();
    ws.scan([pathToFileURL(dir).toString()]);
    ws.setOptions({ podNetwork: '10.50.0.0/16' });
    assert.equal(ws.analysis().addressing.nodes.get('a')!.subnets[0].text, '10.50.1.0/24');

    writeFileSync(join(dir, 'net-conf.json'), '{"Network": "10.5.0.0/16", "Backend": {"Type": "vxlan"}}');
    const uri = pathToFileURL(join(dir, 'net-conf.json')).toString();
    assert.ok(isManifestUri(uri));
    ws.diskChanged(uri, false);
    assert.equal(ws.analysis().addressing.config.origin, 'file');
    assert.equal(ws.analysis().addressing.nodes.get('a')!.subnets[0].text, '10.5.1.0/24');

    ws.setOpen(uri, 1, '{"Network": "10.6.0.0/16", "Backend": {"Type": "vxlan"}, "SubnetLenght": 1}');
    const a = ws.analysis();
    assert.equal(a.addressing.nodes.get('a')!.subnets[0].text, '10.6.1.0/24');
    const f = a.addressing.findings.find((x) => x.rule === 'flannel-config-unknown-field')!;
    assert.equal(f.span.file.uri, uri);
    assert.equal(a.cluster.findings.filter((x) => x.rule === 'yaml-syntax').length, 0); // never parsed as YAML
  });
});

describe('lsp: workspace and included folders', () => {
  it("reads the project file's include paths like the folder's own files, skipping ignored paths", () => {
    const root = mkdtempSync(join(tmpdir(), 'netpol-ws-'));
    const team = join(root, 'team');
    mkdirSync(join(team, 'vendor'), { recursive: true });
    mkdirSync(join(root, 'cluster'));
    writeFileSync(join(root, 'cluster', 'nodes.yaml'), node('a'));
    writeFileSync(join(team, 'vendor', 'broken.yaml'), 'key: [unclosed\n');
    const ws = new Workspace();
    ws.scan([pathToFileURL(team).toString()], {
      include: [join(root, 'cluster')],
      ignore: (p) => p.includes(`${join(team, 'vendor')}`),
    });
    assert.deepEqual(
      ws.analysis().cluster.nodes.map((n) => n.name),
      ['a'],
    );
    assert.deepEqual(
      lint(ws.analysis()).map((f) => f.rule),
      [],
    );
    // An included file closed in the editor falls back to its disk copy, like the folder's own.
    const uri = pathToFileURL(join(root, 'cluster', 'nodes.yaml')).toString();
    ws.setOpen(uri, 1, node('b'));
    assert.deepEqual(
      ws.analysis().cluster.nodes.map((n) => n.name),
      ['b'],
    );
    ws.close(uri);
    assert.deepEqual(
      ws.analysis().cluster.nodes.map((n) => n.name),
      ['a'],
    );
  });
});
