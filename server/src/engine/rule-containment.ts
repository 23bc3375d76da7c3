/**
 * Whether one rule matches every connection another matches: the question
 * behind redundant and shadowed rules. Decided on the engine's classes, not on
 * the YAML: for every pod class the inner rule's policy applies to, every peer
 * class (pods, host networks, outside address classes) and every port interval
 * where either rule's answer may change, the outer rule (and its policy) must
 * match wherever the inner one does. What each rule admits (admission.ts)
 * prunes the search first, so only the inner rule's own peers and ports are
 * probed, and of those only one class per group the two rules cannot tell
 * apart (admission.ts's class index).
 */
import type { IpFamily } from '../common/ip';
import type { Protocol } from '../model/kubernetes';
import type { CompiledPolicy, CompiledRule, Condition, Side } from '../policy/rule-model';
import { type Admission, classIndex, ruleAdmission } from './admission';
import type { Analysis } from './analysis';
import { conditionMatches, directedPacket } from './evaluate';
import { sideAtoms } from './peer-groups';
import { addPortCuts, sortedCuts } from './port-cuts';
import { memoized } from '../common/memo';

export interface PolicyRule {
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
}

/** Above this many probes the answer is "not known to cover" (no finding rather than a slow lint). */
const PROBE_BUDGET = 2_000_000;

/** True when the rule matches some connection: a subject, a peer and a port. */
function admitsSomething(adm: Admission): boolean {
  return (
    adm.subjectClasses.length > 0 &&
    adm.ports.length > 0 &&
    (adm.peerClasses.length > 0 || adm.externalClasses.length > 0)
  );
}

/**
 * Each list's classes by id (1 for a member) over the ids from its least to its greatest, built
 * once per list (lists are kept per admission and per subject atom): a namespace's classes span a
 * few ids, so a list's mask is about as long as the list, not as the classes of the cluster.
 */
const masks = new WeakMap<readonly { id: number }[], { readonly from: number; readonly mask: Uint8Array }>();

function maskOf(list: readonly { id: number }[]): { readonly from: number; readonly mask: Uint8Array } {
  return memoized(masks, list, () => {
    let from = Number.POSITIVE_INFINITY;
    let to = -1;
    for (const x of list) {
      if (x.id < from) from = x.id;
      if (x.id > to) to = x.id;
    }
    if (to < 0) return { from: 0, mask: new Uint8Array(0) };
    const mask = new Uint8Array(to - from + 1);
    for (const x of list) mask[x.id - from] = 1;
    return { from, mask };
  });
}

/** Whether every class of `inner` is in `outer` (both lists of distinct classes). */
export function classesWithin(inner: readonly { id: number }[], outer: readonly { id: number }[]): boolean {
  if (inner === outer || inner.length === 0) return true;
  if (inner.length > outer.length) return false;
  const { from, mask } = maskOf(outer);
  for (const x of inner) {
    const k = x.id - from;
    if (k < 0 || k >= mask.length || mask[k] !== 1) return false;
  }
  return true;
}

function portsWithin(inner: Admission, outer: Admission): boolean {
  return inner.ports.every((set) => {
    const o = outer.ports.find((x) => x.protocol === set.protocol);
    return !!o && set.ranges.every(([lo, hi]) => o.ranges.some(([a, b]) => a <= lo && hi <= b));
  });
}

function hasNamedPorts(c: Condition): boolean {
  if (c.type === 'all' || c.type === 'any') return c.of.some(hasNamedPorts);
  return c.type === 'ports' && c.named.length > 0;
}

/**
 * True when `outer` matches every connection `inner` matches: same direction,
 * and for every pod `inner`'s policy applies to, `outer`'s policy applies too
 * and its rule's condition holds. False when `inner` matches nothing.
 */
export function ruleCovers(a: Analysis, outer: PolicyRule, inner: PolicyRule): boolean {
  if (outer.rule.direction !== inner.rule.direction) return false;
  const ia = ruleAdmission(a, inner.policy, inner.rule);
  const oa = ruleAdmission(a, outer.policy, outer.rule);
  if (!admitsSomething(ia)) return false;
  if (!classesWithin(ia.subjectClasses, oa.subjectClasses)) return false;
  if (!classesWithin(ia.peerClasses, oa.peerClasses) || !classesWithin(ia.externalClasses, oa.externalClasses))
    return false;
  if (!portsWithin(ia, oa)) return false;

  const cuts = new Set<number>([1, 65536]);
  // Named ports cut where some party's numbers for them are (no party is read otherwise).
  const named = hasNamedPorts(inner.rule.condition) || hasNamedPorts(outer.rule.condition);
  const values = named
    ? [
        ...ia.subjectClasses.map((s) => s.values),
        ...ia.peerClasses.map((c) => c.values),
        ...ia.externalClasses.map((c) => c.values),
      ]
    : [];
  addPortCuts(inner.rule.condition, values, cuts);
  addPortCuts(outer.rule.condition, values, cuts);
  const sorted = sortedCuts(cuts);
  const probes: { protocol: Protocol; port: number }[] = [];
  for (const set of ia.ports)
    for (let i = 0; i + 1 < sorted.length; i++) {
      const port = sorted[i];
      if (set.ranges.some(([lo, hi]) => lo <= port && port <= hi)) probes.push({ protocol: set.protocol, port });
    }
  const peerCount = ia.peerClasses.length + ia.externalClasses.length;
  if (ia.subjectClasses.length * peerCount * probes.length > PROBE_BUDGET) return false;

  // Both conditions read a subject and a peer only through their atoms on that side (and the
  // family): classes that answer those alike are probed once, by their group's first class.
  const ingress = inner.rule.direction === 'ingress';
  const subjectSide: Side = ingress ? 'destination' : 'source';
  const peerSide: Side = ingress ? 'source' : 'destination';
  const sideOf = (side: Side) =>
    sideAtoms(outer.rule.condition, side, sideAtoms(inner.rule.condition, side, new Set()));
  const index = classIndex(a);
  const subjects = index.representatives(ia.subjectClasses, sideOf(subjectSide));
  const peers = [
    ...index.representatives(ia.peerClasses, sideOf(peerSide)).map((c) => ({ values: c.values, families: c.families })),
    ...ia.externalClasses.map((c) => ({ values: c.values, families: [c.family] as readonly IpFamily[] })),
  ];
  for (const s of subjects) {
    for (const peer of peers) {
      for (const family of peer.families) {
        if (!s.families.includes(family)) continue;
        for (const { protocol, port } of probes) {
          const p = directedPacket(inner.rule.direction, protocol, port, family, s.values, peer.values);
          if (conditionMatches(inner.rule.condition, p) && !conditionMatches(outer.rule.condition, p)) return false;
        }
      }
    }
  }
  return true;
}

/** The rules of one tier for one direction, in the order Calico evaluates them. */
export function tierRules(policies: readonly CompiledPolicy[], direction: 'ingress' | 'egress'): PolicyRule[] {
  return policies.flatMap((policy) => (policy[direction] ?? []).map((rule) => ({ policy, rule })));
}
