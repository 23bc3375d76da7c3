/** What a lint rule is: an id, a default severity, its documentation, and (for engine-level rules) a check. */
import type { Finding, Severity } from '../common/finding';
import type { Analysis } from '../engine/analysis';

export interface LintRule {
  /** Stable id, used in output, SARIF and suppressions. */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule reports. */
  readonly title: string;
  /** Why it matters and how to fix it (Markdown). */
  readonly docs: string;
  /** Absent for rules whose findings the yaml and model stages produce while reading. */
  check?(analysis: Analysis): Finding[];
}
