import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rangeOf, SourceFile } from '../../server/src/common/source';
import { LIMITS } from '../../server/src/common/limits';
import { parseFile } from '../../server/src/yaml/parse-yaml';

const parse = (text: string) => parseFile(new SourceFile('f.yaml', text));

describe('yaml stage: parseFile', () => {
  it('keeps every document of a multi-document file, with ranges', () => {
    const p = parse('a: 1\n---\nb: 2\n---\n# only a comment\n');
    assert.equal(p.documents.length, 3);
    assert.deepEqual(p.findings, []);
    assert.ok(p.documents.every((d) => d.usable));
    assert.equal(p.documents[1].start, 5); // the document starts at its `---` marker
  });

  it('reports a syntax error at its position and still reads the other documents', () => {
    const p = parse('kind: A\n---\nkey: [1, 2\nother: 3\n---\nkind: C\n');
    assert.deepEqual(
      p.documents.map((d) => d.usable),
      [true, false, true],
    );
    assert.ok(p.findings.length >= 1);
    const f = p.findings[0];
    assert.equal(f.rule, 'yaml-syntax');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /^YAML: /);
    assert.ok(rangeOf(f.span).start.line >= 2 && rangeOf(f.span).start.line <= 3, `line ${rangeOf(f.span).start.line}`);
  });

  it('reports the same duplicate keys whether or not the document has an alias (two walks of document-check.ts)', () => {
    const big = Array.from({ length: 20 }, (_, i) => `  k${i}: ${i}\n`).join('');
    const text = `a:\n  x: 1\n  y: 2\n  x: 3\n  1: n\n  "1": s\nb:\n${big}  k3: again\nc: &r 1\n`;
    const without = parse(text);
    const withAlias = parse(`${text}d: *r\n`);
    const where = (p: ReturnType<typeof parse>) => p.findings.map((f) => [f.message, rangeOf(f.span).start.line]);
    assert.deepEqual(where(without), [
      ['YAML: Map keys must be unique; `x` is repeated.', 3],
      ['YAML: Map keys must be unique; `k3` is repeated.', 27],
    ]);
    assert.deepEqual(where(withAlias), where(without));
  });

  it('reports duplicate keys', () => {
    const p = parse('metadata:\n  name: a\n  name: b\n');
    assert.equal(p.findings[0].rule, 'yaml-syntax');
    assert.match(p.findings[0].message, /unique/);
    assert.equal(rangeOf(p.findings[0].span).start.line, 2);
  });

  it('marks Helm templates as not analysed, once per document, at the first directive', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n---\nkind: B\n';
    const p = parse(text);
    assert.equal(p.findings.length, 1);
    assert.equal(p.findings[0].rule, 'template-not-analysed');
    assert.equal(p.findings[0].severity, 'info');
    assert.equal(text.slice(p.findings[0].span.start, p.findings[0].span.end), '{{ .Release.Name }}');
    assert.deepEqual(
      p.documents.map((d) => d.usable),
      [false, true],
    );
  });

  it('refuses files larger than the limit with a finding instead of parsing them', () => {
    const p = parse(`a: b\n${'x'.repeat(LIMITS.fileBytes)}`);
    assert.equal(p.documents.length, 0);
    assert.equal(p.findings[0].rule, 'limit-exceeded');
  });

  it('counts positions the way LSP does, with CRLF line ends', () => {
    const file = new SourceFile('f.yaml', 'a: 1\r\nb: [\r\n');
    const p = parseFile(file);
    assert.equal(p.findings[0].rule, 'yaml-syntax');
    assert.equal(file.positionAt(6).line, 1);
    assert.equal(file.positionAt(6).character, 0);
    assert.equal(file.offsetAt({ line: 1, character: 3 }), 9);
  });

  it('survives empty input and odd documents', () => {
    for (const text of ['', '---', '--- 3', '- a\n- b', '!!binary aGVsbG8=', '? [a, b]\n: c', 'a: &x [*x]']) {
      const p = parse(text);
      assert.ok(Array.isArray(p.documents), text);
    }
  });
});

describe('yaml stage: hostile input', () => {
  it('reports a binary file once instead of parsing it', () => {
    const p = parse('a: 1\n\u0000\u0001\u0002garbage');
    assert.equal(p.documents.length, 0);
    assert.equal(p.findings.length, 1);
    assert.match(p.findings[0].message, /not text/);
  });

  it('caps cascades of syntax errors per document', () => {
    const p = parse(Array.from({ length: 40 }, (_, i) => `k${i}: [ }\n`).join(''));
    assert.ok(p.findings.length <= 6, `${p.findings.length} findings`);
    assert.match(p.findings.at(-1)!.message, /\d+ more syntax errors in this document/);
  });

  it('reports absurdly deep nesting without overflowing', () => {
    const p = parse(`k: ${'['.repeat(5000)}${']'.repeat(5000)}\n---\nkind: B\n`);
    assert.ok(p.findings.length >= 1);
    assert.ok(
      p.documents.some((d) => d.usable),
      'the next document is still read',
    );
  });
});
