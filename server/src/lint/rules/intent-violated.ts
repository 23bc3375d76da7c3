/**
 * intent-violated: a NetworkIntent whose expectation the policies contradict.
 * Reported on the intent's `expect` line, naming the failing pairs and what
 * decided the first one, with related locations at the deciding rule.
 */
import { evaluateIntents, failureText } from '../../engine/intents';
import type { LintRule } from '../lint-rule';

export const intentViolated: LintRule = {
  id: 'intent-violated',
  check({ analysis }, sink) {
    for (const r of evaluateIntents(analysis)) {
      if (r.status !== 'failed') continue;
      const why = r.deciding ? ` First pair: ${r.deciding.text}.` : '';
      sink.report(
        'intent-violated',
        'error',
        `Intent "${r.intent.name.value}" (expect: ${r.intent.expect.value}) does not hold: ${failureText(r)}.${why}`,
        r.intent.expect.span,
        { related: r.deciding?.related },
      );
    }
  },
};
