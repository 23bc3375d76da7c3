/** Every finding id the network stage produces is documented (docs and SARIF metadata come from RULES). */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RULES } from '../../server/src/lint';
import { ROOT } from '../helpers';

describe('lint: flannel rule documentation', () => {
  it('documents every rule id the network stage declares', () => {
    const dir = join(ROOT, 'server', 'src', 'network');
    const ids = new Set<string>();
    for (const f of readdirSync(dir)) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/(?:_RULE = |rule: )'([a-z-]+)'/g)) ids.add(m[1]);
    }
    assert.ok(ids.size >= 15, `found ${ids.size} ids`);
    const documented = new Set(RULES.map((r) => r.id));
    assert.deepEqual(
      [...ids].filter((id) => !documented.has(id)),
      [],
    );
    for (const r of RULES.filter((x) => x.id.startsWith('flannel-'))) {
      assert.ok(r.title.length > 10 && r.docs.length > 60, r.id);
      assert.ok(ids.has(r.id), `${r.id} is documented but never produced`);
    }
  });
});
