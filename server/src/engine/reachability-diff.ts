/**
 * What a change opens or closes: two analyses' reachability compared pair by
 * pair on every port the destination declares (before or after), grouped by
 * workload, each change with the rule that decided it before and after.
 * Pure: no files, no git; the CLI and the editor give it the two analyses.
 */
import type { Span } from '../common/source';
import type { Protocol } from '../model/kubernetes';
import type { Endpoint } from '../policy/endpoint';
import { type Direction, type PolicyRef, policyName } from '../policy/rule-model';
import type { Analysis } from './analysis';
import { ownerName } from './describe';
import type { DirectionVerdict, Verdict } from './verdict';

/** What decided a verdict, in words, with the policy rule (or policy) to point at when there is one. */
export interface Decider {
  readonly allowed: boolean;
  /** `NetworkPolicy shop/db ingress rule 2`, `ingress isolation of NetworkPolicy shop/db (no rule allows it)`. */
  readonly text: string;
  readonly policy?: PolicyRef;
  readonly direction?: Direction;
  /** 0-based rule index in `direction`'s list, when a rule decided. */
  readonly ruleIndex?: number;
}

export interface ReachabilityChange {
  /** `opened`: denied before, allowed after; `closed`: the other way round. */
  readonly change: 'opened' | 'closed';
  /** Workloads as `namespace/name` (a bare Pod's own id). */
  readonly source: string;
  readonly destination: string;
  /** `Deployment monitoring/prometheus`, `Pod shop/debug`. */
  readonly sourceOwner: string;
  readonly destinationOwner: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** Pod pairs of the two workloads whose verdict changed this way, and all their pod pairs compared. */
  readonly pairs: number;
  readonly of: number;
  /** The pod pair the explanation is taken from. */
  readonly example: { readonly from: string; readonly to: string };
  readonly before: Decider;
  readonly after: Decider;
  /** Where to point in the after state: the deciding rule, else the destination's manifest. */
  readonly span?: Span;
}

export interface ReachabilityDiff {
  /** Grouped by destination workload, then source, port and change, in a stable order. */
  readonly changes: readonly ReachabilityChange[];
  readonly opened: number;
  readonly closed: number;
  /** Pods compared (present before and after), and workloads only on one side (not compared). */
  readonly comparedPods: number;
  readonly addedWorkloads: readonly string[];
  readonly removedWorkloads: readonly string[];
}

/** `namespace/name` of the workload a pod belongs to (its own id for a bare Pod). */
export function workloadId(e: Endpoint): string {
  const w = e.pod?.workload;
  return w ? `${e.namespace}/${w.name}` : e.id;
}

/** `shop/postgres:5432` for TCP, `kube-system/dns:53/UDP` otherwise. */
function portLabel(workload: string, protocol: Protocol, port: number): string {
  return `${workload}:${port}${protocol === 'TCP' ? '' : `/${protocol}`}`;
}

/** One line: `shop/postgres:5432 newly reachable from monitoring/prometheus (was denied by …; now allowed by …)`. */
export function changeText(c: ReachabilityChange): string {
  const what = c.change === 'opened' ? 'newly reachable from' : 'no longer reachable from';
  const pairs = c.pairs < c.of ? `; ${c.pairs} of ${c.of} pod pairs, e.g. ${c.example.from} -> ${c.example.to}` : '';
  return (
    `${portLabel(c.destination, c.protocol, c.port)} ${what} ${c.source} ` +
    `(was ${c.before.allowed ? 'allowed' : 'denied'} by ${c.before.text}; ` +
    `now ${c.after.allowed ? 'allowed' : 'denied'} by ${c.after.text}${pairs})`
  );
}

function declaredPorts(e: Endpoint | undefined): { protocol: Protocol; port: number }[] {
  return (e?.pod?.spec.ports ?? []).map((p) => ({ protocol: p.protocol, port: p.containerPort }));
}

export function diffReachability(before: Analysis, after: Analysis): ReachabilityDiff {
  const common: { id: string; b: number; a: number }[] = [];
  for (const [a, e] of after.endpoints.entries()) {
    const b = before.engine.indexOf(e.id);
    if (b !== undefined) common.push({ id: e.id, b, a });
  }
  const workloadsOf = (x: Analysis) => new Set(x.endpoints.map(workloadId));
  const wBefore = workloadsOf(before);
  const wAfter = workloadsOf(after);
  // Each destination's ports, declared before or after, deduplicated.
  const ports = common.map(({ b, a }) => {
    const seen = new Map<string, { protocol: Protocol; port: number }>();
    for (const p of [...declaredPorts(before.endpoints[b]), ...declaredPorts(after.endpoints[a])])
      seen.set(`${p.protocol}/${p.port}`, p);
    return [...seen.values()].sort((x, y) => x.port - y.port || (x.protocol < y.protocol ? -1 : 1));
  });
  interface Group {
    change: 'opened' | 'closed';
    src: number;
    dst: number;
    protocol: Protocol;
    port: number;
    pairs: number;
  }
  const groups = new Map<string, Group>();
  const totals = new Map<string, number>();
  for (const [si, s] of common.entries()) {
    for (const [di, d] of common.entries()) {
      const pairKey = `${ownerName(after.endpoints[s.a])}\n${ownerName(after.endpoints[d.a])}`;
      for (const { protocol, port } of ports[di]) {
        const portKey = `${pairKey}\n${protocol}/${port}`;
        totals.set(portKey, (totals.get(portKey) ?? 0) + 1);
        const was = before.engine.allowed(s.b, d.b, protocol, port);
        const now = after.engine.allowed(s.a, d.a, protocol, port);
        if (was === now) continue;
        const change = now ? 'opened' : 'closed';
        const key = `${portKey}\n${change}`;
        const g = groups.get(key);
        if (g) g.pairs++;
        else groups.set(key, { change, src: si, dst: di, protocol, port, pairs: 1 });
      }
    }
  }
  const changes: ReachabilityChange[] = [];
  for (const [key, g] of groups) {
    const s = common[g.src];
    const d = common[g.dst];
    const beforeVerdict = before.engine.explain(s.b, d.b, g.protocol, g.port);
    const afterVerdict = after.engine.explain(s.a, d.a, g.protocol, g.port);
    const afterDecider = decider(afterVerdict);
    const se = after.endpoints[s.a];
    const de = after.endpoints[d.a];
    changes.push({
      change: g.change,
      source: workloadId(se),
      destination: workloadId(de),
      sourceOwner: ownerName(se),
      destinationOwner: ownerName(de),
      protocol: g.protocol,
      port: g.port,
      pairs: g.pairs,
      of: totals.get(key.slice(0, key.lastIndexOf('\n'))) ?? g.pairs,
      example: { from: s.id, to: d.id },
      before: decider(beforeVerdict),
      after: afterDecider,
      span: ruleSpan(after, afterDecider) ?? de.pod?.span,
    });
  }
  changes.sort(
    (x, y) =>
      cmp(x.destination, y.destination) ||
      cmp(x.source, y.source) ||
      x.port - y.port ||
      cmp(x.protocol, y.protocol) ||
      cmp(x.change, y.change),
  );
  return {
    changes,
    opened: changes.filter((c) => c.change === 'opened').length,
    closed: changes.filter((c) => c.change === 'closed').length,
    comparedPods: common.length,
    addedWorkloads: [...wAfter].filter((w) => !wBefore.has(w)).sort(),
    removedWorkloads: [...wBefore].filter((w) => !wAfter.has(w)).sort(),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The span of the deciding rule (or policy) in the analysis it came from. */
function ruleSpan(a: Analysis, d: Decider): Span | undefined {
  if (!d.policy) return undefined;
  if (d.direction && d.ruleIndex !== undefined) {
    for (const tier of a.policies.tiers)
      for (const p of tier.policies)
        if (p.ref.span === d.policy.span) return p[d.direction]?.find((r) => r.index === d.ruleIndex)?.span;
  }
  return d.policy.span;
}

/** One direction's deciding step in words, or undefined when nothing in it decided (not isolated). */
function directionDecider(v: DirectionVerdict): Omit<Decider, 'allowed'> | undefined {
  const last = v.steps[v.steps.length - 1];
  switch (v.reason) {
    case 'rule':
      return last?.policy
        ? {
            text: `${policyName(last.policy)} ${v.direction} rule ${(last.ruleIndex ?? 0) + 1} (${last.action})`,
            policy: last.policy,
            direction: v.direction,
            ruleIndex: last.ruleIndex,
          }
        : undefined;
    case 'end-of-tier': {
      const isolating = v.policies.filter((p) => p.tier === last?.tier);
      return {
        text: `${v.direction} isolation of ${isolating.map((p) => policyName(p.ref)).join(', ')} (no rule allows it)`,
        policy: isolating[0]?.ref,
      };
    }
    case 'profile':
      return { text: `the namespace profile (every ${v.direction} tier passed it on)` };
    default:
      return undefined;
  }
}

/** What decided a verdict: for a denial the denying direction, for an allow the rules that allowed it. */
export function decider(v: Verdict): Decider {
  if (v.family === undefined) return { allowed: false, text: v.notes[v.notes.length - 1] ?? 'no common address' };
  const dirs = [v.egress, v.ingress];
  if (!v.allowed) {
    const denying = dirs.find((d) => !d.allowed)!;
    return { allowed: false, ...(directionDecider(denying) ?? { text: `${denying.direction} policy` }) };
  }
  const parts = dirs.map(directionDecider).filter((p): p is NonNullable<typeof p> => p !== undefined);
  if (parts.length === 0) return { allowed: true, text: 'no policy (neither side is isolated)' };
  const main = parts.find((p) => p.policy) ?? parts[0];
  return { allowed: true, ...main, text: parts.map((p) => p.text).join(' and ') };
}
