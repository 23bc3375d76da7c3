/**
 * A linear scan of YAML text before the parser sees it: where each document
 * starts, and where a document nests deeper than the limit. The `yaml` package
 * composes recursively, so thousands of `[` (or of indented `- `) overflow the
 * stack inside it, sometimes beyond recovery; such a document is blanked out
 * before parsing (offsets kept) and reported at the character where the limit
 * was passed. The scan is deliberately approximate where YAML is subtle: it may
 * count a little more or less than the parser, never unboundedly less.
 */
import { LIMITS } from '../common/limits';
import * as charCodes from './char-codes';

// Copied once into constants of this module (see fast-yaml.ts).
const {
  BACKSLASH,
  CLOSE_CURLY,
  CLOSE_SQUARE,
  COLON,
  COMMA,
  CR,
  DASH,
  DQUOTE,
  GREATER,
  HASH,
  LF,
  OPEN_CURLY,
  OPEN_SQUARE,
  PIPE,
  QUESTION,
  SPACE,
  SQUOTE,
  TAB,
} = charCodes;

/** Offsets where documents start: 0, then every `---` or `...` line (a marker at column 0 always ends a document). */
export function documentStarts(text: string): number[] {
  const starts = [0];
  const marker = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    if (m.index > 0 && m.index !== starts[starts.length - 1]) starts.push(m.index);
  }
  return starts;
}

const isBlank = (c: number) => c === SPACE || c === TAB || c === LF || c === CR || Number.isNaN(c);

/**
 * The offset in [start, end) where collections nest deeper than `limit`, or
 * undefined. Depth counts indentation levels, compact `- - -` and flow brackets.
 */
export function tooDeepAt(
  text: string,
  start: number,
  end: number,
  limit: number = LIMITS.nestingDepth,
): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let i = start;
  let blockScalarIndent = -1; // inside a block scalar: lines indented more than this are its content
  while (i < end) {
    // A line: its indentation first.
    const lineStart = i;
    while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
    const indent = i - lineStart;
    const first = text.charCodeAt(i);
    if (i >= end) break;
    if (first === LF || first === CR || first === HASH) {
      i = skipLine(text, i, end);
      continue;
    }
    if (blockScalarIndent >= 0) {
      if (indent > blockScalarIndent) {
        i = skipLine(text, i, end);
        continue;
      }
      blockScalarIndent = -1;
    }
    let depth = 0;
    if (flow === 0) {
      while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      // Compact nesting on one line: `- - - a`, `? - a`.
      while (
        (first === DASH || first === QUESTION || first === COLON) &&
        (text.charCodeAt(i) === DASH || text.charCodeAt(i) === QUESTION || text.charCodeAt(i) === COLON) &&
        isBlank(text.charCodeAt(i + 1)) &&
        i < end
      ) {
        depth++;
        i++;
        while (i < end && (text.charCodeAt(i) === SPACE || text.charCodeAt(i) === TAB)) i++;
        if (indents.length + depth > limit) return i;
      }
    }
    if (indents.length + depth > limit) return i;
    // The rest of the line: flow brackets, quoted scalars, comments.
    let valueStart = true; // at a place where a flow collection or a quoted scalar may begin
    let lastNonBlank = -1;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === LF || c === CR) break;
      if (c === HASH && (i === lineStart || isBlank(text.charCodeAt(i - 1)))) {
        i = skipLine(text, i, end) - 1;
        break;
      }
      if (valueStart && (c === DQUOTE || c === SQUOTE)) {
        i = skipQuoted(text, i, end);
        valueStart = false;
        lastNonBlank = i - 1;
        continue;
      }
      if (valueStart && (c === OPEN_SQUARE || c === OPEN_CURLY)) {
        flow++;
        if (indents.length + depth + flow > limit) return i;
      } else if ((c === CLOSE_SQUARE || c === CLOSE_CURLY) && flow > 0) {
        flow--;
      }
      if (c !== SPACE && c !== TAB) lastNonBlank = i;
      valueStart =
        c === OPEN_SQUARE ||
        c === OPEN_CURLY ||
        c === COMMA ||
        ((c === SPACE || c === TAB) && valueStart) ||
        ((c === COLON || c === DASH || c === QUESTION) && isBlank(text.charCodeAt(i + 1)));
      i++;
    }
    // `key: |` or `- >-`: the lines below are a block scalar's content.
    if (flow === 0 && lastNonBlank >= 0) {
      let j = lastNonBlank;
      while (j > lineStart && /[0-9+-]/.test(text[j])) j--;
      const c = text.charCodeAt(j);
      if ((c === PIPE || c === GREATER) && j > lineStart && isBlank(text.charCodeAt(j - 1))) blockScalarIndent = indent;
    }
    i = skipLine(text, i, end);
  }
  return undefined;
}

function skipLine(text: string, i: number, end: number): number {
  while (i < end && text.charCodeAt(i) !== LF) i++;
  return i + 1;
}

/** The offset after a quoted scalar starting at `i` (which may span lines). */
function skipQuoted(text: string, i: number, end: number): number {
  const quote = text.charCodeAt(i);
  i++;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (quote === DQUOTE && c === BACKSLASH) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (quote === SQUOTE && text.charCodeAt(i + 1) === SQUOTE) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return end;
}
