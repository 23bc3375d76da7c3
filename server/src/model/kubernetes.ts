/**
 * Kubernetes objects as the model stage reads them from the manifests (core,
 * apps and networking.k8s.io kinds). Every object keeps the spans it was read
 * from, so later findings can point at the exact field. The snapshot that
 * holds them is in cluster.ts.
 */
import type { Located, Span } from '../common/source';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type Labels = Readonly<Record<string, string>>;

/** What every read object has: identity and where it was written. */
export interface ObjectMeta {
  readonly apiVersion: string;
  /** Span of the `apiVersion` value, when it is written. */
  readonly apiVersionSpan?: Span;
  readonly kind: string;
  readonly name: string;
  /** Set for namespaced kinds (`default` when the manifest leaves it out). */
  readonly namespace?: string;
  readonly labels: Labels;
  /** Span of `metadata.name` (or of `kind` when the name is missing): where object-level findings go. */
  readonly nameSpan: Span;
  /** The whole object (its document, or its item in a List). */
  readonly span: Span;
  /** Span of `metadata.labels`, when present. */
  readonly labelsSpan?: Span;
  /** metadata.annotations (values that are not strings are left out). */
  readonly annotations: Labels;
  /** Span of each annotation's value. */
  readonly annotationSpans: Readonly<Record<string, Span>>;
}

export interface Namespace {
  readonly name: string;
  /** Includes `kubernetes.io/metadata.name`, which the API server sets on every namespace. */
  readonly labels: Labels;
  /** Absent when the namespace is only used, not declared. */
  readonly meta?: ObjectMeta;
}

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

export interface Toleration {
  readonly key?: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: string;
}

export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values: readonly string[];
}

export interface NodeAddress {
  /** `InternalIP`, `ExternalIP`, `Hostname`, … */
  readonly type: string;
  readonly address: Located<string>;
}

export interface KubeNode {
  readonly name: string;
  /** Includes `kubernetes.io/hostname`. */
  readonly labels: Labels;
  /** metadata.annotations (flannel records its public IP and backend there). */
  readonly annotations: Labels;
  readonly podCIDRs: readonly Located<string>[];
  readonly internalIPs: readonly string[];
  /** status.addresses, every type, with where each was written. */
  readonly addresses: readonly NodeAddress[];
  readonly taints: readonly Taint[];
  /** Absent for nodes that are only referenced (by nodeName) or from the default node set. */
  readonly meta?: ObjectMeta;
  /** How the node came to exist in the snapshot. */
  readonly origin: 'declared' | 'referenced' | 'default';
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
  readonly container: string;
  readonly span: Span;
}

/** A container's `env` entry: a literal value or a reference to a ConfigMap key. */
export interface EnvVar {
  readonly name: Located<string>;
  readonly value?: Located<string>;
  /** `valueFrom.configMapKeyRef`. */
  readonly configMapKeyRef?: { readonly name: Located<string>; readonly key: Located<string> };
}

/** A container's `envFrom` entry naming a ConfigMap (every key becomes a variable, with `prefix`). */
export interface EnvFromConfigMap {
  readonly name: Located<string>;
  readonly prefix: string;
}

/** What a container says about the services it talks to: its environment and its command line. */
export interface ContainerInfo {
  readonly name: string;
  readonly env: readonly EnvVar[];
  readonly envFrom: readonly EnvFromConfigMap[];
  /** `command` then `args`, word by word. */
  readonly commandLine: readonly Located<string>[];
  readonly init: boolean;
}

/** What the pod template of a workload (or a Pod) says about scheduling and networking. */
export interface PodSpecInfo {
  readonly serviceAccount: string;
  readonly hostNetwork: boolean;
  readonly nodeName?: string;
  readonly nodeSelector: Labels;
  readonly nodeSelectorSpan?: Span;
  /** requiredDuringSchedulingIgnoredDuringExecution: OR of terms, AND inside a term. */
  readonly requiredNodeAffinity?: readonly (readonly NodeSelectorRequirement[])[];
  readonly tolerations: readonly Toleration[];
  readonly ports: readonly ContainerPort[];
  /** Every container's command and args, in order (cluster components' flags are read from them). */
  readonly args: readonly Located<string>[];
  /** Containers and init containers, in order, with their environment (dependency inference reads them). */
  readonly containers: readonly ContainerInfo[];
}

export type WorkloadKind =
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'ReplicationController';

export interface Workload {
  readonly meta: ObjectMeta;
  readonly kind: WorkloadKind;
  /** Pod count for replicated kinds (Job/CronJob: parallelism); unused for DaemonSets. */
  readonly replicas: number;
  /** Where the pod count is written (`replicas`, or a Job's `parallelism`/`completions`), when it is. */
  readonly replicasSpan?: Span;
  readonly templateLabels: Labels;
  readonly templateLabelsSpan?: Span;
  readonly spec: PodSpecInfo;
}

export interface Pod {
  /** `namespace/name`: the name the CLI, the matrix and the tests use. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly spec: PodSpecInfo;
  /** The node the pod runs on: spec.nodeName, the DaemonSet's node, or the simulated placement. */
  readonly node?: string;
  /** How `node` was decided. */
  readonly placement: 'nodeName' | 'daemonset' | 'scheduled' | 'unschedulable';
  /** status.podIP / status.podIPs, when the manifest records them. */
  readonly statusIPs: readonly string[];
  readonly statusHostIP?: string;
  /** The workload the pod was expanded from; absent for Pod objects. */
  readonly workload?: { readonly kind: WorkloadKind; readonly name: string; readonly meta: ObjectMeta };
  /** Where the pod was written: its own object or its workload's template. */
  readonly span: Span;
  readonly meta: ObjectMeta;
}

export interface ServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol: Protocol;
}

export interface Service {
  readonly meta: ObjectMeta;
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  readonly type: string;
  readonly clusterIPs: readonly string[];
  /** Where each clusterIP was written. */
  readonly clusterIPSpans: Readonly<Record<string, Span>>;
}

export interface ServiceAccount {
  readonly meta: ObjectMeta;
}

export interface ConfigMap {
  readonly meta: ObjectMeta;
  /** Each `data` entry with the span of its value node (block strings included). */
  readonly data: Readonly<Record<string, Located<string>>>;
}

// ---- networking.k8s.io/v1 NetworkPolicy ----

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  readonly values: readonly string[];
  readonly span: Span;
}

/** metav1.LabelSelector. The empty selector matches everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
  /** The selector node (or its key, when written as `podSelector: {}` or left empty). */
  readonly span: Span;
  /** Span of each matchLabels entry. */
  readonly labelSpans: Readonly<Record<string, Span>>;
  /** Span of each matchLabels value. */
  readonly labelValueSpans: Readonly<Record<string, Span>>;
}

export interface IPBlock {
  readonly cidr: Located<string>;
  readonly except: readonly Located<string>[];
  readonly span: Span;
}

export interface NetworkPolicyPeer {
  readonly index: number;
  readonly span: Span;
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  readonly index: number;
  readonly span: Span;
  readonly protocol: Protocol;
  readonly port?: Located<number | string>;
  readonly endPort?: Located<number>;
}

export interface NetworkPolicyRule {
  readonly index: number;
  readonly span: Span;
  /** `from` / `to`; undefined when absent. Absent and empty both mean every peer. */
  readonly peers?: readonly NetworkPolicyPeer[];
  readonly peersSpan?: Span;
  /** Undefined when absent. Absent and empty both mean every port. */
  readonly ports?: readonly NetworkPolicyPort[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface KubeNetworkPolicy {
  readonly meta: ObjectMeta & { readonly namespace: string };
  readonly podSelector: LabelSelector;
  readonly policyTypes?: Located<readonly PolicyType[]>;
  /** undefined when the field is absent (the distinction matters for policyTypes defaulting). */
  readonly ingress?: readonly NetworkPolicyRule[];
  readonly ingressSpan?: Span;
  readonly egress?: readonly NetworkPolicyRule[];
  readonly egressSpan?: Span;
  /** False when the API server would reject the object: it is then left out of the simulation. */
  readonly valid: boolean;
}

/** Any object the model recognised, for identity checks (duplicates) and navigation. */
export interface KubeObject {
  readonly meta: ObjectMeta;
}
