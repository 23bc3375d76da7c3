/**
 * Typed reading of YAML nodes. Each accessor checks the node's type and, when
 * it is wrong, records a finding at that exact node and returns undefined, so
 * the model stage can read leniently and still report precisely.
 *
 * A cluster's manifests have hundreds of thousands of map keys, nearly all read for their value
 * only and nearly all without a finding: the readers below make no object per key, no path string
 * (`spec.template.spec.containers[0]`, built only when a finding needs it) and no span that nothing
 * asks for.
 */
import type { Alias, Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Severity } from '../common/finding';
import { closest } from '../common/text';
import { type Located, type SourceFile, type Span, span } from '../common/source';
import type { FindingSink } from '../common/finding-sink';
import { memoized } from '../common/memo';
import { type AliasTable, aliasTable } from './document-check';
import { ALIAS_TAG, isMap, isScalar, isSeq, MAP_TAG, SCALAR_TAG, SEQ_TAG, tagOf } from './node-types';

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
    return node && isMap(node) ? new RMap(this, node, '', undefined) : undefined;
  }

  /** The node's span, without the trailing line breaks block collections include. */
  spanOf(node: Node | null | undefined, fallback?: Span): Span {
    return nodeSpan(this.file, node, fallback);
  }

  /** The node itself, or for an alias the node its anchor names (one lookup: see document-check.ts). */
  resolve(node: unknown): Node | null {
    const n = node as Node | null | undefined;
    if (tagOf(n) === ALIAS_TAG) {
      if (!this.aliases) this.aliases = aliasTable(this.doc);
      return this.aliases.get(n as Alias) ?? null;
    }
    return n ?? null;
  }

  private aliases: AliasTable | undefined;

  kindOf(node: Node | null): JsonKind {
    const tag = tagOf(node);
    if (tag === MAP_TAG) return 'object';
    if (tag === SEQ_TAG) return 'array';
    if (tag === SCALAR_TAG) {
      const v = (node as Scalar).value;
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
    if (n && isMap(n)) return new RMap(this, n, path, undefined);
    if (this.kindOf(n) !== 'null') this.typeError(path, 'an object', n, at);
    return undefined;
  }

  asSeq(node: Node | null, path: string, at: Span): RSeq | undefined {
    const n = this.resolve(node);
    if (n && isSeq(n)) return new RSeq(this, n, path, undefined);
    if (this.kindOf(n) !== 'null') this.typeError(path, 'a list', n, at);
    return undefined;
  }

  typeError(path: string, expected: string, node: Node | null, at: Span | undefined): void {
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
  while (end > start) {
    const c = t.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== 32 && c !== 9) break;
    end--;
  }
  return span(file, start, end);
}

/**
 * Where a map or list was read from, for messages: its parent and its key or index there (or the
 * whole path as text); the path's text is made only when a message asks for it.
 */
type PathBase = RMap | RSeq | string;

function pathOf(base: PathBase, seg: string | number | undefined): string {
  const prefix = typeof base === 'string' ? base : base.path;
  if (seg === undefined) return prefix;
  if (typeof seg === 'number') return `${prefix}[${seg}]`;
  return prefix ? `${prefix}.${seg}` : seg;
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

/** One key of a map, made only when asked for (`entry`, `entries`); its spans are made when first asked for. */
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

/** Lists of known fields longer than this are checked through a Set (made once per list). */
const SCANNED_FIELDS = 6;
const fieldSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function fieldSet(allowed: readonly string[]): ReadonlySet<string> {
  return memoized(fieldSets, allowed, () => new Set(allowed));
}

/**
 * An object node being read. A key written twice reads as one entry, where it was first written,
 * with its last value (document-check.ts reports repeated keys, and parse-yaml.ts does not read
 * such a document, so only documents checked elsewhere have them).
 */
export class RMap {
  private spanMade: Span | undefined;
  private pathMade: string | undefined;
  /** Each pair's key as text (undefined for a pair without a key), made at the first lookup. */
  private keyTexts: (string | undefined)[] | undefined;
  /** For maps of more than SCANNED_KEYS keys: each key's last pair. */
  private lastPair: Map<string, number> | undefined;
  private cleanKeys: readonly string[] | undefined;
  private clean: boolean | undefined;

  constructor(
    readonly ctx: DocContext,
    readonly node: YAMLMap,
    private readonly base: PathBase,
    private readonly seg: string | number | undefined,
  ) {}

  /** `spec.template.spec`, for messages. */
  get path(): string {
    if (this.pathMade === undefined) this.pathMade = pathOf(this.base, this.seg);
    return this.pathMade;
  }

  private keysOf(): (string | undefined)[] {
    let keys = this.keyTexts;
    if (!keys) {
      const items = this.node.items as Pair[];
      keys = new Array(items.length);
      for (let i = 0; i < items.length; i++) {
        const raw = items[i].key as Node | null;
        const tag = tagOf(raw);
        // A scalar key (nearly all) needs no resolving.
        const keyNode = tag === SCALAR_TAG ? raw : this.ctx.resolve(raw);
        if (!keyNode) keys[i] = undefined;
        else if (tag === SCALAR_TAG || tagOf(keyNode) === SCALAR_TAG) {
          const v = (keyNode as Scalar).value;
          keys[i] = typeof v === 'string' ? v : String(v);
        } else keys[i] = String(keyNode);
      }
      this.keyTexts = keys;
      if (items.length > SCANNED_KEYS) {
        const last = new Map<string, number>();
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i];
          if (k !== undefined) last.set(k, i);
        }
        this.lastPair = last;
      }
    }
    return keys;
  }

  /** The index of the pair that gives `key` its value (the last one written), or -1. */
  private find(key: string): number {
    const keys = this.keyTexts ?? this.keysOf();
    if (this.lastPair) return this.lastPair.get(key) ?? -1;
    for (let i = keys.length - 1; i >= 0; i--) if (keys[i] === key) return i;
    return -1;
  }

  /** True when pair `i` is where its key is first written (so the key's place in the map's order). */
  private firstOfKey(i: number, key: string): boolean {
    const keys = this.keyTexts!;
    for (let j = 0; j < i; j++) if (keys[j] === key) return false;
    return true;
  }

  /** The pairs that give the keys their values, in key order. */
  private order(): number[] {
    const keys = this.keysOf();
    if (this.isClean()) {
      const all: number[] = new Array(keys.length);
      for (let i = 0; i < keys.length; i++) all[i] = i;
      return all;
    }
    const out: number[] = [];
    if (this.lastPair) {
      const seen = new Set<string>();
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        if (k === undefined || seen.has(k)) continue;
        seen.add(k);
        out.push(this.lastPair.get(k)!);
      }
      return out;
    }
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined && this.firstOfKey(i, k)) out.push(this.find(k));
    }
    return out;
  }

  private valueAt(i: number): Node | null {
    const value = (this.node.items[i] as Pair).value as Node | null;
    const tag = tagOf(value);
    // Resolved only when it is an alias (or not a node at all).
    return tag === SCALAR_TAG || tag === MAP_TAG || tag === SEQ_TAG ? value : this.ctx.resolve(value);
  }

  private entryAt(i: number): Entry {
    const item = this.node.items[i] as Pair;
    return new MapEntry(this.ctx.file, this.keyTexts![i]!, this.ctx.resolve(item.key)!, this.ctx.resolve(item.value));
  }

  /** What MapEntry.valueSpan is, made without the entry. */
  private valueSpanAt(i: number, value: Node | null): Span {
    if (value?.range) return nodeSpan(this.ctx.file, value);
    return nodeSpan(this.ctx.file, this.ctx.resolve((this.node.items[i] as Pair).key));
  }

  /** The fallback span of a value, needed only when the value has no range of its own. */
  private fallbackAt(i: number, value: Node | null): Span | undefined {
    return value?.range ? undefined : this.valueSpanAt(i, value);
  }

  /** The whole map's span (made when first asked for). */
  get span(): Span {
    if (!this.spanMade) this.spanMade = this.ctx.spanOf(this.node);
    return this.spanMade;
  }

  keys(): string[] {
    const keys = this.keysOf();
    return this.order().map((i) => keys[i]!);
  }

  entries(): Entry[] {
    return this.order().map((i) => this.entryAt(i));
  }

  entry(key: string): Entry | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.entryAt(i);
  }

  /** True when the key is written, with a value or empty. */
  hasKey(key: string): boolean {
    return this.find(key) >= 0;
  }

  /** The key's span (Entry.keySpan), or undefined when the key is not written. */
  keySpan(key: string): Span | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : nodeSpan(this.ctx.file, this.ctx.resolve((this.node.items[i] as Pair).key));
  }

  /** The value's span, or the key's when the value is empty (Entry.valueSpan); undefined when the key is not written. */
  valueSpan(key: string): Span | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.valueSpanAt(i, this.valueAt(i));
  }

  /** From the key to the end of the value (Entry.pairSpan); undefined when the key is not written. */
  pairSpan(key: string): Span | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.entryAt(i).pairSpan;
  }

  /** The keys in order, each once (the map's own list when no key repeats: not to be changed). */
  orderedKeys(): readonly string[] {
    if (this.cleanKeys === undefined) this.cleanKeys = this.isClean() ? (this.keysOf() as string[]) : this.keys();
    return this.cleanKeys;
  }

  /** True when every pair has a key and no key is written twice (nearly always): pair i is then key i's. */
  private isClean(): boolean {
    if (this.clean === undefined) {
      const keys = this.keysOf();
      let clean = true;
      for (let i = 0; i < keys.length && clean; i++) {
        const k = keys[i];
        clean = k !== undefined && (this.lastPair ? this.lastPair.get(k) === i : this.firstOfKey(i, k));
      }
      this.clean = clean;
    }
    return this.clean;
  }

  /** True when the key is present with a non-null value. */
  has(key: string): boolean {
    const i = this.find(key);
    return i >= 0 && this.ctx.kindOf(this.valueAt(i)) !== 'null';
  }

  child(key: string): string {
    const path = this.path;
    return path ? `${path}.${key}` : key;
  }

  map(key: string): RMap | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    const n = this.valueAt(i);
    if (tagOf(n) === MAP_TAG) return new RMap(this.ctx, n as YAMLMap, this, key);
    if (this.ctx.kindOf(n) !== 'null') this.ctx.typeError(this.child(key), 'an object', n, this.fallbackAt(i, n));
    return undefined;
  }

  seq(key: string): RSeq | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    const n = this.valueAt(i);
    if (tagOf(n) === SEQ_TAG) return new RSeq(this.ctx, n as YAMLSeq, this, key);
    if (this.ctx.kindOf(n) !== 'null') this.ctx.typeError(this.child(key), 'a list', n, this.fallbackAt(i, n));
    return undefined;
  }

  str(key: string, opts?: { required?: boolean; coerce?: boolean }): Located<string> | undefined {
    const i = this.find(key);
    const n = i < 0 ? null : this.valueAt(i);
    if (tagOf(n) === SCALAR_TAG) {
      const value = (n as Scalar).value;
      // Nearly every field read: a string, with no finding unless YAML 1.1 reads it as a boolean.
      if (typeof value === 'string' && !(value.length <= 3 && (n as Scalar).type === 'PLAIN' && this.ctx.readByKubectl))
        return { value, span: this.ctx.spanOf(n, this.fallbackAt(i, n)) };
    }
    if (i < 0 || this.ctx.kindOf(n) === 'null') {
      if (opts?.required) this.missing(key);
      return undefined;
    }
    const coerce = opts?.coerce ?? true;
    const at = this.fallbackAt(i, n);
    const value = readStringValue(this.ctx, n, this, key, at, coerce);
    return value === undefined ? undefined : { value, span: this.ctx.spanOf(n, at) };
  }

  int(key: string, opts?: { min?: number; max?: number }): Located<number> | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    const n = this.valueAt(i);
    if (this.ctx.kindOf(n) === 'null') return undefined;
    return readInt(this.ctx, n, this, key, this.fallbackAt(i, n), opts);
  }

  num(key: string): Located<number> | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    const n = this.valueAt(i);
    if (this.ctx.kindOf(n) === 'null') return undefined;
    if (this.ctx.kindOf(n) !== 'number') {
      this.ctx.typeError(this.child(key), 'a number', n, this.fallbackAt(i, n));
      return undefined;
    }
    return { value: Number((n as Scalar).value), span: this.valueSpanAt(i, n) };
  }

  bool(key: string): Located<boolean> | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    const n = this.valueAt(i);
    const k = this.ctx.kindOf(n);
    if (k === 'null') return undefined;
    if (k !== 'boolean') {
      this.ctx.typeError(this.child(key), 'true or false', n, this.fallbackAt(i, n));
      return undefined;
    }
    return { value: Boolean((n as Scalar).value), span: this.valueSpanAt(i, n) };
  }

  /** An int-or-string field (`port: 80` or `port: http`). */
  intOrString(key: string): Located<number | string> | undefined {
    const i = this.find(key);
    if (i < 0) return undefined;
    const n = this.valueAt(i);
    const k = this.ctx.kindOf(n);
    if (k === 'null') return undefined;
    if (k === 'number') return readInt(this.ctx, n, this, key, this.fallbackAt(i, n), undefined);
    if (k === 'string') return { value: String((n as Scalar).value), span: this.valueSpanAt(i, n) };
    this.ctx.typeError(this.child(key), 'a number or a string', n, this.fallbackAt(i, n));
    return undefined;
  }

  /** A map of string to string, e.g. labels. Non-string values are reported and read as text. */
  stringMap(key: string): LocatedStringMap | undefined {
    return this.map(key)?.asStringMap();
  }

  /** This map as a map of string to string (see stringMap); the spans of its entries are made when asked for. */
  asStringMap(): LocatedStringMap {
    const keys = this.keysOf();
    const values: Record<string, string> = {};
    const clean = this.isClean();
    const seen = !clean && this.lastPair ? new Set<string>() : undefined;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === undefined) continue;
      let w = i;
      if (!clean) {
        if (seen) {
          if (seen.has(k)) continue;
          seen.add(k);
        } else if (!this.firstOfKey(i, k)) continue;
        w = this.find(k);
      }
      const n = this.valueAt(w);
      values[k] =
        n === null || this.ctx.kindOf(n) === 'null'
          ? ''
          : (readStringValue(this.ctx, n, this, k, this.fallbackAt(w, n), true) ?? '');
    }
    return new StringMapRead(values, this);
  }

  /** The span of each entry, from its key to the end of its value (Entry.pairSpan), in key order (StringMapRead's). */
  entryPairSpans(): Record<string, Span> {
    const keys = this.keysOf();
    const order = this.order();
    const pairs: Record<string, Span> = {};
    for (let n = 0; n < order.length; n++) pairs[keys[order[n]]!] = this.entryAt(order[n]).pairSpan;
    return pairs;
  }

  /** The span of each entry's value (Entry.valueSpan), in key order (StringMapRead's). */
  entryValueSpans(): Record<string, Span> {
    const keys = this.keysOf();
    const order = this.order();
    const values: Record<string, Span> = {};
    for (let n = 0; n < order.length; n++) values[keys[order[n]]!] = this.valueSpanAt(order[n], this.valueAt(order[n]));
    return values;
  }

  /** A list of strings. */
  strings(key: string): Located<string>[] | undefined {
    return this.seq(key)?.strings();
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
    const keys = this.keysOf();
    let known = true;
    const set = allowed.length > SCANNED_FIELDS ? fieldSet(allowed) : undefined;
    for (let i = 0; i < keys.length && known; i++) {
      const k = keys[i];
      if (k !== undefined && !(set ? set.has(k) : allowed.includes(k))) known = false;
    }
    if (known) return unknown;
    for (const e of this.entries()) {
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
    const keys = this.keysOf();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) return this.entryAt(this.find(k)).pairSpan;
    }
    return this.span;
  }
}

export interface LocatedStringMap extends Located<Record<string, string>> {
  /** Span of each `key: value` entry. */
  readonly entries: Record<string, Span>;
  /** Span of each value (the key's span when the value is empty). */
  readonly valueSpans: Record<string, Span>;
}

/** A string map as read; the spans of its entries, which most readers never ask for, are made at the first ask. */
class StringMapRead implements LocatedStringMap {
  private pairSpans: Record<string, Span> | undefined;
  private valueSpansMade: Record<string, Span> | undefined;

  constructor(
    readonly value: Record<string, string>,
    private readonly map: RMap,
  ) {}

  get span(): Span {
    return this.map.span;
  }

  get entries(): Record<string, Span> {
    if (!this.pairSpans) this.pairSpans = this.map.entryPairSpans();
    return this.pairSpans;
  }

  get valueSpans(): Record<string, Span> {
    if (!this.valueSpansMade) this.valueSpansMade = this.map.entryValueSpans();
    return this.valueSpansMade;
  }
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
  private pathMade: string | undefined;

  constructor(
    readonly ctx: DocContext,
    readonly node: YAMLSeq,
    private readonly base: PathBase,
    private readonly seg: string | number | undefined,
  ) {}

  /** `spec.ports`, for messages. */
  get path(): string {
    if (this.pathMade === undefined) this.pathMade = pathOf(this.base, this.seg);
    return this.pathMade;
  }

  get span(): Span {
    if (!this.spanMade) this.spanMade = this.ctx.spanOf(this.node);
    return this.spanMade;
  }

  get length(): number {
    return this.node.items.length;
  }

  /** Item `i`, an alias resolved. */
  nodeAt(i: number): Node | null {
    return this.ctx.resolve(this.node.items[i]);
  }

  /** Item `i`'s span (the list's when the item is empty). */
  spanAt(i: number): Span {
    return this.ctx.spanOf(this.nodeAt(i), this.span);
  }

  /** `spec.ports[2]`, for messages. */
  pathAt(i: number): string {
    return `${this.path}[${i}]`;
  }

  /** Item `i` as an object, or undefined (with a finding unless the item is null). */
  mapAt(i: number): RMap | undefined {
    const n = this.nodeAt(i);
    if (tagOf(n) === MAP_TAG) return new RMap(this.ctx, n as YAMLMap, this, i);
    if (this.ctx.kindOf(n) !== 'null') this.ctx.typeError(this.pathAt(i), 'an object', n, this.fallback(n));
    return undefined;
  }

  /** The list's span, needed for an item only when the item has no range of its own. */
  private fallback(n: Node | null): Span | undefined {
    return n?.range ? undefined : this.span;
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
    const items = this.node.items;
    for (let i = 0; i < items.length; i++) {
      const n = this.ctx.resolve(items[i]);
      if (tagOf(n) === MAP_TAG) {
        out.push(new RMap(this.ctx, n as YAMLMap, this, i));
        continue;
      }
      const kind = this.ctx.kindOf(n);
      if (kind !== 'null') this.ctx.typeError(this.pathAt(i), 'an object', n, this.fallback(n));
      else
        this.ctx.sink.report(
          'invalid-field',
          'error',
          `${this.pathAt(i)}: expected an object, got an empty item.`,
          this.ctx.spanOf(n, this.span),
        );
    }
    return out;
  }

  /** The items as strings; others get a finding (numbers and booleans are read as written). */
  strings(): Located<string>[] {
    const out: Located<string>[] = [];
    const items = this.node.items;
    for (let i = 0; i < items.length; i++) {
      const n = this.ctx.resolve(items[i]);
      const at = this.fallback(n);
      const value = readStringValue(this.ctx, n, this, i, at, true);
      if (value !== undefined) out.push({ value, span: this.ctx.spanOf(n, at) });
    }
    return out;
  }
}

/** Plain scalars that YAML 1.1 (and so kubectl, through go-yaml v2) reads as booleans. */
const YAML11_BOOLEANS = /^(yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/;

/**
 * A string field's value, its findings reported (`base` and `seg` name it in messages; `at` is
 * where it is when the node has no range of its own).
 */
function readStringValue(
  ctx: DocContext,
  node: Node | null,
  base: PathBase,
  seg: string | number,
  at: Span | undefined,
  coerce: boolean,
): string | undefined {
  const k = ctx.kindOf(node);
  if (k === 'string') {
    const s = node as Scalar;
    const v = s.value;
    const value = typeof v === 'string' ? v : String(v);
    if (ctx.readByKubectl && s.type === 'PLAIN' && value.length <= 3 && YAML11_BOOLEANS.test(value)) {
      ctx.sink.report(
        'yaml-boolean-string',
        'warning',
        `${pathOf(base, seg)}: kubectl reads an unquoted \`${value}\` as a boolean (YAML 1.1), so the API server rejects it where a string belongs; quote it: "${value}".`,
        ctx.spanOf(node, at),
      );
    }
    return value;
  }
  ctx.typeError(pathOf(base, seg), 'a string', node, at);
  if (coerce && (k === 'number' || k === 'boolean') && isScalar(node)) {
    // Keep analysing with the text as written; the finding above says it will be rejected.
    return node.source ?? String(node.value);
  }
  return undefined;
}

function readInt(
  ctx: DocContext,
  node: Node | null,
  base: PathBase,
  seg: string,
  at: Span | undefined,
  opts: { min?: number; max?: number } | undefined,
): Located<number> | undefined {
  const k = ctx.kindOf(node);
  if (k !== 'number') {
    ctx.typeError(pathOf(base, seg), 'an integer', node, at);
    return undefined;
  }
  const where = ctx.spanOf(node, at);
  const v = Number((node as Scalar).value);
  if (!Number.isInteger(v)) {
    ctx.sink.report('invalid-field', 'error', `${pathOf(base, seg)}: expected an integer, got ${v}.`, where);
    return undefined;
  }
  if (opts && ((opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max))) {
    const range = opts.max !== undefined ? `between ${opts.min ?? '-∞'} and ${opts.max}` : `at least ${opts.min}`;
    ctx.sink.report(
      'invalid-field',
      'error',
      `${pathOf(base, seg)}: ${v} is out of range; it must be ${range}.`,
      where,
    );
    return undefined;
  }
  return { value: v, span: where };
}
