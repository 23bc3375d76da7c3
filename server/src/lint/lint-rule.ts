/**
 * A lint rule: findings computed from the whole analysis (the engine's
 * verdicts, the compiled policies), as opposed to the findings the yaml,
 * model, network and policy stages report while reading. Its id, default
 * severity and title are in the rule registry (common/rule-registry.ts); its
 * documentation is docs/rules/<id>.md.
 */
import type { FindingSink } from '../common/finding-sink';
import type { RuleId } from '../common/rule-registry';
import type { Span } from '../common/source';
import type { Admission } from '../engine/admission';
import { ruleAdmission } from '../engine/admission';
import type { Analysis } from '../engine/analysis';
import type { CompiledTier, PolicySet } from '../policy/rule-model';
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
  /**
   * The compiled tiers with the policies to check, in evaluation order: every policy
   * (`analysis.policies.tiers`), except for a rule of `scope: 'policy'` on an incremental run,
   * where each tier holds only the policies of the files an edit changed (the findings of the
   * others are kept from the previous run).
   */
  readonly tiers: readonly CompiledTier[];
  /**
   * The model objects of `items` to check (policies as written: `cluster.networkPolicies`, …): all
   * of them, or on an incremental run those written in the files an edit changed, as `tiers`.
   */
  readonly scoped: <T extends { readonly meta: { readonly span: Span } }>(items: readonly T[]) => readonly T[];
}

/**
 * What a rule's findings depend on, declared on the rule; the runner (index.ts) relies on it to
 * reuse findings after an edit, so a wrong declaration shows stale findings:
 *
 * - `workspace` (the default): anything in the analysis; the rule runs in full after every edit.
 * - `policy`: the findings located in a file depend only on the policies written in that file
 *   (which it checks through `LintContext.tiers` and `scoped`, never by reading
 *   `analysis.policies.tiers` or the model's policy lists itself) and on what the runner compares
 *   before reusing anything: every object that is not a policy (pods, namespaces, Services,
 *   intents, tiers…), the endpoints and addresses, the outside address classes, the project's
 *   configuration. Such a rule may read the engine's endpoint classes only as sets of pods (which
 *   pods a rule admits), since another policy's edit splits or merges classes; and it reports a
 *   policy's findings inside the policy's own file.
 */
export type LintScope = 'workspace' | 'policy';

export interface LintRule {
  readonly id: RuleId;
  /** What its findings depend on (see LintScope); `workspace` when absent. */
  readonly scope?: LintScope;
  /** Reports the rule's findings into `sink`. */
  check(context: LintContext, sink: FindingSink): void;
}

/** The context's policies to check for a run over every policy (`tiers` and `scoped`). */
export function everyPolicy(policies: PolicySet): Pick<LintContext, 'tiers' | 'scoped'> {
  return { tiers: policies.tiers, scoped: (items) => items };
}

/** What each rule of the policies of `tiers` admits, in evaluation order (engine/admission.ts's allAdmissions for the policies a rule checks). */
export function admissionsOf(a: Analysis, tiers: readonly CompiledTier[]): Admission[] {
  const out: Admission[] = [];
  for (const tier of tiers)
    for (const policy of tier.policies)
      for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])])
        out.push(ruleAdmission(a, policy, rule));
  return out;
}
