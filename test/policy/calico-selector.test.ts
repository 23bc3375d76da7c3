/**
 * The Calico selector language: every shared case (../shared/conformance/selectors),
 * Calico's own canonicalisation cases, and parse errors that say where they broke.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { caretLines, errorText, parseSelector } from '../../server/src/policy/selector/calico-selector';
import { conformanceDir } from '../helpers';

interface Case {
  selector: string;
  labels?: Record<string, string>;
  matches?: boolean;
  valid?: boolean;
  note?: string;
}

const cases = JSON.parse(readFileSync(join(conformanceDir('selectors'), 'cases.json'), 'utf8')) as Case[];

describe('shared selector cases', () => {
  cases.forEach((c, i) => {
    const title = `#${i} ${JSON.stringify(c.selector.length > 60 ? `${c.selector.slice(0, 60)}…` : c.selector)}${c.note ? ` (${c.note})` : ''}`;
    it(title, () => {
      const r = parseSelector(c.selector);
      if (c.valid === false) {
        assert.equal(r.ok, false, `expected a parse error for ${c.selector}`);
        return;
      }
      assert.ok(r.ok, r.ok ? '' : errorText(r.error));
      assert.equal(r.selector.matches(c.labels ?? {}), c.matches);
      // The canonical form means the same thing.
      const again = parseSelector(r.selector.canonical);
      assert.ok(again.ok, `canonical form ${r.selector.canonical} does not parse`);
      assert.equal(again.selector.matches(c.labels ?? {}), c.matches);
      assert.equal(again.selector.canonical, r.selector.canonical);
    });
  });
});

describe('canonical form (Calico canonicalisationTests)', () => {
  const table: [string, string][] = [
    ['', 'all()'],
    [' all() ', 'all()'],
    [' (all() )', 'all()'],
    ['! (has( b)||! has(a ))', '!(has(b) || !has(a))'],
    ['! (a == "b"&&! c != "d")', '!(a == "b" && !c != "d")'],
    [`a == "'"`, `a == "'"`],
    [`a == '"'`, `a == '"'`],
    [`a startswith '"'`, `a starts with '"'`],
    [`a endswith "'"`, `a ends with "'"`],
    [`a!='"'`, `a != '"'`],
    ['a in {"d", "a", "b"}', 'a in {"a", "b", "d"}'],
    ['a in {"z", "z", "x", "y", "x", "a"}', 'a in {"a", "x", "y", "z"}'],
    ["k == 'v' && x == 'y' || has(t)", '((k == "v" && x == "y") || has(t))'],
    ["a notin {'b',}", 'a not in {"b"}'],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} -> ${expected}`, () => {
      const r = parseSelector(input);
      assert.ok(r.ok);
      assert.equal(r.selector.canonical, expected);
    });
  }
});

describe('parse errors say where and what', () => {
  const table: [string, number, RegExp][] = [
    ['a == "b" && c', 13, /expected an operator .* after label "c"/],
    ['a = "b"', 2, /expected == \(a single = is not an operator\)/],
    ["a == 'b' & has(c)", 9, /expected &&/],
    ['a == b', 5, /expected a quoted string after ==.*, found label "b"/],
    ['"FOO', 0, /unterminated string/],
    ['(a == "foo"', 11, /expected \) to close the \( at character 1, found the end/],
    ['a in "x"', 5, /expected a set literal/],
    ['a in {"x" "y"}', 10, /expected , or }/],
    ['has()', 4, /expected a label name inside has\( \)/],
    ['a == "b")', 8, /this \) has no matching \(/],
    ['label squiggles "v"', 6, /expected an operator .* after label "label", found "squiggles"/],
    ['a == "b" ||\n b == "c"', 11, /line break/],
    ['a == "b" && %', 12, /unexpected character '%'/],
    ['!', 1, /expected a label, has\(…\), all\(\), global\(\), ! or \(, found the end/],
  ];
  for (const [input, offset, message] of table) {
    it(JSON.stringify(input), () => {
      const r = parseSelector(input);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.offset, offset, errorText(r.error));
      assert.match(r.error.message, message);
      assert.match(errorText(r.error), new RegExp(`^at character ${offset + 1}: `));
    });
  }

  it('draws a caret under the offending text', () => {
    const r = parseSelector('a == "b" && c == d');
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.deepEqual(caretLines('a == "b" && c == d', r.error), ['a == "b" && c == d', '                 ^']);
  });

  it('limits label names to 512 characters', () => {
    assert.equal(parseSelector(`${'a'.repeat(512)} == "x"`).ok, true);
    const r = parseSelector(`${'a'.repeat(513)} == "x"`);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error.message, /513 characters long; Calico allows at most 512/);
  });
});

describe('absent labels', () => {
  const table: [string, boolean][] = [
    ['a == "x"', false],
    ['a != "x"', true],
    ['a in {"x"}', false],
    ['a not in {"x"}', true],
    ['a contains ""', false],
    ['a starts with ""', false],
    ['a ends with ""', false],
    ['has(a)', false],
    ['!has(a)', true],
  ];
  for (const [sel, expected] of table) {
    it(`${sel} on {} is ${expected}`, () => {
      const r = parseSelector(sel);
      assert.ok(r.ok);
      assert.equal(r.selector.matches({}), expected);
    });
  }
});
