/**
 * One pass over a parsed document, in document order: every alias mapped to
 * its anchor's node (the `yaml` package's `Alias.resolve` walks the whole
 * document for each alias, so 20,000 aliases took a minute), duplicate keys
 * found with a set (the package's own `uniqueKeys` check is quadratic), and the
 * limits on alias expansion, keys per map and nesting depth (common/limits.ts)
 * checked. The walk keeps its own stack: it never recurses.
 */
import type { Alias, Document, Node, Pair } from 'yaml';
import { LIMITS, limitText } from '../common/limits';
import type { FindingSink } from '../common/finding-sink';
import { type SourceFile, span } from '../common/source';
import { isAlias, isMap, isScalar, isSeq } from './node-types';
import { memoized } from '../common/memo';

/** Each alias of a document -> the node its anchor names (null when no anchor precedes it). */
export type AliasTable = ReadonlyMap<Alias, Node | null>;

const tables = new WeakMap<Document, AliasTable>();

/** The alias table of a document checked by `checkDocument`, or a fresh one (documents parsed elsewhere). */
export function aliasTable(doc: Document): AliasTable {
  return memoized(tables, doc, () => walk(doc).aliases);
}

interface Problem {
  readonly kind:
    | 'duplicate-key'
    | 'alias-cycle'
    | 'unknown-alias'
    | 'aliasExpandedNodes'
    | 'keysPerMap'
    | 'nestingDepth';
  readonly node: Node;
  readonly detail?: string;
}

interface WalkResult {
  readonly aliases: AliasTable;
  readonly problems: readonly Problem[];
}

/**
 * Checks a document, reporting into `sink`. Returns false when it must not be
 * read (a limit is exceeded, keys repeat, an alias loops): the reader would
 * otherwise expand the bomb or pick one of two values silently.
 */
export function checkDocument(file: SourceFile, doc: Document, sink: FindingSink): boolean {
  const { aliases, problems } = walk(doc);
  tables.set(doc, aliases);
  const at = (node: Node) => {
    const [s, e] = node.range ?? [0, 0];
    return span(file, s, Math.max(e, s));
  };
  for (const p of problems) {
    switch (p.kind) {
      case 'duplicate-key':
        sink.report('yaml-syntax', 'error', `YAML: Map keys must be unique; \`${p.detail}\` is repeated.`, at(p.node));
        break;
      case 'alias-cycle':
        sink.report(
          'yaml-syntax',
          'error',
          `YAML: the alias *${p.detail} refers to a node that contains it, so its value would be infinite.`,
          at(p.node),
        );
        break;
      case 'unknown-alias':
        sink.report('yaml-syntax', 'error', `YAML: no anchor &${p.detail} before this alias.`, at(p.node));
        break;
      case 'aliasExpandedNodes':
        sink.report(
          'limit-exceeded',
          'warning',
          `The aliases of this document expand to more than ${limitText('aliasExpandedNodes')} nodes (from this alias on), so it is not analysed; an alias bomb would freeze the editor.`,
          at(p.node),
        );
        break;
      case 'keysPerMap':
        sink.report(
          'limit-exceeded',
          'warning',
          `This map has more than ${limitText('keysPerMap')} keys (this is the first one over), so the document is not analysed.`,
          at(p.node),
        );
        break;
      case 'nestingDepth':
        sink.report(
          'limit-exceeded',
          'warning',
          `This document nests deeper than ${limitText('nestingDepth')} levels here, so it is not analysed.`,
          at(p.node),
        );
        break;
    }
  }
  return problems.length === 0;
}

/** Reports at most this many duplicate keys per document. */
const MAX_DUPLICATE_FINDINGS = 5;

/**
 * Most documents have no alias: they are checked without the expanded sizes
 * (a map entry per node), and only a document with an alias is walked again
 * with them. Both walks report the same problems in the same order.
 */
function walk(doc: Document): WalkResult {
  return walkWithoutAliases(doc) ?? walkWithSizes(doc);
}

/** Maps with at most this many keys are checked for duplicates pairwise, without building a set. */
const SMALL_MAP = 12;

const sameKey = (a: unknown, b: unknown) => typeof a === typeof b && (a === b || String(a) === String(b));

/** The walk of a document without aliases, or undefined at its first alias. */
function walkWithoutAliases(doc: Document): WalkResult | undefined {
  const problems: Problem[] = [];
  let duplicates = 0;
  const { nestingDepth, keysPerMap } = LIMITS;
  const nodes: Node[] = [];
  const depths: number[] = [];
  const root = doc.contents as Node | null;
  if (root) {
    nodes.push(root);
    depths.push(1);
  }
  while (nodes.length) {
    const node = nodes.pop()!;
    const depth = depths.pop()!;
    if (isAlias(node)) return undefined;
    if (depth > nestingDepth) {
      problems.push({ kind: 'nestingDepth', node });
      break;
    }
    if (isMap(node)) {
      const items = node.items as Pair<unknown, unknown>[];
      if (items.length > keysPerMap) {
        const key = items[keysPerMap].key;
        problems.push({ kind: 'keysPerMap', node: (key as Node | null) ?? node });
        break;
      }
      const seen = items.length > SMALL_MAP ? new Set<string>() : undefined;
      for (let i = 0; i < items.length; i++) {
        const key = items[i].key as Node | null;
        if (!key) continue;
        if (isAlias(key)) return undefined;
        if (!isScalar(key)) continue;
        const v = key.value;
        let repeated = false;
        if (seen) {
          const id = `${typeof v}:${String(v)}`;
          repeated = seen.has(id);
          if (!repeated) seen.add(id);
        } else {
          for (let j = 0; j < i && !repeated; j++) {
            const other = items[j].key as Node | null;
            repeated = !!other && isScalar(other) && sameKey(other.value, v);
          }
        }
        if (repeated && duplicates++ < MAX_DUPLICATE_FINDINGS)
          problems.push({ kind: 'duplicate-key', node: key, detail: String(v) });
      }
      // Children in document order: the last pushed is visited first.
      for (let i = items.length - 1; i >= 0; i--) {
        const value = items[i].value as Node | null;
        if (value) {
          nodes.push(value);
          depths.push(depth + 1);
        }
        const key = items[i].key as Node | null;
        if (key) {
          nodes.push(key);
          depths.push(depth + 1);
        }
      }
    } else if (isSeq(node)) {
      const items = node.items as (Node | null)[];
      for (let i = items.length - 1; i >= 0; i--) {
        const item = items[i];
        if (item) {
          nodes.push(item);
          depths.push(depth + 1);
        }
      }
    }
  }
  return { aliases: new Map(), problems };
}

function walkWithSizes(doc: Document): WalkResult {
  const aliases = new Map<Alias, Node | null>();
  const problems: Problem[] = [];
  const anchors = new Map<string, Node>();
  /** Expanded size of each finished node (aliases count as their target's size). */
  const size = new Map<Node, number>();
  let aliasNodes = 0;
  let duplicates = 0;
  let stop = false;

  // Pre-order entries (node, depth) and post-order markers ({done: node}).
  type Frame = { node: Node; depth: number } | { done: Node; children: readonly (Node | null)[] };
  const stack: Frame[] = [];
  const root = doc.contents as Node | null;
  if (root) stack.push({ node: root, depth: 1 });
  while (stack.length && !stop) {
    const frame = stack.pop()!;
    if ('done' in frame) {
      let total = 1;
      for (const c of frame.children) if (c) total += isAlias(c) ? sizeOfAlias(c) : (size.get(c) ?? 1);
      size.set(frame.done, total);
      continue;
    }
    const { node, depth } = frame;
    if (isAlias(node)) {
      const target = anchors.get(node.source) ?? null;
      aliases.set(node, target);
      if (!target) {
        problems.push({ kind: 'unknown-alias', node, detail: node.source });
        continue;
      }
      if (!size.has(target)) {
        problems.push({ kind: 'alias-cycle', node, detail: node.source });
        continue;
      }
      aliasNodes += size.get(target)!;
      if (aliasNodes > LIMITS.aliasExpandedNodes) {
        problems.push({ kind: 'aliasExpandedNodes', node });
        stop = true;
      }
      continue;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (depth > LIMITS.nestingDepth) {
      problems.push({ kind: 'nestingDepth', node });
      stop = true;
      continue;
    }
    const children: (Node | null)[] = [];
    if (isMap(node)) {
      const items = node.items as Pair<unknown, unknown>[];
      if (items.length > LIMITS.keysPerMap) {
        const key = items[LIMITS.keysPerMap].key;
        problems.push({ kind: 'keysPerMap', node: (key as Node | null) ?? node });
        stop = true;
        continue;
      }
      const seen = new Set<string>();
      for (const pair of items) {
        const key = pair.key as Node | null;
        const resolved = key && isAlias(key) ? anchors.get(key.source) : key;
        if (resolved && isScalar(resolved)) {
          const id = `${typeof resolved.value}:${String(resolved.value)}`;
          if (seen.has(id)) {
            if (duplicates++ < MAX_DUPLICATE_FINDINGS)
              problems.push({ kind: 'duplicate-key', node: key as Node, detail: String(resolved.value) });
          } else seen.add(id);
        }
        children.push(key, (pair.value as Node | null) ?? null);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) children.push((item as Node | null) ?? null);
    }
    stack.push({ done: node, children });
    // Children in document order: the last pushed is visited first.
    for (let k = children.length - 1; k >= 0; k--) {
      const c = children[k];
      if (c) stack.push({ node: c, depth: depth + 1 });
    }
  }
  return { aliases, problems };

  function sizeOfAlias(a: Alias): number {
    const t = aliases.get(a);
    return t ? (size.get(t) ?? 1) : 1;
  }
}
