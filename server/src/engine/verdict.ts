/** What the engine answers: a verdict per direction, with the steps that decided it. */
import type { IpFamily } from '../common/ip';
import type { Protocol } from '../model/kubernetes';
import type { Action, Direction, PolicyRef } from '../policy/rule-model';

/** One decision step: a rule that matched, a tier that ended without one or was skipped, or the profile. */
export interface Step {
  readonly tier: string;
  readonly policy?: PolicyRef;
  readonly order?: number;
  readonly direction: Direction;
  /** 0-based rule index; absent for end-of-tier steps. */
  readonly ruleIndex?: number;
  readonly action: Action | 'EndOfTier' | 'SkipTier' | 'Profile';
  /** The rule's summary, or why the tier ended or was skipped. */
  readonly detail: string;
}

export type DirectionReason =
  /** No policy applies to the endpoint in this direction: traffic is not isolated. */
  | 'no-policy'
  /** A rule allowed or denied it. */
  | 'rule'
  /** A tier applied, no rule decided, and the tier's default action denied it. */
  | 'end-of-tier'
  /** Every applicable tier passed it on, so the namespace profile (allow all) decided. */
  | 'profile'
  /** The endpoint is not a workload endpoint (hostNetwork, external): pod policy does not apply. */
  | 'not-a-workload'
  /** Traffic from a node to a pod on that node (kubelet probes) is always allowed. */
  | 'node-local'
  /** A pod's traffic to its own IP, and only cluster policies (not subject to them) select the pod. */
  | 'own-ip';

export interface DirectionVerdict {
  readonly direction: Direction;
  readonly allowed: boolean;
  readonly reason: DirectionReason;
  readonly steps: readonly Step[];
  /** Policies that apply to the endpoint in this direction, in evaluation order. */
  readonly policies: readonly {
    readonly ref: PolicyRef;
    readonly tier: string;
    readonly order: number;
    readonly notes: readonly string[];
  }[];
}

export interface Verdict {
  readonly allowed: boolean;
  readonly protocol: Protocol;
  readonly port: number;
  readonly family?: IpFamily;
  readonly egress: DirectionVerdict;
  readonly ingress: DirectionVerdict;
  /** Pair-level facts (no common address family, a pod reaching itself). */
  readonly notes: readonly string[];
}
