/**
 * The reachability engine: may endpoint A open a connection to endpoint B on
 * (protocol, port)? Both directions must allow it: A's egress policy and B's
 * ingress policy. Answers are computed per endpoint class pair and cached per
 * port, so a matrix costs (classes² · rules), not (pods² · rules).
 */
import { budgetCheck, type TimeBudget } from '../common/time-budget';
import type { Protocol } from '../model/kubernetes';
import { commonFamily, connectionFamily, type Endpoint } from '../policy/endpoint';
import { type Direction, isClusterPolicy, type PolicySet, policyName } from '../policy/rule-model';
import { ClassPairAnswers } from './class-pair-answers';
import { type AtomAnswers, atomValues, computeClasses, type EndpointClass } from './classes';
import { type ClassAnswers, type PeerGroup, PeerGroups, sideAtoms } from './peer-groups';
import {
  type Applicable,
  applicablePolicies,
  applicableToClasses,
  decide,
  directedPacket,
  explainDirection,
  type Packet,
  withoutClusterPolicies,
} from './evaluate';
import type { DirectionVerdict, Verdict } from './verdict';
import { AnswerRow } from './answer-row';

interface ClassInfo {
  readonly cls: Pick<EndpointClass, 'kind' | 'families' | 'values'>;
  readonly ingress: Applicable;
  readonly egress: Applicable;
  /** The same without cluster policies: what applies to a pod's traffic to its own IP. */
  readonly selfIngress: Applicable;
  readonly selfEgress: Applicable;
}

/** Which answers a table caches: both directions, the egress side only (node-local), or a pod to itself. */
type Which = 'both' | 'egress' | 'self';

/** The tables of class pairs: both directions, or the egress side only. */
type PairWhich = Exclude<Which, 'self'>;

/** The table keys of the usual protocols, built once. */
const WHICH_KEYS: Record<Which, Partial<Record<Protocol, string>>> = {
  both: { TCP: 'TCP/both', UDP: 'UDP/both', SCTP: 'SCTP/both' },
  egress: { TCP: 'TCP/egress', UDP: 'UDP/egress', SCTP: 'SCTP/egress' },
  self: { TCP: 'TCP/self', UDP: 'UDP/self', SCTP: 'SCTP/self' },
};

/** How many destinations a source class's egress is decided for one by one before its peer groups are found. */
const EGRESS_ASKED_BEFORE_GROUPING = 8;

export class Engine {
  readonly classes: readonly EndpointClass[];
  private readonly classOf: Int32Array;
  private readonly info: ClassInfo[];
  private readonly byId = new Map<string, number>();
  /** port -> (protocol/which) -> class-pair answers (per class for `self`), 0 unknown, 1 allowed, 2 denied. */
  private readonly cache = new Map<number, Map<string, ClassPairAnswers | Uint8Array>>();
  private lastTable?: { protocol: Protocol; port: number; which: Which; table: ClassPairAnswers | Uint8Array };

  /** With a budget, building throws OutOfTime once it has run out (engine/analysis.ts keeps what is complete). */
  constructor(
    readonly policies: PolicySet,
    readonly endpoints: readonly Endpoint[],
    budget?: TimeBudget,
    /** Atoms' answers over these endpoints kept from an earlier analysis (engine/analysis-cache.ts). */
    answers?: AtomAnswers,
  ) {
    const check = budgetCheck(budget, 'endpoint classes');
    const { classes, classOf, unusualClasses } = computeClasses(policies.atoms, endpoints, check, answers);
    this.classes = classes;
    this.classOf = classOf;
    const usual = (atomId: number) => policies.atoms[atomId].usual;
    this.classAnswers = { usual, unusualClasses };
    const ingress = applicableToClasses(policies, classes, usual, unusualClasses, 'ingress');
    const egress = applicableToClasses(policies, classes, usual, unusualClasses, 'egress');
    this.info = classes.map((cls, c) => {
      check();
      return this.infoOf(cls, ingress[c], egress[c]);
    });
    for (const [i, ep] of endpoints.entries()) this.byId.set(ep.id, i);
  }

  private infoFor(cls: Pick<EndpointClass, 'kind' | 'families' | 'values'>): ClassInfo {
    return this.infoOf(
      cls,
      applicablePolicies(this.policies, cls.values, 'ingress'),
      applicablePolicies(this.policies, cls.values, 'egress'),
    );
  }

  private anyClusterPolicy?: boolean;

  private infoOf(
    cls: Pick<EndpointClass, 'kind' | 'families' | 'values'>,
    ingress: Applicable,
    egress: Applicable,
  ): ClassInfo {
    // Without cluster policies in the set (the common case) a class's own traffic sees them all.
    this.anyClusterPolicy ??= this.policies.tiers.some((t) => t.policies.some((p) => isClusterPolicy(p.ref)));
    return {
      cls,
      ingress,
      egress,
      selfIngress: this.anyClusterPolicy ? withoutClusterPolicies(ingress) : ingress,
      selfEgress: this.anyClusterPolicy ? withoutClusterPolicies(egress) : egress,
    };
  }

  /** The policies of each tier that apply to class `classId` in `direction` (computed once, with the class). */
  applicable(classId: number, direction: Direction): Applicable {
    return this.info[classId][direction];
  }

  private groups?: PeerGroups;
  private readonly classAnswers: ClassAnswers;

  /** The classes (ascending ids) whose answer to atom `atomId` is not the atom's usual answer. */
  unusualClasses(atomId: number): readonly number[] {
    return this.classAnswers.unusualClasses(atomId);
  }

  /** Pod classes grouped by their answers to given atoms (built on first use). */
  get peerGroups(): PeerGroups {
    this.groups ??= new PeerGroups(this.classes, this.classAnswers);
    return this.groups;
  }

  /**
   * The pod classes whose connections to class `dc` its ingress policies admit on (protocol,
   * port), in a family both have; the sources' own egress policies are not evaluated. Decided
   * once per group of classes those policies cannot tell apart. A superset of the classes
   * `allowed` lets through to `dc`'s pods (other than a pod to itself and node-local hosts).
   */
  ingressAdmitting(dc: number, protocol: Protocol, port: number): Set<number> {
    const d = this.info[dc];
    const out = new Set<number>();
    let groups = this.ingressGroups[dc];
    if (!groups) {
      const atoms = new Set<number>();
      if (d.cls.kind === 'pod')
        for (const t of d.ingress.tiers)
          for (const p of t.policies) for (const r of p.ingress!) sideAtoms(r.condition, 'source', atoms);
      groups = this.groupsOf(atoms);
      this.ingressGroups[dc] = groups;
    }
    for (const group of groups) {
      const s = group.representative;
      const family = commonFamily(s.families, d.cls.families);
      if (family === undefined) continue;
      const packet: Packet = { protocol, port, family, src: s.values, dst: d.cls.values };
      if (d.cls.kind === 'pod' && !decide(this.policies, d.ingress, 'ingress', packet)) continue;
      for (const c of group.classes()) out.add(c.id);
    }
    return out;
  }

  private readonly groupsByAtoms = new Map<string, PeerGroup[]>();
  /** ingressAdmitting's peer groups per destination class (those of the source-side atoms of its ingress rules). */
  private readonly ingressGroups: (PeerGroup[] | undefined)[] = [];

  /**
   * peerGroups.groups(atoms), kept per set of atoms: the classes of a namespace share their
   * ingress policies, so the lint rules asking about every workload ask a few hundred sets.
   */
  private groupsOf(atoms: ReadonlySet<number>): PeerGroup[] {
    const sorted = [...atoms].sort((x, y) => x - y);
    const key = sorted.join(',');
    let found = this.groupsByAtoms.get(key);
    if (!found) {
      found = this.peerGroups.groups(sorted);
      this.groupsByAtoms.set(key, found);
    }
    return found;
  }

  indexOf(id: string): number | undefined {
    return this.byId.get(id);
  }

  classIdOf(index: number): number {
    return this.classOf[index];
  }

  /** May endpoints[src] open a connection to endpoints[dst]? */
  allowed(src: number, dst: number, protocol: Protocol, port: number): boolean {
    if (src === dst) return this.selfAnswer(src, protocol, port);
    const nodeLocal = this.isNodeLocal(src, dst);
    return this.classAnswer(
      this.pairTable(protocol, port, nodeLocal ? 'egress' : 'both'),
      this.classOf[src],
      this.classOf[dst],
      protocol,
      port,
      nodeLocal ? 'egress' : 'both',
    );
  }

  /**
   * The whole matrix for one port: one row per source, one cell (1 allowed, 0 denied)
   * per destination; over `indices` (a subset of endpoints, in that order) or all.
   */
  matrix(protocol: Protocol, port: number, indices?: readonly number[]): Uint8Array[] {
    const idx = indices ?? this.endpoints.map((_, i) => i);
    return idx.map((i) => this.matrixRow(protocol, port, i, idx));
  }

  /**
   * One row of the matrix: may endpoints[src] reach each of `columns` (1 allowed, 0 denied)?
   * Output streams row by row with it, so memory stays one row, not pods².
   */
  matrixRow(protocol: Protocol, port: number, src: number, columns: readonly number[]): Uint8Array {
    const both = this.pairTable(protocol, port, 'both');
    // A row as wide as there are classes is a matrix's: decide the whole table by peer groups first.
    if (columns.length >= this.classes.length && !this.filled.has(both)) this.fillBoth(both, protocol, port);
    const row = new Uint8Array(columns.length);
    const sc = this.classOf[src];
    const host = this.endpoints[src].kind === 'host';
    const classOf = this.classOf;
    // The row's cells of the class-pair table, read inline when it is dense: a matrix reads pods² of them.
    const cells = this.filled.has(both) ? both.dense() : undefined;
    const rowStart = sc * this.classes.length;
    for (let c = 0; c < columns.length; c++) {
      const dst = columns[c];
      if (dst === src) row[c] = this.selfAnswer(src, protocol, port) ? 1 : 0;
      else if (host && this.isNodeLocal(src, dst))
        row[c] = this.classAnswer(this.pairTable(protocol, port, 'egress'), sc, classOf[dst], protocol, port, 'egress')
          ? 1
          : 0;
      else {
        const known = cells ? cells[rowStart + classOf[dst]] : 0;
        if (known !== 0) row[c] = known === 1 ? 1 : 0;
        else row[c] = this.classAnswer(both, sc, classOf[dst], protocol, port, 'both') ? 1 : 0;
      }
    }
    return row;
  }

  /** The `both` tables fillBoth has completed. */
  private readonly filled = new WeakSet<ClassPairAnswers>();

  /**
   * Every class pair of a `both` table, as decideClasses decides them, but each direction once per
   * peer group: a source's egress reads the destination only through the destination-side atoms
   * of its rules (and the family, which groups share), a destination's ingress reads the source
   * only through the source-side atoms of its rules. Classes that are not pods (in no peer
   * group) are decided pair by pair.
   */
  private fillBoth(table: ClassPairAnswers, protocol: Protocol, port: number): void {
    const cells = table.dense();
    const n = this.classes.length;
    // 1 allowed, 2 denied, 0 not a pod on that side (no policy to ask).
    const egress = new Uint8Array(n * n);
    const ingress = new Uint8Array(n * n);
    const others = this.classes.filter((c) => c.kind !== 'pod');
    const direction = (
      subject: number,
      side: 'source' | 'destination',
      out: Uint8Array,
      at: (peer: number) => number,
    ) => {
      const info = this.info[subject];
      const dir = side === 'destination' ? 'egress' : 'ingress';
      const app = info[dir];
      const atoms = new Set<number>();
      for (const t of app.tiers)
        for (const p of t.policies) for (const r of p[dir]!) sideAtoms(r.condition, side, atoms);
      const ask = (peer: EndpointClass): number => {
        const family = commonFamily(info.cls.families, peer.families);
        if (family === undefined) return 2;
        const packet = directedPacket(dir, protocol, port, family, info.cls.values, peer.values);
        return decide(this.policies, app, dir, packet) ? 1 : 2;
      };
      for (const group of this.peerGroups.groups([...atoms])) {
        const v = ask(group.representative);
        for (const c of group.classes()) out[at(c.id)] = v;
      }
      for (const c of others) out[at(c.id)] = ask(c);
    };
    for (const cls of this.classes) {
      if (cls.kind !== 'pod') continue;
      direction(cls.id, 'destination', egress, (peer) => cls.id * n + peer);
      direction(cls.id, 'source', ingress, (peer) => peer * n + cls.id);
    }
    for (let sc = 0; sc < n; sc++)
      for (let dc = 0; dc < n; dc++) {
        const cell = sc * n + dc;
        if (cells[cell] !== 0) continue;
        const s = this.classes[sc];
        const d = this.classes[dc];
        if (commonFamily(s.families, d.families) === undefined) cells[cell] = 2;
        else cells[cell] = egress[cell] === 2 || ingress[cell] === 2 ? 2 : 1;
      }
    this.filled.add(table);
  }

  /** A host-network source reaching a pod on its own node: only the egress side is evaluated. */
  private isNodeLocal(src: number, dst: number): boolean {
    const s = this.endpoints[src];
    const d = this.endpoints[dst];
    return s.kind === 'host' && d.kind === 'pod' && s.node !== undefined && s.node === d.node;
  }

  /**
   * A pod's traffic to its own IP: decided per class (every member reaching itself alike), with
   * the policies that apply to it (no cluster policies, see withoutClusterPolicies).
   */
  private selfAnswer(index: number, protocol: Protocol, port: number): boolean {
    const table = this.table(protocol, port, 'self') as Uint8Array;
    const c = this.classOf[index];
    if (table[c] === 0) table[c] = this.decideClasses(this.info[c], this.info[c], protocol, port, 'self') ? 1 : 2;
    return table[c] === 1;
  }

  /** The class-pair answers of one (protocol, port) and direction. */
  private pairTable(protocol: Protocol, port: number, which: PairWhich): ClassPairAnswers {
    return this.table(protocol, port, which) as ClassPairAnswers;
  }

  /** Class-pair answers (per class for `self`: a Uint8Array) for one (protocol, port): 0 not computed yet, 1 allowed, 2 denied. */
  private table(protocol: Protocol, port: number, which: Which): ClassPairAnswers | Uint8Array {
    // Callers ask for the same table many times in a row: skip building the key then.
    const last = this.lastTable;
    if (last && last.port === port && last.protocol === protocol && last.which === which) return last.table;
    // By port, then protocol and which: no key string per call (a workload matrix alternates ports).
    let byPort = this.cache.get(port);
    if (!byPort) {
      byPort = new Map();
      this.cache.set(port, byPort);
    }
    const key = WHICH_KEYS[which][protocol] ?? `${protocol}/${which}`;
    let table = byPort.get(key);
    if (!table) {
      const n = this.classes.length;
      table = which === 'self' ? new Uint8Array(n) : new ClassPairAnswers(n);
      byPort.set(key, table);
    }
    this.lastTable = { protocol, port, which, table };
    return table;
  }

  private classAnswer(
    table: ClassPairAnswers,
    sc: number,
    dc: number,
    protocol: Protocol,
    port: number,
    which: PairWhich,
  ): boolean {
    const known = table.get(sc, dc);
    if (known !== 0) return known === 1;
    if (which === 'egress') {
      // The egress side alone reads the destination only through the destination-side atoms of
      // the source's rules: a class answers as its peer group's representative does.
      const rep = this.egressRepresentative(sc, dc);
      if (rep !== dc) {
        let answer = table.get(sc, rep);
        if (answer === 0) {
          answer = this.decideClasses(this.info[sc], this.info[rep], protocol, port, which) ? 1 : 2;
          table.set(sc, rep, answer);
        }
        table.set(sc, dc, answer);
        return answer === 1;
      }
    }
    const answer = this.decideClasses(this.info[sc], this.info[dc], protocol, port, which) ? 1 : 2;
    table.set(sc, dc, answer);
    return answer === 1;
  }

  /** How many egress-side answers each source class has decided one by one (until it is grouped). */
  private readonly egressAsked: number[] = [];
  /** Per source class: each pod class's representative among its egress peer groups (-1: not a pod class). */
  private readonly egressRepresentatives: (Int32Array | undefined)[] = [];
  /** egressRepresentatives per set of atoms: the classes of a namespace share their egress policies. */
  private readonly representativesByAtoms = new Map<string, Int32Array>();

  /**
   * The class that answers for pod class `dc` as the destination of pod class `sc`'s egress (its
   * peer group's representative, as fillBoth groups a source's egress), once `sc` has asked about
   * a few destinations one by one; `dc` itself before that, and for classes that are not pods.
   */
  private egressRepresentative(sc: number, dc: number): number {
    let reps = this.egressRepresentatives[sc];
    if (!reps) {
      const asked = (this.egressAsked[sc] ?? 0) + 1;
      this.egressAsked[sc] = asked;
      if (asked <= EGRESS_ASKED_BEFORE_GROUPING || this.classes[sc].kind !== 'pod') return dc;
      const atoms = new Set<number>();
      for (const t of this.info[sc].egress.tiers)
        for (const p of t.policies) for (const r of p.egress!) sideAtoms(r.condition, 'destination', atoms);
      const key = [...atoms].sort((x, y) => x - y).join(',');
      reps = this.representativesByAtoms.get(key);
      if (!reps) {
        reps = new Int32Array(this.classes.length).fill(-1);
        for (const group of this.groupsOf(atoms)) {
          const rep = group.representative.id;
          for (const c of group.classes()) reps[c.id] = rep;
        }
        this.representativesByAtoms.set(key, reps);
      }
      this.egressRepresentatives[sc] = reps;
    }
    const rep = reps[dc];
    return rep === -1 ? dc : rep;
  }

  private decideClasses(s: ClassInfo, d: ClassInfo, protocol: Protocol, port: number, which: Which): boolean {
    const family = commonFamily(s.cls.families, d.cls.families);
    if (family === undefined) return false;
    const packet: Packet = { protocol, port, family, src: s.cls.values, dst: d.cls.values };
    const self = which === 'self';
    if (s.cls.kind === 'pod' && !decide(this.policies, self ? s.selfEgress : s.egress, 'egress', packet)) return false;
    if (which === 'egress') return true;
    if (d.cls.kind === 'pod' && !decide(this.policies, self ? d.selfIngress : d.ingress, 'ingress', packet))
      return false;
    return true;
  }

  /**
   * Whether `s`'s egress policy lets it open a connection to `d` (the ingress side is not
   * evaluated): the `egress.allowed` of explainEndpoints(s, d), without the trace. Endpoints of
   * the snapshot answer from the class-pair cache; others (outside addresses, assumed pods) are
   * classified once per endpoint object.
   */
  egressAllowed(s: Endpoint, d: Endpoint, protocol: Protocol, port: number): boolean {
    const sc = this.snapshotClass(s);
    const dc = this.snapshotClass(d);
    if (sc !== undefined && dc !== undefined && s.id !== d.id)
      return this.classAnswer(this.pairTable(protocol, port, 'egress'), sc, dc, protocol, port, 'egress');
    const family = connectionFamily(s, d);
    if (family === undefined) return false;
    if (s.kind !== 'pod') return true;
    const si = sc === undefined ? this.cachedAdHocInfo(s) : this.info[sc];
    const di = dc === undefined ? this.cachedAdHocInfo(d) : this.info[dc];
    const packet: Packet = { protocol, port, family, src: si.cls.values, dst: di.cls.values };
    return decide(this.policies, s.id === d.id ? si.selfEgress : si.egress, 'egress', packet);
  }

  /**
   * The `allowed` of explainEndpoints(s, d), without the trace: from the class-pair cache for
   * endpoints of the snapshot, else decided with each endpoint classified once.
   */
  allowedBetween(s: Endpoint, d: Endpoint, protocol: Protocol, port: number): boolean {
    const sc = this.snapshotClass(s);
    const dc = this.snapshotClass(d);
    if (sc !== undefined && dc !== undefined)
      return this.allowed(this.byId.get(s.id)!, this.byId.get(d.id)!, protocol, port);
    const family = connectionFamily(s, d);
    if (family === undefined) return false;
    const si = sc === undefined ? this.cachedAdHocInfo(s) : this.info[sc];
    const di = dc === undefined ? this.cachedAdHocInfo(d) : this.info[dc];
    const self = s.id === d.id && s.kind === 'pod';
    const packet: Packet = { protocol, port, family, src: si.cls.values, dst: di.cls.values };
    if (s.kind === 'pod' && !decide(this.policies, self ? si.selfEgress : si.egress, 'egress', packet)) return false;
    if (d.kind !== 'pod') return true;
    if (s.kind === 'host' && s.node !== undefined && s.node === d.node) return true;
    return decide(this.policies, self ? di.selfIngress : di.ingress, 'ingress', packet);
  }

  /** The class of an endpoint object of this snapshot (not merely one with the same id). */
  private snapshotClass(ep: Endpoint): number | undefined {
    const i = this.byId.get(ep.id);
    return i !== undefined && this.endpoints[i] === ep ? this.classOf[i] : undefined;
  }

  private readonly adHoc = new WeakMap<Endpoint, ClassInfo>();

  /**
   * What policy sees of an endpoint: its class's info for an endpoint of the snapshot (whose
   * answers are its class's), else classified once per endpoint object: classifying asks every
   * atom and every policy, which explaining pair after pair repeated per call.
   */
  private infoOfEndpoint(ep: Endpoint): ClassInfo {
    const c = this.snapshotClass(ep);
    return c === undefined ? this.cachedAdHocInfo(ep) : this.info[c];
  }

  private cachedAdHocInfo(ep: Endpoint): ClassInfo {
    let info = this.adHoc.get(ep);
    if (!info) {
      info = this.adHocInfo(ep);
      this.adHoc.set(ep, info);
    }
    return info;
  }

  /** The verdict for two endpoints of the snapshot, with the full decision trace. */
  explain(src: number, dst: number, protocol: Protocol, port: number): Verdict {
    return this.explainEndpoints(
      this.endpoints[src],
      this.endpoints[dst],
      protocol,
      port,
      this.info[this.classOf[src]],
      this.info[this.classOf[dst]],
    );
  }

  /** The verdict for any two endpoints (e.g. an external address), with the full decision trace. */
  explainEndpoints(
    s: Endpoint,
    d: Endpoint,
    protocol: Protocol,
    port: number,
    sInfo?: ClassInfo,
    dInfo?: ClassInfo,
  ): Verdict {
    const si = sInfo ?? this.infoOfEndpoint(s);
    const di = dInfo ?? this.infoOfEndpoint(d);
    const notes: string[] = [];
    const self = s.id === d.id && s.kind === 'pod';
    if (self) {
      const exempt = [...si.egress.tiers, ...di.ingress.tiers]
        .flatMap((t) => t.policies)
        .filter((p) => isClusterPolicy(p.ref))
        .map((p) => policyName(p.ref))
        .filter((n, i, a) => a.indexOf(n) === i);
      notes.push(
        'A pod reaching its own IP: ClusterNetworkPolicy (and AdminNetworkPolicy, BaselineAdminNetworkPolicy) does not apply to it, as the network-policy-api documents' +
          (exempt.length ? ` (not applied here: ${exempt.join(', ')})` : '') +
          '; NetworkPolicy and Calico policy are evaluated like any other pair. On a real node that traffic stays inside the pod.',
      );
    }
    const family = connectionFamily(s, d);
    const skip = (direction: Direction, reason: DirectionVerdict['reason'], allowed: boolean): DirectionVerdict => ({
      direction,
      allowed,
      reason,
      steps: [],
      policies: [],
    });
    if (family === undefined) {
      const missing = [s, d].filter((e) => e.ips.length === 0).map((e) => e.id);
      notes.push(
        missing.length
          ? `${missing.join(' and ')} ${missing.length > 1 ? 'have' : 'has'} no IP address (not scheduled), so no connection is possible.`
          : `${s.id} and ${d.id} share no address family (IPv4/IPv6), so no connection is possible.`,
      );
      return {
        allowed: false,
        protocol,
        port,
        egress: skip('egress', 'no-policy', false),
        ingress: skip('ingress', 'no-policy', false),
        notes,
      };
    }
    const packet: Packet = { protocol, port, family, src: si.cls.values, dst: di.cls.values };
    const profile = (e: Endpoint) => `profile kns.${e.namespace}`;
    const egress =
      s.kind === 'pod'
        ? explainDirection(
            this.policies,
            self ? si.selfEgress : si.egress,
            'egress',
            packet,
            profile(s),
            self && si.selfEgress !== si.egress,
          )
        : skip('egress', 'not-a-workload', true);
    let ingress: DirectionVerdict;
    if (d.kind !== 'pod') ingress = skip('ingress', 'not-a-workload', true);
    else if (s.kind === 'host' && s.node !== undefined && s.node === d.node)
      ingress = skip('ingress', 'node-local', true);
    else
      ingress = explainDirection(
        this.policies,
        self ? di.selfIngress : di.ingress,
        'ingress',
        packet,
        profile(d),
        self && di.selfIngress !== di.ingress,
      );
    return { allowed: egress.allowed && ingress.allowed, protocol, port, family, egress, ingress, notes };
  }

  private adHocInfo(ep: Endpoint): ClassInfo {
    const values = AnswerRow.of(atomValues(this.policies.atoms, ep));
    const families = ep.ips
      .map((ip) => ip.family)
      .filter((f, i, a) => a.indexOf(f) === i)
      .sort();
    return this.infoFor({ kind: ep.kind, families, values });
  }
}
