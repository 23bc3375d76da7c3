/**
 * Typed reading of YAML nodes. Each accessor checks the node's type and, when
 * it is wrong, records a finding at that exact node and returns undefined, so
 * the model stage can read leniently and still report precisely.
 */
import type { Alias, Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Severity } from '../common/finding';
import { closest } from '../common/text';
import { type Located, type SourceFile, type Span, span } from '../common/source';
import type { FindingSink } from '../common/finding-sink';
import { type AliasTable, aliasTable } from './document-check';
import { isAlias, isMap, isScalar, isSeq } from './node-types';

export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

const article = (k: string) => (/^[aeiou]/.test(k) ? 'an' : 'a');

/** Shared state of one document's reading: where findings go and how aliases resolve. */
export class DocContext {
  constructor(
    readonly file: SourceFile,
    readonly doc: Document.Parsed,
    readonly sink: FindingSink,
    /** False for files kubectl never reads (the project file): no warnings about its YAML 1.1 reading. */
    readonly readByKubectl = true,
  ) {}

  /** The document's top-level map, or undefined when the document is something else (a scalar, a list, empty). */
  root(): RMap | undefined {
    const node = this.resolve(this.doc.contents);
    return node && isMap(node) ? new RMap(this, node, '') : undefined;
  }

  /** The node's span, without the trailing line breaks block collections include. */
  spanOf(node: Node | null | undefined, fallback?: Span): Span {
    return nodeSpan(this.file, node, fallback);
  }

  /** The node itself, or for an alias the node its anchor names (one lookup: see document-check.ts). */
  resolve(node: unknown): Node | null {
    const n = node as Node | null | undefined;
    if (n && isAlias(n)) {
      if (!this.aliases) this.aliases = aliasTable(this.doc);
      return this.aliases.get(n as Alias) ?? null;
    }
    return n ?? null;
  }

  private aliases: AliasTable | undefined;

  kindOf(node: Node | null): JsonKind {
    if (!node) return 'null';
    if (isMap(node)) return 'object';
    if (isSeq(node)) return 'array';
    if (isScalar(node)) {
      const v = node.value;
      if (v === null || v === undefined) return 'null';
      if (typeof v === 'string') return 'string';
      if (typeof v === 'number' || typeof v === 'bigint') return 'number';
      if (typeof v === 'boolean') return 'boolean';
      return 'string'; // dates, binary: Kubernetes sees them as strings
    }
    return 'null';
  }

  /** A view of `node` as an object, or undefined (with a finding unless the node is null). */
  asMap(node: Node | null, path: string, at: Span): RMap | undefined {
    const n = this.resolve(node);
    if (n && isMap(n)) return new RMap(this, n, path);
    if (this.kindOf(n) !== 'null') this.typeError(path, 'an object', n, at);
    return undefined;
  }

  asSeq(node: Node | null, path: string, at: Span): RSeq | undefined {
    const n = this.resolve(node);
    if (n && isSeq(n)) return new RSeq(this, n, path);
    if (this.kindOf(n) !== 'null') this.typeError(path, 'a list', n, at);
    return undefined;
  }

  typeError(path: string, expected: string, node: Node | null, at: Span): void {
    const got = this.kindOf(node);
    let hint = '';
    if (expected === 'a string' && (got === 'number' || got === 'boolean') && isScalar(node)) {
      const src = node.source ?? String(node.value);
      hint = ` (YAML reads \`${src}\` as ${article(got)} ${got}: quote it, "${src}")`;
    }
    this.sink.report(
      'invalid-field',
      'error',
      `${path}: expected ${expected}, got ${article(got)} ${got}${hint}.`,
      this.spanOf(node, at),
    );
  }
}

/** The node's span in `file`, without the trailing line breaks block collections include. */
function nodeSpan(file: SourceFile, node: Node | null | undefined, fallback?: Span): Span {
  if (!node?.range) return fallback ?? span(file, 0, 0);
  const start = node.range[0];
  let end = node.range[1];
  const t = file.text;
  while (end > start && (t[end - 1] === '\n' || t[end - 1] === '\r' || t[end - 1] === ' ' || t[end - 1] === '\t'))
    end--;
  return span(file, start, end);
}

export interface Entry {
  readonly key: string;
  readonly keyNode: Node;
  readonly keySpan: Span;
  readonly value: Node | null;
  /** The value's span, or the key's when the value is empty. */
  readonly valueSpan: Span;
  /** From the key to the end of the value. */
  readonly pairSpan: Span;
}

/**
 * One key of a map. Its spans are made when first asked for: most entries are read for their
 * value only, and a cluster's manifests have hundreds of thousands of them.
 */
class MapEntry implements Entry {
  private keySpanMade: Span | undefined;
  private valueSpanMade: Span | undefined;
  private pairSpanMade: Span | undefined;

  constructor(
    private readonly file: SourceFile,
    readonly key: string,
    readonly keyNode: Node,
    readonly value: Node | null,
  ) {}

  get keySpan(): Span {
    if (!this.keySpanMade) this.keySpanMade = nodeSpan(this.file, this.keyNode);
    return this.keySpanMade;
  }

  get valueSpan(): Span {
    if (!this.valueSpanMade) this.valueSpanMade = this.value?.range ? nodeSpan(this.file, this.value) : this.keySpan;
    return this.valueSpanMade;
  }

  get pairSpan(): Span {
    if (!this.pairSpanMade) {
      const k = this.keySpan;
      this.pairSpanMade = span(this.file, k.start, Math.max(k.end, this.valueSpan.end));
    }
    return this.pairSpanMade;
  }
}

/** Maps with more keys than this are looked up through a Map; smaller ones by a scan, cheaper to build. */
const SCANNED_KEYS = 12;

/** An object node being read. */
export class RMap {
  private spanMade: Span | undefined;
  /** The entries in key order (a key written twice: where it was first written, with its last value). */
  private readonly list: Entry[];
  private readonly byKey: Map<string, Entry> | undefined;

  constructor(
    readonly ctx: DocContext,
    readonly node: YAMLMap,
    readonly path: string,
  ) {
    const list: Entry[] = [];
    const items = node.items as Pair[];
    const byKey = items.length > SCANNED_KEYS ? new Map<string, Entry>() : undefined;
    for (const item of items) {
      const keyNode = ctx.resolve(item.key);
      if (!keyNode) continue;
      const key = isScalar(keyNode) ? String((keyNode as Scalar).value) : String(keyNode);
      const entry = new MapEntry(ctx.file, key, keyNode, ctx.resolve(item.value));
      const before = byKey ? byKey.get(key) : list.find((e) => e.key === key);
      if (before) list[list.indexOf(before)] = entry;
      else list.push(entry);
      byKey?.set(key, entry);
    }
    this.list = list;
    this.byKey = byKey;
  }

  private lookup(key: string): Entry | undefined {
    if (this.byKey) return this.byKey.get(key);
    const list = this.list;
    for (let i = 0; i < list.length; i++) if (list[i].key === key) return list[i];
    return undefined;
  }

  /** The whole map's span (made when first asked for). */
  get span(): Span {
    if (!this.spanMade) this.spanMade = this.ctx.spanOf(this.node);
    return this.spanMade;
  }

  keys(): string[] {
    return this.list.map((e) => e.key);
  }

  entries(): Entry[] {
    return [...this.list];
  }

  entry(key: string): Entry | undefined {
    return this.lookup(key);
  }

  /** True when the key is present with a non-null value. */
  has(key: string): boolean {
    const e = this.lookup(key);
    return !!e && this.ctx.kindOf(e.value) !== 'null';
  }

  child(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  map(key: string): RMap | undefined {
    const e = this.lookup(key);
    return e && this.ctx.asMap(e.value, this.child(key), e.valueSpan);
  }

  seq(key: string): RSeq | undefined {
    const e = this.lookup(key);
    return e && this.ctx.asSeq(e.value, this.child(key), e.valueSpan);
  }

  str(key: string, opts: { required?: boolean; coerce?: boolean } = {}): Located<string> | undefined {
    const e = this.lookup(key);
    if (!e || this.ctx.kindOf(e.value) === 'null') {
      if (opts.required) this.missing(key);
      return undefined;
    }
    return readString(this.ctx, e.value, this.child(key), e.valueSpan, opts.coerce ?? true);
  }

  int(key: string, opts: { min?: number; max?: number } = {}): Located<number> | undefined {
    const e = this.lookup(key);
    if (!e || this.ctx.kindOf(e.value) === 'null') return undefined;
    return readInt(this.ctx, e.value, this.child(key), e.valueSpan, opts);
  }

  num(key: string): Located<number> | undefined {
    const e = this.lookup(key);
    if (!e || this.ctx.kindOf(e.value) === 'null') return undefined;
    const n = e.value as Scalar;
    if (this.ctx.kindOf(n) !== 'number') {
      this.ctx.typeError(this.child(key), 'a number', n, e.valueSpan);
      return undefined;
    }
    return { value: Number(n.value), span: e.valueSpan };
  }

  bool(key: string): Located<boolean> | undefined {
    const e = this.lookup(key);
    if (!e || this.ctx.kindOf(e.value) === 'null') return undefined;
    if (this.ctx.kindOf(e.value) !== 'boolean') {
      this.ctx.typeError(this.child(key), 'true or false', e.value, e.valueSpan);
      return undefined;
    }
    return { value: Boolean((e.value as Scalar).value), span: e.valueSpan };
  }

  /** An int-or-string field (`port: 80` or `port: http`). */
  intOrString(key: string): Located<number | string> | undefined {
    const e = this.lookup(key);
    if (!e || this.ctx.kindOf(e.value) === 'null') return undefined;
    const k = this.ctx.kindOf(e.value);
    if (k === 'number') return readInt(this.ctx, e.value, this.child(key), e.valueSpan, {});
    if (k === 'string') return { value: String((e.value as Scalar).value), span: e.valueSpan };
    this.ctx.typeError(this.child(key), 'a number or a string', e.value, e.valueSpan);
    return undefined;
  }

  /** A map of string to string, e.g. labels. Non-string values are reported and read as text. */
  stringMap(key: string): LocatedStringMap | undefined {
    const m = this.map(key);
    if (!m) return undefined;
    const values: Record<string, string> = {};
    const spans: Record<string, Span> = {};
    const valueSpans: Record<string, Span> = {};
    for (const e of m.entries()) {
      const v =
        e.value === null || this.ctx.kindOf(e.value) === 'null'
          ? ''
          : readString(this.ctx, e.value, m.child(e.key), e.valueSpan, true);
      values[e.key] = typeof v === 'string' ? v : v ? v.value : '';
      spans[e.key] = e.pairSpan;
      valueSpans[e.key] = e.valueSpan;
    }
    return { value: values, span: m.span, entries: spans, valueSpans };
  }

  /** A list of strings. */
  strings(key: string): Located<string>[] | undefined {
    const s = this.seq(key);
    if (!s) return undefined;
    const out: Located<string>[] = [];
    s.items().forEach((item, i) => {
      const v = readString(this.ctx, item.node, `${s.path}[${i}]`, item.span, true);
      if (v) out.push(v);
    });
    return out;
  }

  /** Reports a required field as missing, unless it is there with a value of the wrong type (already reported). */
  missing(key: string, severity: Severity = 'error'): void {
    if (this.has(key)) return;
    this.ctx.sink.report(
      'invalid-field',
      severity,
      `${this.path ? `${this.path}: ` : ''}required field \`${key}\` is missing.`,
      this.firstLine(),
    );
  }

  /** Findings for keys outside `allowed`, with a did-you-mean. Returns the unknown keys. */
  checkKeys(allowed: readonly string[], what: string, severity: Severity = 'warning'): string[] {
    const unknown: string[] = [];
    for (const e of this.list) {
      if (allowed.includes(e.key)) continue;
      unknown.push(e.key);
      const guess = closest(e.key, allowed);
      this.ctx.sink.report(
        'unknown-field',
        severity,
        `${this.child(e.key)}: \`${e.key}\` is not a field of ${what}${guess ? `; did you mean \`${guess}\`?` : '.'} The API server drops it, so it has no effect.`,
        e.keySpan,
      );
    }
    return unknown;
  }

  /** The map's first line, a good place for "missing field" findings. */
  firstLine(): Span {
    const first = this.entries()[0];
    return first ? first.pairSpan : this.span;
  }
}

export interface LocatedStringMap extends Located<Record<string, string>> {
  /** Span of each `key: value` entry. */
  readonly entries: Record<string, Span>;
  /** Span of each value (the key's span when the value is empty). */
  readonly valueSpans: Record<string, Span>;
}

export interface SeqItem {
  readonly node: Node | null;
  readonly span: Span;
  readonly index: number;
}

export interface SeqValue {
  readonly index: number;
  readonly span: Span;
  /** `spec.ports[2]`, for messages. */
  readonly path: string;
  readonly kind: JsonKind;
  readonly value?: string | number | boolean;
  readonly map?: RMap;
}

export class RSeq {
  private spanMade: Span | undefined;
  constructor(
    readonly ctx: DocContext,
    readonly node: YAMLSeq,
    readonly path: string,
  ) {}

  get span(): Span {
    if (!this.spanMade) this.spanMade = this.ctx.spanOf(this.node);
    return this.spanMade;
  }

  get length(): number {
    return this.node.items.length;
  }

  items(): SeqItem[] {
    return this.node.items.map((raw, index) => {
      const node = this.ctx.resolve(raw);
      return { node, span: this.ctx.spanOf(node, this.span), index };
    });
  }

  /**
   * Every item as plain data: its kind, its scalar value (strings, numbers,
   * booleans) or its map, so readers outside this stage can accept several
   * shapes (`5432` or `{port: 5432}`) without the parser's node types.
   */
  values(): SeqValue[] {
    return this.items().map((item) => {
      const kind = this.ctx.kindOf(item.node);
      const path = `${this.path}[${item.index}]`;
      const scalar = item.node && isScalar(item.node) ? (item.node as Scalar).value : undefined;
      const value =
        typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean' ? scalar : undefined;
      const map = kind === 'object' ? this.ctx.asMap(item.node, path, item.span) : undefined;
      return { index: item.index, span: item.span, path, kind, value, map };
    });
  }

  /** The items that are objects; others get a finding. */
  maps(): RMap[] {
    const out: RMap[] = [];
    for (const item of this.items()) {
      const m = this.ctx.asMap(item.node, `${this.path}[${item.index}]`, item.span);
      if (m) out.push(m);
      else if (!item.node || this.ctx.kindOf(item.node) === 'null')
        this.ctx.sink.report(
          'invalid-field',
          'error',
          `${this.path}[${item.index}]: expected an object, got an empty item.`,
          item.span,
        );
    }
    return out;
  }
}

/** Plain scalars that YAML 1.1 (and so kubectl, through go-yaml v2) reads as booleans. */
const YAML11_BOOLEANS = /^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

function readString(
  ctx: DocContext,
  node: Node | null,
  path: string,
  at: Span,
  coerce: boolean,
): Located<string> | undefined {
  const k = ctx.kindOf(node);
  if (k === 'string') {
    const s = node as Scalar;
    const value = String(s.value);
    if (ctx.readByKubectl && s.type === 'PLAIN' && YAML11_BOOLEANS.test(value)) {
      ctx.sink.report(
        'yaml-boolean-string',
        'warning',
        `${path}: kubectl reads an unquoted \`${value}\` as a boolean (YAML 1.1), so the API server rejects it where a string belongs; quote it: "${value}".`,
        ctx.spanOf(node, at),
      );
    }
    return { value, span: ctx.spanOf(node, at) };
  }
  ctx.typeError(path, 'a string', node, at);
  if (coerce && (k === 'number' || k === 'boolean') && isScalar(node)) {
    // Keep analysing with the text as written; the finding above says it will be rejected.
    return { value: node.source ?? String(node.value), span: ctx.spanOf(node, at) };
  }
  return undefined;
}

function readInt(
  ctx: DocContext,
  node: Node | null,
  path: string,
  at: Span,
  opts: { min?: number; max?: number },
): Located<number> | undefined {
  const k = ctx.kindOf(node);
  const where = ctx.spanOf(node, at);
  if (k !== 'number') {
    ctx.typeError(path, 'an integer', node, at);
    return undefined;
  }
  const v = Number((node as Scalar).value);
  if (!Number.isInteger(v)) {
    ctx.sink.report('invalid-field', 'error', `${path}: expected an integer, got ${v}.`, where);
    return undefined;
  }
  if ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    const range = opts.max !== undefined ? `between ${opts.min ?? '-∞'} and ${opts.max}` : `at least ${opts.min}`;
    ctx.sink.report('invalid-field', 'error', `${path}: ${v} is out of range; it must be ${range}.`, where);
    return undefined;
  }
  return { value: v, span: where };
}
