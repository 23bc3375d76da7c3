/**
 * The lint stage: the findings of reading (yaml, model, network, policy
 * stages) plus every lint rule's over one analysis. To add a rule, add its id
 * to common/rule-registry.ts, write `rules/<id>.ts` exporting a LintRule, list
 * it in LINT_RULES, and document it in docs/rules/<id>.md.
 */
import { compareFindings, type Finding } from '../common/finding';
import { FindingSink } from '../common/finding-sink';
import { span } from '../common/source';
import type { Analysis } from '../engine/analysis';
import type { LintRule } from './lint-rule';
import { selectorMatchesNothing } from './rules/selector-matches-nothing';

export const LINT_RULES: readonly LintRule[] = [selectorMatchesNothing];

/** Reading findings plus every rule's checks, sorted by file and position. */
export function lint(analysis: Analysis): Finding[] {
  const sink = new FindingSink();
  sink.add(analysis.cluster.findings);
  sink.add(analysis.addressing.findings);
  sink.add(analysis.policies.findings);
  for (const rule of LINT_RULES) {
    try {
      rule.check(analysis, sink);
    } catch (e) {
      // A rule bug must never hide the other findings.
      const file = analysis.cluster.files[0];
      if (file)
        sink.report(rule.id, 'error', `Internal error in rule ${rule.id}: ${(e as Error).message}`, span(file, 0, 0));
    }
  }
  return [...sink.findings].sort(compareFindings);
}
