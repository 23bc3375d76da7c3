/**
 * Atoms: the only questions policy asks about an endpoint. Every selector,
 * CIDR list and named port in the compiled policies is interned here once;
 * rules refer to atoms by id. Because evaluation can only see endpoints
 * through atoms, endpoints that answer every atom alike are indistinguishable
 * to policy, which is what lets the engine evaluate classes instead of pairs.
 */
import { type Cidr, cidrLast, type IpAddr, type IpFamily } from '../common/ip';
import type { Service } from '../model/kubernetes';
import { type Endpoint, portKey } from './endpoint';
import { type EndpointIndex, union } from './endpoint-index';
import type { LabelMatcher } from './label-matcher';

/** Boolean atoms answer true/false; named-port atoms answer the port list. */
export type AtomValue = boolean | string;

export interface Atom {
  readonly id: number;
  readonly key: string;
  evaluate(ep: Endpoint): AtomValue;
  describe(): string;
  /** The answer of every endpoint outside `candidates`. */
  readonly usual: AtomValue;
  /**
   * Whether the answer reads the endpoint's own addresses (not only their families): then the
   * replicas of one pod template may answer it differently (engine/classes.ts asks each endpoint).
   */
  readonly readsAddresses: boolean;
  /**
   * The endpoints (indices, ascending) that may answer otherwise than `usual`, found through
   * the index; undefined when any endpoint may (then every endpoint is evaluated).
   */
  candidates(index: EndpointIndex): readonly number[] | undefined;
}

/** The endpoints of `list` (ascending) whose namespace is in `namespaces`. */
function inNamespaces(index: EndpointIndex, list: readonly number[], namespaces: ReadonlySet<string>): number[] {
  return list.filter((i) => namespaces.has(index.endpoints[i].namespace ?? ''));
}

/**
 * Selects workload endpoints: in one namespace (`namespace`) or in the
 * namespaces `namespaceSelector` matches (or in every namespace when both are
 * absent), whose labels match `selector`. Hosts and external addresses never match.
 */
export interface EndpointScope {
  readonly namespace?: string;
  readonly namespaceSelector?: LabelMatcher;
}

export class EndpointSelectorAtom implements Atom {
  constructor(
    readonly id: number,
    readonly key: string,
    readonly scope: EndpointScope,
    readonly selector: LabelMatcher,
  ) {}

  evaluate(ep: Endpoint): boolean {
    if (ep.kind !== 'pod') return false;
    if (this.scope.namespace !== undefined && ep.namespace !== this.scope.namespace) return false;
    if (this.scope.namespaceSelector && !this.scope.namespaceSelector.matches(ep.namespaceLabels)) return false;
    return this.selector.matches(ep.labels);
  }

  readonly usual = false;
  readonly readsAddresses = false;

  candidates(index: EndpointIndex): readonly number[] {
    const scope =
      this.scope.namespace !== undefined
        ? index.namespace(this.scope.namespace)
        : this.scope.namespaceSelector
          ? index.namespacesMatching(this.scope.namespaceSelector)
          : undefined;
    // Within a scope, a union of label lists longer than the scope's endpoints is not built.
    const byLabel = this.selector.matchesAll
      ? undefined
      : index.matching(this.selector, false, scope ? scope.count + 1 : undefined);
    if (!scope) return byLabel ?? index.pods;
    // Candidates may be a superset: the shorter of the two lists, narrowed when that is cheap.
    if (byLabel && byLabel.length <= scope.count) return inNamespaces(index, byLabel, scope.namespaces);
    return scope.endpoints;
  }

  describe(): string {
    const where =
      this.scope.namespace !== undefined
        ? `in namespace ${this.scope.namespace}`
        : this.scope.namespaceSelector
          ? `in namespaces ${this.scope.namespaceSelector.describe()}`
          : 'in any namespace';
    return `pods ${this.selector.matchesAll ? '' : `${this.selector.describe()} `}${where}`;
  }
}

/** An address-set answer: one character per family ("1" inside, "0" not), index 0 for IPv4, 1 for IPv6. */
function familyBits(inside: (family: IpFamily) => boolean): string {
  return (inside(4) ? '1' : '0') + (inside(6) ? '1' : '0');
}

/** familyBits answers by bits (IPv4 1, IPv6 2), so no answer string is built per endpoint. */
export const FAMILY_BITS = ['00', '10', '01', '11'] as const;

interface AddressRange {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
}

function addressRange(c: Cidr): AddressRange {
  return { family: c.family, first: c.base, last: cidrLast(c) };
}

/** cidrContains over ranges: no bigint arithmetic per question. */
function inRanges(ranges: readonly AddressRange[], ip: IpAddr): boolean {
  for (const r of ranges) if (r.family === ip.family && ip.value >= r.first && ip.value <= r.last) return true;
  return false;
}

/**
 * An address test: the endpoint's address is in one of `cidrs` and in none of
 * `except`. The value is an address-set answer (see familyBits).
 */
export class NetsAtom implements Atom {
  constructor(
    readonly id: number,
    readonly key: string,
    readonly cidrs: readonly Cidr[],
    readonly except: readonly Cidr[],
  ) {}

  /** Each CIDR as its first and last address, computed once: the atom is asked about every endpoint. */
  private ranges?: { readonly inside: AddressRange[]; readonly except: AddressRange[] };

  evaluate(ep: Endpoint): string {
    this.ranges ??= { inside: this.cidrs.map(addressRange), except: this.except.map(addressRange) };
    // The first address of each family decides, as for familyBits.
    let seen = 0;
    let inside = 0;
    for (const ip of ep.ips) {
      const bit = ip.family === 4 ? 1 : 2;
      if (seen & bit) continue;
      seen |= bit;
      if (inRanges(this.ranges.inside, ip) && !inRanges(this.ranges.except, ip)) inside |= bit;
    }
    return FAMILY_BITS[inside];
  }

  readonly usual = '00';
  readonly readsAddresses = true;

  candidates(): undefined {
    return undefined;
  }

  describe(): string {
    return this.except.length
      ? `${this.cidrs.map((c) => c.text).join(', ')} except ${this.except.map((c) => c.text).join(', ')}`
      : this.cidrs.map((c) => c.text).join(', ');
  }
}

export function netsValueHas(value: AtomValue, family: IpFamily): boolean {
  return typeof value === 'string' && value[family === 4 ? 0 : 1] === '1';
}

/** The container ports a pod names `name`, as `PROTO/port` entries joined by commas. */
export class NamedPortAtom implements Atom {
  constructor(
    readonly id: number,
    readonly key: string,
    readonly name: string,
  ) {}

  evaluate(ep: Endpoint): string {
    return (ep.namedPorts.get(this.name) ?? []).join(',');
  }

  readonly usual = '';
  readonly readsAddresses = false;

  candidates(index: EndpointIndex): readonly number[] {
    return index.withPortName(this.name);
  }

  describe(): string {
    return `container port named ${this.name}`;
  }
}

/** The workload endpoints (pods) a Calico policy applies to: its composed selector over their Calico labels. */
export class CalicoEndpointAtom implements Atom {
  constructor(
    readonly id: number,
    readonly key: string,
    readonly selector: LabelMatcher,
  ) {}

  evaluate(ep: Endpoint): boolean {
    return ep.kind === 'pod' && this.selector.matches(ep.calicoLabels);
  }

  readonly usual = false;
  readonly readsAddresses = false;

  candidates(index: EndpointIndex): readonly number[] {
    return index.matching(this.selector, true) ?? index.pods;
  }

  describe(): string {
    return `pods where ${this.selector.describe()}`;
  }
}

/**
 * A Calico rule selector as the dataplane applies it: the set of addresses of
 * the workload endpoints and network sets it selects. An address-set answer.
 */
export class SelectorAddressAtom implements Atom {
  constructor(
    readonly id: number,
    readonly key: string,
    readonly selector: LabelMatcher,
  ) {}

  evaluate(ep: Endpoint): string {
    const own = ep.kind === 'pod' && this.selector.matches(ep.calicoLabels);
    return familyBits(
      (family) =>
        (own && ep.ips.some((ip) => ip.family === family)) ||
        ep.networkSets.some((n) => n.family === family && this.selector.matches(n.labels)),
    );
  }

  readonly usual = '00';
  // Network sets hold addresses, but an endpoint in one is a template of its own (engine/classes.ts).
  readonly readsAddresses = false;

  candidates(index: EndpointIndex): readonly number[] | undefined {
    // Calico labels are pods' only (others have none), and a network set's labels are its own.
    const own = index.matching(this.selector, true);
    return own && union([own, index.inNetworkSets]);
  }

  describe(): string {
    return `addresses of endpoints and network sets where ${this.selector.describe()}`;
  }
}

/**
 * A Kubernetes Service as a Calico rule `services` match: `members` answers
 * whether the endpoint is one of the service's pods; `ports` answers the
 * `PROTOCOL/port` target ports it serves for the service (empty for non-members).
 */
export class ServiceAtom implements Atom {
  constructor(
    readonly id: number,
    readonly key: string,
    readonly ref: string,
    readonly service: Service | undefined,
    readonly mode: 'members' | 'ports',
  ) {}

  private member(ep: Endpoint): boolean {
    const sel = this.service?.selector;
    if (!sel || Object.keys(sel).length === 0 || ep.kind !== 'pod' || ep.namespace !== this.service!.meta.namespace)
      return false;
    return Object.entries(sel).every(([k, v]) => ep.labels[k] === v);
  }

  evaluate(ep: Endpoint): boolean | string {
    if (this.mode === 'members') return this.member(ep);
    if (!this.member(ep)) return '';
    const ports = new Set<string>();
    for (const p of this.service!.ports) {
      const target = p.targetPort ?? p.port;
      if (typeof target === 'number') ports.add(portKey(p.protocol, target));
      else for (const k of ep.namedPorts.get(target) ?? []) if (k.startsWith(`${p.protocol}/`)) ports.add(k);
    }
    return [...ports].sort().join(',');
  }

  readonly readsAddresses = false;

  get usual(): AtomValue {
    return this.mode === 'members' ? false : '';
  }

  candidates(index: EndpointIndex): readonly number[] {
    const sel = this.service?.selector;
    if (!sel || this.service!.meta.namespace === undefined) return [];
    const keys = Object.keys(sel);
    if (keys.length === 0) return [];
    // The shorter of the Service's namespace and the pods with its first label (a label every
    // namespace's pods carry would make each Service scan all of them).
    const scope = index.namespace(this.service!.meta.namespace);
    const byLabel = index.withLabel(keys[0], sel[keys[0]]);
    return byLabel.length <= scope.count ? inNamespaces(index, byLabel, scope.namespaces) : scope.endpoints;
  }

  describe(): string {
    return this.mode === 'members' ? `pods of service ${this.ref}` : `target ports of service ${this.ref}`;
  }
}

/** Interns atoms by key so equal questions are asked once. */
export class AtomTable {
  private readonly byKey = new Map<string, Atom>();
  readonly atoms: Atom[] = [];

  private intern<A extends Atom>(key: string, make: (id: number) => A): A {
    const found = this.byKey.get(key);
    if (found) return found as A;
    const atom = make(this.atoms.length);
    this.atoms.push(atom);
    this.byKey.set(key, atom);
    return atom;
  }

  endpoints(scope: EndpointScope, selector: LabelMatcher): EndpointSelectorAtom {
    const key = `ep|${scope.namespace ?? '*'}|${scope.namespaceSelector?.key ?? '*'}|${selector.key}`;
    return this.intern(key, (id) => new EndpointSelectorAtom(id, key, scope, selector));
  }

  nets(cidrs: readonly Cidr[], except: readonly Cidr[] = []): NetsAtom {
    const key = `nets|${cidrs.map((c) => c.text).join(',')}|${except.map((c) => c.text).join(',')}`;
    return this.intern(key, (id) => new NetsAtom(id, key, cidrs, except));
  }

  calicoEndpoints(selector: LabelMatcher): CalicoEndpointAtom {
    const key = `cep|${selector.key}`;
    return this.intern(key, (id) => new CalicoEndpointAtom(id, key, selector));
  }

  selectorAddresses(selector: LabelMatcher): SelectorAddressAtom {
    const key = `csel|${selector.key}`;
    return this.intern(key, (id) => new SelectorAddressAtom(id, key, selector));
  }

  service(namespace: string, name: string, service: Service | undefined, mode: 'members' | 'ports'): ServiceAtom {
    const key = `svc|${mode}|${namespace}/${name}`;
    return this.intern(key, (id) => new ServiceAtom(id, key, `${namespace}/${name}`, service, mode));
  }

  namedPort(name: string): NamedPortAtom {
    const key = `port|${name}`;
    return this.intern(key, (id) => new NamedPortAtom(id, key, name));
  }
}
