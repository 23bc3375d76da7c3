/**
 * Cluster-scoped admin policies of sig-network's policy API, read into one
 * shape: ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, tiers Admin
 * and Baseline) and the older AdminNetworkPolicy / BaselineAdminNetworkPolicy
 * (v1alpha1).
 */
import type { Located, Span } from '../../common/source';
import type { LabelSelector, ObjectMeta, Protocol } from '../kubernetes';

export type AdminPolicyKind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
/** Accept (v1alpha2) and Allow (v1alpha1) both read as Allow. */
export type AdminAction = 'Allow' | 'Deny' | 'Pass';

/** Pods in namespaces: `namespaces` alone selects every pod of the selected namespaces. */
export interface AdminPodSet {
  readonly namespaceSelector: LabelSelector;
  readonly podSelector?: LabelSelector;
}

export interface AdminPeer {
  readonly index: number;
  readonly span: Span;
  readonly pods?: AdminPodSet;
  readonly networks?: readonly Located<string>[];
  /** A peer kind Calico cannot convert (nodes, domainNames): the rule fails closed. */
  readonly unsupported?: Located<string>;
}

/** A destination port match: every port of a protocol, a range, or a named port (any protocol). */
export interface AdminPort {
  readonly span: Span;
  readonly protocol?: Protocol;
  readonly from?: number;
  readonly to?: number;
  readonly named?: string;
}

export interface AdminRule {
  readonly index: number;
  readonly span: Span;
  readonly name?: string;
  readonly action?: Located<AdminAction>;
  readonly peers: readonly AdminPeer[];
  /** Undefined: every port and protocol. */
  readonly ports?: readonly AdminPort[];
}

export interface AdminPolicy {
  readonly meta: ObjectMeta;
  readonly kind: AdminPolicyKind;
  readonly tier: 'Admin' | 'Baseline';
  /** v1alpha2 priority / ANP priority; a BaselineAdminNetworkPolicy has none. */
  readonly priority?: Located<number>;
  readonly subject?: AdminPodSet;
  readonly ingress?: readonly AdminRule[];
  readonly egress?: readonly AdminRule[];
  readonly valid: boolean;
}
