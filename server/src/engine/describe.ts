/**
 * Sets of pods, ports and peers in words, counts first: "3 pods of Deployment
 * shop/api: api-0, api-1, api-2", "212 pods in 14 namespaces", "TCP 8080",
 * "every port". Findings, hovers, inlay hints and the CLI all use these, so
 * the product says the same thing the same way everywhere.
 */
import { plural, quoteList } from '../common/text';
import type { Endpoint } from '../policy/endpoint';
import { type ExternalClass, describeExternalClass, externalClasses } from './address-classes';
import { type Admission, admitsEveryPort } from './admission';
import type { PortSet } from './port-cuts';
import type { Analysis } from './analysis';
import type { EndpointClass } from './classes';
import type { IpFamily } from '../common/ip';
import { memoized } from '../common/memo';

/** How many names a description lists before "and N more". */
export const MAX_NAMES = 8;

/** The endpoints (indices into analysis.endpoints) of some classes, in endpoint order. */
export function membersOf(classes: readonly EndpointClass[]): number[] {
  return classes.flatMap((c) => c.members).sort((x, y) => x - y);
}

/** `Deployment shop/api`, or the pod's own id when it has no workload. */
export function ownerName(e: Endpoint): string {
  const w = e.pod?.workload;
  if (!w) return `Pod ${e.id}`;
  // Rules key maps by it for every pod: the replicas of a workload share one string (and its hash).
  const known = ownerNames.get(w);
  if (known && known.namespace === e.namespace) return known.name;
  const name = `${w.kind} ${e.namespace}/${w.name}`;
  ownerNames.set(w, { namespace: e.namespace, name });
  return name;
}

const ownerNames = new WeakMap<object, { readonly namespace: string | undefined; readonly name: string }>();

/** Pods grouped by the workload they come from, in order of first appearance. */
export function groupByOwner(a: Analysis, indices: readonly number[]): Map<string, Endpoint[]> {
  const groups = new Map<string, Endpoint[]>();
  for (const i of indices) {
    const e = a.endpoints[i];
    const key = ownerName(e);
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  return groups;
}

/**
 * `3 pods of Deployment shop/api: api-0, api-1, api-2`; `2 pods: shop/a-0, ops/b-1`;
 * `212 pods in 14 namespaces`; `no pod`. hostNetwork pods are "host network of node X".
 */
export function describePods(a: Analysis, indices: readonly number[], max = MAX_NAMES): string {
  const pods = indices.filter((i) => a.endpoints[i].kind === 'pod');
  const hosts = indices.filter((i) => a.endpoints[i].kind === 'host');
  const parts: string[] = [];
  if (pods.length) {
    const groups = groupByOwner(a, pods);
    const namespaces = new Set(pods.map((i) => a.endpoints[i].namespace));
    if (groups.size === 1) {
      const [[owner, list]] = [...groups.entries()];
      const names = list.map((e) => e.pod?.name ?? e.id);
      parts.push(
        owner.startsWith('Pod ')
          ? `pod ${list[0].id}`
          : `${plural(list.length, 'pod')} of ${owner}: ${quoteList(names, max)}`,
      );
    } else if (groups.size <= max && pods.length <= max * 2) {
      parts.push(
        `${plural(pods.length, 'pod')}: ${quoteList(
          [...groups.keys()].map((g) => g.replace(/^Pod /, '')),
          max,
        )}`,
      );
    } else {
      parts.push(`${plural(pods.length, 'pod')} in ${plural(namespaces.size, 'namespace')}`);
    }
  }
  if (hosts.length) {
    const nodes = [...new Set(hosts.map((i) => a.endpoints[i].node ?? '?'))].sort();
    parts.push(`the host network of ${plural(nodes.length, 'node')} (${quoteList(nodes, max)})`);
  }
  return parts.length ? parts.join(' and ') : 'no pod';
}

function rangeText([lo, hi]: readonly [number, number]): string {
  return lo === hi ? String(lo) : `${lo}-${hi}`;
}

/** `every port`, `TCP 8080`, `TCP 80, 443 and UDP 53`, `every TCP port`, `no port`. */
export function describePorts(ports: readonly PortSet[]): string {
  if (ports.length === 0) return 'no port';
  const every = (p: PortSet) => p.ranges.length === 1 && p.ranges[0][0] === 1 && p.ranges[0][1] === 65535;
  if (ports.length === 3 && ports.every(every)) return 'every port';
  const parts = ports.map((p) =>
    every(p) ? `every ${p.protocol} port` : `${p.protocol} ${p.ranges.map(rangeText).join(', ')}`,
  );
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * `every address outside the cluster`, `internet addresses (e.g. 0.0.0.0)`, …;
 * `families`: the address families in reach (outside addresses of others do not count as missing).
 */
export function describeExternal(
  a: Analysis,
  classes: readonly ExternalClass[],
  families: readonly IpFamily[] = [4, 6],
  max = 3,
): string {
  if (classes.length === 0) return '';
  const all = externalClasses(a).filter((c) => families.includes(c.family));
  if (all.every((c) => classes.includes(c))) return 'every address outside the cluster';
  const internet = all.filter((c) => c.tags.has('internet'));
  const words = [...new Set(classes.map(describeExternalClass))];
  if (internet.length && internet.every((c) => classes.includes(c)) && words.length > max)
    return 'every internet address and some private ones';
  return quoteList(words, max);
}

const podCounts = new WeakMap<Analysis, { pods: number; namespaces: number }>();

/** The cluster's pods and the namespaces they are in, counted once per analysis. */
function podCount(a: Analysis): { pods: number; namespaces: number } {
  return memoized(podCounts, a, () => {
    const allPods = a.endpoints.filter((e) => e.kind === 'pod');
    return { pods: allPods.length, namespaces: new Set(allPods.map((e) => e.namespace)).size };
  });
}

/** The words for each list of peer classes, per analysis: rules open to every pod share one list. */
const peerWords = new WeakMap<Analysis, WeakMap<readonly EndpointClass[], string[]>>();

/** `every pod in the cluster (…)`, the host networks, or the pods: the words for an admission's peer classes. */
function describePeerClasses(a: Analysis, classes: readonly EndpointClass[]): string[] {
  const perList = memoized(peerWords, a, () => new WeakMap<readonly EndpointClass[], string[]>());
  return memoized(perList, classes, () => {
    const found: string[] = [];
    const members = membersOf(classes);
    const pods = members.filter((i) => a.endpoints[i].kind === 'pod');
    const all = podCount(a);
    if (pods.length === all.pods && pods.length > 1) {
      const hosts = members.filter((i) => a.endpoints[i].kind === 'host');
      found.push(`every pod in the cluster (${pods.length} in ${plural(all.namespaces, 'namespace')})`);
      if (hosts.length) found.push(describePods(a, hosts));
    } else found.push(describePods(a, members));
    return found;
  });
}

/** `admits 212 pods in 14 namespaces and every address outside the cluster on every port`. */
export function describeAdmission(a: Analysis, adm: Admission): string {
  const peers: string[] = [];
  if (adm.peerClasses.length) peers.push(...describePeerClasses(a, adm.peerClasses));
  if (adm.externalClasses.length) peers.push(describeExternal(a, adm.externalClasses, adm.families));
  const verb =
    adm.rule.action === 'Deny'
      ? 'denies'
      : adm.rule.action === 'Pass'
        ? 'passes on'
        : adm.rule.action === 'Log'
          ? 'logs'
          : 'admits';
  if (peers.length === 0 || adm.ports.length === 0) return `${verb} nothing`;
  const to = adm.rule.direction === 'egress' ? ' to ' : ' ';
  return `${verb}${to}${peers.join(' and ')} on ${admitsEveryPort(adm) ? 'every port' : describePorts(adm.ports)}`;
}
