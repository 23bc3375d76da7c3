/**
 * Rules and policies that another one makes pointless, tier by tier and
 * direction by direction, computed once per analysis for the three rules that
 * report them (shadowed-rule, redundant-rule, redundant-policy).
 *
 * - shadowed: an earlier rule of the same tier with another action (Allow,
 *   Deny or Pass) matches every connection the rule matches, so the rule never
 *   decides anything;
 * - redundant rule: another rule with the same action matches every connection
 *   it matches, and no rule with another action sits between them;
 * - redundant policy: another policy of the same tier applies to all its pods
 *   in each of its directions (so isolation is kept without it) and covers
 *   each of its rules. Policies without rules (default denies) are deliberate
 *   and never reported.
 * When two rules (or policies) cover each other, only the later one is reported.
 */
import type { Analysis } from '../engine/analysis';
import { subjectClassesOf } from '../engine/admission';
import { classesWithin, type PolicyRule, ruleCovers } from '../engine/rule-containment';
import type { EndpointClass } from '../engine/classes';
import type { CompiledPolicy, CompiledTier, Direction } from '../policy/rule-model';
import { memoized } from '../common/memo';

export interface Overlap {
  /** The rule (or a rule of the policy) that is pointless. */
  readonly pointless: PolicyRule;
  /** The rule that covers it. */
  readonly by: PolicyRule;
  readonly tier: CompiledTier;
}

export interface RedundantPolicy {
  readonly policy: CompiledPolicy;
  readonly by: CompiledPolicy;
  readonly tier: CompiledTier;
}

export interface PolicyOverlaps {
  readonly shadowed: readonly Overlap[];
  readonly redundantRules: readonly Overlap[];
  readonly redundantPolicies: readonly RedundantPolicy[];
}

const cache = new WeakMap<Analysis, PolicyOverlaps>();

/**
 * The overlaps of the analysis, computed once. `checkpoint` (LintContext.checkpoint) is called
 * as the work goes, tier by tier and rule by rule: what it throws (a time budget spent, a newer
 * edit) stops the computation, and nothing is kept of it.
 */
export function policyOverlaps(a: Analysis, checkpoint: () => void = () => undefined): PolicyOverlaps {
  return memoized(cache, a, () => compute(a, checkpoint));
}

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

/**
 * One tier's rules in one direction, in evaluation order (policy by policy, so each policy's
 * rules are the positions `start[pi]` to `start[pi + 1]`), with the pod classes each rule's
 * policy applies to.
 */
interface DirectionRules {
  readonly rules: readonly PolicyRule[];
  readonly start: Int32Array;
  readonly subjects: readonly (readonly EndpointClass[])[];
}

function directionRules(
  tier: CompiledTier,
  direction: Direction,
  subjectsOf: readonly (readonly EndpointClass[])[],
): DirectionRules {
  const rules: PolicyRule[] = [];
  const subjects: (readonly EndpointClass[])[] = [];
  const start = new Int32Array(tier.policies.length + 1);
  tier.policies.forEach((policy, pi) => {
    start[pi] = rules.length;
    const list = policy[direction];
    if (list)
      for (const rule of list) {
        rules.push({ policy, rule });
        subjects.push(subjectsOf[pi]);
      }
  });
  start[tier.policies.length] = rules.length;
  return { rules, start, subjects };
}

function compute(a: Analysis, checkpoint: () => void): PolicyOverlaps {
  const shadowed: Overlap[] = [];
  const redundantRules: Overlap[] = [];
  const redundantPolicies: RedundantPolicy[] = [];
  for (const tier of a.policies.tiers) {
    checkpoint();
    const subjects = tier.policies.map((p) => subjectClassesOf(a, p.subject));
    const ordered = DIRECTIONS.map((d) => directionRules(tier, d, subjects));
    const covers = memo(a);
    const redundant = findRedundantPolicies(a, tier, subjects, ordered, covers, checkpoint);
    redundantPolicies.push(...redundant);
    const skip = new Set(redundant.map((r) => r.policy));
    for (const { rules, subjects: ruleSubjects } of ordered) {
      const between = sameActionBetweenOf(rules);
      // A rule covers another only if its policy applies to every pod class the other's does
      // (ruleCovers), so the rules that can cover one are among those applying to its first class.
      // Only the lists of the classes some rule applies to first are asked for: kept for those alone.
      const byClass: (number[] | undefined)[] = new Array(a.engine.classes.length);
      for (const classes of ruleSubjects) if (classes.length > 0) byClass[classes[0].id] = [];
      for (let j = 0; j < rules.length; j++)
        for (const c of ruleSubjects[j]) {
          const list = byClass[c.id];
          if (list && list[list.length - 1] !== j) list.push(j);
        }
      // Pairs whose policies' pods rule out covering are skipped before ruleCovers computes what
      // each rule admits: a rule whose policy applies to a pod the other's does not covers nothing
      // of it. (A rule that admits nothing is covered by none: ruleCovers says so.)
      const within = (outer: number, inner: number) => classesWithin(ruleSubjects[inner], ruleSubjects[outer]);
      for (let i = 0; i < rules.length; i++) {
        if ((i & 63) === 0) checkpoint();
        const inner = rules[i];
        if (inner.rule.action === 'Log' || skip.has(inner.policy) || ruleSubjects[i].length === 0) continue;
        const candidates = byClass[ruleSubjects[i][0].id]!;
        let found = false;
        for (const j of candidates) {
          if (j >= i) break;
          const outer = rules[j];
          if (outer.rule.action === 'Log' || outer.rule.action === inner.rule.action) continue;
          if (within(j, i) && covers(outer, inner)) {
            shadowed.push({ pointless: inner, by: outer, tier });
            found = true;
            break;
          }
        }
        if (found) continue;
        for (const j of candidates) {
          if (j === i) continue;
          const outer = rules[j];
          if (outer.rule.action !== inner.rule.action || !between(i, j)) continue;
          if (!within(j, i) || !covers(outer, inner)) continue;
          // Rules that cover each other: only the later one is pointless.
          if (j > i && within(i, j) && covers(inner, outer)) continue;
          redundantRules.push({ pointless: inner, by: outer, tier });
          break;
        }
      }
    }
  }
  return { shadowed, redundantRules, redundantPolicies };
}

/**
 * For one list of rules: whether no rule with another action (Log aside) sits between
 * positions i and j, so swapping which of the two decides changes nothing. Constant time: per
 * action, how many rules before each position have another action.
 */
function sameActionBetweenOf(rules: readonly PolicyRule[]): (i: number, j: number) => boolean {
  const counts = new Map<string, Int32Array>();
  const countsFor = (action: string) => {
    let c = counts.get(action);
    if (!c) {
      c = new Int32Array(rules.length + 1);
      for (let k = 0; k < rules.length; k++) {
        const other = rules[k].rule.action;
        c[k + 1] = c[k] + (other !== action && other !== 'Log' ? 1 : 0);
      }
      counts.set(action, c);
    }
    return c;
  };
  return (i, j) => {
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    if (hi - lo <= 1) return true;
    const c = countsFor(rules[i].rule.action);
    return c[hi] - c[lo + 1] === 0;
  };
}

function memo(a: Analysis): (outer: PolicyRule, inner: PolicyRule) => boolean {
  const seen = new Map<PolicyRule, Map<PolicyRule, boolean>>();
  return (outer, inner) => {
    let row = seen.get(outer);
    if (!row) {
      row = new Map();
      seen.set(outer, row);
    }
    let v = row.get(inner);
    if (v === undefined) {
      v = ruleCovers(a, outer, inner);
      row.set(inner, v);
    }
    return v;
  };
}

function findRedundantPolicies(
  a: Analysis,
  tier: CompiledTier,
  subjects: readonly (readonly EndpointClass[])[],
  ordered: readonly DirectionRules[],
  covers: (outer: PolicyRule, inner: PolicyRule) => boolean,
  checkpoint: () => void,
): RedundantPolicy[] {
  const out: RedundantPolicy[] = [];
  const policies = tier.policies;
  const ruleCount = (pi: number) => {
    let n = 0;
    for (const { start } of ordered) n += start[pi + 1] - start[pi];
    return n;
  };
  // The policies (by position in the tier) of each class that is some policy's first (the only
  // lists asked for).
  const policiesOfClass: (number[] | undefined)[] = new Array(a.engine.classes.length);
  for (const classes of subjects) if (classes.length > 0) policiesOfClass[classes[0].id] = [];
  for (let pi = 0; pi < policies.length; pi++) for (const c of subjects[pi]) policiesOfClass[c.id]?.push(pi);
  let everyPolicy: number[] | undefined;
  const between = ordered.map((d) => sameActionBetweenOf(d.rules));
  const coveredBy = (pi: number, qi: number, pEarlier: boolean): boolean => {
    const p = policies[pi];
    const q = policies[qi];
    // q must apply to every pod p applies to, or dropping p would change which pods are isolated.
    if (!classesWithin(subjects[pi], subjects[qi])) return false;
    for (let d = 0; d < DIRECTIONS.length; d++) {
      const direction = DIRECTIONS[d];
      if (p[direction] === undefined) continue;
      if (q[direction] === undefined) return false;
      const { rules: list, start } = ordered[d];
      const sameAction = between[d];
      for (let i = start[pi]; i < start[pi + 1]; i++) {
        const inner = list[i];
        let ok = false;
        for (let j = start[qi]; j < start[qi + 1] && !ok; j++) {
          const outer = list[j];
          ok =
            outer.rule.action === inner.rule.action &&
            sameAction(i, j) &&
            covers(outer, inner) &&
            // Equal rules: the later copy is the pointless one.
            !(pEarlier && covers(inner, outer));
        }
        if (!ok) return false;
      }
    }
    return true;
  };
  // A policy with a rule that admits nothing is never redundant: no rule covers that one (ruleCovers).
  for (let pi = 0; pi < policies.length; pi++) {
    if ((pi & 63) === 0) checkpoint();
    if (ruleCount(pi) === 0) continue;
    // Only a policy applying to p's first pod class can apply to all of p's (any, when p applies to none).
    const first = subjects[pi][0];
    if (first === undefined && !everyPolicy) everyPolicy = policies.map((_, i) => i);
    const candidates = first === undefined ? everyPolicy! : policiesOfClass[first.id]!;
    for (const qi of candidates) {
      if (qi === pi || ruleCount(qi) === 0) continue;
      if (!coveredBy(pi, qi, pi < qi)) continue;
      if (qi > pi && coveredBy(qi, pi, false)) continue;
      out.push({ policy: policies[pi], by: policies[qi], tier });
      break;
    }
  }
  return out;
}
