/** Reading `apiVersion`, `kind` and `metadata` of one object. */
import type { Span } from '../common/source';
import type { LocatedStringMap, RMap } from '../yaml/yaml-reader';
import { dnsLabelProblem, labelKeyProblem, labelValueProblem, objectNameProblem } from './label-syntax';
import type { ObjectMeta } from './kubernetes';

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

export interface ReadMeta extends ObjectMeta {
  /** The controller owner reference (`ownerReferences[].controller: true`), if any. */
  readonly owner?: OwnerRef;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Reads metadata. `namespaced` decides whether `namespace` defaults to `default`
 * (namespaced kinds) or is ignored (cluster-scoped kinds).
 */
export function readMeta(obj: RMap, apiVersion: string, kind: string, kindSpan: Span, namespaced: boolean): ReadMeta {
  const md = obj.map('metadata');
  if (!md) obj.missing('metadata');
  const name = md?.str('name');
  const generateName = md?.str('generateName');
  if (md && !name && !generateName) md.missing('name');
  const nameValue = name?.value ?? (generateName ? `${generateName.value}generated` : '(unnamed)');
  if (name) {
    const problem =
      kind === 'Namespace' ? dnsLabelProblem(name.value, 'Namespace name') : objectNameProblem(name.value, kind);
    if (problem) obj.ctx.sink.report('invalid-field', 'error', `metadata.name: ${problem}.`, name.span);
  }
  let namespace: string | undefined;
  if (namespaced) {
    const ns = md?.str('namespace');
    namespace = ns?.value || 'default';
    if (ns) {
      const problem = dnsLabelProblem(ns.value, 'namespace');
      if (problem) obj.ctx.sink.report('invalid-field', 'error', `metadata.namespace: ${problem}.`, ns.span);
    }
  }
  const labels = md ? readLabels(md, 'labels') : undefined;
  const annotations = md?.stringMap('annotations');
  // Not a map: asked again, for the same finding a second time (as the spans were always read anew).
  if (!annotations) md?.map('annotations');
  const annotationSpans: Record<string, Span> = annotations ? annotations.valueSpans : {};
  let owner: OwnerRef | undefined;
  const refs = md?.seq('ownerReferences')?.maps();
  for (let i = 0; refs && i < refs.length; i++) {
    const ref = refs[i];
    const controller = ref.bool('controller');
    const k = ref.str('kind');
    const n = ref.str('name');
    if (controller?.value && k && n) owner = { kind: k.value, name: n.value };
  }
  return {
    apiVersion,
    apiVersionSpan: obj.valueSpan('apiVersion'),
    kind,
    name: nameValue,
    namespace,
    labels: labels?.value ?? {},
    labelsSpan: labels?.span,
    annotations: annotations?.value ?? {},
    annotationSpans,
    nameSpan: name?.span ?? generateName?.span ?? kindSpan,
    span: obj.span,
    owner,
  };
}

/** A labels map (`metadata.labels`, `matchLabels`, `nodeSelector`) with syntax checks on keys and values. */
export function readLabels(m: RMap, key: string): LocatedStringMap | undefined {
  const sub = m.map(key);
  if (!sub) return undefined;
  const map = sub.asStringMap();
  const keys = sub.orderedKeys();
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const keyProblem = labelKeyProblem(k);
    if (keyProblem)
      m.ctx.sink.report('invalid-field', 'error', `${sub.child(k)}: ${keyProblem}.`, sub.entry(k)!.keySpan);
    const valueProblem = labelValueProblem(map.value[k]);
    if (valueProblem)
      m.ctx.sink.report('invalid-field', 'error', `${sub.child(k)}: ${valueProblem}.`, sub.entry(k)!.valueSpan);
  }
  return map;
}
