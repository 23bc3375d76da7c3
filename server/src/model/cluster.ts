/**
 * The model stage's output: an immutable snapshot of everything the workspace
 * describes, with workloads expanded into pod instances. Built by build.ts.
 */
import type { Finding } from '../common/finding';
import type { SourceFile } from '../common/source';
import type { AdminPolicy } from './adminpolicy/admin-policy';
import type { CalicoResources } from './calico/calico-resources';
import type { Ingress } from './ingress';
import type { NetworkIntentSet } from './network-intent';
import type {
  ConfigMap,
  KubeNetworkPolicy,
  KubeNode,
  KubeObject,
  Namespace,
  Pod,
  Service,
  ServiceAccount,
  Workload,
} from './kubernetes';

/** An immutable snapshot of everything the workspace describes. */
export interface Cluster {
  readonly files: readonly SourceFile[];
  readonly objects: readonly KubeObject[];
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly nodes: readonly KubeNode[];
  readonly workloads: readonly Workload[];
  /** Pod objects and pods expanded from workloads, sorted by id. */
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly serviceAccounts: readonly ServiceAccount[];
  readonly configMaps: readonly ConfigMap[];
  readonly networkPolicies: readonly KubeNetworkPolicy[];
  /** projectcalico.org/v3 policies, tiers, network sets (model/calico). */
  readonly calico: CalicoResources;
  /** ClusterNetworkPolicy and AdminNetworkPolicy / BaselineAdminNetworkPolicy (model/adminpolicy). */
  readonly adminPolicies: readonly AdminPolicy[];
  readonly ingresses: readonly Ingress[];
  /** NetworkIntent objects (netpol.studio/v1alpha1): what must and must not connect. */
  readonly intents: readonly NetworkIntentSet[];
  /** Findings from parsing and reading (syntax, wrong shapes, scheduling). */
  readonly findings: readonly Finding[];
}
