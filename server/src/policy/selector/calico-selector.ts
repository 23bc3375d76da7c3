/**
 * The Calico selector language's public face: parse text into a CalicoSelector
 * (a LabelMatcher, so atoms can use it like a Kubernetes label selector), print
 * it canonically, and explain parse errors with the character where they broke.
 */
import type { Labels } from '../../model/kubernetes';
import type { LabelMatcher } from '../label-matcher';
import { evaluate, print, type SelectorNode } from './selector-ast';
import { parse } from './selector-parser';
import type { SelectorError } from './selector-tokens';

export class CalicoSelector implements LabelMatcher {
  readonly key: string;
  readonly matchesAll: boolean;
  /** Calico's canonical text (what hovers and fixes show). */
  readonly canonical: string;

  constructor(readonly node: SelectorNode) {
    this.canonical = print(node);
    this.key = `calico:${this.canonical}`;
    this.matchesAll = node.kind === 'all';
  }

  matches(labels: Labels): boolean {
    return evaluate(this.node, labels);
  }

  describe(): string {
    return this.canonical;
  }
}

export type SelectorResult =
  | { readonly ok: true; readonly selector: CalicoSelector }
  | { readonly ok: false; readonly error: SelectorError };

export function parseSelector(text: string): SelectorResult {
  const r = parse(text);
  return r.ok ? { ok: true, selector: new CalicoSelector(r.node) } : r;
}

/** `at character 7: expected …` (1-based, as people count). */
export function errorText(e: SelectorError): string {
  return `at character ${e.offset + 1}: ${e.message}`;
}

/** The selector on one line and a caret line under the character where it broke. */
export function caretLines(text: string, e: SelectorError): string[] {
  const oneLine = text.replace(/[\r\n\t]/g, ' ');
  const width = Math.max(1, Math.min(e.end, text.length) - e.offset);
  return [oneLine, `${' '.repeat(e.offset)}${'^'.repeat(width)}`];
}
