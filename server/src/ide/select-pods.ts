/**
 * Which pods a selector, a workload or an atom stands for, as endpoint indices
 * (positions in analysis.endpoints) or endpoints.
 */
import type { Analysis } from '../engine/analysis';
import type { KubeObject, Workload } from '../model/kubernetes';
import type { AtomValue } from '../policy/atoms';
import type { Endpoint } from '../policy/endpoint';
import type { CalicoSelector } from '../policy/selector/calico-selector';

/** Workload endpoints (pods that are not hostNetwork) the selector matches, over their Calico labels. */
export function selectPods(a: Analysis, selector: CalicoSelector, namespace?: string): Endpoint[] {
  return a.endpoints.filter(
    (e) =>
      e.kind === 'pod' && (namespace === undefined || e.namespace === namespace) && selector.matches(e.calicoLabels),
  );
}

/** hostNetwork pods (in `namespace`, or anywhere): Calico selectors never match them. */
export function hostNetworkPodCount(a: Analysis, namespace?: string): number {
  return a.endpoints.filter((e) => e.kind === 'host' && (namespace === undefined || e.namespace === namespace)).length;
}

/** The pods of a workload (expanded from it, or its own pods found in the workspace). */
export function podsOfWorkload(a: Analysis, w: Workload | KubeObject): number[] {
  const ns = w.meta.namespace ?? 'default';
  const out: number[] = [];
  a.endpoints.forEach((e, i) => {
    const pod = e.pod;
    if (!pod || pod.namespace !== ns) return;
    if (pod.workload ? pod.workload.name === w.meta.name && pod.workload.kind === w.meta.kind : false) out.push(i);
    else if (w.meta.kind === 'Pod' && pod.name === w.meta.name) out.push(i);
  });
  return out;
}

/** Endpoints whose class answers an atom with true (endpoint atoms) or with an address in some family (address atoms). */
export function podsOfAtom(a: Analysis, atom: number): number[] {
  const holds = (v: AtomValue | undefined) =>
    v === true || (typeof v === 'string' && /^[01]{2}$/.test(v) && v.includes('1'));
  const { classes } = a.engine;
  // Only the classes answering the atom unusually are read; every other class gives its usual answer.
  const listed = a.engine.unusualClasses(atom);
  const out: number[] = [];
  if (holds(a.policies.atoms[atom]?.usual)) {
    const unusual = new Set(listed);
    for (const cls of classes) if (!unusual.has(cls.id) || holds(cls.values.get(atom))) out.push(...cls.members);
  } else for (const id of listed) if (holds(classes[id].values.get(atom))) out.push(...classes[id].members);
  return out.sort((x, y) => x - y);
}
