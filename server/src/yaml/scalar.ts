/**
 * Pointing inside a string scalar: the source span of characters [start, end)
 * of its value, so a finding can mark the exact character of a selector that
 * does not parse. Exact for plain, single- and double-quoted scalars that fit
 * on one line without escapes ('' in single quotes is handled); otherwise the
 * whole scalar.
 */
import { Located, Span, span } from '../common/source';

export function valueCharSpan(v: Located<string>, start: number, end: number): Span {
  const src = v.span.file.text.slice(v.span.start, v.span.end);
  const clamp = (n: number) => Math.max(0, Math.min(n, v.value.length));
  const [s, e] = [clamp(start), clamp(Math.max(end, start))];
  if (src === v.value) return span(v.span.file, v.span.start + s, v.span.start + e);
  const q = src[0];
  if ((q === '"' || q === "'") && src.endsWith(q) && !src.includes('\n')) {
    const body = src.slice(1, -1);
    if (body === v.value) return span(v.span.file, v.span.start + 1 + s, v.span.start + 1 + e);
    if (q === "'" && body.replace(/''/g, "'") === v.value) {
      // Each '' in the source is one ' in the value: map value offsets to source offsets.
      const at = (n: number) => {
        let src = 0;
        for (let i = 0; i < n; i++) src += body.startsWith("''", src) ? 2 : 1;
        return v.span.start + 1 + src;
      };
      return span(v.span.file, at(s), at(e));
    }
  }
  return v.span;
}
