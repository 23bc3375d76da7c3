/**
 * "Can A reach B on this port, and why?": the verdict with its words and the
 * source location of every policy and rule that took part, so an editor can
 * link to them.
 */
import type { Span } from '../common/source';
import type { Analysis } from '../engine/analysis';
import { verdictText } from '../engine/explain';
import type { Step, Verdict } from '../engine/verdict';
import type { Protocol } from '../model/kubernetes';
import type { Endpoint } from '../policy/endpoint';
import { type CompiledPolicy, type CompiledRule, policyName } from '../policy/rule-model';
import { findCompiledPolicy } from './policy-index';

/** A step of the decision with where its policy and rule are written. */
export interface DecidingStep {
  readonly step: Step;
  /** `NetworkPolicy shop/api`, absent for tier ends and the profile. */
  readonly policy?: string;
  readonly policySpan?: Span;
  readonly ruleSpan?: Span;
}

export interface PairExplanation {
  readonly from: string;
  readonly to: string;
  readonly verdict: Verdict;
  /** The `netpol explain` lines. */
  readonly text: readonly string[];
  /** Egress steps, then ingress steps. */
  readonly steps: readonly DecidingStep[];
}

export function explainPair(
  a: Analysis,
  from: Endpoint,
  to: Endpoint,
  protocol: Protocol,
  port: number,
): PairExplanation {
  const verdict = a.engine.explainEndpoints(from, to, protocol, port);
  const steps = [...verdict.egress.steps, ...verdict.ingress.steps].map((step): DecidingStep => {
    if (!step.policy) return { step };
    const compiled = findCompiledPolicy(a, step.policy.span);
    const rule: CompiledRule | undefined =
      step.ruleIndex === undefined ? undefined : compiled?.[step.direction]?.find((r) => r.index === step.ruleIndex);
    return { step, policy: policyName(step.policy), policySpan: step.policy.span, ruleSpan: rule?.span };
  });
  return { from: from.id, to: to.id, verdict, text: verdictText(verdict, from.id, to.id), steps };
}

export type { CompiledPolicy };
