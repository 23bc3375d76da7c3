/**
 * Counts for CodeLens, inlay hints and the status bar: how many pods a policy
 * isolates and how many workloads it admits, how many workloads a workload is
 * reachable from and can reach (on the ports its pods declare).
 */
import { plural } from '../common/text';
import { ruleAdmission } from '../engine/admission';
import type { Analysis } from '../engine/analysis';
import { membersOf, ownerName } from '../engine/describe';
import type { CompiledPolicy } from '../policy/rule-model';
import { servedPorts } from './port-matrix';
import { podsOfAtom } from './select-pods';
import { memoized } from '../common/memo';

export interface PolicySummary {
  /** Pods the policy applies to. */
  readonly selected: number[];
  /** Workloads (owners) its ingress rules admit, and whether outside addresses are admitted too. */
  readonly ingressSources?: { readonly workloads: number; readonly external: boolean };
  readonly egressDestinations?: { readonly workloads: number; readonly external: boolean };
}

function owners(a: Analysis, indices: readonly number[]): Set<string> {
  return new Set(indices.map((i) => ownerName(a.endpoints[i])));
}

export function policySummary(a: Analysis, p: CompiledPolicy): PolicySummary {
  const selected = podsOfAtom(a, p.subject);
  const side = (rules: CompiledPolicy['ingress']) => {
    if (!rules) return undefined;
    const peers = new Set<number>();
    let external = false;
    for (const r of rules) {
      if (r.action !== 'Allow') continue;
      const adm = ruleAdmission(a, p, r);
      if (adm.ports.length === 0) continue;
      for (const i of membersOf(adm.peerClasses)) peers.add(i);
      if (adm.externalClasses.length) external = true;
    }
    return { workloads: owners(a, [...peers]).size, external };
  };
  return { selected, ingressSources: side(p.ingress), egressDestinations: side(p.egress) };
}

/** `isolates 3 pods · admits 2 workloads`; `isolates 3 pods · allows egress to 1 workload and outside addresses`. */
export function policySummaryText(s: PolicySummary): string {
  const parts = [`isolates ${plural(s.selected.length, 'pod')}`];
  const words = (x: { workloads: number; external: boolean }) =>
    `${plural(x.workloads, 'workload')}${x.external ? ' and outside addresses' : ''}`;
  if (s.ingressSources) parts.push(`admits ${words(s.ingressSources)}`);
  if (s.egressDestinations) parts.push(`allows egress to ${words(s.egressDestinations)}`);
  return parts.join(' · ');
}

export interface WorkloadReach {
  /** Other workloads with a pod that can open a connection to one of this workload's declared ports. */
  readonly reachableFrom: readonly string[];
  /** Other workloads this workload's pods can reach on a port they declare. */
  readonly canReach: readonly string[];
  /** Workloads in the analysis (pods without a workload count as their own). */
  readonly total: number;
  /** False when this workload's pods declare no ports (nothing to be reached on). */
  readonly declaresPorts: boolean;
}

interface Group {
  readonly name: string;
  /** One endpoint per distinct class: policy cannot tell the others apart. */
  readonly reps: number[];
}

const groupCache = new WeakMap<Analysis, Group[]>();

function groups(a: Analysis): Group[] {
  return memoized(groupCache, a, () => {
    const byName = new Map<string, { reps: number[]; seen: Set<string> }>();
    a.endpoints.forEach((e, i) => {
      const name = ownerName(e);
      let x = byName.get(name);
      if (!x) {
        x = { reps: [], seen: new Set() };
        byName.set(name, x);
      }
      const key = `${a.engine.classIdOf(i)}|${servedPorts(a, i)
        .map((s) => s.key)
        .join(',')}|${e.node ?? ''}`;
      if (!x.seen.has(key)) {
        x.seen.add(key);
        x.reps.push(i);
      }
    });
    return [...byName.entries()].map(([name, x]) => ({ name, reps: x.reps }));
  });
}

function reaches(a: Analysis, from: Group, to: Group): boolean {
  for (const j of to.reps) {
    const ports = servedPorts(a, j);
    for (const i of from.reps) if (ports.some((p) => a.engine.allowed(i, j, p.protocol, p.port))) return true;
  }
  return false;
}

/** Reach counts of the workload (`Deployment shop/api`, or `Pod ns/name`) named `owner`. */
export function workloadReach(a: Analysis, owner: string): WorkloadReach | undefined {
  const all = groups(a);
  const self = all.find((g) => g.name === owner);
  if (!self) return undefined;
  const others = all.filter((g) => g !== self);
  return {
    reachableFrom: others.filter((g) => reaches(a, g, self)).map((g) => g.name),
    canReach: others.filter((g) => reaches(a, self, g)).map((g) => g.name),
    total: all.length,
    declaresPorts: self.reps.some((j) => servedPorts(a, j).length > 0),
  };
}

/** `reachable from 4 of 17 workloads · can reach 2`. */
export function workloadReachText(r: WorkloadReach): string {
  const from = r.declaresPorts
    ? `reachable from ${r.reachableFrom.length} of ${r.total - 1} workloads`
    : 'declares no ports';
  return `${from} · can reach ${r.canReach.length}`;
}
