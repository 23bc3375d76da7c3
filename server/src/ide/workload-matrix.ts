/**
 * Matrices by workload, the compact form for big clusters: pods grouped by the
 * workload they come from (a bare Pod is its own group), and for every pair of
 * groups whether all, some or none of their pod pairs may connect. A cell is
 * decided on a few representatives, not on every pod pair: pods of a group
 * that policy cannot tell apart (same endpoint class, same declared ports, and
 * the same node when host-network pods make the node matter) answer alike.
 */
import type { Analysis } from '../engine/analysis';
import { ownerName } from '../engine/describe';
import { workloadId } from '../engine/reachability-diff';
import type { Protocol } from '../model/kubernetes';
import { type ServedPort, servedPorts } from './port-matrix';

export interface WorkloadGroup {
  /** `namespace/name` of the workload (the pod's id for a bare Pod). */
  readonly id: string;
  /** The workload's kind (`Deployment`, …), or `Pod`. */
  readonly kind: string;
  /** `Deployment shop/api`, `Pod shop/debug`. */
  readonly label: string;
  /** Endpoint indices of its pods, in the order given. */
  readonly pods: readonly number[];
  /** Per kind of member (see above), up to two members: two, so that pairs of distinct pods of one kind are decided too. */
  readonly kinds: readonly (readonly number[])[];
  /** The ports its pods declare (union, by port then protocol). */
  readonly served: readonly ServedPort[];
  /** The declared ports of each member in `kinds`. */
  readonly memberPorts: ReadonlyMap<number, readonly ServedPort[]>;
}

/** How many pod pairs of two groups may connect. */
export type GroupCell = 'all' | 'some' | 'none';

/** The pods of `indices` grouped by workload, in order of first appearance. */
export function workloadGroups(a: Analysis, indices: readonly number[]): WorkloadGroup[] {
  const nodeMatters = a.endpoints.some((e) => e.kind === 'host');
  const byId = new Map<
    string,
    {
      id: string;
      kind: string;
      label: string;
      pods: number[];
      kinds: Map<string, number[]>;
      served: Map<string, ServedPort>;
      memberPorts: Map<number, ServedPort[]>;
    }
  >();
  for (const i of indices) {
    const e = a.endpoints[i];
    const label = ownerName(e);
    let g = byId.get(label);
    if (!g) {
      g = {
        id: workloadId(e),
        kind: e.pod?.workload?.kind ?? 'Pod',
        label,
        pods: [],
        kinds: new Map(),
        served: new Map(),
        memberPorts: new Map(),
      };
      byId.set(label, g);
    }
    g.pods.push(i);
    const ports = servedPorts(a, i);
    for (const p of ports) g.served.set(p.key, p);
    const key = `${a.engine.classIdOf(i)}|${ports.map((p) => p.key).join(',')}|${nodeMatters ? (e.node ?? '') : ''}|${e.kind}`;
    const members = g.kinds.get(key);
    if (members && members.length >= 2) continue;
    if (members) members.push(i);
    else g.kinds.set(key, [i]);
    g.memberPorts.set(i, ports);
  }
  return [...byId.values()].map((g) => ({
    id: g.id,
    kind: g.kind,
    label: g.label,
    pods: g.pods,
    kinds: [...g.kinds.values()],
    served: [...g.served.values()].sort((x, y) => x.port - y.port || (x.protocol < y.protocol ? -1 : 1)),
    memberPorts: g.memberPorts,
  }));
}

/** The member pairs that stand for every pod pair of (from, to), including a pod with itself inside one group. */
function* pairs(from: WorkloadGroup, to: WorkloadGroup): Generator<[number, number]> {
  if (from === to) {
    const members = from.kinds.flat();
    for (const i of members) for (const j of members) yield [i, j];
    return;
  }
  for (const [i] of from.kinds) for (const [j] of to.kinds) yield [i, j];
}

function cellOf(allowed: number, total: number): GroupCell {
  return allowed === 0 ? 'none' : allowed === total ? 'all' : 'some';
}

/** May the pods of `from` open connections to the pods of `to` on (protocol, port): all pairs, some, none? */
export function workloadPortCell(
  a: Analysis,
  from: WorkloadGroup,
  to: WorkloadGroup,
  protocol: Protocol,
  port: number,
): GroupCell {
  let total = 0;
  let allowed = 0;
  for (const [i, j] of pairs(from, to)) {
    total++;
    if (a.engine.allowed(i, j, protocol, port)) allowed++;
  }
  return cellOf(allowed, total);
}

/**
 * On the ports the destination pods declare: may `from`'s pods reach `to`'s pods on each of them?
 * `undefined` when `to` declares no ports.
 */
export function workloadServedCell(a: Analysis, from: WorkloadGroup, to: WorkloadGroup): GroupCell | undefined {
  if (to.served.length === 0) return undefined;
  let total = 0;
  let allowed = 0;
  for (const [i, j] of pairs(from, to)) {
    for (const p of to.memberPorts.get(j) ?? []) {
      total++;
      if (a.engine.allowed(i, j, p.protocol, p.port)) allowed++;
    }
  }
  return total === 0 ? undefined : cellOf(allowed, total);
}
