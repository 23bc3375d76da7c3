/**
 * projectcalico.org/v3 resources as read from the manifests: NetworkPolicy,
 * GlobalNetworkPolicy and their staged forms, StagedKubernetesNetworkPolicy,
 * Tier, NetworkSet, GlobalNetworkSet, HostEndpoint. Values keep their spans;
 * selectors stay text here (the policy stage parses and validates them).
 */
import type { Located, Span } from '../../common/source';
import type { KubeNetworkPolicy, ObjectMeta, PolicyType } from '../kubernetes';

export type CalicoAction = 'Allow' | 'Deny' | 'Log' | 'Pass';
export const CALICO_ACTIONS: readonly CalicoAction[] = ['Allow', 'Deny', 'Log', 'Pass'];

export type StagedAction = 'Set' | 'Delete' | 'Learn' | 'Ignore';
export const STAGED_ACTIONS: readonly StagedAction[] = ['Set', 'Delete', 'Learn', 'Ignore'];

/** One entry of `ports` / `notPorts`: `80`, `"80"`, `"1000:2000"` or a named port `"http"`. */
export type CalicoPort =
  | { readonly kind: 'range'; readonly from: number; readonly to: number; readonly span: Span }
  | { readonly kind: 'named'; readonly name: string; readonly span: Span };

export interface LocatedList<T> {
  readonly items: readonly T[];
  /** The list node. */
  readonly span: Span;
  /** The key (`nets:`), for findings about the field as a whole. */
  readonly keySpan: Span;
}

/** A field whose value is a map: the map, and its key for findings about the field as a whole. */
export interface MapField {
  readonly span: Span;
  readonly keySpan: Span;
}

export interface ServiceAccountMatch extends MapField {
  readonly names: readonly Located<string>[];
  readonly selector?: Located<string>;
}

export interface ServiceMatch extends MapField {
  readonly name?: Located<string>;
  readonly namespace?: Located<string>;
}

/** `source` or `destination` of a rule. Every field is optional; all that are set must match. */
export interface EntityRule {
  /** The `source:`/`destination:` map, or the rule when the field is absent. */
  readonly span: Span;
  readonly nets?: LocatedList<Located<string>>;
  readonly notNets?: LocatedList<Located<string>>;
  readonly selector?: Located<string>;
  readonly notSelector?: Located<string>;
  readonly namespaceSelector?: Located<string>;
  readonly serviceAccounts?: ServiceAccountMatch;
  readonly services?: ServiceMatch;
  readonly ports?: LocatedList<CalicoPort>;
  readonly notPorts?: LocatedList<CalicoPort>;
}

export interface IcmpMatch extends MapField {
  readonly type?: Located<number>;
  readonly code?: Located<number>;
}

export interface CalicoRule {
  /** 0-based position in `ingress` / `egress`. */
  readonly index: number;
  readonly span: Span;
  /** Undefined when missing or not an action (reported while reading). */
  readonly action?: Located<CalicoAction>;
  readonly ipVersion?: Located<number>;
  /** `TCP`, `UDP`, `ICMP`, `ICMPv6`, `SCTP`, `UDPLite` or 1-255. */
  readonly protocol?: Located<string | number>;
  readonly notProtocol?: Located<string | number>;
  readonly icmp?: IcmpMatch;
  readonly notICMP?: IcmpMatch;
  readonly source: EntityRule;
  readonly destination: EntityRule;
  /** Application-layer match: parsed, not simulated. */
  readonly http?: MapField;
}

export type CalicoPolicyKind =
  | 'NetworkPolicy'
  | 'GlobalNetworkPolicy'
  | 'StagedNetworkPolicy'
  | 'StagedGlobalNetworkPolicy';

export interface CalicoPolicy {
  readonly meta: ObjectMeta;
  readonly kind: CalicoPolicyKind;
  /** GlobalNetworkPolicy and StagedGlobalNetworkPolicy. */
  readonly global: boolean;
  readonly staged: boolean;
  readonly stagedAction?: Located<StagedAction>;
  readonly tier?: Located<string>;
  readonly order?: Located<number>;
  readonly selector?: Located<string>;
  /** GlobalNetworkPolicy only. */
  readonly namespaceSelector?: Located<string>;
  readonly serviceAccountSelector?: Located<string>;
  /** Each listed type with its span; undefined when `types` is absent. */
  readonly types?: LocatedList<Located<PolicyType>>;
  readonly ingress?: LocatedList<CalicoRule>;
  readonly egress?: LocatedList<CalicoRule>;
  readonly doNotTrack?: Located<boolean>;
  readonly preDNAT?: Located<boolean>;
  readonly applyOnForward?: Located<boolean>;
  /** The `spec` map (or the name when there is none): where policy-level findings go. */
  readonly specSpan: Span;
  /** False when reading found errors (wrong types, unknown enum values). */
  readonly readValid: boolean;
}

/** A StagedKubernetesNetworkPolicy: a Kubernetes NetworkPolicy spec plus `stagedAction`. */
export interface StagedKubePolicy {
  readonly policy: KubeNetworkPolicy;
  readonly stagedAction?: Located<StagedAction>;
}

export interface CalicoTier {
  readonly meta: ObjectMeta;
  readonly order?: Located<number>;
  readonly defaultAction?: Located<'Deny' | 'Pass'>;
  readonly readValid: boolean;
}

export interface CalicoNetworkSet {
  readonly meta: ObjectMeta;
  readonly global: boolean;
  readonly nets: readonly Located<string>[];
  readonly readValid: boolean;
}

/** Host endpoints are parsed only to say they are outside the pod-to-pod simulation. */
export interface CalicoHostEndpoint {
  readonly meta: ObjectMeta;
}

/** Everything Calico the workspace declares. */
export interface CalicoResources {
  readonly policies: readonly CalicoPolicy[];
  readonly stagedKubePolicies: readonly StagedKubePolicy[];
  readonly tiers: readonly CalicoTier[];
  readonly networkSets: readonly CalicoNetworkSet[];
  readonly hostEndpoints: readonly CalicoHostEndpoint[];
}
