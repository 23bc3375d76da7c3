/**
 * The tiered rule model every policy kind compiles to (Calico's model):
 * tiers in order, policies in order inside a tier, rules in order inside a
 * policy, each rule a condition on the packet and an action.
 */
import type { Finding } from '../common/finding';
import type { Located, Span } from '../common/source';
import type { Protocol } from '../model/kubernetes';
import type { Atom } from './atoms';
import type { CalicoSelector } from './selector/calico-selector';

export type Action = 'Allow' | 'Deny' | 'Pass' | 'Log';
export type Direction = 'ingress' | 'egress';
export type Side = 'source' | 'destination';

export interface PolicyRef {
  /** e.g. `NetworkPolicy`, `GlobalNetworkPolicy`. */
  readonly kind: string;
  /** The API group when the kind alone is ambiguous (Calico's `NetworkPolicy` is `projectcalico.org`). */
  readonly group?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly span: Span;
}

/** `NetworkPolicy shop/web`, `Calico NetworkPolicy shop/web`, `GlobalNetworkPolicy deny-db`. */
export function policyName(ref: PolicyRef): string {
  const kind = ref.group === 'projectcalico.org' && ref.kind === 'NetworkPolicy' ? 'Calico NetworkPolicy' : ref.kind;
  return `${kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The kinds of the network-policy-api (cluster-scoped admin policy), as opposed to NetworkPolicy and Calico policy. */
const CLUSTER_POLICY_KINDS: ReadonlySet<string> = new Set([
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
]);

/**
 * A ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy: the network-policy-api
 * documents that a pod's traffic to its own IP is not subject to them.
 */
export function isClusterPolicy(ref: PolicyRef): boolean {
  return CLUSTER_POLICY_KINDS.has(ref.kind);
}

/** A port range [from, to], inclusive. */
export type PortRange = readonly [number, number];

/** A condition on a packet (protocol, ports) and its two endpoints (through atoms). */
export type Condition =
  | { readonly type: 'protocol'; readonly protocols: readonly string[]; readonly negate: boolean }
  /** The endpoint on `side` is selected by an endpoint-selector atom. */
  | { readonly type: 'endpoint'; readonly side: Side; readonly atom: number; readonly negate: boolean }
  /** The address on `side` is in an address-set atom (CIDRs, or the addresses a Calico rule selector selects). */
  | { readonly type: 'nets'; readonly side: Side; readonly atom: number; readonly negate: boolean }
  /**
   * The port on `side` is in `ranges`, or is the `side` endpoint's port named by one of
   * `named` (a named-port atom) for the packet's protocol.
   */
  | {
      readonly type: 'ports';
      readonly side: Side;
      readonly ranges: readonly PortRange[];
      readonly named: readonly number[];
      readonly negate: boolean;
    }
  | { readonly type: 'all'; readonly of: readonly Condition[] }
  | { readonly type: 'any'; readonly of: readonly Condition[] };

export interface CompiledRule {
  /** 0-based position in the policy's ingress or egress list. */
  readonly index: number;
  readonly direction: Direction;
  readonly action: Action;
  readonly condition: Condition;
  readonly span: Span;
  /** Short human description ("from namespaceSelector {…}; ports TCP/80"). */
  readonly summary: string;
}

export interface CompiledPolicy {
  readonly ref: PolicyRef;
  readonly tier: string;
  /** `Infinity` when the policy has no order (applied last). */
  readonly order: number;
  /** The name policies are sorted by when orders tie. */
  readonly sortName: string;
  /** Endpoint-selector atom: the endpoints the policy applies to. */
  readonly subject: number;
  /** Present when the policy applies to that direction (its types). */
  readonly ingress?: readonly CompiledRule[];
  readonly egress?: readonly CompiledRule[];
  /** Facts worth saying in explanations (e.g. how policyTypes defaulted). */
  readonly notes: readonly string[];
}

export interface CompiledTier {
  readonly name: string;
  /** `Infinity` when the tier has no order. */
  readonly order: number;
  readonly defaultAction: 'Deny' | 'Pass';
  /** Sorted by order, then name. */
  readonly policies: readonly CompiledPolicy[];
  readonly span?: Span;
}

/**
 * A selector written in a policy, composed with its scope and interned as an
 * atom by the policy stage. Lint rules and editor features read these to ask
 * what a selector selects, instead of deriving selectors from the model again.
 */
export interface SelectorUse {
  readonly policy: PolicyRef;
  /** False for policies left out of the simulation (staged, or rejected by Calico's validator). */
  readonly simulated: boolean;
  /** `subject`: the endpoints the policy applies to; `rule-side`: the addresses a rule's source or destination matches. */
  readonly role: 'subject' | 'rule-side';
  /** The selector as written, with its span. */
  readonly written: Located<string>;
  /** An endpoint atom (subject) or an address-set atom (rule side): its answer per endpoint class. */
  readonly atom: number;
  /** The selector as composed with its scope (the atom's matcher). */
  readonly matcher: CalicoSelector;
  /** The selector on its own, before Calico scoped it. */
  readonly unscoped: CalicoSelector;
  /** The namespace that scopes it (a namespaced policy's subject, or a rule side without a namespaceSelector). */
  readonly namespace?: string;
  /** A rule side's namespaceSelector, when it has one. */
  readonly namespaceSelector?: Located<string>;
}

/** Everything the engine needs: atoms and tiers in evaluation order. */
export interface PolicySet {
  readonly atoms: readonly Atom[];
  readonly tiers: readonly CompiledTier[];
  /** Every Calico selector the policies contain, with the atom it compiled to. */
  readonly selectorUses: readonly SelectorUse[];
  /** What compiling found: Calico validation errors, unsupported fields, staged policies. */
  readonly findings: readonly Finding[];
}

export interface TierDefinition {
  readonly name: string;
  readonly order: number;
  readonly defaultAction: 'Deny' | 'Pass';
  readonly span?: Span;
}

/** The tier Kubernetes NetworkPolicies live in (Calico's `default` tier). */
export const DEFAULT_TIER: TierDefinition = { name: 'default', order: 1_000_000, defaultAction: 'Deny' };
/** ClusterNetworkPolicy `tier: Admin` (and AdminNetworkPolicy). */
export const KUBE_ADMIN_TIER: TierDefinition = { name: 'kube-admin', order: 1_000, defaultAction: 'Pass' };
/** ClusterNetworkPolicy `tier: Baseline` (and BaselineAdminNetworkPolicy). */
export const KUBE_BASELINE_TIER: TierDefinition = { name: 'kube-baseline', order: 10_000_000, defaultAction: 'Pass' };
/** Tiers that always exist, with their fixed order and default action. */
export const WELL_KNOWN_TIERS: readonly TierDefinition[] = [KUBE_ADMIN_TIER, DEFAULT_TIER, KUBE_BASELINE_TIER];
/** The order Calico gives every Kubernetes NetworkPolicy. */
export const KUBE_POLICY_ORDER = 1000;

export function protocolCondition(protocol: Protocol): Condition {
  return { type: 'protocol', protocols: [protocol], negate: false };
}
