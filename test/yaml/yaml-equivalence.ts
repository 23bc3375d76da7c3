/**
 * Test helper: the documents of the fast reader (server/src/yaml/fast-yaml.ts)
 * and of the `yaml` package's parseAllDocuments, as plain data to compare:
 * node classes, values and their types, scalar styles and sources, number
 * formats, anchors, tags, flow flags and every range.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments } from 'yaml';
import { fastParseAllDocuments } from '../../server/src/yaml/fast-yaml';

export function describeNode(n: unknown): unknown {
  if (n === null || n === undefined) return n;
  if (isAlias(n)) return { alias: n.source, range: n.range, anchor: n.anchor };
  if (isScalar(n)) {
    const v = n.value;
    return {
      scalar: typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v,
      valueType: typeof v,
      type: n.type,
      source: n.source,
      range: n.range,
      format: n.format,
      minFractionDigits: n.minFractionDigits,
      anchor: n.anchor,
      tag: n.tag,
      class: n.constructor.name,
    };
  }
  if (isMap(n) || isSeq(n))
    return {
      collection: isMap(n) ? 'map' : 'seq',
      class: n.constructor.name,
      flow: n.flow,
      range: n.range,
      anchor: n.anchor,
      tag: n.tag,
      items: n.items.map((p) =>
        isPair(p) ? { key: describeNode(p.key), value: describeNode(p.value) } : describeNode(p),
      ),
    };
  return { unknown: String(n) };
}

export function describeDocuments(docs: readonly Document.Parsed[]): unknown[] {
  return docs.map((d) => ({
    range: d.range,
    docStart: d.directives?.docStart ?? null,
    errors: d.errors.map((e) => e.message),
    warnings: d.warnings.map((e) => e.message),
    contents: describeNode(d.contents),
  }));
}

/** The package's documents, described. */
export function packageDocuments(text: string): unknown[] {
  return describeDocuments(parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false }) as Document.Parsed[]);
}

/** The fast reader's documents, described, or undefined when it declines. */
export function fastDocuments(text: string): unknown[] | undefined {
  const docs = fastParseAllDocuments(text);
  return docs && describeDocuments(docs);
}
