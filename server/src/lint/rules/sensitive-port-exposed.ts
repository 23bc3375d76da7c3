/**
 * sensitive-port-exposed: a pod serving one of the project's sensitive ports
 * (.netpol.yaml `sensitivePorts`, DEFAULT_SENSITIVE_PORTS otherwise: databases,
 * caches, queues, etcd, the kubelet, admin and metrics ports) that pods of
 * other namespaces or addresses outside the cluster can reach, by the
 * engine's verdicts. Its declared clients do not count: namespaces whose own
 * egress rules allow connecting to it, and the workloads that need it by the
 * inferred dependencies (engine/dependencies.ts: an env value, a ConfigMap, a
 * command line or an Ingress backend naming its Service on the port) and by
 * the allow-intents (a NetworkIntent expecting them to connect on the port).
 * A warning on the workload, naming the sources, and one on each allow rule
 * that opens the port to them. The fix narrows the rule's wide-open peer
 * (`namespaceSelector: {}`, alone or with `podSelector: {}`, or a rule with no
 * `from`) to the workloads that need the port, by namespace and labels, plus
 * the namespaces whose egress rules use it; with no such workload, to those
 * namespaces only.
 *
 * Cost: only the source classes the target's ingress admits are asked (engine/connections.ts's
 * ingressSources and outsideSources, from each Allow rule's admission or decided per group of
 * classes its rules cannot tell apart), client namespaces and opening rules
 * come from indexes built once per run, and outside addresses are answered without a trace.
 */
import type { Fix, TextEdit } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { span } from '../../common/source';
import { plural, quoteList } from '../../common/text';
import { type Admission, admitsPort, allAdmissions } from '../../engine/admission';
import type { ExternalClass } from '../../engine/address-classes';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { ingressSources, outsideSources } from '../../engine/connections';
import { inferDependencies } from '../../engine/dependencies';
import { ownerName } from '../../engine/describe';
import { evaluateIntents, selectIntentEndpoint } from '../../engine/intents';
import type {
  ContainerPort,
  KubeNetworkPolicy,
  Labels,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
} from '../../model/kubernetes';
import type { Endpoint } from '../../policy/endpoint';
import { policyName } from '../../policy/rule-model';
import { columnOf, insertKeysBefore } from '../edits';
import type { ProjectConfig, SensitivePort } from '../project-config';
import type { LintContext, LintRule } from '../lint-rule';
import { memoized } from '../../common/memo';

const ID: RuleId = 'sensitive-port-exposed';

export const sensitivePortExposed: LintRule = { id: ID, check };

function check({ analysis: a, config }: LintContext, sink: FindingSink): void {
  for (const x of findExposures(a, config)) reportExposure(a, x, sink);
}

/** A workload serving a sensitive port that sources it does not declare can reach. */
export interface Exposure {
  readonly cls: EndpointClass;
  /** The workload's first pod. */
  readonly target: number;
  readonly sp: SensitivePort;
  /** The other namespaces (not declared clients) whose pods reach it. */
  readonly namespaces: ReadonlySet<string>;
  readonly outsideClasses: readonly ExternalClass[];
  /** The ingress Allow rules that open the port to those sources. */
  readonly opening: readonly Admission[];
  /** The namespaces whose egress rules use it, sorted. */
  readonly clients: readonly string[];
  /** The pods that need it (inferred dependencies, allow-intents). */
  readonly needing: readonly number[];
}

/**
 * Every exposure, per workload and sensitive port, in class order (exported for the test that
 * compares it with asking every pod class and every admission).
 */
export function findExposures(a: Analysis, config: ProjectConfig): Exposure[] {
  if (config.sensitivePorts.length === 0) return [];
  const index = new ExposureIndex(a, config);
  // Each sensitive port's positions in the list, by `protocol/port`: a pod's ports are looked up,
  // not compared with every sensitive port.
  const positions = new Map<string, number[]>();
  const keys = config.sensitivePorts.map((sp) => `${sp.protocol}/${sp.port}`);
  keys.forEach((key, k) => {
    const list = positions.get(key);
    if (list) list.push(k);
    else positions.set(key, [k]);
  });
  // The sensitive ports (positions, ascending) a port list serves: replicas share their template's list.
  const servedBy = new Map<readonly ContainerPort[], number[]>();
  const servedOf = (ports: readonly ContainerPort[]) => {
    let served = servedBy.get(ports);
    if (!served) {
      served = [];
      for (const p of ports) {
        const list = positions.get(`${p.protocol}/${p.containerPort}`);
        if (list) for (const k of list) if (!served.includes(k)) served.push(k);
      }
      served.sort((x, y) => x - y);
      servedBy.set(ports, served);
    }
    return served;
  };
  const out: Exposure[] = [];
  // The `protocol/port` keys done per workload: its first pod in class order answers for it.
  const done = new Map<string, Set<string>>();
  for (const cls of a.engine.classes) {
    if (cls.kind !== 'pod') continue;
    // A replica of the member before it (same workload, namespace and ports) has nothing left to do.
    let previous: Endpoint | undefined;
    for (const m of cls.members) {
      const e = a.endpoints[m];
      if (!e.pod) continue;
      const p = previous?.pod;
      if (
        p?.workload &&
        p.workload === e.pod.workload &&
        p.spec.ports === e.pod.spec.ports &&
        previous!.namespace === e.namespace
      )
        continue;
      previous = e;
      const served = servedOf(e.pod.spec.ports);
      if (served.length === 0) continue;
      const owner = ownerName(e);
      let ownerDone = done.get(owner);
      if (!ownerDone) {
        ownerDone = new Set();
        done.set(owner, ownerDone);
      }
      for (const k of served) {
        const sp = config.sensitivePorts[k];
        const key = keys[k];
        if (ownerDone.has(key)) continue;
        ownerDone.add(key);
        const x = exposure(a, index, cls, m, sp);
        if (x) out.push(x);
      }
    }
  }
  return out;
}

/**
 * What every exposure asks, found once per lint run: each pod class's members by namespace, the
 * ingress Allow rules applying to each class, and the egress Allow rules to each class (whose
 * subjects' namespaces are its clients on the ports they admit).
 */
class ExposureIndex {
  readonly pods: readonly EndpointClass[];
  private readonly admissions: readonly Admission[];
  private readonly membersByNamespace = new Map<number, Map<string, number[]>>();
  private ingressBySubject?: Map<number, Admission[]>;
  /** The egress Allow rules to each class (by id), leaving out rules to every class. */
  private egressToPeer?: Map<number, Admission[]>;
  /** Whether some NetworkIntent expects a connection (an allow-intent): else only dependencies say who needs a port. */
  private allowIntents?: boolean;

  private dependencyClients?: Map<string, number[]>;

  constructor(
    private readonly a: Analysis,
    private readonly config: ProjectConfig,
  ) {
    this.pods = a.engine.classes.filter((c) => c.kind === 'pod');
    this.admissions = allAdmissions(a).filter((x) => x.rule.action === 'Allow');
  }

  /** neededBy, with the inferred dependencies indexed once by destination workload and port. */
  neededBy(e: Endpoint, sp: SensitivePort): ReadonlySet<number> {
    this.dependencyClients ??= dependencyClients(this.a, this.config);
    this.allowIntents ??= evaluateIntents(this.a).some((r) => r.intent.expect.value === 'allow');
    const dependents =
      this.dependencyClients.size > 0
        ? this.dependencyClients.get(`${ownerName(e)}|${sp.protocol}/${sp.port}`)
        : undefined;
    if (!dependents && !this.allowIntents) return NOBODY;
    return new Set(needing(this.a, dependents ?? [], e, sp));
  }

  /** The class's members grouped by namespace, in member order. */
  byNamespace(cls: EndpointClass): Map<string, number[]> {
    let found = this.membersByNamespace.get(cls.id);
    if (!found) {
      found = new Map();
      for (const i of cls.members) {
        const ns = this.a.endpoints[i].namespace ?? '';
        const list = found.get(ns);
        if (list) list.push(i);
        else found.set(ns, [i]);
      }
      this.membersByNamespace.set(cls.id, found);
    }
    return found;
  }

  /** The ingress Allow rules that can apply to the class, in rule order. */
  ingressAllows(cls: EndpointClass): readonly Admission[] {
    if (!this.ingressBySubject) {
      this.ingressBySubject = new Map();
      for (const adm of this.admissions) {
        if (adm.rule.direction !== 'ingress') continue;
        for (const c of adm.subjectClasses) {
          const list = this.ingressBySubject.get(c.id);
          if (list) list.push(adm);
          else this.ingressBySubject.set(c.id, [adm]);
        }
      }
    }
    return this.ingressBySubject.get(cls.id) ?? [];
  }

  /**
   * The namespaces whose pods have an egress allow rule to the class on the port: the clients the
   * manifests say it has. Empty when no egress policy speaks of it.
   */
  clientNamespaces(cls: EndpointClass, sp: SensitivePort): ClientNamespaces {
    if (!this.egressToPeer) {
      this.egressToPeer = new Map();
      for (const adm of this.admissions) {
        if (adm.rule.direction !== 'egress') continue;
        // A rule to everywhere says nothing about who uses this workload.
        if (adm.peerClasses.length === this.a.engine.classes.length) continue;
        for (const c of adm.peerClasses) {
          const list = this.egressToPeer.get(c.id);
          if (list) list.push(adm);
          else this.egressToPeer.set(c.id, [adm]);
        }
      }
    }
    const egress = this.egressToPeer.get(cls.id);
    if (!egress) return NO_CLIENTS;
    let set: Set<string> | undefined;
    for (const adm of egress) {
      if (!admitsPort(adm, sp.protocol, sp.port)) continue;
      set ??= new Set();
      for (const ns of this.subjectNamespaces(adm)) set.add(ns);
    }
    return set?.size ? { list: [...set].sort(), set } : NO_CLIENTS;
  }

  /** Per egress rule: the namespaces of its subjects' pods, in subject class order (found once: a rule reaches many classes). */
  private readonly namespacesOfSubjects = new Map<Admission, readonly string[]>();

  private subjectNamespaces(adm: Admission): readonly string[] {
    let found = this.namespacesOfSubjects.get(adm);
    if (!found) {
      const set = new Set<string>();
      for (const c of adm.subjectClasses) for (const ns of this.byNamespace(c).keys()) set.add(ns);
      found = [...set];
      this.namespacesOfSubjects.set(adm, found);
    }
    return found;
  }
}

/** Client namespaces, sorted and as a set. */
interface ClientNamespaces {
  readonly list: readonly string[];
  readonly set: ReadonlySet<string>;
}

const NO_CLIENTS: ClientNamespaces = { list: [], set: new Set() };
const NOBODY: ReadonlySet<number> = new Set();

function exposure(
  a: Analysis,
  index: ExposureIndex,
  cls: EndpointClass,
  target: number,
  sp: SensitivePort,
): Exposure | undefined {
  const e = a.endpoints[target];
  const ns = e.namespace!;
  // Namespaces whose own egress rules allow connecting to the workload on the port are its clients by
  // both sides' say: intended, not reported.
  const clients = index.clientNamespaces(cls, sp);
  // The pods that need it, by the inferred dependencies and the allow-intents: intended too.
  const needing = index.neededBy(e, sp);
  const namespaces = new Set<string>();
  // Only the classes the target's ingress admits can reach it: decided once per group of
  // classes its rules cannot tell apart; each of those is then asked once (class-pair answers),
  // in class order.
  // Classes with pods in the target's namespace only are not asked: those are never reported.
  const elsewhere = (src: EndpointClass) => hasKeyBut(index.byNamespace(src), ns);
  for (const id of ingressSources(a, cls, sp.protocol, sp.port, elsewhere)) {
    const src = a.engine.classes[id];
    let first: number | undefined;
    const from: string[] = [];
    for (const [other, members] of index.byNamespace(src)) {
      if (other === ns || clients.set.has(other)) continue;
      // Its first member that does not need the workload (most workloads are needed by no one).
      let outside: number | undefined;
      if (needing.size === 0) outside = members[0];
      else
        for (const i of members)
          if (!needing.has(i)) {
            outside = i;
            break;
          }
      if (outside === undefined) continue;
      if (first === undefined || outside < first) first = outside;
      from.push(other);
    }
    // The target's ingress admits the class (and they share a family): its egress decides. A pod of
    // another namespace is neither the target nor node-local to it, so this is Engine.allowed.
    if (first === undefined || !a.engine.egressAllowed(a.endpoints[first], a.endpoints[target], sp.protocol, sp.port))
      continue;
    for (const other of from) namespaces.add(other);
  }
  const outsideClasses = outsideSources(a, cls, sp.protocol, sp.port);
  if (namespaces.size === 0 && outsideClasses.length === 0) return undefined;
  const opening: Admission[] = [];
  for (const adm of index.ingressAllows(cls))
    if (admitsPort(adm, sp.protocol, sp.port) && opens(index, adm, namespaces, outsideClasses)) opening.push(adm);
  return { cls, target, sp, namespaces, outsideClasses, opening, clients: clients.list, needing: [...needing] };
}

/** Whether the ingress Allow rule admits pods of one of `namespaces` or one of the outside classes. */
function opens(
  index: ExposureIndex,
  adm: Admission,
  namespaces: ReadonlySet<string>,
  outsideClasses: readonly ExternalClass[],
): boolean {
  if (namespaces.size > 0) for (const c of adm.peerClasses) if (hasKeyIn(index.byNamespace(c), namespaces)) return true;
  for (const x of adm.externalClasses) if (outsideClasses.includes(x)) return true;
  return false;
}

/** Whether one of the map's keys is in `wanted`. */
function hasKeyIn(map: ReadonlyMap<string, unknown>, wanted: ReadonlySet<string>): boolean {
  for (const key of map.keys()) if (wanted.has(key)) return true;
  return false;
}

/** Whether the map has a key other than `key`. */
function hasKeyBut(map: ReadonlyMap<string, unknown>, key: string): boolean {
  return map.size > 1 || (map.size === 1 && !map.has(key));
}

function reportExposure(a: Analysis, x: Exposure, sink: FindingSink): void {
  const { target, sp, namespaces, outsideClasses, opening } = x;
  const e = a.endpoints[target];
  const workload = e.pod?.workload;
  const short = `${workload?.name ?? e.pod?.name ?? e.id}:${sp.port}`;
  const sources = [
    namespaces.size ? `${plural(namespaces.size, 'other namespace')}: ${quoteList([...namespaces].sort(), 6)}` : '',
    outsideClasses.length ? 'addresses outside the cluster' : '',
  ]
    .filter(Boolean)
    .join(', and from ');
  const span = workload?.meta.nameSpan ?? e.pod!.meta.nameSpan;
  sink.report(
    ID,
    'warning',
    `${short} (${sp.name}) of ${ownerName(e)} is reachable from ${sources}.${opening.length ? '' : ' No policy isolates it for ingress.'} Restrict it to the clients that need it.`,
    span,
    {
      related: opening.map((adm) => ({
        span: adm.rule.span,
        message: `opened by ${adm.rule.direction}[${adm.rule.index}] of ${policyName(adm.policy.ref)}`,
      })),
    },
  );
  for (const adm of opening) {
    const fixes = restrictFix(a, adm, x.clients, sp, e, x.needing);
    sink.report(
      ID,
      'warning',
      `Rule ${adm.rule.direction}[${adm.rule.index}] of ${policyName(adm.policy.ref)} opens ${short} (${sp.name}) of ${ownerName(e)} to ${sources}.${fixes.length ? '' : ' Name the namespaces and pods that use it.'}`,
      adm.rule.span,
      { related: [{ span, message: `${ownerName(e)} serves ${sp.protocol} ${sp.port}` }], fixes },
    );
  }
}

/** Does `index` run the same workload (or is the same bare pod) as `e`? */
function sameOwner(a: Analysis, index: number, e: Endpoint): boolean {
  return ownerName(a.endpoints[index]) === ownerName(e);
}

/**
 * The pods that need the workload on the port: clients of an inferred dependency whose
 * destination is one of its pods on the port, and sources of an allow-intent whose destination
 * is one of its pods and whose ports include it.
 */
export function neededBy(a: Analysis, config: ProjectConfig, e: Endpoint, sp: SensitivePort): number[] {
  return needing(a, dependencyClients(a, config).get(`${ownerName(e)}|${sp.protocol}/${sp.port}`) ?? [], e, sp);
}

/** The clients of the inferred dependencies, by `<destination's owner>|<protocol>/<port>`. */
function dependencyClients(a: Analysis, config: ProjectConfig): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const d of inferDependencies(a, config.ingressControllers)) {
    const keys = new Set(d.destinations.map((x) => `${ownerName(a.endpoints[x.index])}|${x.protocol}/${x.port}`));
    for (const key of keys) {
      const list = out.get(key);
      if (list) list.push(...d.clients);
      else out.set(key, [...d.clients]);
    }
  }
  return out;
}

/** neededBy from the dependencies' clients of the workload on the port: the allow-intents' sources added. */
function needing(a: Analysis, dependents: readonly number[], e: Endpoint, sp: SensitivePort): number[] {
  const out = new Set<number>(dependents);
  for (const r of evaluateIntents(a)) {
    const intent = r.intent;
    if (intent.expect.value !== 'allow' || !intentCoversPort(intent.ports, e, sp)) continue;
    const to = selectIntentEndpoint(a, intent.to);
    if (!to.parties.some((x) => x.index !== undefined && sameOwner(a, x.index, e))) continue;
    for (const x of selectIntentEndpoint(a, intent.from).parties) if (x.index !== undefined) out.add(x.index);
  }
  return [...out].filter((i) => !sameOwner(a, i, e)).sort((x, y) => x - y);
}

/** An intent's ports (absent: every port the destination declares) include the sensitive port. */
function intentCoversPort(ports: readonly NetworkPolicyPort[] | undefined, e: Endpoint, sp: SensitivePort): boolean {
  if (!ports) return true;
  return ports.some((p) => {
    if (p.protocol !== sp.protocol) return false;
    if (!p.port) return true;
    if (typeof p.port.value === 'number')
      return sp.port >= p.port.value && sp.port <= (p.endPort?.value ?? p.port.value);
    return (e.namedPorts.get(p.port.value) ?? []).includes(`${sp.protocol}/${sp.port}`);
  });
}

/** A peer that admits every pod of every namespace: `namespaceSelector: {}`, alone or with `podSelector: {}`. */
function everyPod(p: NetworkPolicyPeer): boolean {
  const empty = (s: NetworkPolicyPeer['podSelector']) =>
    !!s && Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
  return !!p.namespaceSelector && empty(p.namespaceSelector) && (!p.podSelector || empty(p.podSelector));
}

/** A YAML scalar for a flow mapping: plain when that reads back as the same string. */
function scalar(v: string): string {
  return /^[A-Za-z][-A-Za-z0-9_./]*$/.test(v) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(v)
    ? v
    : JSON.stringify(v);
}

function labelsFlow(labels: Labels): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${scalar(k)}: ${scalar(v)}`)
    .join(', ')}}`;
}

/** The peers (flow mappings' entries) for the clients: one per workload that needs the port, one per egress-declared namespace. */
function clientPeers(a: Analysis, needing: readonly number[], namespaces: readonly string[]): string[][] {
  const byOwner = new Map<string, number[]>();
  for (const i of needing) {
    const key = `${a.endpoints[i].namespace}|${ownerName(a.endpoints[i])}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), i]);
  }
  const nsSelector = (ns: string) => `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ${scalar(ns)}}}`;
  const out: string[][] = [];
  const covered = new Set<string>();
  for (const pods of byOwner.values()) {
    const first = a.endpoints[pods[0]];
    // The labels every pod of the workload carries.
    const common = Object.fromEntries(
      Object.entries(first.labels).filter(([k, v]) => pods.every((i) => a.endpoints[i].labels[k] === v)),
    );
    const ns = first.namespace!;
    if (Object.keys(common).length === 0) covered.add(ns);
    out.push(
      Object.keys(common).length
        ? [nsSelector(ns), `podSelector: {matchLabels: ${labelsFlow(common)}}`]
        : [nsSelector(ns)],
    );
  }
  for (const ns of namespaces) if (!covered.has(ns)) out.push([nsSelector(ns)]);
  // A namespace-only peer makes the workload peers of its namespace redundant.
  const whole = new Set(out.filter((p) => p.length === 1).map((p) => p[0]));
  return out.filter((p) => p.length === 1 || !whole.has(p[0]));
}

/** Replaces a peer (a block or flow item) with `peers`, in the list's style. */
function replacePeer(peer: NetworkPolicyPeer, peers: readonly string[][]): TextEdit {
  const text = peer.span.file.text;
  const col = columnOf(peer.span);
  const before = text.slice(peer.span.start - col, peer.span.start);
  const dash = /^(\s*)-\s+$/.exec(before);
  const flowMap = (p: readonly string[]) => `{${p.join(', ')}}`;
  let newText: string;
  if (!dash) newText = peers.map(flowMap).join(', ');
  else if (text[peer.span.start] === '{') newText = peers.map(flowMap).join(`\n${dash[1]}- `);
  else newText = peers.map((p) => p.join(`\n${' '.repeat(col)}`)).join(`\n${dash[1]}- `);
  return { span: peer.span, newText };
}

/** Adds `from:` with `peers` to a rule that has none (every source). */
function addFrom(rule: NetworkPolicyRule, peers: readonly string[][]): TextEdit | undefined {
  const text = rule.span.file.text;
  if (rule.peersSpan) {
    // `from: []`
    if (!/^\[\s*\]$/.test(text.slice(rule.peersSpan.start, rule.peersSpan.end))) return undefined;
    return { span: rule.peersSpan, newText: `[${peers.map((p) => `{${p.join(', ')}}`).join(', ')}]` };
  }
  if (text[rule.span.start] === '{')
    return {
      span: span(rule.span.file, rule.span.start + 1, rule.span.start + 1),
      newText: `from: [${peers.map((p) => `{${p.join(', ')}}`).join(', ')}], `,
    };
  return insertKeysBefore(span(rule.span.file, rule.span.start, rule.span.start), [
    'from:',
    ...peers.flatMap((p) => p.map((entry, i) => `${i === 0 ? '- ' : '  '}${entry}`)),
  ]);
}

const validPolicies = new WeakMap<Analysis, Map<string, KubeNetworkPolicy>>();

/** The first valid NetworkPolicy of that namespace and name (an index built once per analysis). */
function validPolicy(a: Analysis, namespace: string | undefined, name: string): KubeNetworkPolicy | undefined {
  const byName = memoized(validPolicies, a, () => {
    const index = new Map<string, KubeNetworkPolicy>();
    for (const p of a.cluster.networkPolicies) {
      const key = `${p.meta.namespace}\u0000${p.meta.name}`;
      if (p.valid && !index.has(key)) index.set(key, p);
    }
    return index;
  });
  return byName.get(`${namespace}\u0000${name}`);
}

/**
 * Narrows the rule's wide-open peer to the clients: the workloads that need the port (inferred
 * dependencies, allow-intents) and the namespaces whose egress rules use it; with no workload known,
 * an empty namespaceSelector becomes those namespaces.
 */
function restrictFix(
  a: Analysis,
  adm: Admission,
  clients: readonly string[],
  sp: SensitivePort,
  e: Endpoint,
  needing: readonly number[],
): Fix[] {
  if (adm.policy.ref.kind !== 'NetworkPolicy' || adm.policy.ref.group) return [];
  const np = validPolicy(a, adm.policy.ref.namespace, adm.policy.ref.name);
  const rule = np?.ingress?.find((r) => r.span.file === adm.rule.span.file && r.span.start === adm.rule.span.start);
  if (!rule) return [];
  const target = `${e.pod?.workload?.name ?? e.id}:${sp.port}`;
  const open = rule.peers?.find(everyPod);
  const noPeers = !rule.peers || rule.peers.length === 0;
  if (needing.length > 0 && (open || noPeers)) {
    const peers = clientPeers(a, needing, clients);
    const edit = open ? replacePeer(open, peers) : addFrom(rule, peers);
    const owners = [...new Set(needing.map((i) => ownerName(a.endpoints[i])))];
    if (edit)
      return [
        {
          title: `Restrict the rule to the clients of ${target}: ${quoteList(owners, 4)}${clients.length ? ` and ${plural(clients.length, 'namespace')} ${quoteList(clients, 4)}` : ''}`,
          edits: [edit],
          preferred: true,
        },
      ];
  }
  const peer = rule.peers?.find(
    (p) =>
      p.namespaceSelector &&
      !p.podSelector &&
      Object.keys(p.namespaceSelector.matchLabels).length === 0 &&
      p.namespaceSelector.matchExpressions.length === 0,
  );
  if (!peer?.namespaceSelector || clients.length === 0) return [];
  const selector =
    clients.length === 1
      ? `{matchLabels: {kubernetes.io/metadata.name: ${clients[0]}}}`
      : `{matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [${clients.join(', ')}]}]}`;
  return [
    {
      title: `Restrict the rule to ${plural(clients.length, 'namespace')} whose egress rules use ${target}: ${quoteList(clients, 6)}`,
      edits: [{ span: peer.namespaceSelector.span, newText: selector }],
      preferred: true,
    },
  ];
}
