/**
 * The workspace's pods grouped by namespace, found in one pass over the endpoints once per
 * analysis: the two halves of selector-matches-nothing (Kubernetes and Calico selectors) each
 * walked every endpoint three times for the same lists.
 */
import { memoized } from '../common/memo';
import type { Analysis } from '../engine/analysis';
import type { Labels } from '../model/kubernetes';
import type { Endpoint } from '../policy/endpoint';

export interface NamespacePods {
  /** Every endpoint of kind `pod`, in endpoint order. */
  readonly pods: readonly Endpoint[];
  /** Each namespace's pods, in endpoint order; namespaces in the order of their first pod. */
  readonly byNamespace: ReadonlyMap<string | undefined, readonly Endpoint[]>;
  /** Each namespace's pods' different label sets (by identity: replicas share one), in the order of their first pod. */
  readonly labelsIn: ReadonlyMap<string | undefined, readonly Labels[]>;
  /** The pods without an address, in endpoint order. */
  readonly unaddressed: readonly Endpoint[];
}

const cache = new WeakMap<Analysis, NamespacePods>();

export function namespacePods(a: Analysis): NamespacePods {
  return memoized(cache, a, () => {
    const pods: Endpoint[] = [];
    const unaddressed: Endpoint[] = [];
    const byNamespace = new Map<string | undefined, Endpoint[]>();
    const labelSets = new Map<string | undefined, Set<Labels>>();
    // Pods of a namespace come mostly one after another, and replicas share their labels: the
    // lists of the pod before are kept, and its labels are not added again.
    let list: Endpoint[] | undefined;
    let labels: Set<Labels> | undefined;
    let namespace: string | undefined;
    let lastLabels: Labels | undefined;
    for (const e of a.endpoints) {
      if (e.kind !== 'pod') continue;
      pods.push(e);
      if (e.ips.length === 0) unaddressed.push(e);
      if (list === undefined || e.namespace !== namespace) {
        namespace = e.namespace;
        list = byNamespace.get(namespace);
        if (!list) {
          list = [];
          byNamespace.set(namespace, list);
          labels = new Set();
          labelSets.set(namespace, labels);
        } else labels = labelSets.get(namespace);
        lastLabels = undefined;
      }
      list.push(e);
      if (e.labels !== lastLabels) {
        lastLabels = e.labels;
        labels!.add(e.labels);
      }
    }
    const labelsIn = new Map<string | undefined, Labels[]>();
    for (const [ns, set] of labelSets) labelsIn.set(ns, [...set]);
    return { pods, byNamespace, labelsIn, unaddressed };
  });
}
