/**
 * redundant-policy: another policy of the same tier applies to every pod this
 * one selects, in each of its directions, and its rules already match every
 * connection this one's rules match: removing this policy changes no verdict.
 * Default denies (policies without rules) are deliberate and never reported.
 * Decided on the engine's classes (policy-overlaps.ts).
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { policyName } from '../../policy/rule-model';
import type { LintContext, LintRule } from '../lint-rule';
import { policyOverlaps } from '../policy-overlaps';

const ID: RuleId = 'redundant-policy';

export const redundantPolicy: LintRule = { id: ID, check };

function check({ analysis: a, checkpoint }: LintContext, sink: FindingSink): void {
  for (const r of policyOverlaps(a, checkpoint).redundantPolicies) {
    sink.report(
      ID,
      'info',
      `${policyName(r.policy.ref)} is redundant: ${policyName(r.by.ref)} applies to all of its pods in the same directions and already admits everything its rules admit, so removing it changes no connection.`,
      r.policy.ref.span,
      {
        tags: ['unnecessary'],
        related: [{ span: r.by.ref.span, message: 'the policy that already covers it' }],
      },
    );
  }
}
