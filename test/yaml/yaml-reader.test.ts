import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../server/src/common/finding';
import { SourceFile } from '../../server/src/common/source';
import { parseFile } from '../../server/src/yaml/parse-yaml';
import { DocContext, type RMap } from '../../server/src/yaml/yaml-reader';
import { FindingSink } from '../../server/src/common/finding-sink';
import { yaml } from '../helpers';

function reader(text: string): { m: RMap; findings: readonly Finding[] } {
  const p = parseFile(new SourceFile('r.yaml', text));
  const sink = new FindingSink();
  const m = new DocContext(p.file, p.documents[0].doc, sink).root();
  assert.ok(m);
  return { m, findings: sink.findings };
}

const at = (f: Finding) => f.span.file.text.slice(f.span.start, f.span.end);

describe('yaml stage: typed reading', () => {
  it('reads strings, ints and booleans with their spans', () => {
    const { m, findings } = reader(yaml`
      name: web
      replicas: 3
      hostNetwork: true
    `);
    assert.equal(m.str('name')?.value, 'web');
    assert.equal(m.int('replicas')?.value, 3);
    assert.equal(m.bool('hostNetwork')?.value, true);
    assert.deepEqual(findings, []);
  });

  it('reports a wrong type at the value, with a quoting hint for scalars', () => {
    const { m, findings } = reader(yaml`
      labels:
        version: 1.10
      replicas: "3"
    `);
    const labels = m.stringMap('labels');
    assert.equal(labels?.value.version, '1.10'); // analysis continues with the text as written
    assert.equal(m.int('replicas'), undefined);
    assert.equal(findings.length, 2);
    assert.equal(at(findings[0]), '1.10');
    assert.match(findings[0].message, /labels\.version: expected a string, got a number .*quote it, "1\.10"/);
    assert.equal(at(findings[1]), '"3"');
    assert.match(findings[1].message, /replicas: expected an integer, got a string/);
  });

  it('warns about unquoted yes/no/on/off where a string belongs', () => {
    const { m, findings } = reader(yaml`
      labels:
        enabled: yes
        mode: "on"
    `);
    assert.equal(m.stringMap('labels')?.value.enabled, 'yes');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].rule, 'yaml-boolean-string');
    assert.equal(at(findings[0]), 'yes');
  });

  it('reports unknown keys with the closest known one', () => {
    const { m, findings } = reader(yaml`
      podselector: {}
      policyTypes: []
      foo: 1
    `);
    m.checkKeys(['podSelector', 'policyTypes', 'ingress', 'egress'], 'a NetworkPolicy spec');
    assert.equal(findings.length, 2);
    assert.equal(findings[0].rule, 'unknown-field');
    assert.equal(at(findings[0]), 'podselector');
    assert.match(findings[0].message, /did you mean `podSelector`\?/);
    assert.doesNotMatch(findings[1].message, /did you mean/);
  });

  it('resolves aliases', () => {
    const { m } = reader(yaml`
      base: &b {app: web}
      sel: *b
    `);
    assert.equal(m.stringMap('sel')?.value.app, 'web');
  });

  it('reads a key written twice with its last value, in the place it was first written, in small and large maps', () => {
    for (const extra of [0, 20]) {
      const filler = Array.from({ length: extra }, (_, i) => `k${i}: v${i}\n`).join('');
      const text = `a: first\nb: x\n${filler}a: second\n`;
      const { m } = reader(text);
      assert.equal(m.str('a')?.value, 'second');
      assert.equal(m.keys()[0], 'a');
      assert.equal(m.keys().length, 2 + extra);
      assert.equal(m.str(`k${extra - 1}`)?.value, extra ? `v${extra - 1}` : undefined);
      const at = text.lastIndexOf('a: second');
      assert.deepEqual([m.entry('a')?.pairSpan.start, m.entry('a')?.valueSpan.end], [at, at + 'a: second'.length]);
    }
  });

  it('range-checks integers', () => {
    const { m, findings } = reader('port: 70000\n');
    assert.equal(m.int('port', { min: 1, max: 65535 }), undefined);
    assert.match(findings[0].message, /out of range/);
  });
});
