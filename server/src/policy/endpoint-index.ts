/**
 * Endpoints indexed by namespace, label key and value (pod labels and Calico labels) and
 * named port, so that an atom is evaluated only on the endpoints that may answer it
 * otherwise than usual (atoms.ts, `candidates`), never on every endpoint. Index lists hold
 * endpoint indices in ascending order.
 */
import type { Labels } from '../model/kubernetes';
import type { Endpoint } from './endpoint';
import { KubeLabelMatcher, type LabelMatcher } from './label-matcher';
import type { SelectorNode } from './selector/selector-ast';
import { CalicoSelector } from './selector/calico-selector';

type Lists = Map<string, number[]>;

function add(map: Lists, key: string, i: number): void {
  const list = map.get(key);
  if (list) {
    if (list[list.length - 1] !== i) list.push(i);
  } else map.set(key, [i]);
}

const NONE: readonly number[] = [];

/**
 * Items (numbered in ascending order as they are added) by label key and by label value, and
 * the candidates a label matcher may match among them. A conjunction takes its shortest list;
 * the union an `in` or an `or` would build is built only when the sum of its lists is shorter
 * than the shortest list found so far (a union over every namespace grew with the cluster for
 * each atom whose own namespace already narrowed it).
 */
export class LabelLists {
  /** key -> value -> items. */
  private readonly byLabel = new Map<string, Lists>();
  private readonly byKey: Lists = new Map();

  add(labels: Labels, i: number): void {
    for (const k in labels) {
      add(this.byKey, k, i);
      let values = this.byLabel.get(k);
      if (!values) {
        values = new Map();
        this.byLabel.set(k, values);
      }
      add(values, labels[k], i);
    }
  }

  withLabel(key: string, value: string): readonly number[] {
    return this.byLabel.get(key)?.get(value) ?? NONE;
  }

  withKey(key: string): readonly number[] {
    return this.byKey.get(key) ?? NONE;
  }

  /**
   * A superset (ascending) of the items whose labels `m` matches; undefined when the matcher's
   * form gives no handle (then every item may match). No union is built as long as `shorter`
   * or longer (the caller has such a list already), so the answer may then be undefined.
   */
  matching(m: LabelMatcher, shorter = Number.POSITIVE_INFINITY): readonly number[] | undefined {
    if (m instanceof CalicoSelector) return this.nodeCandidates(m.node, shorter);
    if (m instanceof KubeLabelMatcher) {
      let best: readonly number[] | undefined;
      for (const k in m.selector.matchLabels) {
        const list = this.withLabel(k, m.selector.matchLabels[k]);
        if (!best || list.length < best.length) best = list;
      }
      for (const r of m.selector.matchExpressions) {
        if (r.operator === 'Exists') {
          const list = this.withKey(r.key);
          if (!best || list.length < best.length) best = list;
        }
      }
      for (const r of m.selector.matchExpressions) {
        if (r.operator !== 'In') continue;
        let bound = 0;
        for (const v of r.values) bound += this.withLabel(r.key, v).length;
        if (bound >= (best ? Math.min(best.length, shorter) : shorter)) continue;
        best = union(r.values.map((v) => this.withLabel(r.key, v)));
      }
      return best;
    }
    return undefined;
  }

  /**
   * An upper bound of the length of nodeCandidates(n) that builds no list (Infinity: every item
   * may match).
   */
  private bound(n: SelectorNode): number {
    switch (n.kind) {
      case 'eq':
        return this.withLabel(n.label, n.value).length;
      case 'in': {
        let sum = 0;
        for (const v of n.values) sum += this.withLabel(n.label, v).length;
        return sum;
      }
      case 'has':
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        return this.withKey(n.label).length;
      case 'and': {
        let least = Number.POSITIVE_INFINITY;
        for (const o of n.operands) least = Math.min(least, this.bound(o));
        return least;
      }
      case 'or': {
        let sum = 0;
        for (const o of n.operands) sum += this.bound(o);
        return sum;
      }
      default:
        return Number.POSITIVE_INFINITY;
    }
  }

  /**
   * A superset (ascending) of the items `n` matches, or undefined (every item may match). A union
   * is built only when its bound is under `shorter` (the caller has a list that long already);
   * otherwise undefined is returned for it, which the caller then does not take.
   */
  private nodeCandidates(n: SelectorNode, shorter: number): readonly number[] | undefined {
    switch (n.kind) {
      case 'eq':
        return this.withLabel(n.label, n.value);
      case 'in':
        if (this.bound(n) >= shorter) return undefined;
        return union(n.values.map((v) => this.withLabel(n.label, v)));
      case 'has':
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        return this.withKey(n.label);
      case 'and': {
        // The operands by bound, least first: once a list is found, a union as long or longer is not built.
        const order = n.operands.map((o) => ({ o, bound: this.bound(o) })).sort((x, y) => x.bound - y.bound);
        let best: readonly number[] | undefined;
        for (const { o, bound } of order) {
          const limit = Math.min(shorter, best ? best.length : Number.POSITIVE_INFINITY);
          if (bound >= limit) break;
          const list = this.nodeCandidates(o, limit);
          if (list && (!best || list.length < best.length)) best = list;
        }
        return best;
      }
      case 'or': {
        if (this.bound(n) >= shorter) return undefined;
        const lists: (readonly number[])[] = [];
        for (const o of n.operands) {
          const list = this.nodeCandidates(o, Number.POSITIVE_INFINITY);
          if (!list) return undefined;
          lists.push(list);
        }
        return union(lists);
      }
      default:
        return undefined;
    }
  }
}

/** A set of namespaces and the endpoints in them. */
export interface NamespaceScope {
  readonly namespaces: ReadonlySet<string>;
  /** How many endpoints they hold. */
  readonly count: number;
  /** Their endpoints, ascending (shared: read only). */
  readonly endpoints: readonly number[];
}

export class EndpointIndex {
  /** Every pod (workload endpoint). */
  readonly pods: number[] = [];
  readonly byNamespace: Lists = new Map();
  /** The labels of each namespace, as its pods see them. */
  readonly namespaceLabels = new Map<string, Labels>();
  private readonly labels = new LabelLists();
  private readonly calicoLabels = new LabelLists();
  private readonly byPortName: Lists = new Map();
  /** Endpoints whose addresses are in some Calico network set. */
  readonly inNetworkSets: number[] = [];
  /**
   * The namespaces each namespace selector matches (by its key), and their endpoints: every
   * namespace's policies name the same few selectors, and matching each one against every
   * namespace once per atom grew with namespaces x atoms.
   */
  private readonly selectorScopes = new Map<string, NamespaceScope>();
  private readonly namespaceScopes = new Map<string, NamespaceScope>();
  /** The namespaces (as in namespaceLabels, numbered in that order) by their labels, built on first use. */
  private namespaceIndex?: { readonly names: readonly string[]; readonly lists: LabelLists };

  constructor(readonly endpoints: readonly Endpoint[]) {
    endpoints.forEach((ep, i) => {
      if (ep.kind === 'pod') this.pods.push(i);
      if (ep.namespace !== undefined) {
        add(this.byNamespace, ep.namespace, i);
        if (!this.namespaceLabels.has(ep.namespace)) this.namespaceLabels.set(ep.namespace, ep.namespaceLabels);
      }
      this.labels.add(ep.labels, i);
      this.calicoLabels.add(ep.calicoLabels, i);
      for (const name of ep.namedPorts.keys()) add(this.byPortName, name, i);
      if (ep.networkSets.length) this.inNetworkSets.push(i);
    });
  }

  /**
   * The namespaces `selector` matches (by their labels as pods see them) and their endpoints:
   * asked only of the namespaces the selector's labels single out (each selector names a few of
   * many namespaces), all of them when its form gives no handle.
   */
  namespacesMatching(selector: LabelMatcher): NamespaceScope {
    let scope = this.selectorScopes.get(selector.key);
    if (!scope) {
      if (!this.namespaceIndex) {
        const names = [...this.namespaceLabels.keys()];
        const lists = new LabelLists();
        names.forEach((ns, k) => {
          lists.add(this.namespaceLabels.get(ns)!, k);
        });
        this.namespaceIndex = { names, lists };
      }
      const { names, lists } = this.namespaceIndex;
      const namespaces = new Set<string>();
      const candidates = lists.matching(selector);
      if (candidates) {
        for (const k of candidates) if (selector.matches(this.namespaceLabels.get(names[k])!)) namespaces.add(names[k]);
      } else for (const [ns, labels] of this.namespaceLabels) if (selector.matches(labels)) namespaces.add(ns);
      scope = this.scopeOf(namespaces);
      this.selectorScopes.set(selector.key, scope);
    }
    return scope;
  }

  /** One namespace and its endpoints. */
  namespace(name: string): NamespaceScope {
    let scope = this.namespaceScopes.get(name);
    if (!scope) {
      scope = this.scopeOf(new Set([name]));
      this.namespaceScopes.set(name, scope);
    }
    return scope;
  }

  private scopeOf(namespaces: ReadonlySet<string>): NamespaceScope {
    const lists = [...namespaces].map((ns) => this.byNamespace.get(ns) ?? NONE);
    let count = 0;
    for (const l of lists) count += l.length;
    return { namespaces, count, endpoints: lists.length === 1 ? lists[0] : union(lists) };
  }

  withPortName(name: string): readonly number[] {
    return this.byPortName.get(name) ?? NONE;
  }

  withLabel(key: string, value: string, calico = false): readonly number[] {
    return (calico ? this.calicoLabels : this.labels).withLabel(key, value);
  }

  /**
   * A superset of the endpoints whose labels (`calico`: Calico labels) `m` matches, from the
   * index; undefined when the matcher's form gives no handle (then every endpoint may match).
   * Given `shorter`, unions that long or longer are not built (see LabelLists.matching).
   */
  matching(m: LabelMatcher, calico: boolean, shorter?: number): readonly number[] | undefined {
    return (calico ? this.calicoLabels : this.labels).matching(m, shorter);
  }
}

/** Sorted, duplicate-free union of sorted lists (of endpoint indices: non-negative integers). */
export function union(lists: readonly (readonly number[])[]): readonly number[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return NONE;
  if (nonEmpty.length === 1) return nonEmpty[0];
  if (nonEmpty.length === 2) return mergeTwo(nonEmpty[0], nonEmpty[1]);
  let n = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  for (const l of nonEmpty) {
    n += l.length;
    if (l[0] < lo) lo = l[0];
    if (l[l.length - 1] > hi) hi = l[l.length - 1];
  }
  const out: number[] = [];
  if ((hi - lo) / 8 > n) {
    // Few indices spread far apart: sorting them beats scanning the range.
    const all: number[] = [];
    for (const l of nonEmpty) for (const x of l) all.push(x);
    all.sort((a, b) => a - b);
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]);
    return out;
  }
  // Marks over the range the lists span (an atom whose namespaceSelector matches every namespace
  // unites every pod's index): linear, no comparison sort.
  const mark = new Uint8Array(hi - lo + 1);
  for (const l of nonEmpty) for (const x of l) mark[x - lo] = 1;
  for (let i = 0; i < mark.length; i++) if (mark[i] === 1) out.push(i + lo);
  return out;
}

/** The union of two sorted, duplicate-free lists, by merging them. */
function mergeTwo(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) out.push(a[i++]);
    else if (b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i++]);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}
