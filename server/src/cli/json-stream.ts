/**
 * JSON.stringify(value, null, 2), in pieces: objects and arrays are opened and
 * closed here and their members written one by one, so a report with a
 * hundred thousand findings is never one string. The text is the same as
 * JSON.stringify's (a test compares them); below `depth` levels each member is
 * stringified whole, re-indented to its place.
 */
const INDENT = '  ';

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return true;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** What JSON.stringify writes for a value (or undefined when it leaves a member out), indented to `pad`. */
function leaf(v: unknown, pad: string): string | undefined {
  const text = JSON.stringify(v, null, 2);
  // A JSON string never holds a raw line feed, so every line feed is indentation.
  return text === undefined ? undefined : text.replace(/\n/g, `\n${pad}`);
}

export function* jsonPieces(value: unknown, depth = 4, pad = ''): Generator<string> {
  if (depth <= 0 || !isContainer(value)) {
    yield leaf(value, pad) ?? 'null';
    return;
  }
  const inner = pad + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let k = 0; k < value.length; k++) {
      yield `${k ? ',' : ''}\n${inner}`;
      const v = value[k];
      // Array members JSON leaves out (undefined, functions, symbols) are written as null.
      if (isContainer(v)) yield* jsonPieces(v, depth - 1, inner);
      else yield leaf(v, inner) ?? 'null';
    }
    yield `\n${pad}]`;
    return;
  }
  let first = true;
  for (const [key, v] of Object.entries(value)) {
    const text = isContainer(v) ? undefined : leaf(v, inner);
    if (!isContainer(v) && text === undefined) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    if (text !== undefined) yield text;
    else yield* jsonPieces(v, depth - 1, inner);
  }
  yield first ? '{}' : `\n${pad}}`;
}
