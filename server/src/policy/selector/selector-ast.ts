/**
 * Calico selector expressions: the tree, its meaning over a label set and its
 * canonical text, as Calico defines them (libcalico-go/lib/selector/parser/ast.go).
 * An absent label fails ==, in, contains, starts with, ends with and has();
 * it satisfies != and not in. `all()` and `global()` match every label set
 * (global() only means something as a namespaceSelector, where the policy
 * compiler rewrites it).
 */
import type { Labels } from '../../model/kubernetes';

export type ValueOp = 'eq' | 'ne' | 'contains' | 'startsWith' | 'endsWith';

export type SelectorNode =
  | { readonly kind: 'all' }
  | { readonly kind: 'global' }
  | { readonly kind: 'has'; readonly label: string }
  | { readonly kind: ValueOp; readonly label: string; readonly value: string }
  | { readonly kind: 'in' | 'notIn'; readonly label: string; readonly values: readonly string[] }
  | { readonly kind: 'not'; readonly operand: SelectorNode }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly SelectorNode[] };

export const ALL: SelectorNode = { kind: 'all' };

const has = (labels: Labels, k: string) => Object.hasOwn(labels, k);

export function evaluate(n: SelectorNode, labels: Labels): boolean {
  switch (n.kind) {
    case 'all':
    case 'global':
      return true;
    case 'has':
      return has(labels, n.label);
    case 'eq':
      return has(labels, n.label) && labels[n.label] === n.value;
    case 'ne':
      return !has(labels, n.label) || labels[n.label] !== n.value;
    case 'contains':
      return has(labels, n.label) && labels[n.label].includes(n.value);
    case 'startsWith':
      return has(labels, n.label) && labels[n.label].startsWith(n.value);
    case 'endsWith':
      return has(labels, n.label) && labels[n.label].endsWith(n.value);
    case 'in':
      return has(labels, n.label) && n.values.includes(labels[n.label]);
    case 'notIn':
      return !has(labels, n.label) || !n.values.includes(labels[n.label]);
    case 'not':
      return !evaluate(n.operand, labels);
    case 'and':
      return n.operands.every((o) => evaluate(o, labels));
    case 'or':
      return n.operands.some((o) => evaluate(o, labels));
  }
}

const OP_TEXT: Record<ValueOp, string> = {
  eq: ' == ',
  ne: ' != ',
  contains: ' contains ',
  startsWith: ' starts with ',
  endsWith: ' ends with ',
};

/** Calico quotes with " unless the value contains one (literals cannot hold both quote kinds). */
function quote(s: string): string {
  return s.includes('"') ? `'${s}'` : `"${s}"`;
}

/** Calico's canonical form: `a == "b"`, `(x && y)`, `!has(k)`, `k in {"a", "b"}` (sets sorted, without duplicates). */
export function print(n: SelectorNode): string {
  switch (n.kind) {
    case 'all':
      return 'all()';
    case 'global':
      return 'global()';
    case 'has':
      return `has(${n.label})`;
    case 'in':
    case 'notIn':
      return `${n.label} ${n.kind === 'in' ? 'in' : 'not in'} {${n.values.map(quote).join(', ')}}`;
    case 'not':
      return `!${print(n.operand)}`;
    case 'and':
    case 'or':
      return `(${n.operands.map(print).join(n.kind === 'and' ? ' && ' : ' || ')})`;
    default:
      return `${n.label}${OP_TEXT[n.kind]}${quote(n.value)}`;
  }
}

/** A set literal as Calico stores it: sorted, without duplicates. */
export function stringSet(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The same tree with every label name passed through `rename` (Calico's PrefixVisitor when rename adds a prefix). */
export function renameLabels(n: SelectorNode, rename: (label: string) => string): SelectorNode {
  switch (n.kind) {
    case 'all':
    case 'global':
      return n;
    case 'not':
      return { kind: 'not', operand: renameLabels(n.operand, rename) };
    case 'and':
    case 'or':
      return { kind: n.kind, operands: n.operands.map((o) => renameLabels(o, rename)) };
    default:
      return { ...n, label: rename(n.label) };
  }
}

/** The same tree with all() and global() replaced (how Calico rewrites namespace selectors). */
export function replaceFunctions(n: SelectorNode, all: SelectorNode, global: SelectorNode): SelectorNode {
  switch (n.kind) {
    case 'all':
      return all;
    case 'global':
      return global;
    case 'not':
      return { kind: 'not', operand: replaceFunctions(n.operand, all, global) };
    case 'and':
    case 'or':
      return { kind: n.kind, operands: n.operands.map((o) => replaceFunctions(o, all, global)) };
    default:
      return n;
  }
}

/** AND of the given trees (one tree is returned as is). */
export function and(...operands: SelectorNode[]): SelectorNode {
  return operands.length === 1 ? operands[0] : { kind: 'and', operands };
}

export function contains(n: SelectorNode, kind: SelectorNode['kind']): boolean {
  if (n.kind === kind) return true;
  if (n.kind === 'not') return contains(n.operand, kind);
  if (n.kind === 'and' || n.kind === 'or') return n.operands.some((o) => contains(o, kind));
  return false;
}

/** Every label name the tree mentions. */
export function labelsOf(n: SelectorNode, out: string[] = []): string[] {
  switch (n.kind) {
    case 'all':
    case 'global':
      break;
    case 'not':
      labelsOf(n.operand, out);
      break;
    case 'and':
    case 'or':
      for (const o of n.operands) labelsOf(o, out);
      break;
    default:
      out.push(n.label);
  }
  return out;
}
