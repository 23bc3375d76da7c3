/**
 * The Calico selector tokenizer, character for character as Calico's
 * (libcalico-go/lib/selector/tokenizer): only space and tab are whitespace,
 * string literals are '…' or "…" without escapes, label names are
 * [A-Za-z0-9_./-] up to 512 characters, and after a label the words
 * `contains`, `starts with`, `ends with`, `in`, `not in` (also `startswith`,
 * `endswith`, `notin`) are operators. Every token keeps its offsets so errors
 * can say at which character the selector broke.
 */

export type TokenKind =
  | 'label'
  | 'string'
  | '{'
  | '}'
  | ','
  | '=='
  | '!='
  | 'in'
  | '!'
  | 'not in'
  | 'contains'
  | 'starts with'
  | 'ends with'
  | 'all()'
  | 'has()'
  | '('
  | ')'
  | '&&'
  | '||'
  | 'global()'
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The label name (label, has()) or the literal's text (string). */
  readonly value: string;
  /** Offsets into the selector text, [start, end). */
  readonly start: number;
  readonly end: number;
}

/** Where and why a selector does not parse; `expected` is what would have been accepted there. */
export interface SelectorError {
  /** 0-based offset of the character where the selector broke. */
  readonly offset: number;
  /** End of the offending text (at least offset + 1 unless at the end). */
  readonly end: number;
  readonly message: string;
  /** Set when the selector was refused for a resource limit (common/limits.ts), not for its syntax. */
  readonly limit?: boolean;
}

export const MAX_LABEL_LENGTH = 512;

const WHITESPACE = ' \t';

function isLabelChar(c: string): boolean {
  return (
    (c >= 'a' && c <= 'z') ||
    (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') ||
    c === '_' ||
    c === '.' ||
    c === '/' ||
    c === '-'
  );
}

function labelAt(text: string, i: number): string {
  let j = i;
  while (j < text.length && isLabelChar(text[j])) j++;
  return text.slice(i, j);
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && WHITESPACE.includes(text[i])) i++;
  return i;
}

function describeChar(c: string): string {
  if (c === '\n' || c === '\r')
    return (
      'a line break (only spaces and tabs separate tokens; write the selector on one ' +
      'line or use a folded `>-` block)'
    );
  if (c.trim() === '') return 'a whitespace character other than space or tab';
  return `'${c}'`;
}

/** Operators written as a doubled character; the single character alone is an error. */
const DOUBLED: Readonly<Record<string, TokenKind>> = { '=': '==', '&': '&&', '|': '||' };

const OPERATOR_WORDS = 'an operator (==, !=, in, not in, contains, starts with, ends with)';

export type TokenizeResult =
  | { readonly ok: true; readonly tokens: Token[] }
  | { readonly ok: false; readonly error: SelectorError };

export function tokenize(text: string): TokenizeResult {
  const tokens: Token[] = [];
  const fail = (offset: number, end: number, message: string): TokenizeResult => ({
    ok: false,
    error: { offset, end: Math.max(end, Math.min(offset + 1, text.length)), message },
  });
  const push = (kind: TokenKind, start: number, end: number, value = '') => tokens.push({ kind, value, start, end });
  let i = 0;
  for (;;) {
    i = skipSpace(text, i);
    if (i >= text.length) {
      push('end', text.length, text.length);
      return { ok: true, tokens };
    }
    const c = text[i];
    const last = tokens.length ? tokens[tokens.length - 1].kind : undefined;
    switch (c) {
      case '(':
      case ')':
      case '{':
      case '}':
      case ',':
        push(c, i, i + 1);
        i++;
        continue;
      case '"':
      case "'": {
        const close = text.indexOf(c, i + 1);
        if (close < 0)
          return fail(
            i,
            text.length,
            `unterminated string: the ${c} here is never closed (selector strings have no escape sequences)`,
          );
        push('string', i, close + 1, text.slice(i + 1, close));
        i = close + 1;
        continue;
      }
      case '!': {
        const ne = text[i + 1] === '=';
        push(ne ? '!=' : '!', i, i + (ne ? 2 : 1));
        i += ne ? 2 : 1;
        continue;
      }
    }
    const doubled = DOUBLED[c];
    if (doubled) {
      if (text[i + 1] !== c) return fail(i, i + 1, `expected ${doubled} (a single ${c} is not an operator)`);
      push(doubled, i, i + 2);
      i += 2;
      continue;
    }
    if (last === 'label') {
      const label = tokens[tokens.length - 1].value;
      const word = (w: string, kind: TokenKind): boolean => {
        if (!text.startsWith(w, i)) return false;
        push(kind, i, i + w.length);
        i += w.length;
        return true;
      };
      const twoWords = (first: string, second: string, kind: TokenKind): boolean | TokenizeResult => {
        if (!text.startsWith(first, i)) return false;
        const j = skipSpace(text, i + first.length);
        if (!text.startsWith(second, j))
          return fail(j, j + 1, `expected "${second}" after "${first}" (the operator is "${first} ${second}")`);
        push(kind, i, j + second.length);
        i = j + second.length;
        return true;
      };
      if (word('contains', 'contains')) continue;
      for (const [a, b, kind] of [
        ['starts', 'with', 'starts with'],
        ['ends', 'with', 'ends with'],
        ['not', 'in', 'not in'],
      ] as const) {
        const r = twoWords(a, b, kind);
        if (r === true) break;
        if (r !== false) return r;
      }
      if (tokens[tokens.length - 1].kind !== 'label') continue;
      if (word('in', 'in')) continue;
      const bad = labelAt(text, i) || text[i];
      return fail(
        i,
        i + bad.length,
        `expected ${OPERATOR_WORDS} after label "${label}", found ${bad.length > 1 ? `"${bad}"` : describeChar(bad)}`,
      );
    }
    if (text.startsWith('has(', i)) {
      const j = skipSpace(text, i + 4);
      const name = labelAt(text, j);
      if (!name)
        return fail(
          j,
          j + 1,
          `expected a label name inside has( ), found ${j < text.length ? describeChar(text[j]) : 'the end of the selector'}`,
        );
      if (name.length > MAX_LABEL_LENGTH)
        return fail(
          j,
          j + name.length,
          `label name is ${name.length} characters long; Calico allows at most ${MAX_LABEL_LENGTH}`,
        );
      const k = skipSpace(text, j + name.length);
      if (text[k] !== ')')
        return fail(
          k,
          k + 1,
          `expected ) to close has(${name}, found ${k < text.length ? describeChar(text[k]) : 'the end of the selector'}`,
        );
      push('has()', i, k + 1, name);
      i = k + 1;
      continue;
    }
    let matched = false;
    for (const fn of ['all', 'global'] as const) {
      if (!text.startsWith(`${fn}(`, i)) continue;
      const k = skipSpace(text, i + fn.length + 1);
      if (text[k] !== ')') return fail(k, k + 1, `expected ) after ${fn}( (${fn}() takes no arguments)`);
      push(`${fn}()`, i, k + 1);
      i = k + 1;
      matched = true;
      break;
    }
    if (matched) continue;
    const name = labelAt(text, i);
    if (name) {
      if (name.length > MAX_LABEL_LENGTH)
        return fail(
          i,
          i + name.length,
          `label name is ${name.length} characters long; Calico allows at most ${MAX_LABEL_LENGTH}`,
        );
      push('label', i, i + name.length, name);
      i += name.length;
      continue;
    }
    return fail(
      i,
      i + 1,
      `unexpected character ${describeChar(c)}; label names may only contain letters, digits, "_", ".", "/" and "-"`,
    );
  }
}
