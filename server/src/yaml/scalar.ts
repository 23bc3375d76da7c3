/**
 * Pointing inside a string scalar: the source span of characters [start, end)
 * of its value, so a finding can mark the exact character of a selector that
 * does not parse. Offsets are clamped to the value; the tracing (quotes,
 * escapes, block scalars, folded lines) is scalar-map.ts's, and falls back to
 * the whole scalar when it cannot be exact.
 */
import type { Located, Span } from '../common/source';
import { scalarValueSpans } from './scalar-map';

export function valueCharSpan(v: Located<string>, start: number, end: number): Span {
  const clamp = (n: number) => Math.max(0, Math.min(n, v.value.length));
  return scalarValueSpans(v)(clamp(start), clamp(Math.max(end, start)));
}
