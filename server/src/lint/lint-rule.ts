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
import type { ProjectConfig } from './project-config';

/** What a rule reads: the analysis, and the project's configuration (sensitive ports, ingress controllers…). */
export interface LintContext {
  readonly analysis: Analysis;
  readonly config: ProjectConfig;
  /**
   * Call inside long loops (once per subject, say): it throws when the run must stop (the time
   * budget is spent, or the language server has a newer edit). Cheap: it reads a clock.
   */
  readonly checkpoint: () => void;
}

export interface LintRule {
  readonly id: RuleId;
  /** Reports the rule's findings into `sink`. */
  check(context: LintContext, sink: FindingSink): void;
}
