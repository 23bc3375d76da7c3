/**
 * missing-default-deny: a namespace whose own policies isolate some of its
 * pods in a direction but not all of them, and that has no default-deny for
 * that direction. The pods its policies miss are open to everything, and so
 * will be every workload added later. Isolation is the engine's
 * (engine/isolation.ts). The fix adds a default-deny for the direction to the
 * file of the namespace's first policy (lint/fixes/default-deny.ts).
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { plural, quoteList } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { isOpen, policiesApplying } from '../../engine/isolation';
import { type CompiledPolicy, type Direction, policyName } from '../../policy/rule-model';
import { defaultDenyFix } from '../fixes/default-deny';
import type { LintContext, LintRule } from '../lint-rule';
import { memoized } from '../../common/memo';

const ID: RuleId = 'missing-default-deny';

export const missingDefaultDeny: LintRule = { id: ID, check };

/** The namespace's own simulated policies that apply in a direction, in source order. */
export function namespacePolicies(a: Analysis, namespace: string, direction: Direction): CompiledPolicy[] {
  return policiesByNamespace(a, direction).get(namespace)?.slice() ?? [];
}

const byNamespace = new WeakMap<Analysis, Map<Direction, Map<string | undefined, CompiledPolicy[]>>>();

/** Every namespace's own policies in a direction, in source order, found in one pass per analysis. */
function policiesByNamespace(a: Analysis, direction: Direction): Map<string | undefined, CompiledPolicy[]> {
  const perDirection = memoized(byNamespace, a, () => new Map<Direction, Map<string | undefined, CompiledPolicy[]>>());
  let found = perDirection.get(direction);
  if (!found) {
    found = new Map();
    for (const tier of a.policies.tiers)
      for (const p of tier.policies) {
        if (p[direction] === undefined) continue;
        const list = found.get(p.ref.namespace);
        if (list) list.push(p);
        else found.set(p.ref.namespace, [p]);
      }
    for (const list of found.values())
      list.sort((x, y) =>
        x.ref.span.file.path !== y.ref.span.file.path
          ? x.ref.span.file.path < y.ref.span.file.path
            ? -1
            : 1
          : x.ref.span.start - y.ref.span.start,
      );
    perDirection.set(direction, found);
  }
  return found;
}

function check({ analysis: a, checkpoint }: LintContext, sink: FindingSink): void {
  // Each namespace's pods by class, in class then member order.
  const podsOf = new Map<string, { cls: EndpointClass; members: number[] }[]>();
  for (const cls of a.engine.classes) {
    if (cls.kind !== 'pod') continue;
    // A class is mostly one namespace's: its members are grouped per namespace in one pass.
    let last: { cls: EndpointClass; members: number[] } | undefined;
    for (const m of cls.members) {
      const ns = a.endpoints[m].namespace!;
      if (last && a.endpoints[last.members[0]].namespace === ns) {
        last.members.push(m);
        continue;
      }
      const list = podsOf.get(ns);
      last = list?.find((x) => x.cls === cls);
      if (last) last.members.push(m);
      else {
        last = { cls, members: [m] };
        if (list) list.push(last);
        else podsOf.set(ns, [last]);
      }
    }
  }
  const namespaces = [...podsOf.keys()].sort();
  for (const direction of ['ingress', 'egress'] as const) {
    const applying = new Map<EndpointClass, CompiledPolicy[]>();
    const applyingTo = (cls: EndpointClass) => {
      let list = applying.get(cls);
      if (!list) {
        list = policiesApplying(a, cls, direction);
        applying.set(cls, list);
      }
      return list;
    };
    for (const ns of namespaces) {
      const own = namespacePolicies(a, ns, direction);
      if (own.length === 0) continue;
      let isolatedCount = 0;
      const openPods: number[] = [];
      checkpoint();
      // Open, isolated by the namespace's own policies, or neither: once per class, not per pod.
      for (const { cls, members } of podsOf.get(ns) ?? []) {
        if (isOpen(a, cls, direction)) openPods.push(...members);
        else if (applyingTo(cls).some((p) => own.includes(p))) isolatedCount += members.length;
      }
      if (openPods.length === 0 || isolatedCount === 0) continue;
      const open = openPods.map((m) => a.endpoints[m].pod?.name ?? a.endpoints[m].id);
      const first = own[0];
      const D = direction === 'ingress' ? 'Ingress' : 'Egress';
      sink.report(
        ID,
        'warning',
        `Namespace ${ns} has ${plural(own.length, `${direction} policy`, `${direction} policies`)} but no default-deny for ${direction}: ${own.length === 1 ? 'it isolates' : 'they isolate'} ${plural(isolatedCount, 'pod')} and leave ${plural(open.length, 'pod')} open to everything (${quoteList(open.sort(), 5)}), as they will every workload added later. Add a default-deny (podSelector: {}, policyTypes: [${D}]) and allow what each workload needs.`,
        first.ref.span,
        {
          related: own
            .slice(1, 6)
            .map((p) => ({ span: p.ref.span, message: `also isolates for ${direction}: ${policyName(p.ref)}` })),
          fixes: [defaultDenyFix(a, ns, [D], { file: first.ref.span.file })],
        },
      );
    }
  }
}
