import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isScalar, parseDocument, type Scalar } from 'yaml';
import { SourceFile, span } from '../../server/src/common/source';
import { scalarValueSpans } from '../../server/src/yaml/scalar-map';

/** For the value of `key` in `text`: what the source says at the value's [start, end). */
function traced(text: string, key: string, start: number, end: number): string {
  const doc = parseDocument(text);
  const map = doc.contents;
  assert.ok(isMap(map));
  const node = map.get(key, true) as unknown as Scalar<string>;
  assert.ok(isScalar(node) && node.range);
  const file = new SourceFile('t.yaml', text);
  const s = scalarValueSpans({ value: String(node.value), span: span(file, node.range[0], node.range[1]) })(start, end);
  return text.slice(s.start, s.end);
}

describe('yaml stage: scalar values traced back to the source', () => {
  it('traces a literal block past its indentation and header', () => {
    const text = 'k: |-  # comment\n    {\n      "a": 1\n    }\nnext: 1\n';
    // value: '{\n  "a": 1\n}'
    assert.equal(traced(text, 'k', 4, 7), '"a"');
    assert.equal(traced(text, 'k', 0, 1), '{');
  });

  it('traces a folded block', () => {
    const text = 'k: >\n  one\n  two\n';
    assert.equal(traced(text, 'k', 4, 7), 'two');
  });

  it('traces double-quoted escapes to the escape sequence', () => {
    const text = 'k: "a\\tb\\u00e9c"\n';
    assert.equal(traced(text, 'k', 1, 2), '\\t');
    assert.equal(traced(text, 'k', 3, 4), '\\u00e9');
    assert.equal(traced(text, 'k', 2, 5), 'b\\u00e9c');
  });

  it("traces single-quoted '' and multi-line plain scalars", () => {
    assert.equal(traced("k: 'it''s'\n", 'k', 2, 4), "''s"); // the quote is written twice
    assert.equal(traced('k: one\n  two\n', 'k', 4, 7), 'two');
  });

  it('falls back to the whole scalar when it cannot trace exactly', () => {
    const text = 'k: abc\n';
    const file = new SourceFile('t.yaml', text);
    const s = scalarValueSpans({ value: 'xyz', span: span(file, 3, 6) })(0, 1);
    assert.equal(text.slice(s.start, s.end), 'abc');
  });
});
