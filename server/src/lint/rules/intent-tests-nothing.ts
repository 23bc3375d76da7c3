/**
 * intent-tests-nothing: a NetworkIntent one of whose sides selects no pod (a
 * workload that is not in the workspace, a selector with a typo), or whose
 * destination declares none of the ports it is about: it passes without
 * testing anything. A Calico selector in an intent that does not parse is an
 * `invalid-selector` error at the selector.
 */
import { evaluateIntents } from '../../engine/intents';
import type { LintRule } from '../lint-rule';

export const intentTestsNothing: LintRule = {
  id: 'intent-tests-nothing',
  check({ analysis }, sink) {
    for (const r of evaluateIntents(analysis)) {
      if (r.status !== 'empty' || !r.problem) continue;
      if (r.problem.invalid) {
        sink.report(
          'invalid-selector',
          'error',
          `Intent "${r.intent.name.value}": ${r.problem.message}.`,
          r.problem.span,
        );
        continue;
      }
      sink.report(
        'intent-tests-nothing',
        'warning',
        `Intent "${r.intent.name.value}" tests nothing: ${r.problem.message.replace(/[?.]$/, '')}.`,
        r.problem.span,
      );
    }
  },
};
