/**
 * The kinds the model reads, keyed by API group and kind. To read a new kind,
 * add a KindReader here (and a field to Collected and Cluster for its objects).
 */
import { parseIp } from '../common/ip';
import type { Located, Span } from '../common/source';
import type { RMap } from '../yaml/yaml-reader';
import type { AdminPolicy, AdminPolicyKind } from './adminpolicy/admin-policy';
import { readAdminPolicy } from './adminpolicy/read-admin-policy';
import { CALICO_GROUPS, CALICO_KIND_READERS, type CalicoCollected, emptyCalico } from './calico/calico-kinds';
import { readLabels, type ReadMeta } from './meta';
import { readNetworkPolicy } from './network-policy';
import { type Ingress, readIngress } from './ingress';
import { type NetworkIntentSet, readNetworkIntent } from './network-intent';
import { PORT_RANGE, readPodSpec, readProtocol } from './pod-spec';
import type {
  ConfigMap,
  KubeNetworkPolicy,
  KubeNode,
  Namespace,
  NodeAddress,
  PodSpecInfo,
  Service,
  ServiceAccount,
  ServicePort,
  Taint,
  Workload,
  WorkloadKind,
} from './kubernetes';

/** A Pod object as read, before scheduling. */
export interface PodObject {
  readonly meta: ReadMeta;
  readonly spec: PodSpecInfo;
  readonly statusIPs: readonly string[];
  readonly statusHostIP?: string;
}

export interface ReadWorkload extends Workload {
  readonly meta: ReadMeta;
}

/** Everything read from the manifests, in reading order, before the snapshot is assembled. */
export interface Collected {
  readonly objects: ReadMeta[];
  readonly namespaces: Namespace[];
  readonly nodes: KubeNode[];
  readonly podObjects: PodObject[];
  readonly workloads: ReadWorkload[];
  readonly services: Service[];
  readonly serviceAccounts: ServiceAccount[];
  readonly configMaps: ConfigMap[];
  readonly networkPolicies: KubeNetworkPolicy[];
  readonly calico: CalicoCollected;
  readonly adminPolicies: AdminPolicy[];
  readonly ingresses: Ingress[];
  readonly intents: NetworkIntentSet[];
}

export function emptyCollected(): Collected {
  return {
    objects: [],
    namespaces: [],
    nodes: [],
    podObjects: [],
    workloads: [],
    services: [],
    serviceAccounts: [],
    configMaps: [],
    networkPolicies: [],
    calico: emptyCalico(),
    adminPolicies: [],
    ingresses: [],
    intents: [],
  };
}

export interface KindReader {
  /** API groups the kind is served under ('' is the core group). */
  readonly groups: readonly string[];
  readonly kind: string;
  readonly namespaced: boolean;
  /** `errorsBefore`: error findings counted before this object was read (for validity). */
  read(obj: RMap, meta: ReadMeta, out: Collected, errorsBefore: number): void;
}

const APPS = ['apps', 'extensions'];
const AT_LEAST_0 = { min: 0 } as const;

function workloadReader(kind: WorkloadKind, groups: readonly string[]): KindReader {
  return {
    groups,
    kind,
    namespaced: true,
    read(obj, meta, out) {
      const spec = obj.map('spec');
      if (!spec) {
        obj.missing('spec');
        return;
      }
      // CronJob wraps a Job spec; Jobs and CronJobs run `parallelism` pods at once.
      const jobSpec = kind === 'CronJob' ? spec.map('jobTemplate')?.map('spec') : kind === 'Job' ? spec : undefined;
      const holder = jobSpec ?? spec;
      const template = holder.map('template');
      if (!template) holder.missing('template');
      const tmeta = template?.map('metadata');
      const labels = tmeta ? readLabels(tmeta, 'labels') : undefined;
      const podSpec = readPodSpec(template?.map('spec'));
      let replicas = 1;
      let replicasSpan: Span | undefined;
      if (jobSpec) {
        const parallelism = jobSpec.int('parallelism', AT_LEAST_0);
        const completions = jobSpec.int('completions', AT_LEAST_0);
        const fewer = completions && completions.value < (parallelism?.value ?? 1) ? completions : parallelism;
        replicas = fewer?.value ?? 1;
        replicasSpan = fewer?.span;
      } else if (kind !== 'DaemonSet') {
        const written = spec.int('replicas', AT_LEAST_0);
        replicas = written?.value ?? 1;
        replicasSpan = written?.span;
      }
      if (kind !== 'Job' && kind !== 'CronJob' && kind !== 'ReplicationController')
        checkSelector(spec, labels?.value ?? {}, kind);
      out.workloads.push({
        meta,
        kind,
        replicas,
        replicasSpan,
        templateLabels: labels?.value ?? {},
        templateLabelsSpan: labels?.span,
        spec: podSpec,
      });
    },
  };
}

/** apps/v1 requires spec.selector, and it must select the template's labels. */
function checkSelector(spec: RMap, templateLabels: Record<string, string>, kind: string): void {
  const sel = spec.map('selector');
  if (!sel) {
    if (!spec.has('selector')) spec.missing('selector');
    return;
  }
  const ml = sel.stringMap('matchLabels');
  if (!ml) return;
  const selected = ml.value;
  for (const k in selected) {
    const v = selected[k];
    if (templateLabels[k] !== v) {
      spec.ctx.sink.report(
        'invalid-field',
        'error',
        `spec.selector: matchLabels ${k}=${v} does not match the pod template's labels (${k in templateLabels ? `${k}=${templateLabels[k]}` : `no ${k} label`}); the API server rejects this ${kind}.`,
        ml.entries[k],
      );
    }
  }
}

export const KIND_READERS: readonly KindReader[] = [
  {
    groups: [''],
    kind: 'Namespace',
    namespaced: false,
    read(_obj, meta, out) {
      out.namespaces.push({
        name: meta.name,
        labels: { ...meta.labels, 'kubernetes.io/metadata.name': meta.name },
        meta,
      });
    },
  },
  {
    groups: [''],
    kind: 'Node',
    namespaced: false,
    read(obj, meta, out) {
      const spec = obj.map('spec');
      const podCIDRs: Located<string>[] = [];
      const single = spec?.str('podCIDR');
      const many = spec?.strings('podCIDRs') ?? [];
      if (many.length) podCIDRs.push(...many);
      else if (single) podCIDRs.push(single);
      const taints: Taint[] = [];
      for (const t of spec?.seq('taints')?.maps() ?? []) {
        const key = t.str('key');
        const effect = t.str('effect');
        if (key && effect) taints.push({ key: key.value, value: t.str('value')?.value, effect: effect.value });
      }
      const internalIPs: string[] = [];
      const addresses: NodeAddress[] = [];
      for (const a of obj.map('status')?.seq('addresses')?.maps() ?? []) {
        const type = a.str('type')?.value;
        const addr = a.str('address');
        if (!type || !addr) continue;
        addresses.push({ type, address: addr });
        if (type === 'InternalIP') internalIPs.push(addr.value);
      }
      const annotations = obj.map('metadata')?.stringMap('annotations')?.value ?? {};
      out.nodes.push({
        name: meta.name,
        labels: { 'kubernetes.io/hostname': meta.name, ...meta.labels },
        annotations,
        podCIDRs,
        internalIPs,
        addresses,
        taints,
        meta,
        origin: 'declared',
      });
    },
  },
  {
    groups: [''],
    kind: 'Pod',
    namespaced: true,
    read(obj, meta, out) {
      const spec = obj.map('spec');
      if (!spec) obj.missing('spec');
      const status = obj.map('status');
      // An address the kubelet could not have written is reported, not silently replaced by a simulated one.
      const checked = (m: RMap | undefined, key: string) => {
        const v = m?.str(key);
        if (v && (!parseIp(v.value) || v.value.trim() !== v.value)) {
          m!.ctx.sink.report(
            'invalid-field',
            'error',
            `${m!.child(key)}: "${v.value}" is not an IP address; the pod gets a simulated address instead.`,
            v.span,
          );
          return undefined;
        }
        return v?.value;
      };
      const single = checked(status, 'podIP');
      const ips = (status?.seq('podIPs')?.maps() ?? []).map((m) => checked(m, 'ip')).filter((x): x is string => !!x);
      if (single && !ips.includes(single)) ips.unshift(single);
      out.podObjects.push({
        meta,
        spec: readPodSpec(spec),
        statusIPs: ips,
        statusHostIP: status?.str('hostIP')?.value,
      });
    },
  },
  workloadReader('Deployment', APPS),
  workloadReader('ReplicaSet', APPS),
  workloadReader('StatefulSet', ['apps']),
  workloadReader('DaemonSet', APPS),
  workloadReader('Job', ['batch']),
  workloadReader('CronJob', ['batch']),
  workloadReader('ReplicationController', ['']),
  {
    groups: [''],
    kind: 'Service',
    namespaced: true,
    read(obj, meta, out) {
      const spec = obj.map('spec');
      const ports: ServicePort[] = [];
      const portMaps = spec?.seq('ports')?.maps();
      for (let i = 0; portMaps && i < portMaps.length; i++) {
        const p = portMaps[i];
        const port = p.int('port', PORT_RANGE);
        if (port)
          ports.push({
            name: p.str('name')?.value,
            port: port.value,
            targetPort: p.intOrString('targetPort')?.value,
            protocol: readProtocol(p),
          });
      }
      const clusterIPSpans: Record<string, Span> = {};
      const single = spec?.str('clusterIP');
      if (single) clusterIPSpans[single.value] ??= single.span;
      const many = spec?.strings('clusterIPs');
      for (let i = 0; many && i < many.length; i++) clusterIPSpans[many[i].value] ??= many[i].span;
      const clusterIPs = Object.keys(clusterIPSpans);
      out.services.push({
        meta,
        selector: spec?.stringMap('selector')?.value,
        ports,
        type: spec?.str('type')?.value ?? 'ClusterIP',
        clusterIPs,
        clusterIPSpans,
      });
    },
  },
  {
    groups: [''],
    kind: 'ServiceAccount',
    namespaced: true,
    read(_obj, meta, out) {
      out.serviceAccounts.push({ meta });
    },
  },
  {
    groups: [''],
    kind: 'ConfigMap',
    namespaced: true,
    read(obj, meta, out) {
      const data: Record<string, Located<string>> = {};
      const d = obj.map('data');
      for (const e of d?.entries() ?? []) {
        const v = d!.str(e.key);
        if (v) data[e.key] = v;
      }
      out.configMaps.push({ meta, data });
    },
  },
  {
    groups: ['networking.k8s.io', 'extensions'],
    kind: 'NetworkPolicy',
    namespaced: true,
    read(obj, meta, out, errorsBefore) {
      out.networkPolicies.push(readNetworkPolicy(obj, meta, errorsBefore));
    },
  },
];

function adminPolicyReader(kind: AdminPolicyKind, version: string): KindReader {
  return {
    groups: ['policy.networking.k8s.io'],
    kind,
    namespaced: false,
    read(obj, meta, out, errorsBefore) {
      // Only the version that defines the kind: v1alpha2 ClusterNetworkPolicy, v1alpha1 ANP/BANP.
      if (meta.apiVersion.endsWith(`/${version}`))
        out.adminPolicies.push(readAdminPolicy(obj, meta, kind, errorsBefore));
    },
  };
}

const EXTRA_READERS: readonly KindReader[] = [
  ...CALICO_KIND_READERS.map(
    (r): KindReader => ({
      groups: CALICO_GROUPS,
      kind: r.kind,
      namespaced: r.namespaced,
      read: (obj, meta, out, errorsBefore) => r.read(obj, meta, out.calico, errorsBefore),
    }),
  ),
  {
    groups: ['networking.k8s.io', 'extensions'],
    kind: 'Ingress',
    namespaced: true,
    read(obj, meta, out) {
      out.ingresses.push(readIngress(obj, meta));
    },
  },
  {
    groups: ['netpol.studio'],
    kind: 'NetworkIntent',
    namespaced: true,
    read(obj, meta, out) {
      const set = readNetworkIntent(obj, meta);
      if (set) out.intents.push(set);
    },
  },
  adminPolicyReader('ClusterNetworkPolicy', 'v1alpha2'),
  adminPolicyReader('AdminNetworkPolicy', 'v1alpha1'),
  adminPolicyReader('BaselineAdminNetworkPolicy', 'v1alpha1'),
];

const ALL_READERS: readonly KindReader[] = [...KIND_READERS, ...EXTRA_READERS];
/** By group, then kind (no key text made per object read). */
const byGroup = new Map<string, Map<string, KindReader>>();
for (const r of ALL_READERS)
  for (const g of r.groups) {
    let byKind = byGroup.get(g);
    if (!byKind) {
      byKind = new Map();
      byGroup.set(g, byKind);
    }
    byKind.set(r.kind, r);
  }

export function kindReader(group: string, kind: string): KindReader | undefined {
  return byGroup.get(group)?.get(kind);
}

/** True when some group serves a kind of this name (to report a known kind written without apiVersion). */
export function isKnownKind(kind: string): boolean {
  return ALL_READERS.some((r) => r.kind === kind);
}
