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
import { type PolicyRule, ruleCovers, tierRules } from '../engine/rule-containment';
import type { CompiledPolicy, CompiledTier, Direction } from '../policy/rule-model';

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

export function policyOverlaps(a: Analysis): PolicyOverlaps {
  let found = cache.get(a);
  if (!found) {
    found = compute(a);
    cache.set(a, found);
  }
  return found;
}

const DIRECTIONS: readonly Direction[] = ['ingress', 'egress'];

function compute(a: Analysis): PolicyOverlaps {
  const shadowed: Overlap[] = [];
  const redundantRules: Overlap[] = [];
  const redundantPolicies: RedundantPolicy[] = [];
  for (const tier of a.policies.tiers) {
    const ordered = new Map(DIRECTIONS.map((d) => [d, tierRules(tier.policies, d)]));
    const covers = memo(a);
    const redundant = findRedundantPolicies(a, tier, ordered, covers);
    redundantPolicies.push(...redundant);
    const skip = new Set(redundant.map((r) => r.policy));
    for (const direction of DIRECTIONS) {
      const rules = ordered.get(direction)!;
      rules.forEach((inner, i) => {
        if (inner.rule.action === 'Log' || skip.has(inner.policy)) return;
        for (let j = 0; j < i; j++) {
          const outer = rules[j];
          if (outer.rule.action === 'Log' || outer.rule.action === inner.rule.action) continue;
          if (covers(outer, inner)) {
            shadowed.push({ pointless: inner, by: outer, tier });
            return;
          }
        }
        for (let j = 0; j < rules.length; j++) {
          if (j === i) continue;
          const outer = rules[j];
          if (outer.rule.action !== inner.rule.action || !sameActionBetween(rules, i, j)) continue;
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

/** No rule with another action between positions i and j: swapping which of the two decides changes nothing. */
function sameActionBetween(rules: readonly PolicyRule[], i: number, j: number): boolean {
  const action = rules[i].rule.action;
  for (let k = Math.min(i, j) + 1; k < Math.max(i, j); k++) {
    const other = rules[k].rule.action;
    if (other !== action && other !== 'Log') return false;
  }
  return true;
}

function findRedundantPolicies(
  a: Analysis,
  tier: CompiledTier,
  ordered: Map<Direction, PolicyRule[]>,
  covers: (outer: PolicyRule, inner: PolicyRule) => boolean,
): RedundantPolicy[] {
  const out: RedundantPolicy[] = [];
  const rulesOf = (p: CompiledPolicy) => DIRECTIONS.flatMap((d) => ordered.get(d)!.filter((r) => r.policy === p));
  const pods = a.engine.classes.filter((c) => c.kind === 'pod');
  const coveredBy = (p: CompiledPolicy, q: CompiledPolicy, pEarlier: boolean): boolean => {
    // q must apply to every pod p applies to, or dropping p would change which pods are isolated.
    if (pods.some((c) => c.values[p.subject] === true && c.values[q.subject] !== true)) return false;
    for (const d of DIRECTIONS) {
      if (p[d] === undefined) continue;
      if (q[d] === undefined) return false;
      const list = ordered.get(d)!;
      for (const inner of list.filter((r) => r.policy === p)) {
        const i = list.indexOf(inner);
        const ok = list.some(
          (outer, j) =>
            outer.policy === q &&
            outer.rule.action === inner.rule.action &&
            sameActionBetween(list, i, j) &&
            covers(outer, inner) &&
            // Equal rules: the later copy is the pointless one.
            !(pEarlier && covers(inner, outer)),
        );
        if (!ok) return false;
      }
    }
    return true;
  };
  tier.policies.forEach((p, pi) => {
    if (rulesOf(p).length === 0) return;
    for (const [qi, q] of tier.policies.entries()) {
      if (q === p || rulesOf(q).length === 0) continue;
      if (!coveredBy(p, q, pi < qi)) continue;
      if (qi > pi && coveredBy(q, p, false)) continue;
      out.push({ policy: p, by: q, tier });
      return;
    }
  });
  return out;
}
