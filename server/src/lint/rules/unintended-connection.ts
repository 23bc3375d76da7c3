/**
 * unintended-connection: a NetworkIntent with `complete: true` says its
 * allow-intents are every connection its namespace's pods may receive. Any
 * other connection into those pods that policy allows is overly open: one
 * finding per destination workload and source (a workload of the namespace,
 * another namespace, or the outside world), on the destination's workload,
 * naming the ports and what allows them. When nothing isolates the workload
 * for ingress yet, the fix adds the least-privilege ingress policy generated
 * from the allow-intents (engine/least-privilege.ts); when a policy already
 * isolates it, its allowing rule is the related location.
 *
 * Decided per group, never per pod pair: pods are grouped by endpoint class,
 * owner and which intents name them, and each source group and destination
 * group is probed once per port interval where a rule's or an intent's answer
 * may change.
 */
import { dirname, join } from 'node:path';
import type { Fix } from '../../common/finding';
import { plural } from '../../common/text';
import type { PortSet } from '../../engine/port-cuts';
import type { Analysis } from '../../engine/analysis';
import { type ExternalClass, externalClasses } from '../../engine/address-classes';
import { decidingStep, type Party, partiesConnect, podParty, probePorts } from '../../engine/connections';
import { describePorts, ownerName } from '../../engine/describe';
import { type Applicable, applicablePolicies, decide } from '../../engine/evaluate';
import { intentProbes, selectIntentEndpoint } from '../../engine/intents';
import { policiesApplying } from '../../engine/isolation';
import { leastPrivilegePlan } from '../../engine/least-privilege';
import { PROTOCOLS, type Protocol } from '../../model/kubernetes';
import type { Intent, NetworkIntentSet } from '../../model/network-intent';
import { appendDocumentEdit, freeName, planComment, planDocument } from '../fixes/policy-text';
import type { LintRule } from '../lint-rule';

interface Group {
  readonly party: Party;
  readonly members: number[];
  /** The allow-intents (indices) that name the group on this side. */
  readonly intents: readonly number[];
  /** How findings name the group: `Deployment shop/api`, `namespace ops`, `addresses outside the cluster`. */
  readonly label: string;
}

interface Unintended {
  readonly owner: string;
  readonly destinations: number[];
  readonly source: string;
  readonly ports: Map<Protocol, [number, number][]>;
  first?: { s: Party; d: Party; protocol: Protocol; port: number };
}

function groupsOf(
  parties: readonly Party[],
  intentsNaming: (p: Party) => number[],
  label: (p: Party) => string,
): Group[] {
  const groups = new Map<string, Group>();
  for (const p of parties) {
    const intents = intentsNaming(p);
    const l = label(p);
    const key = `${p.key}|${intents.join(',')}|${l}`;
    const g = groups.get(key);
    if (g) {
      if (p.index !== undefined) g.members.push(p.index);
    } else groups.set(key, { party: p, members: p.index === undefined ? [] : [p.index], intents, label: l });
  }
  return [...groups.values()];
}

function addRange(map: Map<Protocol, [number, number][]>, protocol: Protocol, from: number, to: number): void {
  const list = map.get(protocol) ?? [];
  const last = list[list.length - 1];
  if (last && last[1] + 1 >= from) last[1] = Math.max(last[1], to);
  else list.push([from, to]);
  map.set(protocol, list);
}

function check(a: Analysis, set: NetworkIntentSet, checkpoint: () => void): Unintended[] {
  const ns = set.meta.namespace;
  const intents: Intent[] = set.intents.filter((i) => i.expect.value === 'allow');
  const selections = intents.map((intent) => ({
    from: new Set(
      selectIntentEndpoint(a, intent.from).parties.map((p) => (p.index !== undefined ? `i${p.index}` : p.key)),
    ),
    to: new Set(selectIntentEndpoint(a, intent.to).parties.flatMap((p) => (p.index !== undefined ? [p.index] : []))),
  }));
  const destParties = a.endpoints.flatMap((e, i) => (e.kind === 'pod' && e.namespace === ns ? [podParty(a, i)] : []));
  if (destParties.length === 0) return [];
  const outside = externalClasses(a);
  const sourceParties: Party[] = [
    ...a.endpoints.flatMap((e, i) => (e.kind === 'external' ? [] : [podParty(a, i)])),
    ...outside.map((c) => ({ endpoint: c.endpoint, key: `x${c.id}` })),
  ];
  // Outside addresses have no egress policy: only the destination's ingress decides, evaluated
  // per class without building a trace (the engine's explanations are for messages).
  const outsideById = new Map<string, ExternalClass>(outside.map((c) => [`x${c.id}`, c]));
  const ingressOf = new Map<number, Applicable>();
  const connects = (s: Party, d: Party, protocol: Protocol, port: number): boolean => {
    const ext = s.index === undefined ? outsideById.get(s.key) : undefined;
    if (!ext) return partiesConnect(a, s, d, protocol, port);
    const cls = a.engine.classes[a.engine.classIdOf(d.index!)];
    if (!cls.families.includes(ext.family)) return false;
    let app = ingressOf.get(cls.id);
    if (!app) {
      app = applicablePolicies(a.policies, cls.values, 'ingress');
      ingressOf.set(cls.id, app);
    }
    return decide(a.policies, app, 'ingress', { protocol, port, family: ext.family, src: ext.values, dst: cls.values });
  };
  const dests = groupsOf(
    destParties,
    (p) => selections.flatMap((s, k) => (s.to.has(p.index!) ? [k] : [])),
    (p) => ownerName(p.endpoint),
  );
  const sources = groupsOf(
    sourceParties,
    (p) => selections.flatMap((s, k) => (s.from.has(p.index !== undefined ? `i${p.index}` : p.key) ? [k] : [])),
    (p) =>
      p.index === undefined
        ? 'addresses outside the cluster'
        : p.endpoint.namespace === ns
          ? ownerName(p.endpoint)
          : `pods of namespace ${p.endpoint.namespace}`,
  );
  // Port intervals where an answer may change: the rules' and the intents' edges.
  const cuts = new Map<Protocol, number[]>();
  for (const protocol of PROTOCOLS) {
    const set = new Set(probePorts(a, { protocol, from: 1, to: 65535 }));
    for (const d of dests)
      for (const k of d.intents)
        for (const probe of intentProbes(intents[k], d.party).probes)
          if (probe.protocol === protocol) {
            set.add(probe.from);
            if (probe.to < 65535) set.add(probe.to + 1);
          }
    cuts.set(
      protocol,
      [...set].sort((x, y) => x - y),
    );
  }
  const found = new Map<string, Unintended>();
  for (const d of dests) {
    checkpoint();
    const probes = new Map(d.intents.map((k) => [k, intentProbes(intents[k], d.party).probes] as const));
    for (const s of sources) {
      let sp = s.party;
      // A pod and itself is no connection, and a node reaching its own pods is outside pod policy
      // (kubelet probes): another member of the group, if there is one.
      const exempt = (i: number) =>
        i === d.party.index ||
        (a.endpoints[i].kind === 'host' &&
          a.endpoints[i].node !== undefined &&
          a.endpoints[i].node === d.party.endpoint.node);
      if (sp.index !== undefined && exempt(sp.index)) {
        const other = s.members.find((m) => !exempt(m));
        if (other === undefined) continue;
        sp = podParty(a, other);
      }
      const shared = s.intents.filter((k) => d.intents.includes(k));
      const covered = (protocol: Protocol, port: number) =>
        shared.some((k) => probes.get(k)!.some((p) => p.protocol === protocol && port >= p.from && port <= p.to));
      for (const protocol of PROTOCOLS) {
        const list = cuts.get(protocol)!;
        for (const [i, port] of list.entries()) {
          if (covered(protocol, port) || !connects(sp, d.party, protocol, port)) continue;
          const key = `${d.label}|${s.label}`;
          const u: Unintended = found.get(key) ?? {
            owner: d.label,
            destinations: [],
            source: s.label,
            ports: new Map(),
          };
          found.set(key, u);
          u.first ??= { s: sp, d: d.party, protocol, port };
          addRange(u.ports, protocol, port, (list[i + 1] ?? 65536) - 1);
        }
      }
    }
  }
  for (const d of dests) for (const u of found.values()) if (u.owner === d.label) u.destinations.push(...d.members);
  return [...found.values()];
}

function fixFor(a: Analysis, set: NetworkIntentSet, u: Unintended): Fix | undefined {
  const pods = [...new Set(u.destinations)].sort((x, y) => x - y);
  // Adding a policy narrows only what nothing isolates yet: otherwise the allowing rule has to change.
  const classes = [...new Set(pods.map((i) => a.engine.classIdOf(i)))].map((id) => a.engine.classes[id]);
  if (classes.some((c) => policiesApplying(a, c, 'ingress').length > 0)) return undefined;
  const plan = leastPrivilegePlan(a, pods, { directions: ['ingress'], intentSets: [set], dependencies: false });
  const ns = plan.namespace;
  const taken = new Set(a.cluster.networkPolicies.filter((p) => p.meta.namespace === ns).map((p) => p.meta.name));
  const name = freeName(`${plan.name}-intended-ingress`, taken);
  const doc = planDocument(
    plan,
    'kubernetes',
    name,
    planComment(plan, `the ingress the complete NetworkIntent ${ns}/${set.meta.name} lists`),
  );
  const title = `Add NetworkPolicy ${ns}/${name}: only the ingress the intents list`;
  const home = a.cluster.networkPolicies.find((p) => p.meta.namespace === ns)?.meta.span.file;
  if (home) return { title, edits: [appendDocumentEdit(home, doc)] };
  const sibling = set.meta.span.file;
  const fileName = `${ns}-${name}.yaml`;
  const uri = sibling.uri
    ? `${sibling.uri.slice(0, sibling.uri.lastIndexOf('/') + 1)}${encodeURIComponent(fileName)}`
    : undefined;
  return {
    title: `${title} in a new file ${fileName}`,
    edits: [],
    createFiles: [{ path: join(dirname(sibling.path), fileName), ...(uri ? { uri } : {}), text: doc }],
  };
}

export const unintendedConnection: LintRule = {
  id: 'unintended-connection',
  check({ analysis: a, checkpoint }, sink) {
    for (const set of a.cluster.intents) {
      if (!set.complete) continue;
      for (const u of check(a, set, checkpoint)) {
        const first = u.first!;
        const v = a.engine.explainEndpoints(first.s.endpoint, first.d.endpoint, first.protocol, first.port);
        const deciding = decidingStep(a, v, first.s.endpoint.id, first.d.endpoint.id);
        const ports: PortSet[] = PROTOCOLS.flatMap((protocol) => {
          const ranges = u.ports.get(protocol);
          return ranges ? [{ protocol, ranges }] : [];
        });
        const pod = a.endpoints[u.destinations[0]].pod!;
        const fix = fixFor(a, set, u);
        sink.report(
          'unintended-connection',
          'warning',
          `${u.owner} can be reached by ${u.source} on ${describePorts(ports)}, which the complete NetworkIntent ${set.meta.namespace}/${set.meta.name} does not list (e.g. ${first.s.endpoint.id} -> ${first.d.endpoint.id} ${first.protocol}/${first.port}: ${deciding.text}).`,
          pod.workload?.meta.nameSpan ?? pod.meta.nameSpan,
          {
            related: [
              ...deciding.related,
              {
                span: set.completeSpan ?? set.meta.nameSpan,
                message: `complete: the allow-intents of ${plural(set.intents.length, 'intent')} are every connection ${set.meta.namespace}'s pods may receive`,
              },
            ],
            fixes: fix ? [fix] : undefined,
          },
        );
      }
    }
  },
};
