/** Building text edits for fixes: replacements that keep quoting, insertions that keep indentation. */
import type { TextEdit } from '../common/finding';
import { type Span, span, spanText } from '../common/source';

/** Replaces a scalar, keeping its quote style. */
export function replaceScalar(at: Span, value: string): TextEdit {
  const text = spanText(at);
  const q = text[0] === '"' || text[0] === "'" ? text[0] : '';
  return { span: at, newText: `${q}${value}${q}` };
}

/** The column of `offset` on its line. */
export function columnOf(s: Span): number {
  return s.file.positionAt(s.start).character;
}

/**
 * Inserts block-style YAML `lines` as sibling keys just before the key at `keyStart`
 * (which must start a block mapping entry), at the same indentation.
 */
export function insertKeysBefore(keyStart: Span, lines: readonly string[]): TextEdit | undefined {
  const col = columnOf(keyStart);
  const lineStart = keyStart.start - col;
  const before = keyStart.file.text.slice(lineStart, keyStart.start);
  if (!/^[\s-]*$/.test(before)) return undefined; // flow style: no safe insertion
  const indent = ' '.repeat(col);
  const text = `${lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n')}\n${indent}`;
  return { span: span(keyStart.file, keyStart.start, keyStart.start), newText: text };
}
