/**
 * non-isolated-pods: pods that no policy isolates in a direction, so every pod
 * in the cluster and every outside address reaches them (ingress), or they
 * reach everything (egress). Decided from the engine (engine/isolation.ts):
 * a pod whose policies block nothing counts as not isolated. One finding per
 * workload, or per namespace when several workloads of a declared namespace
 * are open; a warning where the namespace's own policies already isolate
 * other pods in that direction (the team started and missed these).
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RelatedInfo } from '../../common/finding';
import type { RuleId } from '../../common/rule-registry';
import type { Span } from '../../common/source';
import { plural, quoteList } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import { describePods, groupByOwner } from '../../engine/describe';
import type { EndpointClass } from '../../engine/classes';
import { isOpen } from '../../engine/isolation';
import type { Endpoint } from '../../policy/endpoint';
import type { Direction } from '../../policy/rule-model';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'non-isolated-pods';

export const nonIsolatedPods: LintRule = { id: ID, check };

function check({ analysis: a, checkpoint }: LintContext, sink: FindingSink): void {
  // Each pod class's namespaces, found once for both directions (a class is mostly one namespace's).
  const namespacesOf = new Map<number, string[]>();
  const namespacesOfClass = (cls: EndpointClass) => {
    let list = namespacesOf.get(cls.id);
    if (!list) {
      list = [];
      for (const m of cls.members) {
        const ns = a.endpoints[m].namespace!;
        if (!list.includes(ns)) list.push(ns);
      }
      namespacesOf.set(cls.id, list);
    }
    return list;
  };
  for (const direction of ['ingress', 'egress'] as const) {
    const open = new Uint8Array(a.endpoints.length);
    let opened = 0;
    const isolatedNamespaces = new Set<string>();
    for (const cls of a.engine.classes) {
      checkpoint();
      if (cls.kind !== 'pod') continue;
      if (isOpen(a, cls, direction)) {
        for (const m of cls.members) open[m] = 1;
        opened += cls.members.length;
      } else {
        // The namespaces of its pods that one of its own namespace's policies isolates (each
        // namespace found once: the classes after it have nothing to add).
        for (const ns of namespacesOfClass(cls))
          if (!isolatedNamespaces.has(ns) && appliesFrom(a, cls, direction, ns)) isolatedNamespaces.add(ns);
      }
    }
    if (opened === 0) continue;
    // Open pods in endpoint order (the pod classes' members are the pods).
    const byNamespace = new Map<string, number[]>();
    a.endpoints.forEach((e, i) => {
      if (open[i] === 0) return;
      const ns = e.namespace!;
      const list = byNamespace.get(ns);
      if (list) list.push(i);
      else byNamespace.set(ns, [i]);
    });
    for (const [ns, members] of byNamespace)
      reportNamespace(a, sink, direction, ns, members, isolatedNamespaces.has(ns));
  }
}

/** Whether a policy of namespace `ns` applies to the class in the direction. */
function appliesFrom(a: Analysis, cls: EndpointClass, direction: Direction, ns: string): boolean {
  for (const t of a.engine.applicable(cls.id, direction).tiers)
    for (const p of t.policies) if (p.ref.namespace === ns) return true;
  return false;
}

function ownerSpan(e: Endpoint): Span {
  return e.pod!.workload?.meta.nameSpan ?? e.pod!.meta.nameSpan;
}

function reportNamespace(
  a: Analysis,
  sink: FindingSink,
  direction: Direction,
  ns: string,
  members: number[],
  teamIsolates: boolean,
): void {
  const severity = teamIsolates ? 'warning' : 'info';
  const groups = groupByOwner(a, members);
  const reach = (count: number) => {
    const [them, they] = count === 1 ? ['it', 'it'] : ['them', 'they'];
    return direction === 'ingress'
      ? `no policy restricts who connects to ${them}: every pod in the cluster and every internet address can, on every port`
      : `no policy restricts where ${they} connect${count === 1 ? 's' : ''}: ${they} can reach every pod in the cluster and every internet address, on every port`;
  };
  const missed = teamIsolates
    ? ` Namespace ${ns} has ${direction} policies for its other pods; these were left out (add them to a policy, or add a default-deny for ${direction}).`
    : '';
  const namespaceObject = a.cluster.namespaces.get(ns)?.meta;
  if (groups.size > 1 && namespaceObject) {
    const related: RelatedInfo[] = [...groups.entries()].map(([owner, list]) => ({
      span: ownerSpan(list[0]),
      message: `${owner}: ${plural(list.length, 'pod')} not isolated for ${direction}`,
    }));
    sink.report(
      ID,
      severity,
      `Not isolated for ${direction} in namespace ${ns}: ${plural(members.length, 'pod')} of ${plural(groups.size, 'workload')} (${quoteList(
        members.map((i) => a.endpoints[i].pod?.name ?? a.endpoints[i].id),
        5,
      )}); ${reach(members.length)}.${missed}`,
      namespaceObject.nameSpan,
      { related },
    );
    return;
  }
  for (const list of groups.values()) {
    sink.report(
      ID,
      severity,
      `Not isolated for ${direction}: ${describePods(
        a,
        list.map((e) => a.engine.indexOf(e.id)!),
        5,
      )}; ${reach(list.length)}.${missed}`,
      ownerSpan(list[0]),
    );
  }
}
