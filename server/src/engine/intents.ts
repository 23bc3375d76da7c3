/**
 * NetworkIntents evaluated: which pods (or outside addresses) each side of an
 * intent stands for, which ports it is about, and whether every pair connects
 * (`expect: allow`) or none does (`expect: deny`). The intent lint rules and
 * `netpol test` read these results; the first failing pair carries the
 * engine's explanation of what decided it.
 */
import { type Cidr, cidrLast, isCidr, parseCidr } from '../common/ip';
import type { Span } from '../common/source';
import { closest, plural } from '../common/text';
import type { Protocol } from '../model/kubernetes';
import type { Intent, IntentEndpoint, NetworkIntentSet } from '../model/network-intent';
import { KubeLabelMatcher } from '../policy/label-matcher';
import { parseSelector } from '../policy/selector/calico-selector';
import type { AddressRange } from './address-classes';
import type { Analysis } from './analysis';
import {
  type Deciding,
  decidingStep,
  EVERY_PORT,
  externalParties,
  firstPortWhere,
  type Party,
  type PortProbe,
  podParty,
} from './connections';
import { memoized } from '../common/memo';

/** What one side of an intent stands for. */
export interface IntentSelection {
  readonly parties: readonly Party[];
  /** Why it selects nothing, or why it cannot be evaluated (a selector that does not parse), with where. */
  readonly problem?: { readonly message: string; readonly span: Span; readonly invalid?: boolean };
}

export interface FailingPair {
  readonly from: string;
  readonly to: string;
  /** `TCP/8080`, or why no port could be tested (`declares no TCP port named http`). */
  readonly port: string;
}

export interface IntentResult {
  readonly set: NetworkIntentSet;
  readonly intent: Intent;
  /** `empty`: one side selects nothing, or no port is left to test. */
  readonly status: 'passed' | 'failed' | 'empty';
  /** Source-destination pairs tested. */
  readonly pairs: number;
  /** The pairs that contradict the expectation, in order (up to a limit; `failedCount` counts them all). */
  readonly failing: readonly FailingPair[];
  readonly failedCount: number;
  /** What decided the first failing pair, and where. */
  readonly deciding?: Deciding;
  /** For `empty`: why, and where. */
  readonly problem?: IntentSelection['problem'];
}

const MAX_LISTED = 20;

function cidrRange(c: Cidr): AddressRange {
  return { family: c.family, first: c.base, last: cidrLast(c) };
}

/** The ranges of an ipBlock: cidr minus except (bad CIDRs were reported when reading). */
function blockRanges(cidr: string, except: readonly string[]): AddressRange[] {
  const c = parseCidr(cidr);
  if (!isCidr(c)) return [];
  let ranges = [cidrRange(c)];
  for (const text of except) {
    const e = parseCidr(text);
    if (!isCidr(e)) continue;
    const cut = cidrRange(e);
    ranges = ranges.flatMap((r) => {
      if (r.family !== cut.family || cut.last < r.first || cut.first > r.last) return [r];
      const out: AddressRange[] = [];
      if (cut.first > r.first) out.push({ family: r.family, first: r.first, last: cut.first - 1n });
      if (cut.last < r.last) out.push({ family: r.family, first: cut.last + 1n, last: r.last });
      return out;
    });
  }
  return ranges;
}

/** The pods (or outside addresses) one side of an intent stands for. */
export function selectIntentEndpoint(a: Analysis, ep: IntentEndpoint): IntentSelection {
  const pods = (keep: (i: number) => boolean) => a.endpoints.flatMap((_, i) => (keep(i) ? [podParty(a, i)] : []));
  if (ep.ipBlock) {
    const parties = externalParties(
      a,
      blockRanges(
        ep.ipBlock.cidr.value,
        ep.ipBlock.except.map((x) => x.value),
      ),
    );
    return parties.length
      ? { parties }
      : {
          parties,
          problem: {
            message: `every address of ${ep.ipBlock.cidr.value} is a pod's or a node's; an ipBlock here stands for addresses outside the cluster`,
            span: ep.ipBlock.cidr.span,
          },
        };
  }
  if (ep.workload) {
    const { kind, name, span } = ep.workload;
    const parties = pods((i) => {
      const p = a.endpoints[i].pod;
      if (!p || p.namespace !== ep.namespace) return false;
      return kind === 'Pod' ? !p.workload && p.name === name : p.workload?.kind === kind && p.workload.name === name;
    });
    if (parties.length) return { parties };
    const known = a.cluster.workloads
      .filter((w) => w.kind === kind && w.meta.namespace === ep.namespace)
      .map((w) => w.meta.name);
    const declared = a.cluster.workloads.some(
      (w) => w.kind === kind && w.meta.namespace === ep.namespace && w.meta.name === name,
    );
    const guess = closest(name, known);
    return {
      parties,
      problem: {
        message: declared
          ? `${kind} ${ep.namespace}/${name} runs no pod (replicas: 0, or its pods are unschedulable)`
          : `the workspace has no ${kind} ${ep.namespace}/${name}${guess ? `; did you mean ${kind}/${guess}?` : ''}`,
        span,
      },
    };
  }
  if (ep.selector) {
    const r = parseSelector(ep.selector.value);
    if (!r.ok)
      return {
        parties: [],
        problem: { message: `invalid Calico selector: ${r.error.message}`, span: ep.selector.span, invalid: true },
      };
    let nsMatch: (ns: string | undefined) => boolean = (ns) => ns === ep.namespace;
    if (ep.calicoNamespaceSelector) {
      const n = parseSelector(ep.calicoNamespaceSelector.value);
      if (!n.ok)
        return {
          parties: [],
          problem: {
            message: `invalid Calico selector: ${n.error.message}`,
            span: ep.calicoNamespaceSelector.span,
            invalid: true,
          },
        };
      nsMatch = (ns) =>
        ns !== undefined &&
        n.selector.matches(a.cluster.namespaces.get(ns)?.labels ?? { 'kubernetes.io/metadata.name': ns });
    }
    const parties = pods((i) => {
      const e = a.endpoints[i];
      return e.kind === 'pod' && nsMatch(e.namespace) && r.selector.matches(e.calicoLabels);
    });
    return parties.length
      ? { parties }
      : { parties, problem: { message: `selector "${ep.selector.value}" matches no pod`, span: ep.selector.span } };
  }
  const podMatcher = ep.podSelector ? new KubeLabelMatcher(ep.podSelector) : undefined;
  const nsMatcher = ep.namespaceSelector ? new KubeLabelMatcher(ep.namespaceSelector) : undefined;
  const parties = pods((i) => {
    const e = a.endpoints[i];
    if (e.kind === 'external') return false;
    if (nsMatcher ? !nsMatcher.matches(e.namespaceLabels) : e.namespace !== ep.namespace) return false;
    return podMatcher ? podMatcher.matches(e.labels) : true;
  });
  if (parties.length) return { parties };
  const where = nsMatcher ? `in namespaces ${nsMatcher.describe()}` : `in namespace ${ep.namespace}`;
  return {
    parties,
    problem: {
      message: `${podMatcher ? `podSelector ${podMatcher.describe()}` : 'the endpoint'} matches no pod ${where}`,
      span: ep.podSelector?.span ?? ep.namespaceSelector?.span ?? ep.span,
    },
  };
}

/** The ports an intent tests for one destination, or why none (a named port it does not declare). */
export function intentProbes(intent: Intent, d: Party): { probes: PortProbe[]; missing?: string } {
  if (!intent.ports) {
    if (intent.expect.value === 'deny') return { probes: [...EVERY_PORT] };
    const declared = d.endpoint.pod?.spec.ports ?? [];
    return {
      probes: declared.map((p) => ({ protocol: p.protocol, from: p.containerPort, to: p.containerPort })),
      missing: declared.length ? undefined : 'declares no port (list the ports in the intent)',
    };
  }
  const probes: PortProbe[] = [];
  const missing: string[] = [];
  for (const p of intent.ports) {
    const protocol: Protocol = p.protocol;
    if (!p.port) probes.push({ protocol, from: 1, to: 65535 });
    else if (typeof p.port.value === 'number')
      probes.push({ protocol, from: p.port.value, to: p.endPort?.value ?? p.port.value });
    else {
      const keys = (d.endpoint.namedPorts.get(p.port.value) ?? []).filter((k) => k.startsWith(`${protocol}/`));
      if (keys.length === 0) missing.push(`declares no ${protocol} port named ${p.port.value}`);
      for (const k of keys) {
        const n = Number(k.split('/')[1]);
        probes.push({ protocol, from: n, to: n });
      }
    }
  }
  return { probes, missing: missing.length ? missing.join(', ') : undefined };
}

function evaluateIntent(a: Analysis, set: NetworkIntentSet, intent: Intent): IntentResult {
  const from = selectIntentEndpoint(a, intent.from);
  const to = selectIntentEndpoint(a, intent.to);
  const base = { set, intent, failing: [], failedCount: 0, pairs: 0 };
  if (from.problem) return { ...base, status: 'empty', problem: from.problem };
  if (to.problem) return { ...base, status: 'empty', problem: to.problem };
  const allow = intent.expect.value === 'allow';
  const failing: FailingPair[] = [];
  let failedCount = 0;
  let pairs = 0;
  let untestable: string | undefined;
  let deciding: Deciding | undefined;
  // Equal keys and equal ports give equal answers: decide each combination once.
  const memo = new Map<string, { protocol: Protocol; port: number } | null>();
  for (const s of from.parties) {
    for (const d of to.parties) {
      if (s.endpoint.kind === 'external' && d.endpoint.kind === 'external') continue;
      if (s.index !== undefined && s.index === d.index) continue; // a pod and itself: not a connection
      const { probes, missing } = intentProbes(intent, d);
      if (probes.length === 0 && !allow) continue;
      if (probes.length === 0 || (missing && allow)) {
        if (!missing) continue;
        if (intent.ports === undefined) {
          untestable ??= `${d.endpoint.id} ${missing}`;
          continue;
        }
        pairs++;
        failedCount++;
        if (failing.length < MAX_LISTED) failing.push({ from: s.endpoint.id, to: d.endpoint.id, port: missing });
        continue;
      }
      pairs++;
      const key = `${s.key}|${s.endpoint.node ?? ''}|${d.key}|${d.endpoint.node ?? ''}|${JSON.stringify(probes)}`;
      let hit = memo.get(key);
      if (hit === undefined) {
        hit = firstPortWhere(a, s, d, probes, !allow) ?? null;
        memo.set(key, hit);
      }
      if (!hit) continue;
      failedCount++;
      if (failing.length < MAX_LISTED)
        failing.push({ from: s.endpoint.id, to: d.endpoint.id, port: `${hit.protocol}/${hit.port}` });
      if (!deciding) {
        const v = a.engine.explainEndpoints(s.endpoint, d.endpoint, hit.protocol, hit.port);
        deciding = decidingStep(a, v, s.endpoint.id, d.endpoint.id);
      }
    }
  }
  if (pairs === 0)
    return {
      ...base,
      status: 'empty',
      problem: {
        message: untestable ?? 'no pair of distinct endpoints to test',
        span: intent.ports ? intent.to.span : intent.expect.span,
      },
    };
  return { set, intent, status: failedCount ? 'failed' : 'passed', pairs, failing, failedCount, deciding };
}

const cache = new WeakMap<Analysis, readonly IntentResult[]>();

/** Every intent of the workspace, evaluated (memoized per analysis), in reading order. */
export function evaluateIntents(a: Analysis): readonly IntentResult[] {
  return memoized(cache, a, () =>
    a.cluster.intents.flatMap((set) => set.intents.map((intent) => evaluateIntent(a, set, intent))),
  );
}

/** `2 of 3 pairs denied: shop/frontend-0 -> shop/api-0 TCP/8080, …` */
export function failureText(r: IntentResult, max = 3): string {
  const verb = r.intent.expect.value === 'allow' ? 'denied' : 'allowed';
  const listed = r.failing.slice(0, max).map((p) => `${p.from} -> ${p.to} ${p.port}`);
  const more = r.failedCount - listed.length;
  return `${r.failedCount} of ${plural(r.pairs, 'pair')} ${verb}: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
