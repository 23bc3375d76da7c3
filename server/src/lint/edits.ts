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

/**
 * Joins a block-sequence item to the item before it, as one mapping: the dash
 * in front of `item` becomes a space, so its keys continue the previous item's.
 * Only when both items are block mappings whose keys start at the same column
 * (the dash is then the only thing between them); undefined otherwise.
 */
export function joinWithPreviousItem(previous: Span, item: Span): TextEdit | undefined {
  const text = item.file.text;
  if (text[previous.start] === '{' || text[item.start] === '{') return undefined;
  if (columnOf(previous) !== columnOf(item)) return undefined;
  const lineStart = item.start - columnOf(item);
  const before = text.slice(lineStart, item.start);
  const m = /^(\s*)-(\s+)$/.exec(before);
  if (!m) return undefined;
  // The previous item must also be the first thing after its own dash.
  const prevBefore = text.slice(previous.start - columnOf(previous), previous.start);
  if (!/^\s*-\s+$/.test(prevBefore)) return undefined;
  const dash = lineStart + m[1].length;
  return { span: span(item.file, dash, dash + 1), newText: ' ' };
}
