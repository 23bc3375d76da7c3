/**
 * A lint rule: findings computed from the whole analysis (the engine's
 * verdicts, the compiled policies), as opposed to the findings the yaml,
 * model, network and policy stages report while reading. Its id, default
 * severity and title are in the rule registry (common/rule-registry.ts); its
 * documentation is docs/rules/<id>.md.
 */
import type { FindingSink } from '../common/finding-sink';
import type { RuleId } from '../common/rule-registry';
import type { Analysis } from '../engine/analysis';

export interface LintRule {
  readonly id: RuleId;
  /** Reports the rule's findings into `sink`. */
  check(analysis: Analysis, sink: FindingSink): void;
}
