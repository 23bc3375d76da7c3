/**
 * Whether one rule matches every connection another matches: the question
 * behind redundant and shadowed rules. Decided on the engine's classes, not on
 * the YAML: for every pod class the inner rule's policy applies to, every peer
 * class (pods, host networks, outside address classes) and every port interval
 * where either rule's answer may change, the outer rule (and its policy) must
 * match wherever the inner one does. What each rule admits (admission.ts)
 * prunes the search first, so only the inner rule's own peers and ports are
 * probed.
 */
import type { IpFamily } from '../common/ip';
import type { Protocol } from '../model/kubernetes';
import type { CompiledPolicy, CompiledRule } from '../policy/rule-model';
import { type Admission, ruleAdmission } from './admission';
import type { Analysis } from './analysis';
import { conditionMatches, type Packet } from './evaluate';
import { addPortCuts } from './port-cuts';

export interface PolicyRule {
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
}

/** Above this many probes the answer is "not known to cover" (no finding rather than a slow lint). */
const PROBE_BUDGET = 2_000_000;

/** True when the rule matches some connection: a subject, a peer and a port. */
export function admitsSomething(adm: Admission): boolean {
  return (
    adm.subjectClasses.length > 0 &&
    adm.ports.length > 0 &&
    (adm.peerClasses.length > 0 || adm.externalClasses.length > 0)
  );
}

function within(inner: readonly { id: number }[], outer: readonly { id: number }[]): boolean {
  const ids = new Set(outer.map((x) => x.id));
  return inner.every((x) => ids.has(x.id));
}

function portsWithin(inner: Admission, outer: Admission): boolean {
  return inner.ports.every((set) => {
    const o = outer.ports.find((x) => x.protocol === set.protocol);
    return !!o && set.ranges.every(([lo, hi]) => o.ranges.some(([a, b]) => a <= lo && hi <= b));
  });
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
  if (!within(ia.subjectClasses, oa.subjectClasses)) return false;
  if (!within(ia.peerClasses, oa.peerClasses) || !within(ia.externalClasses, oa.externalClasses)) return false;
  if (!portsWithin(ia, oa)) return false;

  const peers = [
    ...ia.peerClasses.map((c) => ({ values: c.values, families: c.families })),
    ...ia.externalClasses.map((c) => ({ values: c.values, families: [c.family] as readonly IpFamily[] })),
  ];
  const cuts = new Set<number>([1, 65536]);
  const values = [...ia.subjectClasses.map((s) => s.values), ...peers.map((p) => p.values)];
  addPortCuts(inner.rule.condition, values, cuts);
  addPortCuts(outer.rule.condition, values, cuts);
  const sorted = [...cuts].filter((p) => p >= 1 && p <= 65536).sort((x, y) => x - y);
  const probes: { protocol: Protocol; port: number }[] = [];
  for (const set of ia.ports)
    for (let i = 0; i + 1 < sorted.length; i++) {
      const port = sorted[i];
      if (set.ranges.some(([lo, hi]) => lo <= port && port <= hi)) probes.push({ protocol: set.protocol, port });
    }
  if (ia.subjectClasses.length * peers.length * probes.length > PROBE_BUDGET) return false;

  const ingress = inner.rule.direction === 'ingress';
  for (const s of ia.subjectClasses) {
    for (const peer of peers) {
      for (const family of peer.families) {
        if (!s.families.includes(family)) continue;
        for (const { protocol, port } of probes) {
          const p: Packet = ingress
            ? { protocol, port, family, src: peer.values, dst: s.values }
            : { protocol, port, family, src: s.values, dst: peer.values };
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
