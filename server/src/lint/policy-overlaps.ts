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
import { ruleAdmission, subjectClassesOf } from '../engine/admission';
import { admitsSomething, classesWithin, type PolicyRule, ruleCovers, tierRules } from '../engine/rule-containment';
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

function compute(a: Analysis, checkpoint: () => void): PolicyOverlaps {
  const shadowed: Overlap[] = [];
  const redundantRules: Overlap[] = [];
  const redundantPolicies: RedundantPolicy[] = [];
  for (const tier of a.policies.tiers) {
    checkpoint();
    const ordered = new Map(DIRECTIONS.map((d) => [d, tierRules(tier.policies, d)]));
    const covers = memo(a);
    const redundant = findRedundantPolicies(a, tier, ordered, covers, checkpoint);
    redundantPolicies.push(...redundant);
    const skip = new Set(redundant.map((r) => r.policy));
    for (const direction of DIRECTIONS) {
      const rules = ordered.get(direction)!;
      const between = sameActionBetweenOf(rules);
      // A rule covers another only if its policy applies to every pod class the other's does
      // (ruleCovers), so the rules that can cover one are among those applying to its first class.
      const admissions = rules.map((r) => ruleAdmission(a, r.policy, r.rule));
      // Only the lists of the classes some rule applies to first are asked for: kept for those alone.
      const byClass: (number[] | undefined)[] = new Array(a.engine.classes.length);
      for (const adm of admissions) if (adm.subjectClasses.length > 0) byClass[adm.subjectClasses[0].id] = [];
      admissions.forEach((adm, j) => {
        for (const c of adm.subjectClasses) {
          const list = byClass[c.id];
          if (list && list[list.length - 1] !== j) list.push(j);
        }
      });
      rules.forEach((inner, i) => {
        if ((i & 63) === 0) checkpoint();
        if (inner.rule.action === 'Log' || skip.has(inner.policy)) return;
        // A rule that admits nothing is covered by none (ruleCovers).
        if (!admitsSomething(admissions[i])) return;
        const candidates = byClass[admissions[i].subjectClasses[0].id]!;
        for (const j of candidates) {
          if (j >= i) break;
          const outer = rules[j];
          if (outer.rule.action === 'Log' || outer.rule.action === inner.rule.action) continue;
          if (covers(outer, inner)) {
            shadowed.push({ pointless: inner, by: outer, tier });
            return;
          }
        }
        for (const j of candidates) {
          if (j === i) continue;
          const outer = rules[j];
          if (outer.rule.action !== inner.rule.action || !between(i, j)) continue;
          if (!covers(outer, inner)) continue;
          // Rules that cover each other: only the later one is pointless.
          if (j > i && covers(inner, outer)) continue;
          redundantRules.push({ pointless: inner, by: outer, tier });
          return;
        }
      });
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
      rules.forEach((r, k) => {
        const other = r.rule.action !== action && r.rule.action !== 'Log';
        c![k + 1] = c![k] + (other ? 1 : 0);
      });
      counts.set(action, c);
    }
    return c;
  };
  return (i, j) => {
    const c = countsFor(rules[i].rule.action);
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    return hi - lo <= 1 || c[hi] - c[lo + 1] === 0;
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
  ordered: Map<Direction, PolicyRule[]>,
  covers: (outer: PolicyRule, inner: PolicyRule) => boolean,
  checkpoint: () => void,
): RedundantPolicy[] {
  const out: RedundantPolicy[] = [];
  // Each policy's rules as positions in the tier's ordered list, per direction.
  const positions = new Map<CompiledPolicy, Map<Direction, number[]>>();
  for (const p of tier.policies) positions.set(p, new Map(DIRECTIONS.map((d) => [d, []])));
  for (const d of DIRECTIONS)
    ordered.get(d)!.forEach((r, i) => {
      positions.get(r.policy)?.get(d)?.push(i);
    });
  const ruleCount = (p: CompiledPolicy) => DIRECTIONS.reduce((n, d) => n + positions.get(p)!.get(d)!.length, 0);
  // The pod classes each policy applies to, and the policies (by position in the tier) of each
  // class that is some policy's first (the only lists asked for).
  const subjects = new Map<CompiledPolicy, readonly EndpointClass[]>();
  const policiesOfClass: (number[] | undefined)[] = new Array(a.engine.classes.length);
  for (const p of tier.policies) {
    const classes = subjectClassesOf(a, p.subject);
    subjects.set(p, classes);
    if (classes.length > 0) policiesOfClass[classes[0].id] = [];
  }
  tier.policies.forEach((p, pi) => {
    for (const c of subjects.get(p)!) policiesOfClass[c.id]?.push(pi);
  });
  const everyPolicy = tier.policies.map((_, i) => i);
  const between = new Map(DIRECTIONS.map((d) => [d, sameActionBetweenOf(ordered.get(d)!)]));
  const coveredBy = (p: CompiledPolicy, q: CompiledPolicy, pEarlier: boolean): boolean => {
    // q must apply to every pod p applies to, or dropping p would change which pods are isolated.
    if (!classesWithin(subjects.get(p)!, subjects.get(q)!)) return false;
    for (const d of DIRECTIONS) {
      if (p[d] === undefined) continue;
      if (q[d] === undefined) return false;
      const list = ordered.get(d)!;
      const qRules = positions.get(q)!.get(d)!;
      const sameAction = between.get(d)!;
      for (const i of positions.get(p)!.get(d)!) {
        const inner = list[i];
        const ok = qRules.some((j) => {
          const outer = list[j];
          return (
            outer.rule.action === inner.rule.action &&
            sameAction(i, j) &&
            covers(outer, inner) &&
            // Equal rules: the later copy is the pointless one.
            !(pEarlier && covers(inner, outer))
          );
        });
        if (!ok) return false;
      }
    }
    return true;
  };
  // A rule that admits nothing is covered by no rule (ruleCovers): its policy is never redundant.
  const admitsNothing = (p: CompiledPolicy) =>
    DIRECTIONS.some((d) => (p[d] ?? []).some((rule) => !admitsSomething(ruleAdmission(a, p, rule))));
  tier.policies.forEach((p, pi) => {
    if ((pi & 63) === 0) checkpoint();
    if (ruleCount(p) === 0 || admitsNothing(p)) return;
    // Only a policy applying to p's first pod class can apply to all of p's (any, when p applies to none).
    const first = subjects.get(p)![0];
    const candidates = first === undefined ? everyPolicy : policiesOfClass[first.id]!;
    for (const qi of candidates) {
      const q = tier.policies[qi];
      if (q === p || ruleCount(q) === 0) continue;
      if (!coveredBy(p, q, pi < qi)) continue;
      if (qi > pi && coveredBy(q, p, false)) continue;
      out.push({ policy: p, by: q, tier });
      return;
    }
  });
  return out;
}
