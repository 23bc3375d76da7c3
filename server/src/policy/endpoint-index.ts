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
  private readonly byLabel: Lists = new Map();
  private readonly byLabelKey: Lists = new Map();
  private readonly byCalicoLabel: Lists = new Map();
  private readonly byCalicoLabelKey: Lists = new Map();
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

  constructor(readonly endpoints: readonly Endpoint[]) {
    endpoints.forEach((ep, i) => {
      if (ep.kind === 'pod') this.pods.push(i);
      if (ep.namespace !== undefined) {
        add(this.byNamespace, ep.namespace, i);
        if (!this.namespaceLabels.has(ep.namespace)) this.namespaceLabels.set(ep.namespace, ep.namespaceLabels);
      }
      for (const k in ep.labels) {
        add(this.byLabelKey, k, i);
        add(this.byLabel, `${k}=${ep.labels[k]}`, i);
      }
      for (const k in ep.calicoLabels) {
        add(this.byCalicoLabelKey, k, i);
        add(this.byCalicoLabel, `${k}=${ep.calicoLabels[k]}`, i);
      }
      for (const name of ep.namedPorts.keys()) add(this.byPortName, name, i);
      if (ep.networkSets.length) this.inNetworkSets.push(i);
    });
  }

  /** The namespaces `selector` matches (by their labels as pods see them) and their endpoints. */
  namespacesMatching(selector: LabelMatcher): NamespaceScope {
    let scope = this.selectorScopes.get(selector.key);
    if (!scope) {
      const namespaces = new Set<string>();
      for (const [ns, labels] of this.namespaceLabels) if (selector.matches(labels)) namespaces.add(ns);
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
    return (calico ? this.byCalicoLabel : this.byLabel).get(`${key}=${value}`) ?? NONE;
  }

  /**
   * A superset of the endpoints whose labels (`calico`: Calico labels) `m` matches, from the
   * index; undefined when the matcher's form gives no handle (then every endpoint may match).
   */
  matching(m: LabelMatcher, calico: boolean): readonly number[] | undefined {
    if (m instanceof CalicoSelector) return this.nodeCandidates(m.node, calico);
    if (m instanceof KubeLabelMatcher) {
      let best: readonly number[] | undefined;
      const consider = (list: readonly number[]) => {
        if (!best || list.length < best.length) best = list;
      };
      for (const k in m.selector.matchLabels) consider(this.withLabel(k, m.selector.matchLabels[k], calico));
      for (const r of m.selector.matchExpressions) {
        if (r.operator === 'In') consider(union(r.values.map((v) => this.withLabel(r.key, v, calico))));
        else if (r.operator === 'Exists') consider(this.withKey(r.key, calico));
      }
      return best;
    }
    return undefined;
  }

  private withKey(key: string, calico: boolean): readonly number[] {
    return (calico ? this.byCalicoLabelKey : this.byLabelKey).get(key) ?? NONE;
  }

  private nodeCandidates(n: SelectorNode, calico: boolean): readonly number[] | undefined {
    switch (n.kind) {
      case 'eq':
        return this.withLabel(n.label, n.value, calico);
      case 'in':
        return union(n.values.map((v) => this.withLabel(n.label, v, calico)));
      case 'has':
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        return this.withKey(n.label, calico);
      case 'and': {
        let best: readonly number[] | undefined;
        for (const o of n.operands) {
          const list = this.nodeCandidates(o, calico);
          if (list && (!best || list.length < best.length)) best = list;
        }
        return best;
      }
      case 'or': {
        const lists: (readonly number[])[] = [];
        for (const o of n.operands) {
          const list = this.nodeCandidates(o, calico);
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
