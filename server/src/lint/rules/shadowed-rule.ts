/**
 * shadowed-rule: an earlier rule of the same tier, with another action,
 * matches every connection this rule matches, so this rule never decides
 * anything (a Deny after an allow-all, a rule after a catch-all Pass).
 * Decided on the engine's classes (policy-overlaps.ts), not on the YAML.
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { policyName } from '../../policy/rule-model';
import type { LintContext, LintRule } from '../lint-rule';
import { policyOverlaps } from '../policy-overlaps';

const ID: RuleId = 'shadowed-rule';

export const shadowedRule: LintRule = { id: ID, check };

const VERB = { Allow: 'allows it', Deny: 'denies it', Pass: 'passes it to the next tier', Log: 'logs it' } as const;

function check({ analysis: a, checkpoint }: LintContext, sink: FindingSink): void {
  for (const o of policyOverlaps(a, checkpoint).shadowed) {
    const { rule, policy } = o.pointless;
    const by = o.by;
    const same = by.policy === policy;
    sink.report(
      ID,
      'warning',
      `This ${rule.action} rule (${rule.direction} rule ${rule.index + 1} of ${policyName(policy.ref)}) never takes effect: ${same ? `rule ${by.rule.index + 1} of the same policy` : `${by.rule.direction} rule ${by.rule.index + 1} of ${policyName(by.policy.ref)}`}, earlier in tier ${o.tier.name}, matches every connection it matches and ${VERB[by.rule.action]} first (${by.rule.summary}). Move it before that rule, or narrow the earlier one.`,
      rule.span,
      {
        tags: ['unnecessary'],
        related: [{ span: by.rule.span, message: `the earlier rule that decides first (${by.rule.action})` }],
      },
    );
  }
}
