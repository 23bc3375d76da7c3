/**
 * JSON text -> nodes with offsets, for the JSON documents that live inside
 * manifests and beside them (flannel's net-conf.json, CNI configurations,
 * lease exports). The grammar is strict RFC 8259, as Go's encoding/json reads
 * it: no comments, no trailing commas, no single quotes; the first error stops
 * the parse and is reported at the offending character.
 */

export type JsonNode = JsonObject | JsonArray | JsonString | JsonNumber | JsonBoolean | JsonNull;

interface At {
  /** [start, end) offsets in the parsed text. */
  readonly start: number;
  readonly end: number;
}

export interface JsonEntry {
  readonly key: string;
  readonly keyStart: number;
  readonly keyEnd: number;
  readonly value: JsonNode;
}

export interface JsonObject extends At {
  readonly kind: 'object';
  /** In source order; a repeated key appears twice (Go keeps the last). */
  readonly entries: readonly JsonEntry[];
}

export interface JsonArray extends At {
  readonly kind: 'array';
  readonly items: readonly JsonNode[];
}

export interface JsonString extends At {
  readonly kind: 'string';
  readonly value: string;
}

export interface JsonNumber extends At {
  readonly kind: 'number';
  readonly value: number;
  /** As written, e.g. `24`, `24.0`, `1e3`. */
  readonly text: string;
}

export interface JsonBoolean extends At {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export interface JsonNull extends At {
  readonly kind: 'null';
}

export interface JsonSyntaxError extends At {
  readonly message: string;
}

export type JsonParse =
  | { readonly value: JsonNode; readonly error?: undefined }
  | { readonly value?: undefined; readonly error: JsonSyntaxError };

class Fail extends Error {
  constructor(
    readonly at: number,
    readonly len: number,
    message: string,
  ) {
    super(message);
  }
}

/** Nesting deeper than this is reported instead of overflowing the stack. */
const MAX_DEPTH = 512;

export function parseJson(text: string): JsonParse {
  const p = new Parser(text);
  try {
    p.ws();
    if (p.i >= text.length)
      throw new Fail(p.i, 0, 'the JSON text is empty; expected an object such as {"Network": "10.244.0.0/16"}');
    const value = p.value(0);
    p.ws();
    if (p.i < text.length) throw new Fail(p.i, 1, `unexpected ${p.describe(p.i)} after the end of the JSON value`);
    return { value };
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const start = Math.min(e.at, text.length);
    return { error: { message: e.message, start, end: Math.min(text.length, start + e.len) } };
  }
}

class Parser {
  i = 0;
  constructor(private readonly t: string) {}

  ws(): void {
    const t = this.t;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  /** Comments are the commonest non-JSON in hand-edited configuration; say so plainly. */
  noComment(): void {
    const t = this.t;
    if (t[this.i] === '/' && (t[this.i + 1] === '/' || t[this.i + 1] === '*'))
      throw new Fail(this.i, 2, 'JSON has no comments');
  }

  describe(at: number): string {
    if (at >= this.t.length) return 'end of text';
    const c = this.t[at];
    if (c === '\n' || c === '\r') return 'line break';
    return `character '${c}'`;
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new Fail(this.i, 1, `the JSON nests deeper than ${MAX_DEPTH} levels`);
    const t = this.t;
    const c = t[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, node] of [
      ['true', { kind: 'boolean', value: true }],
      ['false', { kind: 'boolean', value: false }],
      ['null', { kind: 'null' }],
    ] as const) {
      if (t.startsWith(word, this.i)) {
        const start = this.i;
        this.i += word.length;
        return { ...node, start, end: this.i } as JsonNode;
      }
    }
    if (c === "'") throw new Fail(this.i, 1, 'JSON strings use double quotes, not single quotes');
    if (c === '}' || c === ']' || c === ',')
      throw new Fail(
        this.i,
        1,
        `expected a value, found '${c}'${c !== ',' ? '' : ' (a comma with nothing before it?)'}`,
      );
    this.noComment();
    const word = /^[A-Za-z_][\w.-]*/.exec(t.slice(this.i, this.i + 64));
    if (word)
      throw new Fail(
        this.i,
        word[0].length,
        `expected a value, found \`${word[0]}\`${/^(True|False|TRUE|FALSE|yes|no)$/.test(word[0]) ? ' (JSON booleans are true and false, lower case)' : ' (strings need double quotes)'}`,
      );
    throw new Fail(this.i, 1, `expected a value, found ${this.describe(this.i)}`);
  }

  object(depth: number): JsonObject {
    const start = this.i++;
    const entries: JsonEntry[] = [];
    this.ws();
    if (this.t[this.i] === '}') {
      this.i++;
      return { kind: 'object', start, end: this.i, entries };
    }
    let comma = -1;
    for (;;) {
      this.ws();
      const c = this.t[this.i];
      if (c !== '"') {
        if (c === '}' && entries.length) throw new Fail(comma, 1, 'trailing comma before } (JSON allows none)');
        this.noComment();
        if (c === "'") throw new Fail(this.i, 1, 'object keys need double quotes, not single quotes');
        const word = /^[A-Za-z_]\w*/.exec(this.t.slice(this.i, this.i + 64));
        if (word) throw new Fail(this.i, word[0].length, `object keys need double quotes: "${word[0]}"`);
        throw new Fail(this.i, 1, `expected a key in double quotes, found ${this.describe(this.i)}`);
      }
      const key = this.string();
      this.ws();
      if (this.t[this.i] !== ':')
        throw new Fail(this.i, 1, `expected ':' after the key "${key.value}", found ${this.describe(this.i)}`);
      this.i++;
      this.ws();
      const value = this.value(depth + 1);
      entries.push({ key: key.value, keyStart: key.start, keyEnd: key.end, value });
      this.ws();
      const d = this.t[this.i];
      if (d === ',') {
        comma = this.i++;
        continue;
      }
      if (d === '}') {
        this.i++;
        return { kind: 'object', start, end: this.i, entries };
      }
      if (d === '"') throw new Fail(this.i, 1, "expected ',' or '}': a comma is missing before this key");
      throw new Fail(
        this.i,
        1,
        `expected ',' or '}' after the value of "${key.value}", found ${this.describe(this.i)}`,
      );
    }
  }

  array(depth: number): JsonArray {
    const start = this.i++;
    const items: JsonNode[] = [];
    this.ws();
    if (this.t[this.i] === ']') {
      this.i++;
      return { kind: 'array', start, end: this.i, items };
    }
    let comma = -1;
    for (;;) {
      this.ws();
      if (this.t[this.i] === ']' && items.length)
        throw new Fail(comma, 1, 'trailing comma before ] (JSON allows none)');
      items.push(this.value(depth + 1));
      this.ws();
      const d = this.t[this.i];
      if (d === ',') {
        comma = this.i++;
        continue;
      }
      if (d === ']') {
        this.i++;
        return { kind: 'array', start, end: this.i, items };
      }
      throw new Fail(this.i, 1, `expected ',' or ']' in the list, found ${this.describe(this.i)}`);
    }
  }

  string(): JsonString {
    const t = this.t;
    const start = this.i++;
    let out = '';
    for (;;) {
      if (this.i >= t.length) throw new Fail(start, 1, 'this string is never closed (missing ")');
      const c = t[this.i];
      if (c === '"') {
        this.i++;
        return { kind: 'string', start, end: this.i, value: out };
      }
      if (c === '\n' || c === '\r')
        throw new Fail(start, this.i - start, 'this string is never closed before the end of the line (missing ")');
      if (t.charCodeAt(this.i) < 0x20)
        throw new Fail(this.i, 1, 'control characters must be escaped inside JSON strings');
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      const e = t[this.i + 1];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.i += 2;
        continue;
      }
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(this.i + 2, this.i + 6))) {
        out += String.fromCharCode(parseInt(t.slice(this.i + 2, this.i + 6), 16));
        this.i += 6;
        continue;
      }
      throw new Fail(this.i, 2, `invalid escape \`\\${e ?? ''}\` in a JSON string`);
    }
  }

  number(): JsonNumber {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.t.slice(this.i, this.i + 400));
    const start = this.i;
    if (!m) throw new Fail(this.i, 1, `invalid number: '-' must be followed by a digit`);
    const after = this.t[this.i + m[0].length];
    if (after !== undefined && /[\d.eExX]/.test(after)) {
      const bad = /^[-+\w.]+/.exec(this.t.slice(this.i, this.i + 64))![0];
      throw new Fail(
        this.i,
        bad.length,
        `invalid number \`${bad}\`${/^-?0\d/.test(bad) ? ' (JSON numbers have no leading zeros)' : ''}`,
      );
    }
    this.i += m[0].length;
    return { kind: 'number', start, end: this.i, value: Number(m[0]), text: m[0] };
  }
}

/** A short name of a node's kind, for messages ("a string", "an object"). */
export function jsonKindName(n: JsonNode): string {
  return n.kind === 'object' ? 'an object' : n.kind === 'array' ? 'a list' : n.kind === 'null' ? 'null' : `a ${n.kind}`;
}

/** Entries of an object by key; Go's encoding/json matches keys case-insensitively and keeps the last. */
export function lookup(obj: JsonObject, key: string): JsonEntry | undefined {
  let hit: JsonEntry | undefined;
  const lower = key.toLowerCase();
  for (const e of obj.entries) if (e.key === key || e.key.toLowerCase() === lower) hit = e;
  return hit;
}
