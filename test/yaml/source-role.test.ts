import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { discoverManifests } from '../../server/src/yaml/discover';
import { sourceRole } from '../../server/src/yaml/source-role';

describe("yaml stage: flannel's own files", () => {
  it('recognises net-conf.json and lease exports by name, with an optional prefix', () => {
    assert.equal(sourceRole('a/b/net-conf.json'), 'flannel-net-conf');
    assert.equal(sourceRole('prod.net-conf.json'), 'flannel-net-conf');
    assert.equal(sourceRole('C:\\cfg\\staging-net-conf.json'), 'flannel-net-conf');
    assert.equal(sourceRole('flannel-leases.txt'), 'flannel-leases');
    assert.equal(sourceRole('prod.flannel-leases.json'), 'flannel-leases');
    assert.equal(sourceRole('mynet-conf.json'), 'manifest');
    assert.equal(sourceRole('deploy.yaml'), 'manifest');
  });

  it('finds them in folders, beside the manifests, and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpol-discover-'));
    mkdirSync(join(dir, 'flannel'));
    for (const f of ['a.yaml', 'flannel/net-conf.json', 'flannel/flannel-leases.txt', 'package.json', 'notes.txt'])
      writeFileSync(join(dir, f), '');
    assert.deepEqual(
      discoverManifests([dir]).files.map((f) => relative(dir, f).split('\\').join('/')),
      ['a.yaml', 'flannel/flannel-leases.txt', 'flannel/net-conf.json'],
    );
  });
});
