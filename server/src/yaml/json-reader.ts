import type { Span } from '../common/source';
import { closest } from '../common/text';
import { type JsonEntry, type JsonNode, jsonKindName, type JsonObject, lookup } from './parse-json';
import type { ValueSpans } from './scalar-map';
import type { FindingSink } from '../common/finding-sink';
import type { RuleId } from '../common/rule-registry';

/** Go field types, as they decide which JSON values decode. */
export type GoKind = 'bool' | 'uint' | 'int' | 'string' | 'object' | 'raw';

export interface JsonField<T> {
  readonly value: T;
  /** The key as written, and where. */
  readonly key: string;
  readonly keySpan: Span;
  readonly valueSpan: Span;
  readonly node: JsonNode;
}

export interface JsonRules {
  /** Rule id for values the program rejects. */
  readonly invalid: RuleId;
  /** Rule id for keys the program ignores. */
  readonly unknown: RuleId;
}

const GO_TYPE: Record<GoKind, string> = {
  bool: 'bool',
  uint: 'uint',
  int: 'int',
  string: 'string',
  object: 'struct',
  raw: 'json.RawMessage',
};

export class JsonObjectReader {
  constructor(
    readonly obj: JsonObject,
    readonly spans: ValueSpans,
    readonly sink: FindingSink,
    readonly rules: JsonRules,
    /** For messages: "net-conf.json", "Backend", … */
    readonly what: string,
    /** The Go struct in decode errors, e.g. `Config`. */
    readonly goStruct: string,
  ) {}

  at(start: number, end: number): Span {
    return this.spans(start, end);
  }

  spanOf(n: { start: number; end: number }): Span {
    return this.spans(n.start, n.end);
  }

  keySpan(e: JsonEntry): Span {
    return this.spans(e.keyStart, e.keyEnd);
  }

  entry(name: string): JsonEntry | undefined {
    return lookup(this.obj, name);
  }

  /** A field decoded as Go would decode it into `kind`; undefined when absent, null, or not decodable (with a finding). */
  field(name: string, kind: 'bool'): JsonField<boolean> | undefined;
  field(name: string, kind: 'uint' | 'int'): JsonField<number> | undefined;
  field(name: string, kind: 'string'): JsonField<string> | undefined;
  field(name: string, kind: 'object'): JsonField<JsonObject> | undefined;
  field(name: string, kind: 'raw'): JsonField<JsonNode> | undefined;
  field(name: string, kind: GoKind): JsonField<unknown> | undefined {
    const e = this.entry(name);
    if (!e) return undefined;
    const v = e.value;
    const base = { key: e.key, keySpan: this.keySpan(e), valueSpan: this.spanOf(v), node: v };
    if (kind === 'raw') return { ...base, value: v };
    if (v.kind === 'null') return undefined; // Go leaves the field as it was
    const ok =
      (kind === 'bool' && v.kind === 'boolean') ||
      (kind === 'string' && v.kind === 'string') ||
      (kind === 'object' && v.kind === 'object') ||
      ((kind === 'int' || kind === 'uint') &&
        v.kind === 'number' &&
        /^-?\d+$/.test(v.text) &&
        (kind === 'int' || !v.text.startsWith('-')));
    if (!ok) {
      this.typeError(e, kind, name);
      return undefined;
    }
    return { ...base, value: kind === 'object' ? v : (v as { value: unknown }).value };
  }

  typeError(e: JsonEntry, kind: GoKind, name: string): void {
    const v = e.value;
    const shown =
      v.kind === 'number'
        ? `number ${v.text}`
        : v.kind === 'string'
          ? 'string'
          : v.kind === 'boolean'
            ? 'bool'
            : v.kind === 'array'
              ? 'array'
              : v.kind;
    const expected =
      kind === 'bool'
        ? 'true or false'
        : kind === 'uint'
          ? 'a whole number (0 or more)'
          : kind === 'int'
            ? 'a whole number'
            : kind === 'string'
              ? 'a string'
              : 'an object';
    let hint = '';
    if (v.kind === 'string' && (kind === 'uint' || kind === 'int') && /^-?\d+$/.test(v.value))
      hint = ` (write ${v.value} without quotes)`;
    if (v.kind === 'string' && kind === 'bool' && /^(true|false)$/i.test(v.value))
      hint = ` (write ${v.value.toLowerCase()} without quotes)`;
    this.sink.report(
      this.rules.invalid,
      'error',
      `${this.what}: \`${e.key}\` must be ${expected}, not ${jsonKindName(v)}${hint}; the decode fails with "json: cannot unmarshal ${shown} into Go struct field ${this.goStruct}${this.goStruct ? '.' : ''}${name} of type ${GO_TYPE[kind]}".`,
      this.spanOf(v),
    );
  }

  /** Findings for keys that match no field (case-insensitively); returns them. */
  checkKeys(allowed: readonly string[], explain: (key: string, guess: string | undefined) => string): JsonEntry[] {
    const lower = new Set(allowed.map((a) => a.toLowerCase()));
    const unknown: JsonEntry[] = [];
    for (const e of this.obj.entries) {
      if (lower.has(e.key.toLowerCase())) continue;
      unknown.push(e);
      const guess = closest(e.key, allowed);
      this.sink.report(this.rules.unknown, 'warning', explain(e.key, guess), this.keySpan(e));
    }
    return unknown;
  }

  /** Findings for keys written twice (Go keeps the later one); the earlier occurrence is marked. */
  checkDuplicates(): void {
    const seen = new Map<string, JsonEntry>();
    for (const e of this.obj.entries) {
      const k = e.key.toLowerCase();
      const prev = seen.get(k);
      if (prev) {
        this.sink.report(
          this.rules.invalid,
          'warning',
          `${this.what}: \`${prev.key}\` is set again below (\`${e.key}\`); the later value wins and this one is ignored.`,
          this.keySpan(prev),
          { related: [{ span: this.keySpan(e), message: 'the value that is used' }] },
        );
      }
      seen.set(k, e);
    }
  }

  /** A nested object as a reader (with other rule ids, if given). */
  child(obj: JsonObject, what: string, goStruct: string, rules: JsonRules = this.rules): JsonObjectReader {
    return new JsonObjectReader(obj, this.spans, this.sink, rules, what, goStruct);
  }
}

/** The did-you-mean tail of an unknown-key message. */
export function didYouMean(guess: string | undefined): string {
  return guess ? `; did you mean \`${guess}\`?` : '.';
}
