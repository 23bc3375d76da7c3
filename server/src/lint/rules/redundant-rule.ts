/**
 * redundant-rule: another rule of the same tier and direction, with the same
 * action, matches every connection this rule matches (same or wider peers and
 * ports), so removing this rule changes nothing. Decided on the engine's
 * classes (policy-overlaps.ts). Rules of a policy that is redundant as a whole
 * are left to redundant-policy.
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { policyName } from '../../policy/rule-model';
import type { LintContext, LintRule } from '../lint-rule';
import { policyOverlaps } from '../policy-overlaps';

const ID: RuleId = 'redundant-rule';

export const redundantRule: LintRule = { id: ID, check };

function check({ analysis: a, checkpoint }: LintContext, sink: FindingSink): void {
  for (const o of policyOverlaps(a, checkpoint).redundantRules) {
    const { rule, policy } = o.pointless;
    const by = o.by;
    const where =
      by.policy === policy
        ? `rule ${by.rule.index + 1} of the same policy`
        : `${by.rule.direction} rule ${by.rule.index + 1} of ${policyName(by.policy.ref)}`;
    sink.report(
      ID,
      'info',
      `${rule.direction[0].toUpperCase()}${rule.direction.slice(1)} rule ${rule.index + 1} of ${policyName(policy.ref)} is redundant: ${where} already ${rule.action === 'Deny' ? 'denies' : 'admits'} every connection it matches, with the same or wider peers and ports (${by.rule.summary}).`,
      rule.span,
      {
        tags: ['unnecessary'],
        related: [{ span: by.rule.span, message: 'the rule that already covers it' }],
      },
    );
  }
}
