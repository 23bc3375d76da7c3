/**
 * What one rule admits, on its own: the peers it matches (sources of an
 * ingress rule, destinations of an egress rule; endpoint classes and outside
 * address classes), the pods of its policy it applies to, and the ports it
 * matches per protocol. This is the rule read in isolation — whether an
 * earlier tier or rule decides first is the verdicts' business (engine.ts).
 * Lint rules ("open to everything", "sensitive ports") and editor features
 * (hovers, inlay hints) both ask it, so they always agree.
 *
 * The rule's condition is split by what each part reads: the peer's atom
 * answers, the subject's, or the packet (protocol and port). Peer parts are
 * evaluated once per peer class and subject parts once per subject class, so
 * the cost is (peers + subjects) x parts, not peers x subjects.
 */
import type { Protocol } from '../model/kubernetes';
import { PROTOCOLS } from '../model/kubernetes';
import type { AtomValue } from '../policy/atoms';
import type { CompiledPolicy, CompiledRule, Condition, Side } from '../policy/rule-model';
import type { Analysis } from './analysis';
import { type ExternalClass, externalClasses } from './address-classes';
import type { EndpointClass } from './classes';
import { conditionMatches, type Packet } from './evaluate';
import type { IpFamily } from '../common/ip';
import { sideAtoms } from './peer-groups';
import { addPortCuts } from './port-cuts';

/** Ports of one protocol as inclusive ranges, sorted and merged. */
export interface PortSet {
  readonly protocol: Protocol;
  readonly ranges: readonly (readonly [number, number])[];
}

export interface Admission {
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
  /** Endpoint classes (pods and host networks) on the peer side the rule matches. */
  readonly peerClasses: readonly EndpointClass[];
  /** Classes of outside addresses the rule matches. */
  readonly externalClasses: readonly ExternalClass[];
  /** The policy's pods (endpoint classes) the rule can apply to. */
  readonly subjectClasses: readonly EndpointClass[];
  /** The ports it matches, per protocol (protocols it matches on no port are left out). */
  readonly ports: readonly PortSet[];
  /** The address families the subject pods have: outside addresses of other families are out of reach. */
  readonly families: readonly IpFamily[];
}

interface Reads {
  peer: boolean;
  subject: boolean;
  packet: boolean;
}

function reads(c: Condition, subjectSide: Side, out: Reads = { peer: false, subject: false, packet: false }): Reads {
  switch (c.type) {
    case 'all':
    case 'any':
      for (const x of c.of) reads(x, subjectSide, out);
      break;
    case 'protocol':
      out.packet = true;
      break;
    case 'endpoint':
    case 'nets':
      if (c.side === subjectSide) out.subject = true;
      else out.peer = true;
      break;
    case 'ports':
      out.packet = true;
      if (c.named.length) {
        if (c.side === subjectSide) out.subject = true;
        else out.peer = true;
      }
      break;
  }
  return out;
}

const ALL_PORTS: readonly (readonly [number, number])[] = [[1, 65535]];

function packet(
  protocol: Protocol,
  port: number,
  family: IpFamily,
  src: readonly AtomValue[],
  dst: readonly AtomValue[],
): Packet {
  return { protocol, port, family, src, dst };
}

const cache = new WeakMap<Analysis, Map<CompiledRule, Admission>>();

/** What `rule` of `policy` admits (memoized per analysis). */
export function ruleAdmission(a: Analysis, policy: CompiledPolicy, rule: CompiledRule): Admission {
  let perRule = cache.get(a);
  if (!perRule) {
    perRule = new Map();
    cache.set(a, perRule);
  }
  let found = perRule.get(rule);
  if (!found) {
    found = computeAdmission(a, policy, rule);
    perRule.set(rule, found);
  }
  return found;
}

/** Per analysis: the pod classes each subject atom selects, and the classes that are not pods (found once, not per rule). */
const classLists = new WeakMap<Analysis, { subjects: Map<number, EndpointClass[]>; notPods: EndpointClass[] }>();

function listsOf(a: Analysis): { subjects: Map<number, EndpointClass[]>; notPods: EndpointClass[] } {
  let found = classLists.get(a);
  if (!found) {
    found = { subjects: new Map(), notPods: a.engine.classes.filter((c) => c.kind !== 'pod') };
    classLists.set(a, found);
  }
  return found;
}

function subjectClassesOf(a: Analysis, atom: number): EndpointClass[] {
  const { subjects } = listsOf(a);
  let found = subjects.get(atom);
  if (!found) {
    found = a.engine.classes.filter((c) => c.kind === 'pod' && c.values[atom] === true);
    subjects.set(atom, found);
  }
  return found;
}

function computeAdmission(a: Analysis, policy: CompiledPolicy, rule: CompiledRule): Admission {
  const subjectSide: Side = rule.direction === 'ingress' ? 'destination' : 'source';
  const subjectClasses = subjectClassesOf(a, policy.subject);
  const parts = rule.condition.type === 'all' ? rule.condition.of : [rule.condition];
  const peerParts: Condition[] = [];
  const otherParts: Condition[] = [];
  const mixedParts: Condition[] = [];
  for (const part of parts) {
    const r = reads(part, subjectSide);
    if (r.peer && (r.subject || r.packet)) mixedParts.push(part);
    else if (r.peer) peerParts.push(part);
    else otherParts.push(part);
  }
  const families = ([4, 6] as const).filter((f) => subjectClasses.some((s) => s.families.includes(f)));
  const fitOf = new Map<IpFamily, EndpointClass[]>(
    ([4, 6] as const).map((f) => [f, subjectClasses.filter((s) => s.families.includes(f))]),
  );
  const none: Admission = { policy, rule, peerClasses: [], externalClasses: [], subjectClasses, ports: [], families };
  if (subjectClasses.length === 0) return none;

  // The ports (per protocol) the subject and packet parts allow for some subject class, and which subject
  // class allows them: one probe per interval between cuts.
  const cuts = new Set<number>([1, 65536]);
  addPortCuts(
    rule.condition,
    subjectClasses.map((c) => c.values),
    cuts,
  );
  const sortedCuts = [...cuts].filter((p) => p >= 1 && p <= 65536).sort((x, y) => x - y);
  const probes: { protocol: Protocol; from: number; to: number }[] = [];
  for (const protocol of PROTOCOLS)
    for (let i = 0; i + 1 < sortedCuts.length; i++)
      probes.push({ protocol, from: sortedCuts[i], to: sortedCuts[i + 1] - 1 });

  const packetFor = (
    s: EndpointClass,
    family: IpFamily,
    protocol: Protocol,
    port: number,
    peer: readonly AtomValue[],
  ): Packet =>
    subjectSide === 'destination'
      ? packet(protocol, port, family, peer, s.values)
      : packet(protocol, port, family, s.values, peer);

  // Without mixed parts, whether some subject class allows a probe does not depend on the peer: decide it once.
  const noPeer: AtomValue[] = [];
  const subjectAllows = new Map<IpFamily, boolean[]>();
  if (mixedParts.length === 0) {
    for (const family of [4, 6] as const) {
      const fit = fitOf.get(family)!;
      subjectAllows.set(
        family,
        probes.map((probe) =>
          fit.some((s) =>
            otherParts.every((c) => conditionMatches(c, packetFor(s, family, probe.protocol, probe.from, noPeer))),
          ),
        ),
      );
    }
  }

  // Peers: endpoint classes and outside address classes, each with the families it has. Pod
  // classes that answer the atoms the rule reads on the peer side alike are decided once (the
  // group's representative), as the rule cannot tell them apart.
  const admitted = probes.map(() => false);
  const admits = (values: readonly AtomValue[], families: readonly IpFamily[]): boolean => {
    let matched = false;
    for (const family of families) {
      const fit = fitOf.get(family)!;
      if (fit.length === 0) continue;
      const peerOnly = packet('TCP', 1, family, values, values);
      if (!peerParts.every((c) => conditionMatches(c, peerOnly))) continue;
      probes.forEach((probe, i) => {
        const ok =
          mixedParts.length === 0
            ? subjectAllows.get(family)![i]
            : fit.some((s) => {
                const p = packetFor(s, family, probe.protocol, probe.from, values);
                return (
                  otherParts.every((c) => conditionMatches(c, p)) && mixedParts.every((c) => conditionMatches(c, p))
                );
              });
        if (ok) {
          matched = true;
          admitted[i] = true;
        }
      });
    }
    return matched;
  };
  const peerClasses: EndpointClass[] = [];
  const peerAtoms = sideAtoms(rule.condition, subjectSide === 'destination' ? 'source' : 'destination', new Set());
  for (const group of a.engine.peerGroups.groups([...peerAtoms]))
    if (admits(group.representative.values, group.representative.families)) peerClasses.push(...group.classes());
  for (const c of listsOf(a).notPods) if (admits(c.values, c.families)) peerClasses.push(c);
  peerClasses.sort((x, y) => x.id - y.id);
  const external: ExternalClass[] = [];
  for (const c of externalClasses(a)) if (admits(c.values, [c.family])) external.push(c);
  const ports: PortSet[] = [];
  for (const protocol of PROTOCOLS) {
    const ranges: [number, number][] = [];
    probes.forEach((probe, i) => {
      if (probe.protocol !== protocol || !admitted[i]) return;
      const last = ranges[ranges.length - 1];
      if (last && last[1] + 1 === probe.from) last[1] = probe.to;
      else ranges.push([probe.from, probe.to]);
    });
    if (ranges.length) ports.push({ protocol, ranges });
  }
  return { policy, rule, peerClasses, externalClasses: external, subjectClasses, ports, families };
}

/** True when the rule matches every port of TCP, UDP and SCTP. */
export function admitsEveryPort(adm: Admission): boolean {
  return PROTOCOLS.every((p) => {
    const set = adm.ports.find((x) => x.protocol === p);
    return set?.ranges.length === 1 && set.ranges[0][0] === ALL_PORTS[0][0] && set.ranges[0][1] === ALL_PORTS[0][1];
  });
}

/** True when the rule matches every class of outside addresses there is. */
export function admitsEveryExternalAddress(a: Analysis, adm: Admission): boolean {
  const reachable = externalClasses(a).filter((c) => adm.families.includes(c.family));
  return reachable.length > 0 && reachable.every((c) => adm.externalClasses.includes(c));
}

/** Every rule of every simulated policy with what it admits, in evaluation order. */
export function allAdmissions(a: Analysis): Admission[] {
  const out: Admission[] = [];
  for (const tier of a.policies.tiers)
    for (const policy of tier.policies)
      for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])])
        out.push(ruleAdmission(a, policy, rule));
  return out;
}
