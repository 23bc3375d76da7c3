/** Pointing at characters inside a string scalar, whatever its quoting. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { span, spanText, SourceFile } from '../../server/src/common/source';
import { valueCharSpan } from '../../server/src/yaml/scalar';

function at(source: string, value: string, start: number, end: number): string {
  const file = new SourceFile('t.yaml', `key: ${source}\n`);
  return spanText(valueCharSpan({ value, span: span(file, 5, 5 + source.length) }, start, end));
}

describe('valueCharSpan', () => {
  it('plain, double- and single-quoted scalars', () => {
    assert.equal(at('a == b', 'a == b', 5, 6), 'b');
    assert.equal(at('"a == b"', 'a == b', 5, 6), 'b');
    assert.equal(at("'a == b'", 'a == b', 2, 4), '==');
  });

  it("'' inside single quotes is one character of the value", () => {
    assert.equal(at("'a == ''x'' && b'", "a == 'x' && b", 12, 13), 'b');
    assert.equal(at("'a == ''x'''", "a == 'x'", 5, 8), "''x''");
  });

  it('maps across escapes, and falls back to the whole scalar when the source does not match the value', () => {
    assert.equal(at('"a\\tb"', 'a\tb', 2, 3), 'b');
    assert.equal(at('"a\\tb"', 'a\tb', 1, 2), '\\t');
    assert.equal(at('"abc"', 'xyz', 0, 1), '"abc"');
  });

  it('marks an empty range as a position', () => {
    assert.equal(at('a == b', 'a == b', 2, 2), '');
  });
});
