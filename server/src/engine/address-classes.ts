/**
 * Address classes: the addresses outside the pods and nodes of the snapshot
 * ("the outside world"), cut into classes that policy cannot tell apart. Policy
 * sees an outside address only through address-set atoms (ipBlocks, Calico
 * nets, network sets), so the address space is cut at every CIDR boundary those
 * mention; the intervals that answer every atom alike form one class, with one
 * representative address that is no pod's or node's. Well-known ranges are cut
 * out too, so findings and hovers can name them: the cloud metadata address,
 * the pod network, the Service network and private ranges.
 */
import { bitsOf, type Cidr, cidrLast, formatIp, type IpFamily, type IpAddr, makeCidr, parseCidr } from '../common/ip';
import { memoized } from '../common/memo';
import { networkSetEntries } from '../policy/calico/calico-labels';
import { type AtomValue, NetsAtom } from '../policy/atoms';
import { type Endpoint, externalEndpoint } from '../policy/endpoint';
import type { Protocol } from '../model/kubernetes';
import type { Analysis } from './analysis';
import { AnswerRow } from './answer-row';
import { atomValues, type EndpointClass } from './classes';
import { decide } from './evaluate';
import { sideAtoms } from './peer-groups';

/** What a range of outside addresses is, for messages. */
export type AddressTag = 'internet' | 'private' | 'metadata' | 'pod-network' | 'service-network';

/** An inclusive range of addresses of one family. */
export interface AddressRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

export interface ExternalClass {
  readonly id: number;
  readonly family: IpFamily;
  /** An address of the class that no pod or node has: what the engine evaluates for the whole class. */
  readonly endpoint: Endpoint;
  readonly values: AnswerRow;
  readonly ranges: readonly AddressRange[];
  readonly tags: ReadonlySet<AddressTag>;
}

/** The cloud metadata service (AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS IPv6: fd00:ec2::254). */
export const METADATA_ADDRESSES: readonly Cidr[] = ['169.254.169.254/32', 'fd00:ec2::254/128'].map(
  (t) => parseCidr(t) as Cidr,
);

/** RFC 1918, link-local, CGNAT, loopback and IPv6 unique-local / link-local: not "the internet". */
const PRIVATE_RANGES: readonly Cidr[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '127.0.0.0/8',
  'fc00::/7',
  'fe80::/10',
  '::1/128',
].map((t) => parseCidr(t) as Cidr);

/** The Service network kubeadm uses when the workspace does not say (--service-cluster-ip-range). */
const DEFAULT_SERVICE_NETWORK = parseCidr('10.96.0.0/12') as Cidr;

const cache = new WeakMap<Analysis, readonly ExternalClass[]>();

/** The pod networks flannel is configured with. */
export function podNetworks(a: Analysis): Cidr[] {
  return a.addressing.config.networks.map((n) => n.network);
}

/** The Service networks the workspace shows, else kubeadm's default. */
export function serviceNetworks(a: Analysis): Cidr[] {
  const given = a.addressing.flags.serviceRanges.map((r) => r.cidr);
  return given.length ? given : [DEFAULT_SERVICE_NETWORK];
}

export function externalClasses(a: Analysis): readonly ExternalClass[] {
  return memoized(cache, a, () => computeExternalClasses(a));
}

function computeExternalClasses(a: Analysis): ExternalClass[] {
  const tagged: { cidr: Cidr; tag: AddressTag }[] = [
    ...PRIVATE_RANGES.map((cidr) => ({ cidr, tag: 'private' as const })),
    ...METADATA_ADDRESSES.map((cidr) => ({ cidr, tag: 'metadata' as const })),
    ...podNetworks(a).map((cidr) => ({ cidr, tag: 'pod-network' as const })),
    ...serviceNetworks(a).map((cidr) => ({ cidr, tag: 'service-network' as const })),
  ];
  const cuts: Cidr[] = tagged.map((t) => t.cidr);
  for (const atom of a.policies.atoms) if (atom instanceof NetsAtom) cuts.push(...atom.cidrs, ...atom.except);
  for (const set of networkSetEntries(a.cluster)) cuts.push(...set.cidrs);
  const taken = takenAddresses(a);
  const byKey = new Map<
    string,
    { family: IpFamily; ranges: AddressRange[]; endpoint: Endpoint; values: AtomValue[]; tags: Set<AddressTag> }
  >();
  for (const family of [4, 6] as const) {
    for (const range of elementaryRanges(family, cuts)) {
      const address = firstFreeAddress(range, taken.get(family) ?? []);
      if (address === undefined) continue; // every address of the range is a pod's or a node's
      const tags = new Set<AddressTag>();
      for (const t of tagged) if (t.cidr.family === family && contains(t.cidr, range.first)) tags.add(t.tag);
      if (!tags.has('private') && !tags.has('metadata')) tags.add('internet');
      const ip: IpAddr = { family, value: address, text: formatIp(family, address) };
      const endpoint = externalEndpoint(ip, a.cluster);
      const values = atomValues(a.policies.atoms, endpoint);
      const key = `${family}|${[...tags].sort().join(',')}|${values.map((v) => (v === true ? '1' : v === false ? '0' : `"${v}"`)).join(' ')}`;
      const found = byKey.get(key);
      if (found) found.ranges.push(range);
      else byKey.set(key, { family, ranges: [range], endpoint, values, tags });
    }
  }
  return [...byKey.values()].map((c, id) => ({ id, ...c, values: AnswerRow.of(c.values) }));
}

function contains(c: Cidr, value: bigint): boolean {
  return value >= c.base && value <= cidrLast(c);
}

/** The intervals between every CIDR boundary of one family, covering the whole address space. */
function elementaryRanges(family: IpFamily, cuts: readonly Cidr[]): AddressRange[] {
  const max = (1n << BigInt(bitsOf(family))) - 1n;
  const starts = new Set<bigint>([0n]);
  for (const c of cuts) {
    if (c.family !== family) continue;
    starts.add(c.base);
    const after = cidrLast(c) + 1n;
    if (after <= max) starts.add(after);
  }
  const sorted = [...starts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return sorted.map((first, i) => ({ family, first, last: i + 1 < sorted.length ? sorted[i + 1] - 1n : max }));
}

/** Pod and node addresses per family, sorted: they are inside the cluster. */
function takenAddresses(a: Analysis): Map<IpFamily, bigint[]> {
  const out = new Map<IpFamily, bigint[]>([
    [4, []],
    [6, []],
  ]);
  for (const e of a.endpoints) for (const ip of e.ips) out.get(ip.family)!.push(ip.value);
  for (const n of a.addressing.nodes.values()) for (const ip of n.ips) out.get(ip.family)!.push(ip.value);
  for (const list of out.values()) list.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return out;
}

/** The first address of the range that is not in `taken` (sorted), if any. */
function firstFreeAddress(range: AddressRange, taken: readonly bigint[]): bigint | undefined {
  let lo = 0;
  let hi = taken.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (taken[mid] < range.first) lo = mid + 1;
    else hi = mid;
  }
  let candidate = range.first;
  for (let i = lo; i < taken.length && taken[i] === candidate; i++) candidate++;
  return candidate <= range.last ? candidate : undefined;
}

/** The smallest list of CIDRs that covers a range (for messages: `10.0.0.0/8 except …` reads better, see describe). */
export function rangeToCidrs(range: AddressRange): Cidr[] {
  const bits = bitsOf(range.family);
  const out: Cidr[] = [];
  let start = range.first;
  while (start <= range.last) {
    let prefix = bits;
    while (prefix > 0) {
      const size = 1n << BigInt(bits - prefix + 1);
      if (start % size !== 0n || start + size - 1n > range.last) break;
      prefix--;
    }
    const cidr = makeCidr(range.family, start, prefix);
    out.push(cidr);
    start = cidrLast(cidr) + 1n;
  }
  return out;
}

/** `the internet`, `the cloud metadata address`, `unused addresses of the pod network 10.244.0.0/16`… */
export function describeExternalClass(c: ExternalClass): string {
  if (c.tags.has('metadata')) return `the cloud metadata address ${c.endpoint.id}`;
  if (c.tags.has('pod-network')) return `addresses of the pod network no pod has (e.g. ${c.endpoint.id})`;
  if (c.tags.has('service-network')) return `the Service network (e.g. ${c.endpoint.id})`;
  if (c.tags.has('internet')) return `internet addresses (e.g. ${c.endpoint.id})`;
  return `private addresses outside the cluster (e.g. ${c.endpoint.id})`;
}

/** Per analysis and set of atoms: the outside classes (indices) grouped by family and their answers to those atoms. */
const outsideGroups = new WeakMap<Analysis, Map<string, readonly (readonly number[])[]>>();

/** Per analysis and atom: 1 when outside classes answer it differently, 2 when they all answer alike. */
const outsideSplits = new WeakMap<Analysis, Uint8Array>();

/** Whether the outside classes give the atom different answers (most atoms, about pods, are false for all of them). */
function splitsOutside(a: Analysis, atom: number): boolean {
  const known = memoized(outsideSplits, a, () => new Uint8Array(a.policies.atoms.length));
  if (known[atom] === 0) {
    const outside = externalClasses(a);
    const first = outside[0]?.values.get(atom);
    known[atom] = outside.some((x) => x.values.get(atom) !== first) ? 1 : 2;
  }
  return known[atom] === 1;
}

function groupsOf(a: Analysis, asked: readonly number[]): readonly (readonly number[])[] {
  const perAtoms = memoized(outsideGroups, a, () => new Map<string, readonly (readonly number[])[]>());
  // An atom every outside class answers alike splits no group.
  const atoms = asked.filter((atom) => splitsOutside(a, atom));
  const key = atoms.join(',');
  let groups = perAtoms.get(key);
  if (!groups) {
    const byAnswers = new Map<string, number[]>();
    externalClasses(a).forEach((x, i) => {
      // `typeof` keeps the string answers (named ports, nets) apart from the booleans.
      const answers = `${x.family}|${atoms.map((atom) => `${typeof x.values.get(atom)}:${x.values.get(atom)}`).join('|')}`;
      const list = byAnswers.get(answers);
      if (list) list.push(i);
      else byAnswers.set(answers, [i]);
    });
    groups = [...byAnswers.values()];
    perAtoms.set(key, groups);
  }
  return groups;
}

/**
 * The outside address classes (in class order) that may open a connection to the pods of class
 * `cls` on (protocol, port): Engine.allowedBetween(x.endpoint, a pod of cls) for each (an outside
 * address has no egress policy, so only the class's ingress is asked). The class's ingress reads an
 * outside address only through the atoms its rules name on the source side (and the family), so it
 * is decided once per group of address classes answering those alike.
 */
export function outsideAdmitting(
  a: Analysis,
  cls: EndpointClass,
  protocol: Protocol,
  port: number,
): readonly ExternalClass[] {
  const outside = externalClasses(a);
  if (cls.kind !== 'pod') return outside.filter((x) => cls.families.includes(x.family));
  const app = a.engine.applicable(cls.id, 'ingress');
  let admitted: Uint8Array | undefined;
  for (const group of sourceGroupsOf(a, cls)) {
    const first = outside[group[0]];
    if (!cls.families.includes(first.family)) continue;
    const packet = { protocol, port, family: first.family, src: first.values, dst: cls.values };
    if (!decide(a.policies, app, 'ingress', packet)) continue;
    admitted ??= new Uint8Array(outside.length);
    for (const i of group) admitted[i] = 1;
  }
  const hit = admitted;
  return hit ? outside.filter((_, i) => hit[i] === 1) : NONE;
}

const NONE: readonly ExternalClass[] = [];

/** Per analysis, each pod class's outside groups (those of the atoms its ingress rules read on the source side). */
const sourceGroups = new WeakMap<Analysis, (readonly (readonly number[])[] | undefined)[]>();

function sourceGroupsOf(a: Analysis, cls: EndpointClass): readonly (readonly number[])[] {
  const perClass = memoized(sourceGroups, a, () => []);
  let found = perClass[cls.id];
  if (!found) {
    const atoms = new Set<number>();
    for (const t of a.engine.applicable(cls.id, 'ingress').tiers)
      for (const p of t.policies) for (const r of p.ingress!) sideAtoms(r.condition, 'source', atoms);
    found = groupsOf(
      a,
      [...atoms].sort((x, y) => x - y),
    );
    perClass[cls.id] = found;
  }
  return found;
}
