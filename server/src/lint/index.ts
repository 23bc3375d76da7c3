/**
 * The lint stage: the findings of reading (yaml, model, network, policy
 * stages) plus every lint rule's over one analysis, with the project's
 * severities and the manifests' suppressions applied. To add a rule, add its
 * id to common/rule-registry.ts, write `rules/<id>.ts` exporting a LintRule,
 * list it in LINT_RULES, and document it in docs/rules/<id>.md.
 */
import { compareFindings, type Finding } from '../common/finding';
import { FindingSink } from '../common/finding-sink';
import { span } from '../common/source';
import { OutOfTime, TimeBudget } from '../common/time-budget';
import type { Analysis } from '../engine/analysis';
import { everyPolicy, type LintContext, type LintRule } from './lint-rule';
import type { LintMemo } from './lint-memo';
import { defaultProjectConfig, type ProjectConfig, settingFor } from './project-config';
import { type SuppressedFinding, Suppressions } from './suppressions';
import { legacyNetworkPolicyApi } from './rules/legacy-networkpolicy-api';
import { policyTypesDefaulting } from './rules/policy-types-defaulting';
import { selectorMatchesNothing } from './rules/selector-matches-nothing';
import { intentViolated } from './rules/intent-violated';
import { intentTestsNothing } from './rules/intent-tests-nothing';
import { splitPeerSelectors } from './rules/split-peer-selectors';
import { splitPortsRule } from './rules/split-ports-rule';
import { nonIsolatedPods } from './rules/non-isolated-pods';
import { ruleOpenToEverything } from './rules/rule-open-to-everything';
import { internetEgressWithoutExcept } from './rules/internet-egress-without-except';
import { ruleNeverMatches } from './rules/rule-never-matches';
import { redundantRule } from './rules/redundant-rule';
import { redundantPolicy } from './rules/redundant-policy';
import { shadowedRule } from './rules/shadowed-rule';
import { missingDefaultDeny } from './rules/missing-default-deny';
import { cidrCoversPods } from './rules/cidr-covers-pods';
import { sensitivePortExposed } from './rules/sensitive-port-exposed';
import { calicoAllowOverridesPolicy } from './rules/calico-allow-overrides-policy';
import { legacyIsolationAnnotation } from './rules/legacy-isolation-annotation';
import { dependencyBlocked } from './rules/dependency-blocked';
import { dependencyUnknownService } from './rules/dependency-unknown-service';
import { dnsBlocked } from './rules/dns-blocked';
import { namedPortUndeclared } from './rules/named-port-undeclared';
import { portNotExposed } from './rules/port-not-exposed';
import { unreachableWorkload } from './rules/unreachable-workload';
import { unintendedConnection } from './rules/unintended-connection';

export const LINT_RULES: readonly LintRule[] = [
  selectorMatchesNothing,
  splitPortsRule,
  splitPeerSelectors,
  policyTypesDefaulting,
  legacyNetworkPolicyApi,
  ruleNeverMatches,
  redundantRule,
  redundantPolicy,
  shadowedRule,
  intentViolated,
  intentTestsNothing,
  nonIsolatedPods,
  ruleOpenToEverything,
  internetEgressWithoutExcept,
  missingDefaultDeny,
  cidrCoversPods,
  sensitivePortExposed,
  calicoAllowOverridesPolicy,
  legacyIsolationAnnotation,
  dependencyBlocked,
  dependencyUnknownService,
  dnsBlocked,
  namedPortUndeclared,
  portNotExposed,
  unreachableWorkload,
  unintendedConnection,
];

export interface LintOptions {
  /** The project file's settings; without one, every rule at its default severity. */
  readonly config?: ProjectConfig;
  /**
   * The run's time budget, shared with the analysis (engine/analysis.ts) so that reading counts.
   * Without one: `timeBudgetMs` from `startedAt` on `now`, else the project file's
   * `timeBudgetSeconds`, else none. Rules not started when it has run out are skipped, a rule that
   * is running stops at its next check (its findings are left out), and a `limit-exceeded` finding
   * says which: the findings reported are those of the parts that ran.
   */
  readonly budget?: TimeBudget;
  /** Milliseconds the analysis may take (see `budget`). */
  readonly timeBudgetMs?: number;
  /** When the analysis began (`performance.now()`), so reading and parsing count; default: when runLint starts. */
  readonly startedAt?: number;
  /** The clock the budget is read from (tests pass a clock that steps); default performance.now. */
  readonly now?: () => number;
  /** Where the user raises the budget, for the notice; default the project file's setting and the CLI flag. */
  readonly budgetSetting?: string;
  /** Called before each rule; what it throws ends the run (the language server gives up an analysis a newer edit made stale). */
  readonly betweenRules?: () => void;
  /** Called inside the long rules' loops as well (LintContext.checkpoint); what it throws ends the run. */
  readonly withinRules?: () => void;
  /**
   * The findings of the last complete run over the same workspace (the language server's): rules of
   * `scope: 'policy'` then check only the policies of the files that changed (lint-memo.ts). The
   * findings are the same as without it.
   */
  readonly memo?: LintMemo;
  /** What else the analysis depended on (its options), compared item by item before `memo` reuses anything. */
  readonly memoInputs?: readonly unknown[];
}

export interface LintReport {
  /** What to report, sorted by file and position, with the project's severities. */
  readonly findings: readonly Finding[];
  /** Findings a `netpol-ignore` comment or annotation suppressed (also sorted). */
  readonly suppressed: readonly SuppressedFinding[];
}

/** The project file's budget setting and the CLI's flag: where a budget is raised, unless told otherwise. */
const BUDGET_SETTING = 'timeBudgetSeconds in .netpol.yaml (or netpol lint --time-budget SECONDS)';

/** Every finding of the analysis: reading findings plus every rule's, severities and suppressions applied. */
export function runLint(analysis: Analysis, options: LintOptions = {}): LintReport {
  const config = options.config ?? defaultProjectConfig('.');
  const sink = new FindingSink();
  sink.add(config.findings);
  sink.add(analysis.cluster.findings);
  sink.add(analysis.addressing.findings);
  sink.add(analysis.policies.findings);
  const now = options.now ?? (() => performance.now());
  const budgetMs =
    options.timeBudgetMs ?? (config.timeBudgetSeconds ? config.timeBudgetSeconds.value * 1000 : undefined);
  const budget =
    options.budget ?? (budgetMs !== undefined ? new TimeBudget(budgetMs, options.startedAt ?? now(), now) : undefined);
  let current = '';
  /** What the caller's check threw inside a rule: it ends the run, it is no rule's failure. */
  let interruption: unknown;
  const checkpoint = () => {
    budget?.check(`the rule ${current}`);
    try {
      options.withinRules?.();
    } catch (e) {
      interruption = e;
      throw e;
    }
  };
  const context: LintContext = { analysis, config, checkpoint, ...everyPolicy(analysis.policies) };
  const memo = options.memo;
  // The configuration as given: the default one is made anew for each run.
  const plan = memo?.plan(analysis, options.config, options.memoInputs ?? []);
  const kept = plan?.kept;
  // Scoped rules on an incremental run: the policies of the files whose findings are not kept.
  const scopedContext: LintContext | undefined = kept && {
    ...context,
    tiers: analysis.policies.tiers.map((t) => ({
      ...t,
      policies: t.policies.filter((p) => !kept.has(p.ref.span.file)),
    })),
    scoped: (items) => items.filter((x) => !kept.has(x.meta.span.file)),
  };
  /** Each scoped rule's findings in this run, for the memo. */
  const scopedFound = new Map<LintRule['id'], readonly Finding[]>();
  const skipped: string[] = [];
  let interrupted: string | undefined;
  for (const rule of LINT_RULES) {
    if (config.rules.get(rule.id)?.value === 'off') continue;
    options.betweenRules?.();
    if (analysis.stoppedIn !== undefined || skipped.length || budget?.spent()) {
      skipped.push(rule.id);
      continue;
    }
    current = rule.id;
    const scoped = rule.scope === 'policy';
    const reused = scoped && kept ? memo?.keptFindings(rule.id, kept) : undefined;
    // A rule's findings count once it has finished: a rule stopped part way would report half of them.
    const found = new FindingSink();
    try {
      rule.check(reused && scopedContext ? scopedContext : context, found);
      // On an incremental run, the files kept have their findings from the memo, the others from this run.
      const findings =
        reused && kept ? [...reused, ...found.findings.filter((f) => !kept.has(f.span.file))] : found.findings;
      sink.add(findings);
      if (scoped) scopedFound.set(rule.id, findings);
    } catch (e) {
      if (interruption !== undefined && e === interruption) throw e;
      if (e instanceof OutOfTime) {
        interrupted = rule.id;
        skipped.push(rule.id);
        continue;
      }
      // A rule bug must never hide the other findings.
      const file = analysis.cluster.files[0];
      if (file)
        sink.report(rule.id, 'error', `Internal error in rule ${rule.id}: ${(e as Error).message}`, span(file, 0, 0));
    }
  }
  // Rules the budget left out are not remembered: the next run runs them in full.
  if (plan && memo) memo.remember(plan, scopedFound, policyCount(scopedContext ?? context));
  if (skipped.length && budget)
    reportBudgetExceeded(sink, analysis, config, budget, skipped, interrupted, options.budgetSetting ?? BUDGET_SETTING);
  const suppressions = new Suppressions(analysis.cluster, sink);
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of sink.findings) {
    const setting = settingFor(config, f.rule, f.severity);
    if (setting === 'off') continue;
    const finding = setting === f.severity ? f : { ...f, severity: setting };
    const by = suppressions.find(finding);
    if (by) suppressed.push({ finding, by });
    else findings.push(finding);
  }
  findings.sort(compareFindings);
  suppressed.sort((a, b) => compareFindings(a.finding, b.finding));
  return { findings, suppressed };
}

function policyCount(context: LintContext): number {
  return context.tiers.reduce((n, t) => n + t.policies.length, 0);
}

/**
 * The notice of an analysis stopped early: at the project file's `timeBudgetSeconds` when that set
 * the budget, else at the start of the first file (the budget is the workspace's, not a file's).
 */
function reportBudgetExceeded(
  sink: FindingSink,
  analysis: Analysis,
  config: ProjectConfig,
  budget: TimeBudget,
  skipped: readonly string[],
  interrupted: string | undefined,
  setting: string,
): void {
  const fromProject = config.timeBudgetSeconds && config.timeBudgetSeconds.value * 1000 === budget.ms;
  const at =
    (fromProject ? config.timeBudgetSeconds?.span : undefined) ??
    (analysis.cluster.files[0] && span(analysis.cluster.files[0], 0, 0));
  if (!at) return;
  const seconds = (ms: number) => `${Number((ms / 1000).toPrecision(2))} s`;
  const during =
    analysis.stoppedIn !== undefined
      ? ` during ${analysis.stoppedIn}, so no pod was analysed`
      : interrupted
        ? ` during the rule ${interrupted}`
        : '';
  const ran =
    analysis.stoppedIn !== undefined
      ? 'reading and validation; the pods are left out'
      : `reading, validation${skipped.length < LINT_RULES.length ? ' and the other rules' : ''}`;
  sink.report(
    'limit-exceeded',
    'warning',
    `The analysis stopped early${during}: it took ${seconds(budget.elapsed())}, over its time budget of ${seconds(budget.ms)}, so ${skipped.length} of the lint rules did not ${interrupted ? 'finish' : 'run'} and their findings are missing: ${skipped.join(', ')}. The findings shown are those of the parts that ran (${ran}). Raise the budget with ${setting}, or analyse fewer files.`,
    at,
  );
}

/** The findings to report (see runLint). */
export function lint(analysis: Analysis, options: LintOptions = {}): Finding[] {
  return [...runLint(analysis, options).findings];
}
