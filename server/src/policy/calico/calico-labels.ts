/**
 * The labels Calico's selectors see, as Calico builds them with the Kubernetes
 * datastore (libcalico-go/lib/backend/k8s/conversion, syncersv1/updateprocessors):
 *
 * - a pod's workload endpoint: the pod's labels (minus any `pcns.`/`pcsa.`
 *   ones, which Calico strips so a pod cannot pose as another namespace) plus
 *   `projectcalico.org/namespace`, `projectcalico.org/orchestrator: k8s` and
 *   `projectcalico.org/serviceaccount`;
 * - inherited from the namespace profile `kns.<ns>`: every namespace label
 *   prefixed `pcns.`, and `pcns.projectcalico.org/name: <ns>`;
 * - inherited from the service-account profile `ksa.<ns>.<sa>`: every
 *   service-account label prefixed `pcsa.`, and `pcsa.projectcalico.org/name: <sa>`;
 * - a NetworkSet: its labels, `projectcalico.org/namespace` and its namespace's
 *   `pcns.` labels; a GlobalNetworkSet: its labels only.
 */
import { type Cidr, type IpAddr, type IpFamily, isCidr, parseCidrOrIp } from '../../common/ip';
import type { CalicoNetworkSet } from '../../model/calico/calico-resources';
import type { Labels, Pod } from '../../model/kubernetes';
import type { Cluster } from '../../model/cluster';
import { memoized } from '../../common/memo';

export const LABEL_NAMESPACE = 'projectcalico.org/namespace';
export const LABEL_ORCHESTRATOR = 'projectcalico.org/orchestrator';
export const LABEL_SERVICE_ACCOUNT = 'projectcalico.org/serviceaccount';
export const LABEL_NAME = 'projectcalico.org/name';
export const NAMESPACE_PREFIX = 'pcns.';
export const SERVICE_ACCOUNT_PREFIX = 'pcsa.';

function prefixed(prefix: string, labels: Labels, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[prefix + k] = v;
  out[prefix + LABEL_NAME] = name;
  return out;
}

/** Profile labels per snapshot, computed once per namespace (`ns`) and service account (`ns/sa`). */
const profiles = new WeakMap<Cluster, { namespaces: Map<string, Labels>; serviceAccounts: Map<string, Labels> }>();

function profileCache(cluster: Cluster) {
  return memoized(profiles, cluster, () => {
    const serviceAccounts = new Map<string, Labels>();
    for (const sa of cluster.serviceAccounts)
      serviceAccounts.set(
        `${sa.meta.namespace}/${sa.meta.name}`,
        prefixed(SERVICE_ACCOUNT_PREFIX, sa.meta.labels, sa.meta.name),
      );
    return { namespaces: new Map<string, Labels>(), serviceAccounts };
  });
}

export function namespaceProfileLabels(cluster: Cluster, namespace: string): Labels {
  const cache = profileCache(cluster).namespaces;
  let labels = cache.get(namespace);
  if (!labels) {
    labels = prefixed(
      NAMESPACE_PREFIX,
      cluster.namespaces.get(namespace)?.labels ?? { 'kubernetes.io/metadata.name': namespace },
      namespace,
    );
    cache.set(namespace, labels);
  }
  return labels;
}

/** A service account the workspace does not declare still has its profile name label. */
function serviceAccountProfileLabels(cluster: Cluster, namespace: string, name: string): Labels {
  return (
    profileCache(cluster).serviceAccounts.get(`${namespace}/${name}`) ?? { [SERVICE_ACCOUNT_PREFIX + LABEL_NAME]: name }
  );
}

/** Copies `from` into `into` (later copies win). Plain loops: object spread is many times slower on label maps. */
function copy(into: Record<string, string>, from: Labels, keep: (k: string) => boolean = () => true): void {
  for (const k in from) if (keep(k)) into[k] = from[k];
}

/** Everything a Calico selector sees on a pod's workload endpoint. */
export function calicoPodLabels(pod: Pod, cluster: Cluster): Labels {
  const out: Record<string, string> = {};
  copy(out, namespaceProfileLabels(cluster, pod.namespace));
  copy(out, serviceAccountProfileLabels(cluster, pod.namespace, pod.spec.serviceAccount));
  copy(out, pod.labels, (k) => !k.startsWith(NAMESPACE_PREFIX) && !k.startsWith(SERVICE_ACCOUNT_PREFIX));
  out[LABEL_NAMESPACE] = pod.namespace;
  out[LABEL_ORCHESTRATOR] = 'k8s';
  out[LABEL_SERVICE_ACCOUNT] = pod.spec.serviceAccount;
  return out;
}

export function networkSetLabels(ns: CalicoNetworkSet, cluster: Cluster): Labels {
  if (ns.global || !ns.meta.namespace) return ns.meta.labels;
  const out: Record<string, string> = {};
  copy(out, namespaceProfileLabels(cluster, ns.meta.namespace));
  copy(out, ns.meta.labels);
  out[LABEL_NAMESPACE] = ns.meta.namespace;
  return out;
}

/** A network set as selectors see it: its labels, and the CIDRs an address must fall in. */
export interface NetworkSetEntry {
  readonly id: string;
  readonly labels: Labels;
  readonly cidrs: readonly Cidr[];
}

/** A network set that contains one of an endpoint's addresses, in that address's family. */
export interface NetworkSetMembership {
  readonly family: IpFamily;
  readonly id: string;
  readonly labels: Labels;
}

const cache = new WeakMap<Cluster, NetworkSetEntry[]>();

/** The network sets Calico would accept (no reading errors, no reserved namespace label), indexed once per snapshot. */
export function networkSetEntries(cluster: Cluster): readonly NetworkSetEntry[] {
  return memoized(cache, cluster, () =>
    cluster.calico.networkSets
      .filter((s) => s.readValid && !(LABEL_NAMESPACE in s.meta.labels))
      .map((s) => ({
        id: `${s.meta.kind} ${s.meta.namespace ? `${s.meta.namespace}/` : ''}${s.meta.name}`,
        labels: networkSetLabels(s, cluster),
        cidrs: s.nets.map((n) => parseCidrOrIp(n.value)).filter(isCidr),
      })),
  );
}

/**
 * The network sets' CIDRs by family and prefix length, then by network address: an address is in
 * a CIDR when masking it to the CIDR's prefix gives the CIDR's address, so each address is looked
 * up once per prefix length the sets use, not tested against every set (pods x network sets).
 */
interface NetworkSetIndex {
  /** Per family, its prefix lengths in use, each with its mask and the entries (indices, ascending) by network address. */
  readonly byFamily: ReadonlyMap<IpFamily, readonly { mask: bigint; entries: Map<bigint, number[]> }[]>;
}

const indexes = new WeakMap<readonly NetworkSetEntry[], NetworkSetIndex>();

function networkSetIndex(entries: readonly NetworkSetEntry[]): NetworkSetIndex {
  return memoized(indexes, entries, () => {
    const byKey = new Map<string, { family: IpFamily; mask: bigint; entries: Map<bigint, number[]> }>();
    entries.forEach((entry, k) => {
      for (const c of entry.cidrs) {
        const key = `${c.family}/${c.prefix}`;
        let slot = byKey.get(key);
        if (!slot) {
          const bits = c.family === 4 ? 32n : 128n;
          const host = (1n << (bits - BigInt(c.prefix))) - 1n;
          slot = { family: c.family, mask: ((1n << bits) - 1n) ^ host, entries: new Map() };
          byKey.set(key, slot);
        }
        const list = slot.entries.get(c.base);
        if (!list) slot.entries.set(c.base, [k]);
        else if (list[list.length - 1] !== k) list.push(k);
      }
    });
    const byFamily = new Map<IpFamily, { mask: bigint; entries: Map<bigint, number[]> }[]>();
    for (const slot of byKey.values()) {
      const list = byFamily.get(slot.family);
      if (list) list.push(slot);
      else byFamily.set(slot.family, [slot]);
    }
    return { byFamily };
  });
}

/**
 * The network sets holding each of `ips` (in the sets' order, then the addresses' order; a set
 * once per address).
 */
export function networkSetsContaining(ips: readonly IpAddr[], cluster: Cluster): NetworkSetMembership[] {
  // Asked once per pod: plain loops, no closure or iterator per call.
  const entries = networkSetEntries(cluster);
  if (entries.length === 0 || ips.length === 0) return [];
  const { byFamily } = networkSetIndex(entries);
  // (entry, address) pairs found, as entry * ips.length + address: sorted, they come in the order above.
  let found: number[] | undefined;
  for (let a = 0; a < ips.length; a++) {
    const ip = ips[a];
    const slots = byFamily.get(ip.family);
    if (!slots) continue;
    for (let s = 0; s < slots.length; s++) {
      const holding = slots[s].entries.get(ip.value & slots[s].mask);
      if (!holding) continue;
      found ??= [];
      for (let h = 0; h < holding.length; h++) found.push(holding[h] * ips.length + a);
    }
  }
  if (!found) return [];
  found.sort((x, y) => x - y);
  const out: NetworkSetMembership[] = [];
  for (let n = 0; n < found.length; n++) {
    if (n > 0 && found[n] === found[n - 1]) continue;
    const entry = entries[Math.floor(found[n] / ips.length)];
    const ip = ips[found[n] % ips.length];
    out.push({ family: ip.family, id: entry.id, labels: entry.labels });
  }
  return out;
}
