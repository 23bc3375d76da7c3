import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JsonObject, lookup, parseJson } from '../../server/src/yaml/parse-json';

const error = (text: string) => {
  const r = parseJson(text);
  assert.ok(r.error, `expected an error for ${text}`);
  return `${r.error.start}-${r.error.end} ${r.error.message}`;
};

describe('yaml stage: JSON with offsets', () => {
  it('keeps offsets of keys and values', () => {
    const text =
      '{"Network": "10.244.0.0/16", "SubnetLen": 24, "Backend": {"Type": "vxlan"}, "x": [true, null, -1.5e3]}';
    const r = parseJson(text);
    assert.ok(r.value && r.value.kind === 'object');
    const obj = r.value as JsonObject;
    const net = lookup(obj, 'network')!; // Go matches keys case-insensitively
    assert.equal(text.slice(net.keyStart, net.keyEnd), '"Network"');
    assert.equal(text.slice(net.value.start, net.value.end), '"10.244.0.0/16"');
    const len = lookup(obj, 'SubnetLen')!.value;
    assert.deepEqual(len.kind === 'number' && [len.value, len.text], [24, '24']);
    const list = lookup(obj, 'x')!.value;
    assert.deepEqual(list.kind === 'array' && list.items.map((i) => i.kind), ['boolean', 'null', 'number']);
  });

  it('decodes escapes', () => {
    const r = parseJson('"a\\"b\\u00e9\\n"');
    assert.equal(r.value?.kind === 'string' && r.value.value, 'a"bé\n');
  });

  it('keeps the last of repeated keys, as Go does', () => {
    const obj = parseJson('{"a": 1, "A": 2}').value as JsonObject;
    assert.equal(obj.entries.length, 2);
    assert.equal((lookup(obj, 'a')!.value as { value: number }).value, 2);
  });

  it('reports the first error at the offending character', () => {
    assert.equal(error('{"a": 1,}'), '7-8 trailing comma before } (JSON allows none)');
    assert.equal(error('[1, 2,]'), '5-6 trailing comma before ] (JSON allows none)');
    assert.equal(error('{"a": 1 "b": 2}'), "8-9 expected ',' or '}': a comma is missing before this key");
    assert.equal(error("{'a': 1}"), '1-2 object keys need double quotes, not single quotes');
    assert.equal(error('{"a": tru}'), '6-9 expected a value, found `tru` (strings need double quotes)');
    assert.equal(
      error('{"a": True}'),
      '6-10 expected a value, found `True` (JSON booleans are true and false, lower case)',
    );
    assert.equal(error('{"a": 012}'), '6-9 invalid number `012` (JSON numbers have no leading zeros)');
    assert.equal(error('{"a": "x\\q"}'), '8-10 invalid escape `\\q` in a JSON string');
    assert.equal(error('{} {}'), "3-4 unexpected character '{' after the end of the JSON value");
    assert.equal(error('  '), '2-2 the JSON text is empty; expected an object such as {"Network": "10.244.0.0/16"}');
    assert.equal(error('{ /* c */ }'), '2-4 JSON has no comments');
    assert.match(error('['.repeat(1000)), /nests deeper than 512 levels/);
  });
});
