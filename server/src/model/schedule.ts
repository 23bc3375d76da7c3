/**
 * Where pods run. Nodes come from Node objects, else from the nodeNames pods
 * mention, else from a default set of three. Pods keep spec.nodeName; a
 * DaemonSet gets one pod per eligible node; every other pod goes, in pod-id
 * order, to the eligible node with the fewest pods so far (ties by node name),
 * which spreads pods the way the default scheduler's balancing does, but
 * reproducibly. Eligibility follows nodeSelector, required node affinity and
 * NoSchedule/NoExecute taints.
 */
import type { KubeNode, Labels, NodeSelectorRequirement, PodSpecInfo, Taint, Toleration } from './kubernetes';

/** The nodes used when the workspace neither declares nor mentions any. */
const DEFAULT_NODE_NAMES: readonly string[] = ['node-1', 'node-2', 'node-3'];

function implicitNode(name: string, origin: 'referenced' | 'default'): KubeNode {
  return {
    name,
    labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' },
    annotations: {},
    podCIDRs: [],
    internalIPs: [],
    addresses: [],
    taints: [],
    origin,
  };
}

/** Declared nodes, plus nodes only mentioned by nodeName, or the default set when there are none. */
export function resolveNodes(declared: readonly KubeNode[], referenced: Iterable<string>): KubeNode[] {
  const byName = new Map<string, KubeNode>();
  for (const n of declared) byName.set(n.name, n);
  for (const name of referenced) if (!byName.has(name)) byName.set(name, implicitNode(name, 'referenced'));
  if (byName.size === 0) for (const name of DEFAULT_NODE_NAMES) byName.set(name, implicitNode(name, 'default'));
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function tolerates(tols: readonly Toleration[], taint: Taint): boolean {
  return tols.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

function requirementHolds(labels: Labels, r: NodeSelectorRequirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case 'In':
      return has && r.values.includes(v);
    case 'NotIn':
      return !has || !r.values.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
      return has && Number(v) > Number(r.values[0]);
    case 'Lt':
      return has && Number(v) < Number(r.values[0]);
    default:
      return false;
  }
}

/** Whether a pod with this spec may be scheduled on `node`. */
export function eligible(spec: PodSpecInfo, node: KubeNode): boolean {
  for (const [k, v] of Object.entries(spec.nodeSelector)) if (node.labels[k] !== v) return false;
  if (spec.requiredNodeAffinity && spec.requiredNodeAffinity.length > 0) {
    if (
      !spec.requiredNodeAffinity.some((term) => term.length > 0 && term.every((r) => requirementHolds(node.labels, r)))
    )
      return false;
  }
  for (const taint of node.taints) {
    if ((taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(spec.tolerations, taint))
      return false;
  }
  return true;
}

/** Balances pods over nodes: each call picks the eligible node with the fewest pods placed so far. */
export class Spreader {
  private readonly load: Int32Array;
  private readonly indexOf = new Map<string, number>();
  /** The eligible nodes (indices, in node order) per pod spec: the replicas of a workload share one spec. */
  private readonly eligibleBySpec = new Map<PodSpecInfo, readonly number[]>();

  constructor(private readonly nodes: readonly KubeNode[]) {
    this.load = new Int32Array(nodes.length);
    nodes.forEach((n, i) => {
      if (!this.indexOf.has(n.name)) this.indexOf.set(n.name, i);
    });
  }

  /** Records a pod placed by other means (nodeName, DaemonSet) so the balance accounts for it. */
  occupy(node: string): void {
    const i = this.indexOf.get(node);
    if (i !== undefined) this.load[i]++;
  }

  place(spec: PodSpecInfo): string | undefined {
    let candidates = this.eligibleBySpec.get(spec);
    if (!candidates) {
      const list: number[] = [];
      this.nodes.forEach((n, i) => {
        if (eligible(spec, n)) list.push(i);
      });
      candidates = list;
      this.eligibleBySpec.set(spec, candidates);
    }
    // The first of the least loaded (nodes are in name order).
    let best = -1;
    let bestLoad = Infinity;
    for (const i of candidates) {
      if (this.load[i] < bestLoad) {
        best = i;
        bestLoad = this.load[i];
      }
    }
    if (best < 0) return undefined;
    this.load[best]++;
    return this.nodes[best].name;
  }
}
