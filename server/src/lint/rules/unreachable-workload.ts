/**
 * unreachable-workload: a workload that declares container ports or backs a
 * Service, but that no other pod and no outside address can reach on any of
 * those ports. An info: a batch job may be meant to be unreachable, a web
 * server is not. Reported on the workload (a bare Pod on itself), with what
 * denies the first source tried.
 *
 * Decided per endpoint class: for each destination class of the workload, one
 * representative of each source class (a member of another workload) and each
 * outside address class, on the workload's ports; workloads no ingress policy
 * isolates are reachable and cost nothing.
 */
import type { Span } from '../../common/source';
import { plural } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import {
  type Deciding,
  decidingStep,
  ingressSources,
  type Party,
  partiesConnect,
  podParty,
} from '../../engine/connections';
import { admitsPort, ruleAdmission } from '../../engine/admission';
import { externalClasses } from '../../engine/address-classes';
import { ownerName } from '../../engine/describe';
import { isOpen } from '../../engine/isolation';
import type { ContainerPort, Labels, Protocol } from '../../model/kubernetes';
import type { LintRule } from '../lint-rule';
import type { Endpoint } from '../../policy/endpoint';

interface WorkloadPorts {
  readonly pods: number[];
  readonly ports: Map<string, { protocol: Protocol; port: number }>;
  readonly services: Set<string>;
  /** While indexing: the labels and port list of the workload's last pod that differed from the pod before it. */
  lastLabels?: Labels;
  lastPorts?: readonly ContainerPort[];
}

/** The workloads' pods, their declared ports and the target ports of the Services that select them. */
function workloadPorts(a: Analysis): Map<string, WorkloadPorts> {
  const out = new Map<string, WorkloadPorts>();
  // What each Service looks at: its own namespace's pods, each workload's in pod order. A replica
  // with the labels and port list of the workload's pod before it adds nothing that pod did not
  // (the additions below are set insertions), so it is left out.
  const byNamespace = new Map<string | undefined, [WorkloadPorts, number][]>();
  const endpoints = a.endpoints;
  // Replicas come one after another: a pod of the workload (and namespace) of the pod before it,
  // with the same port list, joins its pods without looking its owner up.
  let previous: Endpoint | undefined;
  let w: WorkloadPorts | undefined;
  for (let i = 0; i < endpoints.length; i++) {
    const e = endpoints[i];
    const pod = e.pod;
    if (e.kind !== 'pod' || !pod) continue;
    const ports = pod.spec.ports;
    const p = previous?.pod;
    if (
      !(p?.workload && p.workload === pod.workload && previous!.namespace === e.namespace && p.spec.ports === ports)
    ) {
      const key = ownerName(e);
      w = out.get(key);
      if (!w) {
        w = { pods: [], ports: new Map(), services: new Set<string>() };
        out.set(key, w);
      }
    }
    previous = e;
    const owner = w!;
    owner.pods.push(i);
    if (e.labels === owner.lastLabels && ports === owner.lastPorts) continue;
    // Replicas share their template's port list: each list is added once.
    if (ports !== owner.lastPorts)
      for (const p of ports)
        owner.ports.set(`${p.protocol}/${p.containerPort}`, { protocol: p.protocol, port: p.containerPort });
    owner.lastLabels = e.labels;
    owner.lastPorts = ports;
    const list = byNamespace.get(e.namespace);
    if (list) list.push([owner, i]);
    else byNamespace.set(e.namespace, [[owner, i]]);
  }
  for (const s of a.cluster.services) {
    const selector = s.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const candidates = byNamespace.get(s.meta.namespace);
    if (!candidates) continue;
    const wanted = Object.entries(selector);
    // The port lists of each workload already resolved for this Service (a workload's replicas
    // that differ from the pod before them are rare: made on the first match).
    let resolved: Map<WorkloadPorts, readonly ContainerPort[]> | undefined;
    for (const [w, i] of candidates) {
      const e = a.endpoints[i];
      if (!matchesAll(wanted, e.labels)) continue;
      // Named target ports resolve through the pod's named ports, which its port list makes.
      const declared = e.pod!.spec.ports;
      resolved ??= new Map();
      if (resolved.get(w) === declared) continue;
      resolved.set(w, declared);
      w.services.add(`${s.meta.namespace}/${s.meta.name}`);
      for (const sp of s.ports) {
        const target = sp.targetPort ?? sp.port;
        const port =
          typeof target === 'number'
            ? target
            : Number((e.namedPorts.get(target) ?? []).find((k) => k.startsWith(`${sp.protocol}/`))?.split('/')[1]);
        if (port) w.ports.set(`${sp.protocol}/${port}`, { protocol: sp.protocol, port });
      }
    }
  }
  return out;
}

/** Whether the labels have every key and value of `wanted` (a Service's selector). */
function matchesAll(wanted: readonly [string, string][], labels: Labels): boolean {
  for (const [k, v] of wanted) if (labels[k] !== v) return false;
  return true;
}

/** How many peer classes of each Allow rule are tried before the full search. */
const TRIES_PER_RULE = 4;

/**
 * Whether a source the class's ingress Allow rules match (as each rule alone admits it, on one of
 * the ports; engine/admission.ts) reaches one of the class's pods: a quick yes for most
 * workloads. No says nothing.
 */
function reachedThroughOwnRules(
  a: Analysis,
  dc: EndpointClass,
  ports: readonly { protocol: Protocol; port: number }[],
  sourceOf: (c: EndpointClass) => number | undefined,
): boolean {
  const d = dc.members[0];
  for (const t of a.engine.applicable(dc.id, 'ingress').tiers)
    for (const policy of t.policies)
      for (const rule of policy.ingress!) {
        if (rule.action !== 'Allow') continue;
        const adm = ruleAdmission(a, policy, rule);
        for (const p of ports) {
          if (!admitsPort(adm, p.protocol, p.port)) continue;
          let tried = 0;
          for (const c of adm.peerClasses) {
            if (tried >= TRIES_PER_RULE) break;
            const s = sourceOf(c);
            if (s === undefined) continue;
            tried++;
            if (a.engine.allowed(s, d, p.protocol, p.port)) return true;
          }
        }
      }
  return false;
}

function spanOf(a: Analysis, index: number): Span {
  const pod = a.endpoints[index].pod!;
  return pod.workload?.meta.nameSpan ?? pod.meta.nameSpan;
}

export const unreachableWorkload: LintRule = {
  id: 'unreachable-workload',
  check({ analysis: a, checkpoint }, sink) {
    const outside: Party[] = externalClasses(a).map((c) => ({ endpoint: c.endpoint, key: `x${c.id}` }));
    const notPods = a.engine.classes.filter((c) => c.kind !== 'pod');
    for (const [owner, w] of workloadPorts(a)) {
      checkpoint();
      if (w.ports.size === 0) continue;
      const destIds = new Set<number>();
      // Replicas are mostly of one class: a class is added once per run of its pods.
      let last = -1;
      for (const i of w.pods) {
        const id = a.engine.classIdOf(i);
        if (id === last) continue;
        last = id;
        destIds.add(id);
      }
      const destClasses = [...destIds].map((id) => a.engine.classes[id]);
      if (destClasses.some((c) => isOpen(a, c, 'ingress'))) continue;
      let mine: Set<number> | undefined;
      /** A member of the class that is not one of the workload's pods: the class's source. */
      const sourceOf = (c: EndpointClass): number | undefined => {
        // The workload's pods are all in its destination classes.
        if (!destIds.has(c.id)) return c.members[0];
        mine ??= new Set(w.pods);
        const own = mine;
        return c.members.find((m) => !own.has(m));
      };
      const ports = [...w.ports.values()];
      // Reachable or not, whichever source shows it: the peers the destinations' own ingress Allow
      // rules name are tried first (most workloads are reached by them), then every admitted class.
      if (destClasses.some((dc) => reachedThroughOwnRules(a, dc, ports, sourceOf))) continue;
      const reachable = destClasses.some((dc) => {
        const d = dc.members[0];
        // A pod reaches another pod only through its ingress: ask only the pod classes the
        // destination's ingress admits on some port (hosts may be node-local: asked all).
        // The answer is yes or no, whichever source says yes: the admitted pod classes are asked
        // (in no particular order), then the other classes.
        const candidates = new Set<number>();
        for (const p of ports) for (const id of ingressSources(a, dc, p.protocol, p.port)) candidates.add(id);
        for (const c of notPods) candidates.add(c.id);
        for (const id of candidates) {
          const c = a.engine.classes[id];
          const s = sourceOf(c);
          if (s !== undefined && ports.some((p) => a.engine.allowed(s, d, p.protocol, p.port))) return true;
        }
        const dp = podParty(a, d);
        return outside.some((s) => ports.some((p) => partiesConnect(a, s, dp, p.protocol, p.port)));
      });
      if (reachable) continue;
      let first: Party | undefined;
      for (const c of a.engine.classes) {
        const s = sourceOf(c);
        if (s === undefined) continue;
        first = podParty(a, s);
        break;
      }
      first ??= outside[0];
      const d = a.endpoints[w.pods[0]];
      let deciding: Deciding | undefined;
      if (first) {
        const v = a.engine.explainEndpoints(first.endpoint, d, ports[0].protocol, ports[0].port);
        deciding = decidingStep(a, v, first.endpoint.id, d.id);
      }
      const portList = ports.map((p) => `${p.protocol}/${p.port}`).sort();
      const shown = portList.slice(0, 6).join(', ') + (portList.length > 6 ? ', …' : '');
      const services = [...w.services].sort();
      const why = `${services.length ? `backs ${plural(services.length, 'Service')} (${services.join(', ')}) and ` : ''}serves ${shown}`;
      sink.report(
        'unreachable-workload',
        'info',
        `${owner} ${why}, but no other pod and no address outside the cluster can reach it on ${portList.length > 1 ? 'any of them' : 'it'}.${deciding ? ` For example: ${deciding.text}.` : ''} If it is meant to receive connections, allow them.`,
        spanOf(a, w.pods[0]),
        { related: deciding?.related },
      );
    }
  },
};
