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
  private load = new Map<string, number>();
  constructor(private readonly nodes: readonly KubeNode[]) {}

  /** Records a pod placed by other means (nodeName, DaemonSet) so the balance accounts for it. */
  occupy(node: string): void {
    this.load.set(node, (this.load.get(node) ?? 0) + 1);
  }

  place(spec: PodSpecInfo): string | undefined {
    let best: KubeNode | undefined;
    let bestLoad = Infinity;
    for (const n of this.nodes) {
      if (!eligible(spec, n)) continue;
      const l = this.load.get(n.name) ?? 0;
      if (l < bestLoad) {
        best = n;
        bestLoad = l;
      }
    }
    if (best) this.occupy(best.name);
    return best?.name;
  }
}
