/**
 * The lint stage: every rule's findings over one analysis. To add a rule,
 * write `rules/<name>.ts` exporting a LintRule and list it in RULES.
 */
import { compareFindings, type Finding } from '../common/finding';
import type { Analysis } from '../engine/analysis';
import type { LintRule } from './rule';
import { flannelRules } from './rules/flannel';
import { readingRules } from './rules/reading';
import { selectorMatchesNothing } from './rules/selectorMatchesNothing';

export const RULES: readonly LintRule[] = [...readingRules, ...flannelRules, selectorMatchesNothing];

/** Reading findings plus every rule's checks, sorted by file and position. */
export function lint(analysis: Analysis): Finding[] {
  const findings: Finding[] = [
    ...analysis.cluster.findings,
    ...analysis.addressing.findings,
    ...analysis.policies.findings,
  ];
  for (const rule of RULES) {
    if (!rule.check) continue;
    try {
      findings.push(...rule.check(analysis));
    } catch (e) {
      // A rule bug must never hide the other findings.
      const file = analysis.cluster.files[0];
      if (file)
        findings.push({
          rule: rule.id,
          severity: 'error',
          message: `Internal error in rule ${rule.id}: ${(e as Error).message}`,
          span: { file, start: 0, end: 0 },
        });
    }
  }
  return findings.sort(compareFindings);
}
