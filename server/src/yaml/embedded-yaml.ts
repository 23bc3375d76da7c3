/**
 * YAML held inside a string of another YAML file (kubeadm's ClusterConfiguration
 * in the kubeadm-config ConfigMap): reading a value of it with spans traced back
 * to the outer file, character by character (scalar-map.ts).
 */
import { parseDocument } from 'yaml';
import { isMap, isScalar } from './node-types';
import type { Located, Span } from '../common/source';
import { scalarValueSpans } from './scalar-map';

/** A string value of the inner document, and the outer-file span of any stretch of it. */
export interface EmbeddedScalar {
  readonly value: string;
  span(start: number, end: number): Span;
}

/** The string at `path` (map keys) in the YAML document `outer` holds, or undefined when there is none. */
export function embeddedYamlString(outer: Located<string>, path: readonly string[]): EmbeddedScalar | undefined {
  const doc = parseDocument(outer.value);
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const node = parent.get(path[path.length - 1], true);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start] = node.range;
  const quote = outer.value[start] === '"' || outer.value[start] === "'" ? 1 : 0;
  const spans = scalarValueSpans(outer);
  return { value: node.value, span: (s, e) => spans(start + quote + s, start + quote + e) };
}
