/**
 * Offsets inside a YAML scalar's value -> offsets in the source file. A
 * ConfigMap holds whole documents as strings (flannel's net-conf.json in a
 * `|` block); to report a problem at the offending JSON token, each value
 * character is traced back to where it was written: block scalars lose their
 * indentation and header, quoted scalars their escapes, folded lines their
 * breaks. When the trace cannot be made exactly, callers get the whole
 * scalar's span instead of a guess.
 */
import { type Located, type Span, span } from '../common/source';

/** A span for [start, end) offsets in a value. */
export type ValueSpans = (start: number, end: number) => Span;

/** Value spans for a scalar read from YAML (a ConfigMap data entry, a container argument). */
export function scalarValueSpans(loc: Located<string>): ValueSpans {
  const units = traceScalar(loc.span.file.text, loc.span.start, loc.span.end, loc.value);
  if (!units) return () => loc.span;
  return spansFrom(loc.span, units);
}

/** Value spans for text that is the file itself from `offset` on (a standalone JSON file). */
export function fileValueSpans(file: Span['file'], offset = 0): ValueSpans {
  return (start, end) => span(file, offset + start, offset + end);
}

/** Source [start, end) of every value character. */
interface Unit {
  readonly start: number;
  readonly end: number;
}

function spansFrom(whole: Span, units: readonly Unit[]): ValueSpans {
  return (start, end) => {
    if (units.length === 0) return whole;
    const s = units[Math.max(0, Math.min(start, units.length - 1))];
    if (end <= start)
      return span(
        whole.file,
        start >= units.length ? units[units.length - 1].end : s.start,
        start >= units.length ? units[units.length - 1].end : s.start,
      );
    const e = units[Math.max(0, Math.min(end - 1, units.length - 1))];
    return span(whole.file, s.start, e.end);
  };
}

/** Traces `value` through the scalar written at [start, end) of `text`; undefined when it cannot be done exactly. */
export function traceScalar(text: string, start: number, end: number, value: string): Unit[] | undefined {
  const first = text[start];
  if (first === '|' || first === '>') return traceBlock(text, start, end, value);
  if (first === '"') return traceFlow(text, start + 1, end - 1, value, 'double');
  if (first === "'") return traceFlow(text, start + 1, end - 1, value, 'single');
  return traceFlow(text, start, end, value, 'plain');
}

const isBreak = (c: string | undefined) => c === '\n' || c === '\r';

/** Block scalars: content lines after the header, with the block's indentation removed. */
function traceBlock(text: string, start: number, end: number, value: string): Unit[] | undefined {
  let i = start + 1;
  let explicit = 0;
  while (i < end && /[0-9+-]/.test(text[i])) {
    if (/[1-9]/.test(text[i])) explicit = Number(text[i]);
    i++;
  }
  while (i < end && !isBreak(text[i])) i++; // spaces and a comment after the header
  if (text[i] === '\r' && text[i + 1] === '\n') i++;
  i++;
  const bodyStart = i;
  let indent: number;
  if (explicit) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    indent = /^ */.exec(text.slice(lineStart, start))![0].length + explicit;
  } else {
    indent = 0;
    for (let j = bodyStart; j < end; ) {
      const m = /^( *)(\r?\n|$)?/.exec(text.slice(j, Math.min(end, j + 4096)))!;
      if (m[2] === undefined || m[2] === '') {
        indent = m[1].length;
        break;
      }
      j += m[0].length;
    }
  }
  // The content stream: each line without its indentation, and its line break.
  const stream: { ch: string; start: number; end: number }[] = [];
  for (let j = bodyStart; j < end; ) {
    let k = j;
    let skipped = 0;
    while (k < end && skipped < indent && text[k] === ' ') {
      k++;
      skipped++;
    }
    while (k < end && !isBreak(text[k])) {
      stream.push({ ch: text[k], start: k, end: k + 1 });
      k++;
    }
    if (k >= end) break;
    const breakLen = text[k] === '\r' && text[k + 1] === '\n' ? 2 : 1;
    stream.push({ ch: '\n', start: k, end: k + breakLen });
    j = k + breakLen;
  }
  const units: Unit[] = [];
  let s = 0;
  for (let v = 0; v < value.length; v++) {
    const c = value[v];
    for (;;) {
      const u = stream[s];
      if (!u) {
        // Spans may stop before the block's final line breaks; those value characters sit at its end.
        if (!/^[\n ]*$/.test(value.slice(v))) return undefined;
        const tail = stream.length ? stream[stream.length - 1].end : end;
        while (units.length < value.length) units.push({ start: tail, end: tail });
        return units;
      }
      if (u.ch === c || (c === ' ' && u.ch === '\n')) {
        units.push(u);
        s++;
        break;
      }
      if (u.ch === '\n' || u.ch === ' ' || u.ch === '\t') {
        s++; // a folded line break, or indentation of a more-indented folded line
        continue;
      }
      return undefined;
    }
  }
  return units;
}

const DOUBLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

/** Quoted and plain scalars: escapes, `''`, and folded line breaks. */
function traceFlow(
  text: string,
  from: number,
  to: number,
  value: string,
  style: 'double' | 'single' | 'plain',
): Unit[] | undefined {
  const units: Unit[] = [];
  let j = from;
  let v = 0;
  while (v < value.length) {
    if (j >= to) return undefined;
    const c = text[j];
    if (style === 'double' && c === '\\') {
      const e = text[j + 1];
      if (isBreak(e)) {
        // An escaped line break: it and the next line's indentation vanish.
        j += 2;
        if (e === '\r' && text[j] === '\n') j++;
        while (j < to && (text[j] === ' ' || text[j] === '\t')) j++;
        continue;
      }
      let decoded: string | undefined = DOUBLE_ESCAPES[e];
      let len = 2;
      const hex = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hex) {
        decoded = String.fromCodePoint(parseInt(text.slice(j + 2, j + 2 + hex), 16));
        len = 2 + hex;
      }
      if (decoded === undefined || !value.startsWith(decoded, v)) return undefined;
      for (let k = 0; k < decoded.length; k++) units.push({ start: j, end: j + len });
      v += decoded.length;
      j += len;
      continue;
    }
    if (style === 'single' && c === "'" && text[j + 1] === "'") {
      if (value[v] !== "'") return undefined;
      units.push({ start: j, end: j + 2 });
      v++;
      j += 2;
      continue;
    }
    if (c === value[v]) {
      units.push({ start: j, end: j + 1 });
      v++;
      j++;
      continue;
    }
    if (isBreak(c) && (value[v] === ' ' || value[v] === '\n')) {
      units.push({ start: j, end: j + 1 });
      v++;
      j++;
      continue;
    }
    if (isBreak(c) || c === ' ' || c === '\t') {
      j++;
      continue;
    }
    return undefined;
  }
  return units;
}
