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
 * evaluated once per group of peer classes and subject parts once per group
 * of subject classes, so the cost is (peers + subjects) x parts, not peers x
 * subjects. The groups come from a class index built once per analysis (each
 * atom's usual answer and the pod classes answering otherwise): the classes
 * in none of the lists of the atoms a rule reads are one group, never listed
 * one by one unless the rule admits them.
 */
import type { Protocol } from '../model/kubernetes';
import { PROTOCOLS } from '../model/kubernetes';
import type { AtomValue } from '../policy/atoms';
import type { CompiledPolicy, CompiledRule, Condition, Side } from '../policy/rule-model';
import type { Analysis } from './analysis';
import { type ExternalClass, externalClasses } from './address-classes';
import type { EndpointClass } from './classes';
import { allMatch, type ScratchPacket } from './evaluate';
import type { IpFamily } from '../common/ip';
import { addNamedPortCuts, addPortCuts, admittedPorts, type PortSet, probesBetween, sortedCuts } from './port-cuts';
import { memoized } from '../common/memo';
import { AnswerRow } from './answer-row';

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

/** What a condition reads, as bits: the peer's answers, the subject's, the packet (protocol and port). */
const READS_PEER = 1;
const READS_SUBJECT = 2;
const READS_PACKET = 4;

const ALL_PORTS: readonly (readonly [number, number])[] = [[1, 65535]];

const cache = new WeakMap<Analysis, Map<CompiledRule, Admission>>();

/** What `rule` of `policy` admits (memoized per analysis, per rule object). */
export function ruleAdmission(a: Analysis, policy: CompiledPolicy, rule: CompiledRule): Admission {
  const perRule = memoized(cache, a, () => new Map<CompiledRule, Admission>());
  let found = perRule.get(rule);
  if (!found) {
    found = a.carried ? a.carried.admission(a, policy, rule, computeAdmission) : computeAdmission(a, policy, rule);
    perRule.set(rule, found);
  }
  return found;
}

const familyKey = (c: EndpointClass): string => c.families.join('');

/**
 * The engine's pod classes indexed by their answers, built once per analysis: for each atom the
 * answer most pod classes give (its usual answer) and the classes that answer otherwise. A
 * question that reads a few atoms then visits only the classes in their lists: every other pod
 * class (with the usual address families) answers as usual and is decided once for all.
 */
export class ClassIndex {
  /** Pod classes, in id order. */
  readonly pods: readonly EndpointClass[];
  /** Classes that are not pods (host networks), in id order. */
  readonly notPods: readonly EndpointClass[];
  /** Each atom's usual answer among the pod classes (final once its list is found). */
  private readonly usual: AtomValue[];
  /** Each atom's pod classes answering otherwise than usual (ascending ids), found on first use. */
  private readonly unusual: (readonly number[] | undefined)[];
  /** The pod classes whose address families are not the ones most pod classes have. */
  private readonly otherFamilies: readonly number[];
  private readonly selected = new Map<number, EndpointClass[]>();
  private readonly answers = new Map<number, readonly AtomValue[]>();
  /** Marks of the classes in the current unusual set: `mark[id] === generation`. */
  private readonly mark: Int32Array;
  /** One byte per class for a caller's marks, all 0 between uses (whoever marks clears). */
  readonly scratch: Uint8Array;
  private generation = 0;

  constructor(
    readonly classes: readonly EndpointClass[],
    atoms: readonly { readonly usual: AtomValue }[],
    /** The classes (ascending ids) answering an atom otherwise than its usual answer (the engine's). */
    private readonly unusualOf: (atom: number) => readonly number[],
  ) {
    this.pods = classes.filter((c) => c.kind === 'pod');
    this.notPods = classes.filter((c) => c.kind !== 'pod');
    this.mark = new Int32Array(classes.length);
    this.scratch = new Uint8Array(classes.length);
    const n = atoms.length;
    const usual = atoms.map((x) => x.usual);
    this.usual = usual;
    // Each atom's list is taken from the engine's when a question first reads the atom (most atoms
    // are read by a rule or two, some by none): no work per atom up front.
    this.unusual = new Array(n);
    const counts = new Map<string, number>();
    for (const c of this.pods) counts.set(familyKey(c), (counts.get(familyKey(c)) ?? 0) + 1);
    let most = -1;
    let usualFamilies = '';
    for (const [k, m] of counts)
      if (m > most) {
        usualFamilies = k;
        most = m;
      }
    this.otherFamilies = this.pods.filter((c) => familyKey(c) !== usualFamilies).map((c) => c.id);
  }

  /** The pod classes answering `atom` otherwise than usual (ascending ids). */
  private listOf(atom: number): readonly number[] {
    let list = this.unusual[atom];
    if (list === undefined) {
      // The engine's list without the classes that are not pods (as it is when every class is a pod).
      const listed = this.unusualOf(atom);
      const classes = this.classes;
      list = this.byMostCommon(
        atom,
        this.notPods.length === 0 ? listed : listed.filter((id) => classes[id].kind === 'pod'),
      );
      this.unusual[atom] = list;
    }
    return list;
  }

  /** `atom`'s usual answer among the pod classes. */
  private usualOf(atom: number): AtomValue {
    this.listOf(atom);
    return this.usual[atom];
  }

  /**
   * An atom most pods answer otherwise than its own usual answer (an address test every pod
   * passes) is indexed by the answer most pod classes give instead: its list of the others.
   */
  private byMostCommon(atom: number, unusual: readonly number[]): readonly number[] {
    if (unusual.length * 2 <= this.pods.length) return unusual;
    const counts = new Map<AtomValue, number>();
    for (const c of this.pods) counts.set(c.values.get(atom), (counts.get(c.values.get(atom)) ?? 0) + 1);
    let best = this.usual[atom];
    let most = -1;
    for (const [v, k] of counts)
      if (k > most) {
        best = v;
        most = k;
      }
    this.usual[atom] = best;
    return this.pods.filter((c) => c.values.get(atom) !== best).map((c) => c.id);
  }

  /** The pod classes whose answer to `atom` is true (a policy's pods), in id order. */
  selectedBy(atom: number): readonly EndpointClass[] {
    let found = this.selected.get(atom);
    if (!found) {
      found =
        this.usualOf(atom) === true
          ? this.pods.filter((c) => c.values.get(atom) === true)
          : this.listOf(atom)
              .map((id) => this.classes[id])
              .filter((c) => c.values.get(atom) === true);
      this.selected.set(atom, found);
    }
    return found;
  }

  /**
   * Marks the pod classes that answer one of `atoms` otherwise than usual, or have other address
   * families than most: every unmarked pod class answers those atoms exactly as any other does.
   * The marks hold until the next call.
   */
  private markUnusual(atoms: Iterable<number>): number {
    const g = ++this.generation;
    for (const id of this.otherFamilies) this.mark[id] = g;
    for (const atom of atoms) for (const id of this.listOf(atom)) this.mark[id] = g;
    return g;
  }

  /** The different answers the classes give to `atom` (a named port's numbers on every destination, for one), found once. */
  answersTo(atom: number): readonly AtomValue[] {
    let found = this.answers.get(atom);
    if (!found) {
      const seen = new Set<AtomValue>([this.usualOf(atom)]);
      for (const id of this.listOf(atom)) seen.add(this.classes[id].values.get(atom));
      for (const c of this.notPods) seen.add(c.values.get(atom));
      found = [...seen];
      this.answers.set(atom, found);
    }
    return found;
  }

  /**
   * `classes` grouped by kind, address families and answers to `atoms`, one representative (the
   * first) per group: a question that reads only those atoms (and the family) has the same answer
   * for every class of a group.
   */
  representatives(classes: readonly EndpointClass[], atoms: Iterable<number>): EndpointClass[] {
    const list = [...atoms];
    // Marking visits every class in the atoms' lists: fewer classes than that are grouped directly
    // (the groups are the same: a class in some list answers otherwise than the unlisted ones).
    let listed = this.otherFamilies.length;
    for (const atom of list) listed += this.listOf(atom).length;
    if (classes.length <= listed) {
      const grouper = new Grouper(list);
      return classes.filter((c) => grouper.add(c).classes.length === 1);
    }
    const g = this.markUnusual(list);
    const out: EndpointClass[] = [];
    let usualSeen = false;
    const grouper = new Grouper(list);
    for (const c of classes) {
      if (c.kind === 'pod' && this.mark[c.id] !== g) {
        if (!usualSeen) out.push(c);
        usualSeen = true;
      } else if (grouper.add(c).classes.length === 1) out.push(c);
    }
    return out;
  }

  /**
   * Every class grouped as `representatives` groups them, for a question about all of them: the
   * pod classes that answer `atoms` as usual come as one group (`usual`, its first class, and
   * `isUsual`, valid until the next call), the others in groups with their classes (ascending).
   */
  groups(atoms: Iterable<number>): {
    usual: EndpointClass | undefined;
    isUsual: (c: EndpointClass) => boolean;
    others: readonly ClassGroup[];
  } {
    const list = [...atoms];
    const g = this.markUnusual(list);
    const mark = this.mark;
    let usual: EndpointClass | undefined;
    for (const c of this.pods)
      if (mark[c.id] !== g) {
        usual = c;
        break;
      }
    // The marked classes once each, ascending: a second mark tells those already listed.
    const listed = ++this.generation;
    const ids: number[] = [];
    const take = (id: number) => {
      if (mark[id] === g) {
        mark[id] = listed;
        ids.push(id);
      }
    };
    for (const id of this.otherFamilies) take(id);
    for (const atom of list) for (const id of this.listOf(atom)) take(id);
    const sorted = Int32Array.from(ids).sort();
    const grouper = new Grouper(list);
    for (const id of sorted) grouper.add(this.classes[id]);
    for (const c of this.notPods) grouper.add(c);
    return { usual, isUsual: (c) => c.kind === 'pod' && mark[c.id] !== listed, others: grouper.groups };
  }
}

interface ClassGroup {
  readonly representative: EndpointClass;
  readonly classes: EndpointClass[];
}

/** Groups by kind, families and answers, level by level (no key strings). */
type Trie = Map<unknown, Trie | ClassGroup>;

/** At most this many groups are told apart by comparing answers one by one; past it, through a trie. */
const FEW_GROUPS = 16;

function sameFamilies(x: readonly IpFamily[], y: readonly IpFamily[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Classes into groups by kind, address families and answers to `atoms`, groups in the order of their first class. */
class Grouper {
  readonly groups: ClassGroup[] = [];
  private trie?: Trie;

  constructor(private readonly atoms: readonly number[]) {}

  /** The group of `c` (created with `c` as its first class, or with `c` added). */
  add(c: EndpointClass): ClassGroup {
    if (this.trie) return this.inTrie(c);
    // Most questions split off a group or two: comparing with each representative is cheapest.
    for (const g of this.groups) {
      const r = g.representative;
      if (r.kind !== c.kind || !sameFamilies(r.families, c.families)) continue;
      let same = true;
      for (const atom of this.atoms)
        if (r.values.get(atom) !== c.values.get(atom)) {
          same = false;
          break;
        }
      if (same) {
        g.classes.push(c);
        return g;
      }
    }
    const group: ClassGroup = { representative: c, classes: [c] };
    this.groups.push(group);
    if (this.groups.length > FEW_GROUPS) {
      const trie: Trie = new Map();
      this.trie = trie;
      for (const g of this.groups) {
        const leaf = this.leaf(g.representative);
        leaf.node.set(leaf.key, g);
      }
    }
    return group;
  }

  private inTrie(c: EndpointClass): ClassGroup {
    const leaf = this.leaf(c);
    const found = leaf.node.get(leaf.key) as ClassGroup | undefined;
    if (found) {
      found.classes.push(c);
      return found;
    }
    const group: ClassGroup = { representative: c, classes: [c] };
    leaf.node.set(leaf.key, group);
    this.groups.push(group);
    return group;
  }

  /** The trie node holding `c`'s group, and its key there. */
  private leaf(c: EndpointClass): { node: Trie; key: unknown } {
    let node = this.trie!;
    const step = (key: unknown): Trie => {
      let next = node.get(key) as Trie | undefined;
      if (!next) {
        next = new Map();
        node.set(key, next);
      }
      return next;
    };
    node = step(c.kind);
    node = step(c.families.length === 1 ? c.families[0] : c.families.join(''));
    const atoms = this.atoms;
    for (let i = 0; i + 1 < atoms.length; i++) node = step(c.values.get(atoms[i]));
    return { node, key: atoms.length ? c.values.get(atoms[atoms.length - 1]) : undefined };
  }
}

const indexes = new WeakMap<Analysis, ClassIndex>();

/** The analysis's class index (built on first use). */
export function classIndex(a: Analysis): ClassIndex {
  return memoized(
    indexes,
    a,
    () => new ClassIndex(a.engine.classes, a.policies.atoms, (atom) => a.engine.unusualClasses(atom)),
  );
}

/** The pod classes a policy's subject atom selects, in id order (found once per atom). */
export function subjectClassesOf(a: Analysis, atom: number): readonly EndpointClass[] {
  return classIndex(a).selectedBy(atom);
}

/** The empty list of classes, shared by the admissions that admit no class. */
const NO_CLASSES: readonly EndpointClass[] = [];
const NO_EXTERNAL: readonly ExternalClass[] = [];

/**
 * What computing an admission reads of a rule's condition, found in one walk of it: its top-level
 * parts by what they read, the atoms it reads on each side (each once), the destination's named
 * ports and the edges of its port ranges.
 */
interface RuleParts {
  readonly peerParts: Condition[];
  /** Parts that read the subject or the packet, not the peer. */
  readonly otherParts: Condition[];
  /** Parts that read the peer and the subject or the packet. */
  readonly mixedParts: Condition[];
  readonly subjectAtoms: number[];
  readonly peerAtoms: number[];
  /** The atoms the peer parts read (on the peer side). */
  readonly peerPartAtoms: number[];
  /** The named-port atoms of the destination's ports. */
  readonly named: number[];
  /** Whether some ports condition (either side) names a port. */
  readonly anyNamed: boolean;
  /** Every port range's first port and the one after its last (repeats left in). */
  readonly edges: number[];
}

function addOnce(list: number[], x: number): void {
  if (!list.includes(x)) list.push(x);
}

function ruleParts(condition: Condition, subjectSide: Side): RuleParts {
  const parts: RuleParts = {
    peerParts: [],
    otherParts: [],
    mixedParts: [],
    subjectAtoms: [],
    peerAtoms: [],
    peerPartAtoms: [],
    named: [],
    anyNamed: false,
    edges: [],
  };
  const top = condition.type === 'all' ? condition.of : [condition];
  for (const part of top) {
    const r = walkPart(part, subjectSide, parts, undefined);
    if (r & READS_PEER && r & (READS_SUBJECT | READS_PACKET)) parts.mixedParts.push(part);
    else if (r & READS_PEER) {
      parts.peerParts.push(part);
      walkPart(part, subjectSide, undefined, parts.peerPartAtoms);
    } else parts.otherParts.push(part);
  }
  return parts;
}

/**
 * What `c` reads (READS_* bits). With `into`, also records its atoms, named ports and port edges
 * there; with `peerAtoms`, only its atoms on the peer side (sideAtoms's reading).
 */
function walkPart(
  c: Condition,
  subjectSide: Side,
  into: RuleParts | undefined,
  peerAtoms: number[] | undefined,
): number {
  switch (c.type) {
    case 'all':
    case 'any': {
      let bits = 0;
      for (const x of c.of) bits |= walkPart(x, subjectSide, into, peerAtoms);
      return bits;
    }
    case 'protocol':
      return READS_PACKET;
    case 'endpoint':
    case 'nets':
      if (c.side === subjectSide) {
        if (into) addOnce(into.subjectAtoms, c.atom);
        return READS_SUBJECT;
      }
      if (into) addOnce(into.peerAtoms, c.atom);
      if (peerAtoms) addOnce(peerAtoms, c.atom);
      return READS_PEER;
    case 'ports': {
      if (into) {
        for (const [lo, hi] of c.ranges) into.edges.push(lo, hi + 1);
        if (c.named.length > 0) (into as { anyNamed: boolean }).anyNamed = true;
        if (c.side === 'destination')
          for (const atom of c.named) {
            addOnce(into.named, atom);
            addOnce(subjectSide === 'destination' ? into.subjectAtoms : into.peerAtoms, atom);
          }
      }
      if (peerAtoms && c.side === 'destination' && subjectSide === 'source')
        for (const atom of c.named) addOnce(peerAtoms, atom);
      return READS_PACKET | (c.named.length === 0 ? 0 : c.side === subjectSide ? READS_SUBJECT : READS_PEER);
    }
  }
  return 0;
}

type Probe = { readonly protocol: Protocol; readonly from: number; readonly to: number };

/** A policy's subject classes as an admission reads them when its rule reads no subject atom. */
interface Subjects {
  readonly classes: readonly EndpointClass[];
  readonly families: readonly IpFamily[];
  /**
   * The first of those with IPv4 and the first with IPv6 (or none): a rule that reads nothing of
   * its subject but the family answers alike for each of them.
   */
  readonly fit4: readonly EndpointClass[];
  readonly fit6: readonly EndpointClass[];
}

/** What admissions share within one analysis: subjects per subject atom, probes per cut list, outside classes. */
class AdmissionShared {
  private readonly subjects = new Map<number, Subjects>();
  private readonly probes = new Map<string, readonly Probe[]>();
  /** Per atom: 1 when the outside classes of each family all answer it alike, 2 when not, 0 not known yet. */
  private readonly outsideUniform: Uint8Array;
  /** The outside classes, and the first of each family (undefined when none). */
  readonly outside: readonly ExternalClass[];
  private readonly first4: ExternalClass | undefined;
  private readonly first6: ExternalClass | undefined;

  constructor(
    readonly index: ClassIndex,
    a: Analysis,
  ) {
    this.outsideUniform = new Uint8Array(a.policies.atoms.length);
    this.outside = externalClasses(a);
    this.first4 = this.outside.find((c) => c.family === 4);
    this.first6 = this.outside.find((c) => c.family === 6);
  }

  /** The subjects of a rule that reads no subject atom: grouped by kind and families only, once per subject atom. */
  subjectsOf(atom: number): Subjects {
    let found = this.subjects.get(atom);
    if (!found) {
      const classes = this.index.selectedBy(atom);
      const first4 = classes.find((s) => s.families.includes(4));
      const first6 = classes.find((s) => s.families.includes(6));
      found = {
        classes,
        families: familiesOf(classes),
        fit4: first4 ? [first4] : NO_CLASSES,
        fit6: first6 ? [first6] : NO_CLASSES,
      };
      this.subjects.set(atom, found);
    }
    return found;
  }

  /** One probe per protocol and interval between the cuts (ascending, distinct, 1 first and 65536 last), shared by equal cut lists. */
  probesFor(sorted: readonly number[]): readonly Probe[] {
    const key = sorted.length === 2 ? '' : sorted.join(',');
    let found = this.probes.get(key);
    if (!found) {
      found = probesBetween(sorted);
      this.probes.set(key, found);
    }
    return found;
  }

  /** Whether, in each family, every outside class answers each of `atoms` alike. */
  outsideAlike(atoms: readonly number[]): boolean {
    const uniform = this.outsideUniform;
    for (const atom of atoms) {
      let u = uniform[atom];
      if (u === 0) {
        u = 1;
        const v4 = this.first4?.values.get(atom);
        const v6 = this.first6?.values.get(atom);
        for (const c of this.outside)
          if (c.values.get(atom) !== (c.family === 4 ? v4 : v6)) {
            u = 2;
            break;
          }
        uniform[atom] = u;
      }
      if (u === 2) return false;
    }
    return true;
  }

  /**
   * The outside classes admitted when their family decides alone (outsideAlike): `admits` asked
   * once per family, in the order of the families' first classes.
   */
  outsideByFamily(admits: (values: AnswerRow, families: readonly IpFamily[]) => boolean): readonly ExternalClass[] {
    const f4 = this.first4;
    const f6 = this.first6;
    let ok4 = false;
    let ok6 = false;
    if (f4 && f6 && f6.id < f4.id) {
      ok6 = admits(f6.values, FAMILY_6);
      ok4 = admits(f4.values, FAMILY_4);
    } else {
      if (f4) ok4 = admits(f4.values, FAMILY_4);
      if (f6) ok6 = admits(f6.values, FAMILY_6);
    }
    if ((ok4 || !f4) && (ok6 || !f6)) return this.outside;
    if (!ok4 && !ok6) return NO_EXTERNAL;
    return this.outside.filter((c) => (c.family === 4 ? ok4 : ok6));
  }
}

const FAMILY_4: readonly IpFamily[] = [4];
const FAMILY_6: readonly IpFamily[] = [6];

const shared = new WeakMap<Analysis, AdmissionShared>();

/** The sorted distinct cuts within 1..65536 of a rule without named ports: its range edges, 1 and 65536. */
function sortedEdges(edges: readonly number[]): number[] {
  const sorted = [1];
  if (edges.length > 0) {
    const inside = edges.filter((p) => p > 1 && p < 65536).sort((x, y) => x - y);
    for (const p of inside) if (p !== sorted[sorted.length - 1]) sorted.push(p);
  }
  sorted.push(65536);
  return sorted;
}

function computeAdmission(a: Analysis, policy: CompiledPolicy, rule: CompiledRule): Admission {
  const index = classIndex(a);
  const context = memoized(shared, a, () => new AdmissionShared(index, a));
  const subjectSide: Side = rule.direction === 'ingress' ? 'destination' : 'source';
  const parts = ruleParts(rule.condition, subjectSide);
  const { peerParts, otherParts, mixedParts, named } = parts;
  const shape = context.subjectsOf(policy.subject);
  const subjectClasses = shape.classes;
  const families = shape.families;
  if (subjectClasses.length === 0)
    return { policy, rule, peerClasses: [], externalClasses: [], subjectClasses, ports: [], families };
  // The rule reads a subject only through its subject-side atoms and families: subject classes
  // that answer those alike are decided once (by their group's first class).
  let fit4 = shape.fit4;
  let fit6 = shape.fit6;
  if (parts.subjectAtoms.length > 0) {
    const subjects = index.representatives(subjectClasses, parts.subjectAtoms);
    fit4 = subjects.filter((s) => s.families.includes(4));
    fit6 = subjects.filter((s) => s.families.includes(6));
  }

  // The ports (per protocol) the subject and packet parts allow for some subject class, and which subject
  // class allows them: one probe per interval between cuts.
  let sorted: number[];
  if (!parts.anyNamed) sorted = sortedEdges(parts.edges);
  else {
    // A named port resolves on the destination: the subject of an ingress rule, the peer of an
    // egress rule (any class may be one: every answer some class gives).
    const cuts = new Set<number>([1, 65536]);
    addPortCuts(
      rule.condition,
      named.length === 0 || subjectSide === 'source' ? [] : subjectClasses.map((c) => c.values),
      cuts,
    );
    if (subjectSide === 'source')
      for (const atom of named) for (const v of index.answersTo(atom)) addNamedPortCuts(v, cuts);
    sorted = sortedCuts(cuts);
  }
  const probes = context.probesFor(sorted);

  // One packet object for every probe of this rule: conditionMatches only reads it.
  const scratch: ScratchPacket = { protocol: 'TCP', port: 1, family: 4, src: NO_ANSWERS, dst: NO_ANSWERS };
  const ingress = subjectSide === 'destination';

  // Without mixed parts, whether some subject class allows a probe does not depend on the peer: decide it once.
  const subjectAllowsIn = (fit: readonly EndpointClass[], family: IpFamily): boolean[] | undefined => {
    if (mixedParts.length > 0 || fit.length === 0) return undefined;
    const out = new Array<boolean>(probes.length);
    if (otherParts.length === 0) return out.fill(true);
    scratch.family = family;
    for (let i = 0; i < probes.length; i++) {
      const probe = probes[i];
      scratch.protocol = probe.protocol;
      scratch.port = probe.from;
      let ok = false;
      for (const s of fit) {
        scratch.src = ingress ? NO_ANSWERS : s.values;
        scratch.dst = ingress ? s.values : NO_ANSWERS;
        if (allMatch(otherParts, scratch)) {
          ok = true;
          break;
        }
      }
      out[i] = ok;
    }
    return out;
  };
  const allows4 = subjectAllowsIn(fit4, 4);
  const allows6 = subjectAllowsIn(fit6, 6);

  // Peers: endpoint classes and outside address classes, each with the families it has. Classes
  // that answer the atoms the rule reads on the peer side alike are decided once (a group's
  // first class), as the rule cannot tell them apart.
  const admitted = new Array<boolean>(probes.length).fill(false);
  const admits = (values: AnswerRow, peerFamilies: readonly IpFamily[]): boolean => {
    let matched = false;
    for (const family of peerFamilies) {
      const fit = family === 4 ? fit4 : fit6;
      if (fit.length === 0) continue;
      if (!peerPartsHold(peerParts, values, family)) continue;
      const allows = family === 4 ? allows4 : allows6;
      if (allows) {
        for (let i = 0; i < probes.length; i++)
          if (allows[i]) {
            matched = true;
            admitted[i] = true;
          }
        continue;
      }
      scratch.family = family;
      for (let i = 0; i < probes.length; i++) {
        const probe = probes[i];
        scratch.protocol = probe.protocol;
        scratch.port = probe.from;
        for (const s of fit) {
          scratch.src = ingress ? values : s.values;
          scratch.dst = ingress ? s.values : values;
          if (allMatch(otherParts, scratch) && allMatch(mixedParts, scratch)) {
            matched = true;
            admitted[i] = true;
            break;
          }
        }
      }
    }
    return matched;
  };
  const peerAtoms = parts.peerAtoms;
  const external = (): readonly ExternalClass[] =>
    context.outsideAlike(peerAtoms)
      ? context.outsideByFamily(admits)
      : admittedOutside(context.outside, peerAtoms, admits);
  const narrowed =
    parts.peerPartAtoms.length === peerAtoms.length
      ? undefined
      : peerCandidates(index, parts.peerPartAtoms, (c) => {
          for (const family of c.families)
            if ((family === 4 ? fit4 : fit6).length > 0 && peerPartsHold(peerParts, c.values, family)) return true;
          return false;
        });
  if (narrowed) {
    // Only the few classes the peer parts let through are grouped by every atom the rule reads.
    const grouper = new Grouper(peerAtoms);
    for (const c of narrowed) grouper.add(c);
    const peerClasses = classesOfGroups(
      grouper.groups,
      grouper.groups.map((g) => admits(g.representative.values, g.representative.families)),
    );
    const externalClasses = external();
    return {
      policy,
      rule,
      peerClasses,
      externalClasses,
      subjectClasses,
      ports: admittedPorts(probes, admitted),
      families,
    };
  }
  const groups = index.groups(peerAtoms);
  const usualAdmitted = groups.usual !== undefined && admits(groups.usual.values, groups.usual.families);
  const admittedGroups = groups.others.map((g) => admits(g.representative.values, g.representative.families));
  let peerClasses: readonly EndpointClass[];
  if (usualAdmitted) {
    // Every pod class of the usual group, and the others admitted, in id order: often every pod
    // class (or every class), which is one list the index already holds. Counted from the groups
    // (each holds classes of one kind), so that a rule costs its groups, not a pass over the classes.
    let excludedPods = 0;
    let admittedNotPods = 0;
    for (let i = 0; i < groups.others.length; i++) {
      const g = groups.others[i];
      if (g.representative.kind === 'pod') excludedPods += admittedGroups[i] ? 0 : g.classes.length;
      else admittedNotPods += admittedGroups[i] ? g.classes.length : 0;
    }
    if (excludedPods === 0 && admittedNotPods === 0) peerClasses = index.pods;
    else if (excludedPods === 0 && admittedNotPods === index.notPods.length) peerClasses = index.classes;
    else {
      // A list about as long as the classes: marked in the index's scratch array, read in id order.
      const chosen = index.scratch;
      groups.others.forEach((g, i) => {
        for (const c of g.classes) chosen[c.id] = admittedGroups[i] ? 1 : 2;
      });
      const list: EndpointClass[] = [];
      for (const c of index.classes) {
        const v = chosen[c.id];
        if (v === 1 || (v === 0 && c.kind === 'pod')) list.push(c);
      }
      for (const g of groups.others) for (const c of g.classes) chosen[c.id] = 0;
      peerClasses = list;
    }
  } else peerClasses = classesOfGroups(groups.others, admittedGroups);
  const externalClasses = external();
  const ports = admittedPorts(probes, admitted);
  return { policy, rule, peerClasses, externalClasses, subjectClasses, ports, families };
}

/**
 * The classes of the groups chosen (`chosen[i]` for `groups[i]`), in id order. Each group's classes
 * are in id order (a group holds classes of one kind, added in id order): one chosen group is its
 * own list, several are merged.
 */
function classesOfGroups(groups: readonly ClassGroup[], chosen: readonly boolean[]): readonly EndpointClass[] {
  let only: ClassGroup | undefined;
  let count = 0;
  for (let i = 0; i < groups.length; i++)
    if (chosen[i]) {
      count++;
      only = groups[i];
    }
  if (count === 0) return NO_CLASSES;
  if (count === 1) return only!.classes;
  const list: EndpointClass[] = [];
  for (let i = 0; i < groups.length; i++) if (chosen[i]) for (const c of groups[i].classes) list.push(c);
  return list.sort((x, y) => x.id - y.id);
}

/**
 * The outside address classes `admits` lets through. The rule reads a peer only through its atoms
 * on the peer side and its family: classes that answer those alike are decided once.
 */
function admittedOutside(
  outside: readonly ExternalClass[],
  atoms: readonly number[],
  admits: (values: AnswerRow, families: readonly IpFamily[]) => boolean,
): ExternalClass[] {
  const decided: { c: ExternalClass; ok: boolean }[] = [];
  const out: ExternalClass[] = [];
  for (const c of outside) {
    let ok: boolean | undefined;
    for (const d of decided)
      if (d.c.family === c.family && sameAnswers(d.c.values, c.values, atoms)) {
        ok = d.ok;
        break;
      }
    if (ok === undefined) {
      ok = admits(c.values, [c.family]);
      decided.push({ c, ok });
    }
    if (ok) out.push(c);
  }
  return out;
}

function sameAnswers(x: AnswerRow, y: AnswerRow, atoms: readonly number[]): boolean {
  for (const atom of atoms) if (x.get(atom) !== y.get(atom)) return false;
  return true;
}

/** The answers of no endpoint (a packet's side that the parts asked do not read). */
const NO_ANSWERS = AnswerRow.NONE;

const peerOnly: ScratchPacket = { protocol: 'TCP', port: 1, family: 4, src: NO_ANSWERS, dst: NO_ANSWERS };

/** Whether the parts of a rule that read only the peer hold for a peer's answers in one family. */
function peerPartsHold(peerParts: readonly Condition[], values: AnswerRow, family: IpFamily): boolean {
  if (peerParts.length === 0) return true;
  peerOnly.family = family;
  peerOnly.src = values;
  peerOnly.dst = values;
  const holds = allMatch(peerParts, peerOnly);
  peerOnly.src = NO_ANSWERS;
  peerOnly.dst = NO_ANSWERS;
  return holds;
}

/** The address families (4, then 6) some of `classes` have. */
function familiesOf(classes: readonly EndpointClass[]): IpFamily[] {
  let v4 = false;
  let v6 = false;
  for (const c of classes) {
    if (!v4 && c.families.includes(4)) v4 = true;
    if (!v6 && c.families.includes(6)) v6 = true;
    if (v4 && v6) break;
  }
  return v4 ? (v6 ? [4, 6] : [4]) : v6 ? [6] : [];
}

/**
 * The pod and host classes a rule's peer parts let through, in id order, when grouping them first
 * by the atoms those parts read spares grouping every class by every atom the rule reads on the
 * peer side (a named port's answers, say, which set apart every class declaring it: the caller asks
 * only when the rule reads other peer atoms than `partAtoms`); undefined when the peer parts let
 * the usual classes through. `passes` is the peer parts' answer for a class (its group's, as they
 * read no other atom).
 */
function peerCandidates(
  index: ClassIndex,
  partAtoms: readonly number[],
  passes: (c: EndpointClass) => boolean,
): EndpointClass[] | undefined {
  const first = index.groups(partAtoms);
  if (first.usual !== undefined && passes(first.usual)) return undefined;
  const out: EndpointClass[] = [];
  for (const g of first.others) if (passes(g.representative)) out.push(...g.classes);
  return out.sort((x, y) => x.id - y.id);
}

/** True when the rule matches (protocol, port). */
export function admitsPort(adm: Admission, protocol: Protocol, port: number): boolean {
  return adm.ports.some((p) => p.protocol === protocol && p.ranges.some(([lo, hi]) => port >= lo && port <= hi));
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
