/**
 * Least privilege as data: the rules a policy for one workload needs so that
 * exactly what it is meant to do keeps working, from what the manifests say it
 * needs, not from what policy allows today. Its inputs are the NetworkIntents'
 * allow-intents (their endpoints as written: a selector stays a selector) and
 * the inferred dependencies (engine/dependencies.ts: the client's pods, the
 * Service's selector), plus DNS for a policy that isolates egress.
 *
 * One plan serves every generator: "Generate Least-Privilege Policy" (ide/), the
 * complete-intents fix and the "Allow this connection" fix (lint/). Rendering
 * it as a NetworkPolicy or a Calico NetworkPolicy is lint/fixes/policy-text.ts.
 */
import type { Labels, LabelSelectorOperator, Protocol } from '../model/kubernetes';
import type { Intent, IntentEndpoint, NetworkIntentSet } from '../model/network-intent';
import type { Analysis } from './analysis';
import { clusterDns, DNS_NAMESPACE } from './cluster-dns';
import { type Dependency, type IngressControllerSelector, checkDependency, inferDependencies } from './dependencies';
import { ownerName } from './describe';
import { evaluateIntents, type IntentResult, selectIntentEndpoint } from './intents';

/** A label selector as a policy writes it. */
export interface SelectorSpec {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly {
    readonly key: string;
    readonly operator: LabelSelectorOperator;
    readonly values: readonly string[];
  }[];
}

/** The other side of a rule. */
export type PeerSpec =
  /** Pods: in `namespace` (by name), or in the namespaces `namespaceSelector` selects; every pod without `podSelector`. */
  | {
      readonly kind: 'pods';
      readonly namespace?: string;
      readonly namespaceSelector?: SelectorSpec;
      readonly podSelector?: SelectorSpec;
    }
  /** A Calico selector as written (in `namespace`, or the namespaces `namespaceSelector` selects), and its pods as label-selector peers for a NetworkPolicy. */
  | {
      readonly kind: 'calico';
      readonly selector: string;
      readonly namespace: string;
      readonly namespaceSelector?: string;
      readonly pods: readonly PeerSpec[];
    }
  | { readonly kind: 'ip-block'; readonly cidr: string; readonly except: readonly string[] };

export interface PortSpec {
  readonly protocol: Protocol;
  /** A number or a named port; absent: every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface RuleSpec {
  readonly peer: PeerSpec;
  /** Absent: every port. */
  readonly ports?: readonly PortSpec[];
  /** Why the rule is there, for comments: `intent frontend-calls-api`, `env API_URL of Deployment shop/frontend`. */
  readonly reasons: readonly string[];
}

export interface LeastPrivilegePlan {
  /** `Deployment shop/api`. */
  readonly owner: string;
  /** The workload's name, for the policy's. */
  readonly name: string;
  readonly namespace: string;
  /** The pods the policy selects (indices into analysis.endpoints) and the labels that select them. */
  readonly pods: readonly number[];
  readonly subject: Labels;
  /** Present when the policy isolates the direction. */
  readonly ingress?: readonly RuleSpec[];
  readonly egress?: readonly RuleSpec[];
}

export interface PlanOptions {
  /** Which directions the policy isolates. */
  readonly directions: readonly ('ingress' | 'egress')[];
  /** The intents to read (every NetworkIntent's when absent). */
  readonly intentSets?: readonly NetworkIntentSet[];
  /** Inferred dependencies too (the default), or intents only (a complete NetworkIntent is the whole list). */
  readonly dependencies?: boolean;
  readonly controllers?: readonly IngressControllerSelector[];
}

const HASH_LABELS = /^(pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io\/pod-name)$/;

/** Labels every pod of a group has in common, less the ones controllers add per revision or pod. */
export function commonLabels(a: Analysis, pods: readonly number[]): Labels {
  const [first, ...rest] = pods.map((i) => a.endpoints[i].labels);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first ?? {}))
    if (rest.every((l) => l[k] === v) && !HASH_LABELS.test(k) && !k.endsWith('/controller-revision-hash')) out[k] = v;
  return out;
}

const labelsOnly = (matchLabels: Labels): SelectorSpec => ({ matchLabels, matchExpressions: [] });

/** The pods of `pods` as peers, one per workload (or bare pod), by their common labels. */
export function podGroupPeers(a: Analysis, pods: readonly number[]): PeerSpec[] {
  const groups = new Map<string, number[]>();
  for (const i of pods) {
    if (a.endpoints[i].kind === 'external') continue;
    const key = ownerName(a.endpoints[i]);
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups.values()].map((g) => ({
    kind: 'pods',
    namespace: a.endpoints[g[0]].namespace,
    podSelector: labelsOnly(commonLabels(a, g)),
  }));
}

/** An intent's endpoint as a peer, as written where a policy can say the same. */
export function intentPeer(a: Analysis, ep: IntentEndpoint): PeerSpec[] {
  if (ep.ipBlock)
    return [{ kind: 'ip-block', cidr: ep.ipBlock.cidr.value, except: ep.ipBlock.except.map((x) => x.value) }];
  const selection = selectIntentEndpoint(a, ep);
  const pods = selection.parties.flatMap((p) => (p.index === undefined ? [] : [p.index]));
  if (ep.workload) return podGroupPeers(a, pods);
  if (ep.selector)
    return [
      {
        kind: 'calico',
        selector: ep.selector.value,
        namespace: ep.namespace,
        namespaceSelector: ep.calicoNamespaceSelector?.value,
        pods: podGroupPeers(a, pods),
      },
    ];
  const selector = (s: typeof ep.podSelector): SelectorSpec | undefined =>
    s && {
      matchLabels: s.matchLabels,
      matchExpressions: s.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, values: e.values })),
    };
  return [
    {
      kind: 'pods',
      namespace: ep.namespaceSelector ? undefined : ep.namespace,
      namespaceSelector: selector(ep.namespaceSelector),
      podSelector: selector(ep.podSelector) ?? labelsOnly({}),
    },
  ];
}

/** The ports an intent names, as written; without `ports`, what the destination pods declare. */
export function intentPorts(a: Analysis, intent: Intent, destinations: readonly number[]): PortSpec[] {
  if (intent.ports)
    return intent.ports.map((p) => ({ protocol: p.protocol, port: p.port?.value, endPort: p.endPort?.value }));
  return declaredPorts(a, destinations);
}

function declaredPorts(a: Analysis, pods: readonly number[]): PortSpec[] {
  const seen = new Map<string, PortSpec>();
  for (const i of pods)
    for (const p of a.endpoints[i].pod?.spec.ports ?? [])
      seen.set(`${p.protocol}/${p.containerPort}`, { protocol: p.protocol, port: p.containerPort });
  return [...seen.values()];
}

/** The destination ports of a dependency (on the pods of `only`, when given). */
export function dependencyPorts(d: Dependency, only?: ReadonlySet<number>): PortSpec[] {
  const seen = new Map<string, PortSpec>();
  for (const p of d.destinations)
    if (!only || only.has(p.index)) seen.set(`${p.protocol}/${p.port}`, { protocol: p.protocol, port: p.port });
  return [...seen.values()].sort(
    (x, y) => (x.protocol < y.protocol ? -1 : x.protocol > y.protocol ? 1 : 0) || Number(x.port) - Number(y.port),
  );
}

/** The Service's pods as a peer: its selector, in its namespace. */
export function servicePeer(d: Dependency): PeerSpec | undefined {
  if (!d.target?.selector) return undefined;
  return { kind: 'pods', namespace: d.target.meta.namespace, podSelector: labelsOnly(d.target.selector) };
}

/** UDP and TCP 53 to the cluster DNS pods (the workspace's, or kube-system's `k8s-app: kube-dns`). */
export function dnsRule(a: Analysis): RuleSpec {
  const dns = clusterDns(a);
  const labels = dns.assumed ? { 'k8s-app': 'kube-dns' } : commonLabels(a, dns.indices);
  const namespace = dns.assumed ? DNS_NAMESPACE : (a.endpoints[dns.indices[0]].namespace ?? DNS_NAMESPACE);
  return {
    peer: { kind: 'pods', namespace, podSelector: labelsOnly(labels) },
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
    reasons: ['DNS'],
  };
}

/** A key that is equal for peers a policy writes alike. */
function peerKey(p: PeerSpec): string {
  return JSON.stringify(p.kind === 'calico' ? { ...p, pods: undefined } : p);
}

function mergePorts(x: readonly PortSpec[] | undefined, y: readonly PortSpec[] | undefined): PortSpec[] | undefined {
  if (!x || !y) return undefined;
  const seen = new Map<string, PortSpec>();
  for (const p of [...x, ...y]) seen.set(JSON.stringify(p), p);
  return [...seen.values()];
}

/** Rules with equal peers merged into one (ports and reasons joined), in first-seen order. */
function mergeRules(rules: readonly RuleSpec[]): RuleSpec[] {
  const byPeer = new Map<string, RuleSpec>();
  for (const r of rules) {
    const key = peerKey(r.peer);
    const had = byPeer.get(key);
    byPeer.set(
      key,
      had
        ? {
            peer: had.peer,
            ports: mergePorts(had.ports, r.ports),
            reasons: [...new Set([...had.reasons, ...r.reasons])],
          }
        : r,
    );
  }
  return [...byPeer.values()];
}

function indicesOf(r: ReturnType<typeof selectIntentEndpoint>): number[] {
  return r.parties.flatMap((p) => (p.index === undefined ? [] : [p.index]));
}

/**
 * The least-privilege plan for the pods of one workload: for each direction it
 * isolates, a rule per allow-intent and per inferred dependency that involves
 * those pods (and DNS for egress).
 */
export function leastPrivilegePlan(a: Analysis, pods: readonly number[], options: PlanOptions): LeastPrivilegePlan {
  const mine = new Set(pods);
  const first = a.endpoints[pods[0]];
  const namespace = first.namespace ?? 'default';
  const sets = options.intentSets ?? a.cluster.intents;
  const ingress: RuleSpec[] = [];
  const egress: RuleSpec[] = [];
  for (const set of sets)
    for (const intent of set.intents) {
      if (intent.expect.value !== 'allow') continue;
      const from = indicesOf(selectIntentEndpoint(a, intent.from));
      const to = indicesOf(selectIntentEndpoint(a, intent.to));
      const reason = `intent ${intent.name.value}`;
      const intoMine = to.filter((i) => mine.has(i));
      if (intoMine.length && !(from.length && from.every((i) => mine.has(i))))
        for (const peer of intentPeer(a, intent.from))
          ingress.push({ peer, ports: intentPorts(a, intent, intoMine), reasons: [reason] });
      if (from.some((i) => mine.has(i)) && !(to.length && to.every((i) => mine.has(i))))
        for (const peer of intentPeer(a, intent.to))
          egress.push({ peer, ports: intentPorts(a, intent, to), reasons: [reason] });
    }
  if (options.dependencies !== false)
    for (const d of inferDependencies(a, options.controllers)) {
      if (!d.target || d.destinations.length === 0) continue;
      const reason = `${d.reference.via} of ${d.client}`;
      const intoMine = new Set(d.destinations.filter((p) => mine.has(p.index)).map((p) => p.index));
      if (intoMine.size)
        for (const peer of podGroupPeers(
          a,
          d.clients.filter((i) => !mine.has(i)),
        ))
          ingress.push({ peer, ports: dependencyPorts(d, intoMine), reasons: [reason] });
      const peer = servicePeer(d);
      if (peer && d.clients.some((i) => mine.has(i)) && d.destinations.some((p) => !mine.has(p.index)))
        egress.push({ peer, ports: dependencyPorts(d), reasons: [reason] });
    }
  if (options.directions.includes('egress')) egress.push(dnsRule(a));
  return {
    owner: ownerName(first),
    name: (first.pod?.workload?.name ?? first.pod?.name ?? 'workload').slice(0, 40),
    namespace,
    pods,
    subject: commonLabels(a, pods),
    ingress: options.directions.includes('ingress') ? mergeRules(ingress) : undefined,
    egress: options.directions.includes('egress') ? mergeRules(egress) : undefined,
  };
}

/**
 * What a change broke of what was needed: dependencies blocked and allow-intents
 * failing after it that were not before (`after` is the analysis with the change).
 */
export function neededBroken(
  before: Analysis,
  after: Analysis,
  controllers: readonly IngressControllerSelector[] = [],
): string[] {
  const blocked = (a: Analysis) =>
    new Map(
      inferDependencies(a, controllers)
        .filter((d) => d.target && d.destinations.length && checkDependency(a, d).blockedCount > 0)
        .map((d) => [`${d.reference.span.file.path}:${d.reference.span.start}`, d] as const),
    );
  const failing = (a: Analysis) =>
    new Map(
      evaluateIntents(a)
        .filter((r: IntentResult) => r.status === 'failed' && r.intent.expect.value === 'allow')
        .map((r) => [`${r.set.meta.namespace}/${r.set.meta.name}/${r.intent.name.value}`, r] as const),
    );
  const out: string[] = [];
  const was = blocked(before);
  for (const [key, d] of blocked(after))
    if (!was.has(key))
      out.push(`${d.client} -> Service ${d.reference.namespace}/${d.reference.service} (${d.reference.via})`);
  const wasFailing = failing(before);
  for (const [key, r] of failing(after)) if (!wasFailing.has(key)) out.push(`intent ${r.intent.name.value}`);
  return out;
}
