/**
 * A fast reader for the YAML that manifests are written in: block maps and
 * sequences, plain, quoted and block scalars, one-line flow collections,
 * comments, anchors and aliases, `---` between documents. It builds the very
 * nodes the `yaml` package's `parseAllDocuments` builds (same classes, values,
 * scalar styles, anchors and ranges: `test/yaml/fast-yaml.test.ts` compares
 * them), about ten times faster: the package spends most of its time in its
 * general CST parser.
 *
 * It declines (returns undefined) as soon as the text leaves that subset or
 * might hold anything the package reports as an error or a warning (tabs,
 * tags, directives, multi-line plain or quoted scalars, explicit keys, bad
 * indentation...), and the caller then parses the file with the package, so
 * every syntax error keeps today's message and position. Comments are not kept
 * on the nodes (`comment`, `commentBefore`, `spaceBefore`: nothing reads them),
 * but they are placed in ranges exactly where the package places them.
 */
import { LIMITS } from '../common/limits';
import { Alias, Document, Pair, Scalar, type Schema, YAMLMap, YAMLSeq } from 'yaml';
import * as charCodes from './char-codes';
import { isDocument, isMap, isPair, isScalar, isSeq, NODE_TYPE } from './node-types';

// Copied once into constants of this module: they are compared per character, and where modules
// are not bundled (the tests, under tsx) each read of an imported binding is a getter call.
const {
  AMP,
  AT,
  BACKSLASH,
  BACKTICK,
  BANG,
  CLOSE_CURLY,
  CLOSE_SQUARE,
  COLON,
  COMMA,
  CR,
  DASH,
  DOT,
  DQUOTE,
  GREATER,
  HASH,
  LF,
  OPEN_CURLY,
  OPEN_SQUARE,
  PERCENT,
  PIPE,
  PLUS,
  QUESTION,
  SPACE,
  SQUOTE,
  STAR,
  TAB,
} = charCodes;

/** Thrown (one preallocated value) to leave the fast path from anywhere. */
/** YAML 1.2's one-character escapes in double-quoted scalars (after the backslash), and what they stand for. */
const SIMPLE_ESCAPES = new Map<number, string>([
  [48 /* 0 */, '\0'],
  [97 /* a */, '\x07'],
  [98 /* b */, '\b'],
  [116 /* t */, '\t'],
  [TAB, '\t'],
  [110 /* n */, '\n'],
  [118 /* v */, '\v'],
  [102 /* f */, '\f'],
  [114 /* r */, '\r'],
  [101 /* e */, '\x1b'],
  [SPACE, ' '],
  [DQUOTE, '"'],
  [47 /* / */, '/'],
  [BACKSLASH, '\\'],
  [78 /* N */, '\u0085'],
  [95 /* _ */, '\u00a0'],
  [76 /* L */, '\u2028'],
  [80 /* P */, '\u2029'],
]);

/** The escapes `\xXX`, `\uXXXX` and `\UXXXXXXXX`: how many hex digits follow each. */
const HEX_ESCAPE_DIGITS = new Map<number, number>([
  [120 /* x */, 2],
  [117 /* u */, 4],
  [85 /* U */, 8],
]);

const DECLINE = { declined: true };

/**
 * Deepest nesting of collections read (block and flow): deeper documents are
 * left to the package, after text-scan.ts's check (whose limit is twice this),
 * and a hostile text cannot exhaust the stack of this recursive reader.
 */
export const MAX_DEPTH = Math.floor(LIMITS.nestingDepth / 2) - 10;

/** Longest implicit key the package accepts (longer ones are an error there). */
const MAX_KEY = 1000;

type Tag = {
  default?: boolean | 'key';
  test?: RegExp;
  resolve: (value: string, onError: (msg: string) => void, options: object) => unknown;
  format?: string;
};

interface Core {
  readonly tags: readonly Tag[];
  readonly options: object;
}

let core: Core | undefined;

/** The core schema's scalar tags (null, bool, int, float), as the package resolves plain scalars. */
function coreSchema(): Core {
  if (!core) {
    const doc = new Document(undefined, { prettyErrors: false, uniqueKeys: false });
    core = { tags: (doc.schema as Schema).tags as unknown as Tag[], options: doc.options };
  }
  return core;
}

const onResolveError = () => {
  throw DECLINE;
};

/** Plain scalars starting with any other character are strings in the core schema. */
function mayBeNonString(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    c === DOT ||
    c === PLUS ||
    c === DASH ||
    c === 126 /* ~ */ ||
    c === 110 /* n */ ||
    c === 78 /* N */ ||
    c === 116 /* t */ ||
    c === 84 /* T */ ||
    c === 102 /* f */ ||
    c === 70 /* F */
  );
}

/**
 * Node construction. The package's constructors give each node its type with
 * `Object.defineProperty` (a third of this reader's time); nodes made here
 * inherit it from a prototype instead: the same classes (`instanceof`), the
 * same `isScalar`/`isMap`/`isSeq`/`isPair` answers, the same fields. Checked
 * once at load; if the package ever stores its type differently, the
 * constructors are used.
 */
function typedPrototype<T extends object>(cls: { prototype: T }, type: string, schema?: unknown): T {
  const proto = Object.create(cls.prototype) as T;
  Object.defineProperty(proto, NODE_TYPE, { value: Symbol.for(type) });
  if (schema) Object.defineProperty(proto, 'schema', { value: schema, configurable: true, writable: true });
  return proto;
}

interface Factories {
  document(): Document.Parsed;
  scalar(value: unknown): Scalar;
  map(): YAMLMap;
  seq(): YAMLSeq;
  pair(key: Node, value: Node): Pair;
}

let factories: Factories | undefined;

function nodes(): Factories {
  if (factories) return factories;
  const options = { prettyErrors: false, uniqueKeys: false };
  const template = new Document(undefined, options);
  const schema = template.schema;
  const docProto = typedPrototype(Document, 'yaml.document');
  const scalarProto = typedPrototype(Scalar, 'yaml.scalar');
  const mapProto = typedPrototype(YAMLMap, 'yaml.map', schema);
  const seqProto = typedPrototype(YAMLSeq, 'yaml.seq', schema);
  const pairProto = typedPrototype(Pair, 'yaml.pair');
  const fast: Factories = {
    // As the package's own Document.clone() makes one; the schema and options are shared (read only).
    document() {
      const d = Object.create(docProto) as Document.Parsed;
      d.commentBefore = null;
      d.comment = null;
      d.errors = [];
      d.warnings = [];
      d.options = template.options;
      d.directives = template.directives!.clone();
      d.schema = schema;
      d.contents = null;
      return d;
    },
    scalar(value) {
      const s = Object.create(scalarProto) as Scalar;
      s.value = value;
      return s;
    },
    map() {
      const m = Object.create(mapProto) as YAMLMap;
      m.items = [];
      return m;
    },
    seq() {
      const q = Object.create(seqProto) as YAMLSeq;
      q.items = [];
      return q;
    },
    pair(key, value) {
      const p = Object.create(pairProto) as Pair;
      p.key = key;
      p.value = value;
      return p;
    },
  };
  const works =
    isDocument(fast.document()) &&
    fast.document() instanceof Document &&
    fast.document().directives?.docStart === null &&
    isScalar(fast.scalar(1)) &&
    isMap(fast.map()) &&
    isSeq(fast.seq()) &&
    isPair(fast.pair(fast.scalar(1), fast.scalar(2))) &&
    fast.scalar(1) instanceof Scalar &&
    fast.map() instanceof YAMLMap &&
    fast.seq() instanceof YAMLSeq &&
    !isMap(fast.scalar(1)) &&
    !isScalar(fast.map());
  factories = works
    ? fast
    : {
        document: () => new Document(undefined, options) as Document.Parsed,
        scalar: (value) => new Scalar(value),
        map: () => new YAMLMap(schema),
        seq: () => new YAMLSeq(schema),
        pair: (key, value) => new Pair(key, value),
      };
  return factories;
}

function plainScalar(value: string, start: number, end: number, after: number): Scalar {
  let node: Scalar;
  if (mayBeNonString(value.charCodeAt(0))) {
    const { tags, options } = coreSchema();
    let tag: Tag | undefined;
    for (const t of tags) {
      if (t.default === true && t.test?.test(value)) {
        tag = t;
        break;
      }
    }
    if (tag) {
      const res = tag.resolve(value, onResolveError, options);
      node = res instanceof Scalar ? res : nodes().scalar(res);
      node.range = [start, end, after];
      node.source = value;
      node.type = 'PLAIN';
      if (tag.format) node.format = tag.format;
      return node;
    }
  }
  node = nodes().scalar(value);
  node.range = [start, end, after];
  node.source = value;
  node.type = 'PLAIN';
  return node;
}

function stringScalar(value: string, type: Scalar.Type, start: number, end: number, after: number): Scalar {
  const node = nodes().scalar(value);
  node.range = [start, end, after];
  node.source = value;
  node.type = type;
  return node;
}

function emptyScalar(at: number): Scalar {
  const node = nodes().scalar(null);
  node.range = [at, at, at];
  node.source = '';
  node.type = 'PLAIN';
  return node;
}

type Node = Scalar | YAMLMap | YAMLSeq | Alias;

/** What lies between a node and the next content: the comment lines crossed, and where the next content is. */
interface Gap {
  /** Column of the next content; -1 at a document marker or the end of the text (`pos` is there). */
  col: number;
  /** Indentation of each comment line crossed. */
  indents: number[];
  /** Offset after each comment line (past its line break). */
  ends: number[];
}

class FastReader {
  private pos = 0;
  /** Collections open around `pos`. */
  private depth = 0;
  /** Block collections open around `pos`, and the most of them in the current document. */
  private blockDepth = 0;
  private maxBlockDepth = 0;
  /**
   * At least what text-scan.ts's `tooDeepAt` counts in any document read: its
   * indentation levels (block nesting, one more for a line after a `---` or a
   * scalar on the line after its key, one more for compact `- - `) plus every
   * `[` and `{` (it may count brackets inside scalars).
   */
  nestingBound = 2; // an empty document's `---` line counts one
  private readonly len: number;
  /** The gap after the node just read; `pos` is at its next content. */
  private gap: Gap = { col: -1, indents: [], ends: [] };
  /** The last leaf read was an empty (null) node: the package keeps the line breaks after it out of every range. */
  private lastEmpty = false;
  /** The last leaf read was a block scalar. */
  private lastBlockScalar = false;

  /** `[` and `{` of the documents read, for `nestingBound`. */
  private readonly squares: ForwardCount;
  private readonly curlies: ForwardCount;

  constructor(private readonly text: string) {
    this.len = text.length;
    this.squares = new ForwardCount(text, '[');
    this.curlies = new ForwardCount(text, '{');
  }

  documents(): Document.Parsed[] {
    const text = this.text;
    const docs: Document.Parsed[] = [];
    if (text.charCodeAt(0) === 0xfeff) throw DECLINE;
    let gap = this.skipGap(0);
    let first = true;
    while (true) {
      if (gap.col === -1 && this.pos >= this.len) {
        // A file of comments (or nothing) has no document; nor have comments after the last one.
        if (!first && gap.indents.length > 0) throw DECLINE;
        break;
      }
      let start = this.pos;
      let docStart = false;
      if (gap.col === -1) {
        if (text.charCodeAt(this.pos) !== DASH) throw DECLINE; // `...`
        docStart = true;
        this.pos += 3;
        this.skipSpaces();
        const markerEnd = this.pos; // an empty document's null sits after the marker's spaces
        if (!(this.pos >= this.len || this.atLineEnd())) throw DECLINE; // content or a comment on the marker's line
        gap = this.skipGap(this.pos);
        if (gap.col === -1) {
          // An empty document: `---`, then only line breaks.
          if (gap.indents.length > 0) throw DECLINE;
          const doc = this.newDocument(true);
          doc.contents = emptyScalar(markerEnd) as never;
          doc.range = [start, markerEnd, markerEnd];
          docs.push(doc);
          first = false;
          continue;
        }
      } else {
        start = this.pos - gap.col; // the first content's line, with its indentation
        if (!first) throw DECLINE;
      }
      first = false;
      const doc = this.newDocument(docStart);
      this.lastEmpty = false;
      const c = text.charCodeAt(this.pos);
      if (!(c === DASH && this.isBlankOrEnd(this.pos + 1))) {
        // A root that is not a block collection (a scalar, a flow collection, an anchor): rare, left to the package.
        const k = this.pos;
        if (c === AMP || c === STAR || c === OPEN_CURLY || c === OPEN_SQUARE || c === PIPE || c === GREATER)
          throw DECLINE;
        this.readKey();
        this.pos = k;
      }
      this.blockDepth = 0;
      this.maxBlockDepth = 0;
      const root = this.readNode(-1, gap.col, false);
      gap = this.gap;
      this.nestingBound = Math.max(
        this.nestingBound,
        this.maxBlockDepth + 2 + this.squares.in(start, this.pos) + this.curlies.in(start, this.pos),
      );
      if (gap.col !== -1) throw DECLINE; // content left at a lower indentation than the root
      doc.contents = root as never;
      const contentEnd = root.range![2];
      doc.range = [start, contentEnd, this.lastEmpty ? contentEnd : this.pos];
      if (this.lastEmpty && gap.indents.length > 0) throw DECLINE;
      docs.push(doc);
    }
    return docs;
  }

  private newDocument(docStart: boolean): Document.Parsed {
    const doc = nodes().document();
    if (docStart) doc.directives.docStart = true;
    return doc;
  }

  private skipSpaces(): void {
    const text = this.text;
    while (this.pos < this.len) {
      const c = text.charCodeAt(this.pos);
      if (c === SPACE) this.pos++;
      else if (c === TAB) throw DECLINE;
      else break;
    }
  }

  /** At a line break (LF or CRLF). A lone CR declines. */
  private atLineEnd(): boolean {
    const c = this.text.charCodeAt(this.pos);
    if (c === LF) return true;
    if (c === CR) {
      if (this.text.charCodeAt(this.pos + 1) === LF) return true;
      throw DECLINE;
    }
    return false;
  }

  private skipBreak(): void {
    this.pos += this.text.charCodeAt(this.pos) === CR ? 2 : 1;
  }

  private isBlankOrEnd(i: number): boolean {
    if (i >= this.len) return true;
    const c = this.text.charCodeAt(i);
    return c === SPACE || c === LF || c === CR || c === TAB;
  }

  private isSeqStart(): boolean {
    return this.text.charCodeAt(this.pos) === DASH && this.isBlankOrEnd(this.pos + 1);
  }

  /**
   * From `from` (at a line break, a line start or the end), skips blank and
   * comment lines up to the next content, a document marker or the end.
   */
  private skipGap(from: number): Gap {
    const text = this.text;
    const gap: Gap = { col: -1, indents: [], ends: [] };
    this.pos = from;
    if (this.pos < this.len && this.atLineEnd()) this.skipBreak();
    while (this.pos < this.len) {
      const lineStart = this.pos;
      let c = text.charCodeAt(this.pos);
      if ((c === DASH || c === DOT) && text.charCodeAt(this.pos + 1) === c && text.charCodeAt(this.pos + 2) === c) {
        if (this.isBlankOrEnd(this.pos + 3)) return gap;
      } else if (c === PERCENT) throw DECLINE; // a directive (or an error)
      this.skipSpaces();
      if (this.pos >= this.len) break;
      c = text.charCodeAt(this.pos);
      if (c === HASH) {
        gap.indents.push(this.pos - lineStart);
        while (this.pos < this.len && !this.atLineEnd()) this.pos++;
        if (this.pos < this.len) this.skipBreak();
        gap.ends.push(this.pos);
        continue;
      }
      if (this.atLineEnd()) {
        this.skipBreak();
        continue;
      }
      gap.col = this.pos - lineStart;
      return gap;
    }
    return gap;
  }

  /**
   * The node at `pos` (column `col`), an item of the block collection at
   * column `parent` (-1 at the root). `sameLine`: after `key: ` on its line,
   * where only a scalar, alias, flow collection or block scalar may start.
   * Returns with `gap` set and `pos` at the next content.
   */
  private readNode(parent: number, col: number, sameLine: boolean): Node {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === DASH && this.isBlankOrEnd(this.pos + 1)) {
      if (sameLine) throw DECLINE; // `key: - a`
      return this.blockSeq(col);
    }
    let anchor: string | undefined;
    if (c === AMP) {
      if (parent < 0) throw DECLINE;
      anchor = this.anchorName();
      this.skipSpaces();
      if (this.pos >= this.len || this.atLineEnd() || text.charCodeAt(this.pos) === HASH) {
        // The anchor names the block collection on the next lines.
        if (text.charCodeAt(this.pos) === HASH) throw DECLINE;
        const gap = this.skipGap(this.pos);
        if (gap.indents.length > 0 || text.charCodeAt(this.pos) === AMP) throw DECLINE; // a second anchor is an error
        let node: Node;
        if (gap.col > parent) node = this.readNode(parent, gap.col, false);
        else if (gap.col === parent && sameLine && this.isSeqStart()) node = this.blockSeq(parent);
        else throw DECLINE;
        if (!(node instanceof YAMLMap || node instanceof YAMLSeq)) throw DECLINE;
        node.anchor = anchor;
        return node;
      }
      const n = text.charCodeAt(this.pos);
      if (n === AMP || n === STAR || n === DASH || n === QUESTION || n === COLON) throw DECLINE;
    }
    const node = this.inlineValue(parent, true);
    if (!this.lastBlockScalar && this.atKeyColon()) {
      if (sameLine || anchor !== undefined || !(node instanceof Scalar)) throw DECLINE;
      if (node.type !== 'PLAIN' && node.type !== 'QUOTE_DOUBLE' && node.type !== 'QUOTE_SINGLE') throw DECLINE;
      return this.blockMap(col, node);
    }
    if (anchor !== undefined) node.anchor = anchor;
    this.endLeaf(node, parent);
    return node;
  }

  /** `&name` or `*name` at `pos`: returns the name; `pos` after it. */
  private anchorName(): string {
    const text = this.text;
    const start = ++this.pos;
    while (this.pos < this.len) {
      const c = text.charCodeAt(this.pos);
      if (
        c === SPACE ||
        c === LF ||
        c === CR ||
        c === TAB ||
        c === COMMA ||
        c === OPEN_SQUARE ||
        c === CLOSE_SQUARE ||
        c === OPEN_CURLY ||
        c === CLOSE_CURLY
      )
        break;
      this.pos++;
    }
    if (this.pos === start) throw DECLINE;
    const name = text.slice(start, this.pos);
    if (name.charCodeAt(name.length - 1) === COLON) throw DECLINE; // the package warns
    return name;
  }

  /** At `: ` (or `:` before a line end or the end). */
  private atKeyColon(): boolean {
    return this.text.charCodeAt(this.pos) === COLON && this.isBlankOrEnd(this.pos + 1);
  }

  /** A key of a block map on a later line: a plain or quoted scalar followed by `: `. */
  private readKey(): Scalar {
    const c = this.text.charCodeAt(this.pos);
    let key: Scalar;
    if (c === DQUOTE) key = this.doubleQuoted();
    else if (c === SQUOTE) key = this.singleQuoted();
    else if (this.plainStarts(c, this.pos)) key = this.plainBlock();
    else throw DECLINE;
    if (!this.atKeyColon()) throw DECLINE;
    if (key.range![1] - key.range![0] > MAX_KEY) throw DECLINE;
    return key;
  }

  private plainStarts(c: number, at: number): boolean {
    switch (c) {
      case HASH:
      case AMP:
      case STAR:
      case BANG:
      case PERCENT:
      case AT:
      case BACKTICK:
      case COMMA:
      case OPEN_SQUARE:
      case OPEN_CURLY:
      case CLOSE_SQUARE:
      case CLOSE_CURLY:
      case PIPE:
      case GREATER:
      case DQUOTE:
      case SQUOTE:
        return false;
      case DASH:
      case QUESTION:
      case COLON:
        return !this.isBlankOrEnd(at + 1);
      default:
        return !(c === SPACE || c === TAB || c === LF || c === CR || Number.isNaN(c));
    }
  }

  /**
   * A scalar, alias or flow collection on the current line (`pos` right after
   * it), or in block context a block scalar (`pos` at the line after it).
   */
  private inlineValue(parent: number, block: boolean): Node {
    const text = this.text;
    const start = this.pos;
    const c = text.charCodeAt(start);
    this.lastBlockScalar = false;
    switch (c) {
      case DQUOTE:
        return this.doubleQuoted();
      case SQUOTE:
        return this.singleQuoted();
      case OPEN_SQUARE:
      case OPEN_CURLY:
        return this.flowCollection();
      case STAR: {
        const alias = new Alias(this.anchorName());
        alias.range = [start, this.pos, this.pos];
        return alias;
      }
      case PIPE:
      case GREATER:
        if (!block) throw DECLINE;
        return this.blockScalar(parent);
    }
    if (!this.plainStarts(c, start)) throw DECLINE;
    if (!block && (c === DASH || c === QUESTION || c === COLON)) {
      // In a flow collection, `-,` or `?]` is an indicator too.
      const n = text.charCodeAt(start + 1);
      if (n === COMMA || n === OPEN_SQUARE || n === CLOSE_SQUARE || n === OPEN_CURLY || n === CLOSE_CURLY)
        throw DECLINE;
    }
    return block ? this.plainBlock() : this.plainFlow();
  }

  /** A plain scalar in block context, on one line (a longer one declines later: its next line is indented too far). */
  private plainBlock(): Scalar {
    const text = this.text;
    const start = this.pos;
    let end = start;
    let i = start;
    while (i < this.len) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) break;
      if (c === COLON) {
        if (this.isBlankOrEnd(i + 1)) break;
      } else if (c === HASH) {
        if (text.charCodeAt(i - 1) === SPACE) break;
      } else if (c === TAB) throw DECLINE;
      i++;
      if (c !== SPACE) end = i;
    }
    this.pos = end;
    return plainScalar(text.slice(start, end), start, end, end);
  }

  /** A plain scalar inside a flow collection. */
  private plainFlow(): Scalar {
    const text = this.text;
    const start = this.pos;
    let end = start;
    let i = start;
    while (i < this.len) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR || c === COMMA || c === CLOSE_SQUARE || c === CLOSE_CURLY) break;
      if (c === OPEN_SQUARE || c === OPEN_CURLY || c === TAB || c === HASH) throw DECLINE;
      if (c === COLON) {
        if (this.isBlankOrEnd(i + 1)) break;
        throw DECLINE;
      }
      i++;
      if (c !== SPACE) end = i;
    }
    this.pos = end;
    return plainScalar(text.slice(start, end), start, end, end);
  }

  private doubleQuoted(): Scalar {
    const text = this.text;
    const start = this.pos;
    let i = start + 1;
    let value = '';
    let from = i;
    while (true) {
      if (i >= this.len) throw DECLINE;
      const c = text.charCodeAt(i);
      if (c === DQUOTE) break;
      if (c === LF || c === CR) throw DECLINE; // multi-line: folding, left to the package
      if (c === BACKSLASH) {
        value += text.slice(from, i);
        const e = text.charCodeAt(i + 1);
        const simple = SIMPLE_ESCAPES.get(e);
        const hexDigits = simple === undefined ? HEX_ESCAPE_DIGITS.get(e) : undefined;
        if (simple !== undefined) value += simple;
        else if (hexDigits !== undefined) value += this.hexChar(i + 2, hexDigits);
        else throw DECLINE;
        i += 2 + (hexDigits ?? 0);
        from = i;
        continue;
      }
      i++;
    }
    value += text.slice(from, i);
    this.pos = i + 1;
    return stringScalar(value, 'QUOTE_DOUBLE', start, this.pos, this.pos);
  }

  private hexChar(at: number, digits: number): string {
    const hex = this.text.slice(at, at + digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) throw DECLINE;
    const code = Number.parseInt(hex, 16);
    // Lone surrogates and code points past Unicode: left to the package.
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw DECLINE;
    return String.fromCodePoint(code);
  }

  private singleQuoted(): Scalar {
    const text = this.text;
    const start = this.pos;
    let i = start + 1;
    let value = '';
    let from = i;
    while (true) {
      if (i >= this.len) throw DECLINE;
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) throw DECLINE;
      if (c === SQUOTE) {
        if (text.charCodeAt(i + 1) === SQUOTE) {
          value += text.slice(from, i + 1);
          i += 2;
          from = i;
          continue;
        }
        break;
      }
      i++;
    }
    value += text.slice(from, i);
    this.pos = i + 1;
    return stringScalar(value, 'QUOTE_SINGLE', start, this.pos, this.pos);
  }

  /** A flow collection on one line: `[a, b]`, `{k: v}`, nested. */
  private flowCollection(): YAMLMap | YAMLSeq {
    if (++this.depth > MAX_DEPTH) throw DECLINE;
    const text = this.text;
    const start = this.pos;
    const isMap = text.charCodeAt(start) === OPEN_CURLY;
    const close = isMap ? CLOSE_CURLY : CLOSE_SQUARE;
    const coll = isMap ? nodes().map() : nodes().seq();
    coll.flow = true;
    this.pos++;
    this.skipSpaces();
    if (text.charCodeAt(this.pos) === close) {
      this.pos++;
      coll.range = [start, this.pos, this.pos];
      this.depth--;
      return coll;
    }
    while (true) {
      if (this.pos >= this.len || this.atLineEnd()) throw DECLINE;
      const item = this.inlineValue(0, false);
      if (isMap) {
        if (!(item instanceof Scalar) || !this.atKeyColon() || text.charCodeAt(this.pos + 1) !== SPACE) throw DECLINE;
        this.pos += 2;
        this.skipSpaces();
        const v = text.charCodeAt(this.pos);
        if (v === COMMA || v === close || v === HASH || this.pos >= this.len || this.atLineEnd()) throw DECLINE;
        const value = this.inlineValue(0, false);
        this.flowItemEnd(value);
        (coll as YAMLMap).items.push(nodes().pair(item, value));
      } else {
        if (this.atKeyColon()) throw DECLINE; // a pair in a sequence
        this.flowItemEnd(item);
        (coll as YAMLSeq).items.push(item);
      }
      const c = text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        this.skipSpaces();
        const n = text.charCodeAt(this.pos);
        if (n === close || n === COMMA) throw DECLINE; // a trailing or doubled comma
        continue;
      }
      if (c === close) {
        this.pos++;
        coll.range = [start, this.pos, this.pos];
        this.depth--;
        return coll;
      }
      throw DECLINE;
    }
  }

  /** Spaces after a flow item belong to its range. */
  private flowItemEnd(node: Node): void {
    this.skipSpaces();
    node.range![2] = this.pos;
  }

  /**
   * A block scalar (`|`, `>`, with `-` or `+`) whose header is at `pos`, the
   * value of an item of the collection at column `parent`. Leaves `pos` at
   * the line after its last content line (or its last kept empty line).
   */
  private blockScalar(parent: number): Scalar {
    const text = this.text;
    const start = this.pos;
    const folded = text.charCodeAt(start) === GREATER;
    this.pos++;
    let chomp: 'clip' | 'strip' | 'keep' = 'clip';
    const ind = text.charCodeAt(this.pos);
    if (ind === DASH) {
      chomp = 'strip';
      this.pos++;
    } else if (ind === PLUS) {
      chomp = 'keep';
      this.pos++;
    }
    this.skipSpaces();
    // An indentation indicator, a comment after the header, anything else: left to the package.
    if (!(this.pos >= this.len || this.atLineEnd())) throw DECLINE;
    if (this.pos < this.len) this.skipBreak();
    const lines: string[] = [];
    let indent = -1;
    let lastContentEnd = this.pos;
    let trailingBreaks = 0;
    let endAll = this.pos;
    while (this.pos < this.len) {
      const lineStart = this.pos;
      let i = lineStart;
      while (i < this.len && text.charCodeAt(i) === SPACE) i++;
      const c = i < this.len ? text.charCodeAt(i) : LF;
      if (c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) {
        if (indent < 0) throw DECLINE; // leading empty lines
        if (i - lineStart > indent) throw DECLINE; // spaces as content
        this.pos = i;
        this.skipBreak();
        trailingBreaks++;
        endAll = this.pos;
        continue;
      }
      const lineIndent = i - lineStart;
      if (indent < 0) {
        if (lineIndent <= parent || lineIndent === 0) throw DECLINE; // an empty block scalar
        indent = lineIndent;
      }
      if (lineIndent < indent) {
        if (c === TAB || c === CR) throw DECLINE;
        break;
      }
      let e = i;
      while (e < this.len && text.charCodeAt(e) !== LF) e++;
      let contentEnd = e;
      if (text.charCodeAt(contentEnd - 1) === CR) contentEnd--;
      if (text.charCodeAt(e - 1) === CR && e >= this.len) throw DECLINE;
      for (let k = 0; k < trailingBreaks; k++) lines.push('');
      trailingBreaks = 0;
      const line = text.slice(lineStart + indent, contentEnd);
      const first = line.charCodeAt(0);
      if (folded && (first === SPACE || first === TAB)) throw DECLINE; // more-indented lines of a folded scalar
      if (line.indexOf('\r') >= 0) throw DECLINE;
      lines.push(line);
      this.pos = e < this.len ? e + 1 : e;
      lastContentEnd = this.pos;
      endAll = this.pos;
    }
    if (indent < 0) throw DECLINE;
    let value: string;
    if (folded) {
      value = '';
      let breaks = 0;
      for (let k = 0; k < lines.length; k++) {
        const line = lines[k];
        if (line === '') {
          breaks++;
          continue;
        }
        if (k > 0) value += breaks > 0 ? '\n'.repeat(breaks) : ' ';
        breaks = 0;
        value += line;
      }
    } else value = lines.join('\n');
    if (chomp === 'clip') value += '\n';
    else if (chomp === 'keep') value += '\n'.repeat(1 + trailingBreaks);
    const end = chomp === 'keep' ? endAll : lastContentEnd;
    this.pos = end;
    this.lastBlockScalar = true;
    return stringScalar(value, folded ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL', start, end, end);
  }

  /**
   * After a leaf (scalar, alias, flow collection) of the collection at column
   * `parent`: the rest of its line (spaces, a comment, the line break: the
   * package's range takes them), then the gap to the next content. Comment
   * lines indented deeper than the collection, before the first that is not,
   * join the leaf's range too (the package appends them to the leaf's end).
   */
  private endLeaf(node: Node, parent: number): void {
    this.lastEmpty = false;
    if (this.lastBlockScalar) {
      const gap = this.skipGap(this.pos);
      if (gap.indents.length > 0) throw DECLINE;
      this.gap = gap;
      return;
    }
    const text = this.text;
    this.skipSpaces();
    if (text.charCodeAt(this.pos) === HASH) {
      if (text.charCodeAt(this.pos - 1) !== SPACE) throw DECLINE;
      while (this.pos < this.len && !this.atLineEnd()) this.pos++;
    } else if (!(this.pos >= this.len || this.atLineEnd())) throw DECLINE;
    let after = this.pos;
    if (after < this.len) after += text.charCodeAt(after) === CR ? 2 : 1;
    node.range![2] = after;
    const gap = this.skipGap(after);
    if (gap.indents.length > 0) {
      if (parent < 0) throw DECLINE;
      let k = 0;
      while (k < gap.indents.length && gap.indents[k] > parent) k++;
      if (k > 0) {
        node.range![2] = gap.ends[k - 1];
        gap.indents = gap.indents.slice(k);
        gap.ends = gap.ends.slice(k);
      }
    }
    this.gap = gap;
  }

  /** An empty (null) value at `at`, followed by `gap` (which must hold no comment: the package would extend its range). */
  private emptyValue(at: number, gap: Gap, hadComment: boolean): Scalar {
    if (hadComment || gap.indents.length > 0) throw DECLINE;
    this.lastEmpty = true;
    this.lastBlockScalar = false;
    this.gap = gap;
    return emptyScalar(at);
  }

  /**
   * Ends a block collection at column `col` whose last item ends at `end`,
   * followed by `gap` (next content at a lower column, a marker or the end).
   * The package keeps the trailing comment lines in the collection's range
   * when one of them is indented at least as much as the collection (not at
   * column 0); otherwise they pass to the parent.
   */
  private close(coll: YAMLMap | YAMLSeq, start: number, col: number, end: number): void {
    const gap = this.gap;
    let rangeEnd = end;
    if (gap.indents.length > 0 && col > 0 && gap.indents.some((ind) => ind >= col)) {
      rangeEnd = this.pos;
      gap.indents = [];
      gap.ends = [];
    }
    coll.range = [start, end, rangeEnd];
  }

  /** A block map at column `col` whose first key has been read (`pos` at its `:`). */
  private blockMap(col: number, firstKey: Scalar): YAMLMap {
    if (++this.depth > MAX_DEPTH) throw DECLINE;
    if (++this.blockDepth > this.maxBlockDepth) this.maxBlockDepth = this.blockDepth;
    const text = this.text;
    const map = nodes().map();
    const start = firstKey.range![0];
    if (firstKey.range![1] - start > MAX_KEY) throw DECLINE;
    let key = firstKey;
    while (true) {
      this.pos++; // the `:`
      this.skipSpaces();
      let value: Node;
      const c = text.charCodeAt(this.pos);
      if (this.pos >= this.len || this.atLineEnd() || c === HASH) {
        // The value is on the next lines, or empty.
        const valuePos = this.pos;
        const gap = this.skipGap(this.pos);
        if (gap.col > col) value = this.readNode(col, gap.col, false);
        else if (gap.col === col && this.isSeqStart()) value = this.blockSeq(col);
        else value = this.emptyValue(valuePos, gap, c === HASH);
      } else value = this.readNode(col, this.pos - this.lineStart(), true);
      map.items.push(nodes().pair(key, value));
      const end = value.range![2];
      const gap = this.gap;
      if (gap.col === col && !this.isSeqStart()) {
        key = this.readKey();
        continue;
      }
      if (gap.col >= col) throw DECLINE;
      this.close(map, start, col, end);
      this.depth--;
      this.blockDepth--;
      return map;
    }
  }

  /** A block sequence at column `col` (`pos` at its first `-`). */
  private blockSeq(col: number): YAMLSeq {
    if (++this.depth > MAX_DEPTH) throw DECLINE;
    if (++this.blockDepth > this.maxBlockDepth) this.maxBlockDepth = this.blockDepth;
    const text = this.text;
    const seq = nodes().seq();
    const start = this.pos;
    // Comment lines before an item's `-` are among its value's properties: before an empty item, the package extends its range.
    let commentsBefore = false;
    while (true) {
      this.pos++; // the `-`
      this.skipSpaces();
      const itemPos = this.pos;
      const c = text.charCodeAt(this.pos);
      let value: Node;
      if (this.pos >= this.len || this.atLineEnd() || c === HASH) {
        const gap = this.skipGap(this.pos);
        if (gap.col > col) value = this.readNode(col, gap.col, false);
        else value = this.emptyValue(itemPos, gap, c === HASH || commentsBefore);
      } else value = this.readNode(col, this.pos - this.lineStart(), false);
      seq.items.push(value);
      const end = value.range![2];
      const gap = this.gap;
      if (gap.col === col && this.isSeqStart()) {
        commentsBefore = gap.indents.length > 0;
        continue;
      }
      if (gap.col > col) throw DECLINE;
      this.close(seq, start, col, end);
      this.depth--;
      this.blockDepth--;
      return seq;
    }
  }

  private lineStart(): number {
    const text = this.text;
    let i = this.pos;
    while (i > 0 && text.charCodeAt(i - 1) !== LF) i--;
    return i;
  }
}

/**
 * Counts one character in ranges that move forward through one text (the documents of a file, in
 * order). Each search resumes where the last one stopped: searching from each document's start
 * to the next occurrence anywhere in the text made a file without brackets quadratic (100,000
 * block-style Pods: 28 s instead of 3).
 */
class ForwardCount {
  /** The first occurrence at or after `searchedTo` (-1: none). */
  private next: number;
  private searchedTo = 0;

  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {
    this.next = text.indexOf(char);
  }

  /** Occurrences in text[from, to). */
  in(from: number, to: number): number {
    const text = this.text;
    let i =
      from >= this.searchedTo && (this.next === -1 || this.next >= from) ? this.next : text.indexOf(this.char, from);
    let n = 0;
    while (i !== -1 && i < to) {
      n++;
      i = text.indexOf(this.char, i + 1);
    }
    this.searchedTo = Math.max(from, to);
    this.next = i;
    return n;
  }
}

export interface FastRead {
  readonly documents: Document.Parsed[];
  /** At least the nesting text-scan.ts's `tooDeepAt` would count in any of the documents. */
  readonly nestingBound: number;
}

/**
 * The documents of `text` as `parseAllDocuments(text, { prettyErrors: false,
 * uniqueKeys: false })` returns them, or undefined when the text is outside the
 * fast reader's subset (then parse it with the package).
 */
export function fastRead(text: string): FastRead | undefined {
  try {
    const reader = new FastReader(text);
    const documents = reader.documents();
    return { documents, nestingBound: reader.nestingBound };
  } catch (e) {
    // Declined, or out of stack on a hostile text: the package's path (with the nesting check first) takes it.
    if (e === DECLINE || e instanceof RangeError) return undefined;
    throw e;
  }
}

export function fastParseAllDocuments(text: string): Document.Parsed[] | undefined {
  return fastRead(text)?.documents;
}
