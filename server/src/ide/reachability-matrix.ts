/**
 * The reachability matrix of the editor's panel: workloads (or pods) and the
 * outside world (address classes, each node's host network) as rows and
 * columns, each cell the verdict on every port the destination declares; one
 * cell explained in both directions; and the cells a change opened or closed.
 *
 * Cells are decided through the engine's class answers: a workload stands for
 * one pod per endpoint class it has (per node for host-network pods), so a
 * 500-workload matrix costs (classes² · ports), never (pods² · ports).
 */
import type { Finding } from '../common/finding';
import type { IpFamily } from '../common/ip';
import type { Span } from '../common/source';
import { type ExternalClass, externalClasses, rangeToCidrs } from '../engine/address-classes';
import type { Analysis } from '../engine/analysis';
import { directionText, stepText } from '../engine/explain';
import { changeText, type ReachabilityDiff, workloadId } from '../engine/reachability-diff';
import type { DirectionVerdict } from '../engine/verdict';
import type { Protocol } from '../model/kubernetes';
import { type Endpoint, externalEndpoint, familiesOf } from '../policy/endpoint';
import { policyName } from '../policy/rule-model';
import { explainPair } from './explain-pair';
import { findCompiledPolicy, policyObjects } from './policy-index';
import { type ServedPort, servedPorts } from './port-matrix';
import { podsOfAtom } from './select-pods';
import { workloadGroups } from './workload-matrix';
import { memoized } from '../common/memo';

export type MatrixMode = 'workloads' | 'pods';

/** What stands for a party in verdicts: an endpoint of the snapshot (by index) or an outside one. */
interface Representative {
  readonly endpoint: Endpoint;
  readonly index?: number;
  /** Another pod of the same workload and class: a workload's cell to itself is replica to replica. */
  readonly sibling?: number;
  /** Equal keys get equal verdicts (class, node for host networks, address class). */
  readonly key: string;
}

/** A row and column of the matrix. */
export interface MatrixParty {
  /** What the panel sends back to explain a cell: `Deployment shop/api`, `shop/api-0`, `outside:1.2.3.4`, `node:worker-1`. */
  readonly id: string;
  /** `shop/api` (as the CLI writes it), `the internet`, `node worker-1`. */
  readonly label: string;
  /** Empty for the outside world and nodes. */
  readonly namespace: string;
  readonly kind: 'workload' | 'pod' | 'outside';
  /** Lint findings in its manifest and in the policies that select it. */
  readonly problems: number;
  /** The ports a connection to it is checked on. */
  readonly ports: readonly ServedPort[];
  /** Pods (endpoint indices) it stands for. */
  readonly pods: readonly number[];
  readonly reps: readonly Representative[];
  /** Where it is written (a workload's or pod's manifest). */
  readonly span?: Span;
}

/** The outside world declares no ports: cells towards it check these (one port of the selector checks another). */
const OUTSIDE_PORTS: readonly ServedPort[] = [
  { protocol: 'TCP', port: 80, key: 'TCP/80' },
  { protocol: 'TCP', port: 443, key: 'TCP/443' },
];
/** A node's host network: the kubelet's port. */
const NODE_PORTS: readonly ServedPort[] = [{ protocol: 'TCP', port: 10250, key: 'TCP/10250' }];

/** One cell: the indices (into `ports`) allowed and denied, and what a change did to it. */
export type MatrixCell = [number[], number[]] | [number[], number[], 'opened' | 'closed'];

export interface ReachabilityMatrix {
  readonly mode: MatrixMode;
  readonly parties: readonly MatrixParty[];
  /** Every port of any cell, `PROTOCOL/port`, by port then protocol. */
  readonly ports: readonly string[];
  readonly cells: readonly (readonly MatrixCell[])[];
  /** Class pairs decided (a measure of the work, for tests). */
  readonly decisions: number;
}

const verdictMemo = new WeakMap<Analysis, Map<string, boolean>>();

function repAllowed(a: Analysis, s: Representative, d: Representative, protocol: Protocol, port: number): boolean {
  if (s.index !== undefined && d.index !== undefined) {
    const dst = s.index === d.index && d.sibling !== undefined ? d.sibling : d.index;
    return a.engine.allowed(s.index, dst, protocol, port);
  }
  const memo = memoized(verdictMemo, a, () => new Map<string, boolean>());
  const key = `${s.key}|${d.key}|${protocol}/${port}`;
  let v = memo.get(key);
  if (v === undefined) {
    v = a.engine.explainEndpoints(s.endpoint, d.endpoint, protocol, port).allowed;
    memo.set(key, v);
  }
  return v;
}

/** Pods of a class answer alike, except that a node reaches the pods on itself (kubelet probes): so per node too. */
function podKey(a: Analysis, i: number): string {
  return `c${a.engine.classIdOf(i)}@${a.endpoints[i].node ?? ''}`;
}

/** One representative per class and node of a set of pods. */
function representatives(a: Analysis, pods: readonly number[]): Representative[] {
  const byKey = new Map<string, { index: number; sibling?: number }>();
  for (const i of pods) {
    const key = podKey(a, i);
    const r = byKey.get(key);
    if (!r) byKey.set(key, { index: i });
    else r.sibling ??= i;
  }
  return [...byKey].map(([key, r]) => ({ endpoint: a.endpoints[r.index], index: r.index, sibling: r.sibling, key }));
}

const TAG_WORDS: Record<string, string> = {
  metadata: 'cloud metadata',
  'pod-network': 'unused pod addresses',
  'service-network': 'Service network',
  internet: 'the internet',
  private: 'private networks',
};

function classWord(c: ExternalClass): string {
  for (const t of ['metadata', 'pod-network', 'service-network', 'internet', 'private'])
    if (c.tags.has(t as never)) return TAG_WORDS[t] + (c.family === 6 ? ' (IPv6)' : '');
  return 'outside addresses';
}

/** The outside world: address classes of the families the pods use, then each node's host network. */
function outsideParties(a: Analysis): MatrixParty[] {
  const families = new Set<IpFamily>();
  for (const e of a.endpoints) for (const f of familiesOf(e)) families.add(f);
  const classes = externalClasses(a).filter((c) => families.has(c.family));
  // The largest class of each kind gets the plain word ("the internet"); the others, cut out of it
  // by some policy's CIDR, are named by it ("the internet 203.0.113.0/24").
  const size = (c: ExternalClass) => c.ranges.reduce((n, r) => n + (r.last - r.first + 1n), 0n);
  const largest = new Map<string, ExternalClass>();
  for (const c of classes) {
    const best = largest.get(classWord(c));
    if (!best || size(c) > size(best)) largest.set(classWord(c), c);
  }
  const out: MatrixParty[] = classes.map((c) => {
    const word = classWord(c);
    const cidrs = c.ranges.flatMap(rangeToCidrs);
    const label =
      largest.get(word) === c ? word : `${word} ${cidrs[0]?.text ?? c.endpoint.id}${cidrs.length > 1 ? ' …' : ''}`;
    return {
      id: `outside:${c.endpoint.id}`,
      label,
      namespace: '',
      kind: 'outside',
      problems: 0,
      ports: OUTSIDE_PORTS,
      pods: [],
      reps: [{ endpoint: c.endpoint, key: `x${c.id}` }],
    };
  });
  for (const [name, node] of [...a.addressing.nodes].sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (node.ips.length === 0) continue;
    const endpoint: Endpoint = { ...externalEndpoint(node.ips[0], a.cluster), kind: 'host', node: name, ips: node.ips };
    out.push({
      id: `node:${name}`,
      label: `node ${name}`,
      namespace: '',
      kind: 'outside',
      problems: 0,
      ports: NODE_PORTS,
      pods: [],
      reps: [{ endpoint, key: `n${name}` }],
    });
  }
  return out;
}

/** Findings per pod: those inside its manifest and inside the policies that select it. */
function problemsPerPod(a: Analysis, findings: readonly Finding[]): Int32Array {
  const counts = new Int32Array(a.endpoints.length);
  if (findings.length === 0) return counts;
  const byFile = new Map<unknown, Finding[]>();
  for (const f of findings) {
    if (f.severity !== 'error' && f.severity !== 'warning') continue;
    const list = byFile.get(f.span.file) ?? [];
    list.push(f);
    byFile.set(f.span.file, list);
  }
  const inside = (s: Span) => (byFile.get(s.file) ?? []).filter((f) => f.span.start >= s.start && f.span.end <= s.end);
  const spanCount = new Map<Span, number>();
  a.endpoints.forEach((e, i) => {
    const s = e.pod?.span;
    if (!s) return;
    let n = spanCount.get(s);
    if (n === undefined) {
      n = inside(s).length;
      spanCount.set(s, n);
    }
    counts[i] += n;
  });
  for (const o of policyObjects(a)) {
    const n = inside(o.policy.meta.span).length;
    if (n === 0) continue;
    const compiled = findCompiledPolicy(a, o.policy.meta.nameSpan);
    if (compiled) for (const i of podsOfAtom(a, compiled.subject)) counts[i] += n;
  }
  return counts;
}

/** Rows and columns: workloads (or pods) by namespace, then the outside world. */
function matrixParties(a: Analysis, mode: MatrixMode, findings: readonly Finding[] = []): MatrixParty[] {
  const problems = problemsPerPod(a, findings);
  const parties: MatrixParty[] = [];
  if (mode === 'pods') {
    for (const [i, e] of a.endpoints.entries())
      parties.push({
        id: e.id,
        label: e.id,
        namespace: e.namespace ?? '',
        kind: 'pod',
        problems: problems[i],
        ports: servedPorts(a, i),
        pods: [i],
        reps: [{ endpoint: e, index: i, key: podKey(a, i) }],
        span: e.pod?.span,
      });
  } else {
    // The same grouping as the CLI's matrix by workload (workload-matrix.ts).
    for (const g of workloadGroups(
      a,
      a.endpoints.map((_, i) => i),
    )) {
      const first = a.endpoints[g.pods[0]];
      parties.push({
        id: g.label,
        label: g.id,
        namespace: first.namespace ?? '',
        kind: 'workload',
        problems: g.pods.reduce((n, i) => Math.max(n, problems[i]), 0),
        ports: g.served,
        pods: g.pods,
        reps: representatives(a, g.pods),
        span: first.pod?.workload?.meta.span ?? first.pod?.span,
      });
    }
  }
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  parties.sort((x, y) => cmp(x.namespace, y.namespace) || cmp(x.label, y.label) || cmp(x.id, y.id));
  return [...parties, ...outsideParties(a)];
}

/** Allowed on a port: every representative pair allowed (a workload partly reachable counts as denied). */
function cellVerdicts(a: Analysis, s: MatrixParty, d: MatrixParty, onDecide: () => void): boolean[] {
  return d.ports.map((p) => {
    for (const rs of s.reps)
      for (const rd of d.reps) {
        onDecide();
        if (!repAllowed(a, rs, rd, p.protocol, p.port)) return false;
      }
    return true;
  });
}

export function reachabilityMatrix(
  a: Analysis,
  mode: MatrixMode,
  findings: readonly Finding[] = [],
  diff?: ReachabilityDiff,
  before?: Analysis,
): ReachabilityMatrix {
  const parties = matrixParties(a, mode, findings);
  const portSet = new Map<string, ServedPort>();
  for (const p of parties) for (const s of p.ports) portSet.set(s.key, s);
  const ports = [...portSet.values()].sort((x, y) => x.port - y.port || (x.protocol < y.protocol ? -1 : 1));
  const portIndex = new Map(ports.map((p, i) => [p.key, i]));
  let decisions = 0;
  const count = () => {
    decisions++;
  };
  const cells: MatrixCell[][] = parties.map((s) =>
    parties.map((d): MatrixCell => {
      const v = cellVerdicts(a, s, d, count);
      const allowed: number[] = [];
      const denied: number[] = [];
      for (const [k, p] of d.ports.entries()) (v[k] ? allowed : denied).push(portIndex.get(p.key)!);
      return [allowed, denied];
    }),
  );
  if (diff && before) markChanges(a, before, parties, cells, diff);
  return { mode, parties, ports: ports.map((p) => p.key), cells, decisions };
}

/** Marks the cells whose pods' verdicts changed (from `diffReachability(before, a)`). */
function markChanges(
  a: Analysis,
  before: Analysis,
  parties: readonly MatrixParty[],
  cells: MatrixCell[][],
  diff: ReachabilityDiff,
): void {
  const byWorkload = new Map<string, number[]>();
  parties.forEach((p, k) => {
    if (p.kind === 'outside') return;
    const w = workloadId(a.endpoints[p.pods[0]]);
    const list = byWorkload.get(w) ?? [];
    list.push(k);
    byWorkload.set(w, list);
  });
  const mark = (r: number, c: number, change: 'opened' | 'closed') => {
    const cell = cells[r][c];
    if (cell[2] === 'opened') return;
    cells[r][c] = [cell[0], cell[1], change];
  };
  for (const ch of diff.changes) {
    for (const r of byWorkload.get(ch.source) ?? [])
      for (const c of byWorkload.get(ch.destination) ?? []) {
        // Pods: only the pairs whose own verdict changed.
        const hit = parties[r].pods.some((si) =>
          parties[c].pods.some((di) => {
            const sb = before.engine.indexOf(a.endpoints[si].id);
            const db = before.engine.indexOf(a.endpoints[di].id);
            if (sb === undefined || db === undefined) return false;
            return (
              a.engine.allowed(si, di, ch.protocol, ch.port) !== before.engine.allowed(sb, db, ch.protocol, ch.port)
            );
          }),
        );
        if (hit) mark(r, c, ch.change);
      }
  }
}

/** A step of a trace in words, with the rule (or policy) to reveal. */
export interface TraceStep {
  readonly text: string;
  readonly span?: Span;
}

export interface TraceDirection {
  readonly title: string;
  readonly allowed: boolean;
  readonly steps: readonly TraceStep[];
}

export interface CellExplanation {
  readonly title: string;
  readonly summary: string;
  readonly notes: readonly string[];
  readonly directions: readonly TraceDirection[];
}

function directionSteps(v: DirectionVerdict, who: string, decided: ReturnType<typeof explainPair>): TraceStep[] {
  const steps = decided.steps.filter((s) => s.step.direction === v.direction);
  if (steps.length === 0) return directionText(v, who).map((text) => ({ text }));
  const out: TraceStep[] = [];
  for (const p of v.policies) for (const n of p.notes) out.push({ text: `note: ${policyName(p.ref)}: ${n}` });
  for (const s of steps) out.push({ text: stepText(s.step), span: s.ruleSpan ?? s.policySpan });
  return out;
}

function explainPairOf(a: Analysis, s: Representative, d: Representative, protocol: Protocol, port: number) {
  const dst =
    s.index !== undefined && s.index === d.index && d.sibling !== undefined ? a.endpoints[d.sibling] : d.endpoint;
  return explainPair(a, s.endpoint, dst, protocol, port);
}

/**
 * One cell in words: for each port (or the one given), the decision trace of egress from the
 * source and ingress to the destination, taken from a representative pod pair (a denied one when
 * some pair is denied), with notes for the diagonal, partial workloads and what a change did.
 */
export function explainCell(
  a: Analysis,
  mode: MatrixMode,
  fromId: string,
  toId: string,
  port?: string,
  diff?: ReachabilityDiff,
): CellExplanation | undefined {
  const parties = matrixParties(a, mode);
  const s = parties.find((p) => p.id === fromId);
  const d = parties.find((p) => p.id === toId);
  if (!s || !d) return undefined;
  const ports = port ? d.ports.filter((p) => p.key === port) : d.ports;
  const checked = ports.length ? ports : port ? [parsePort(port)].filter((p) => p !== undefined) : [];
  const notes: string[] = [];
  if (d.kind === 'outside' && !port)
    notes.push(
      `${d.label} declares no ports: the matrix checks ${d.ports.map((p) => `${p.protocol} ${p.port}`).join(' and ')} (choose a port to check another).`,
    );
  if (s.id === d.id && mode === 'pods')
    notes.push(
      `The diagonal: ${s.label} connecting to its own IP address. The dataplane never sends that traffic over the pod network, yet Calico still applies the pod's policy to it; ClusterNetworkPolicy does not apply (network-policy-api).`,
    );
  else if (s.id === d.id && s.kind === 'workload')
    notes.push(
      s.pods.length > 1
        ? `The diagonal: pods of ${s.label} connecting to each other (replica to replica), through the pod network like any other pair.`
        : `The diagonal: ${s.label} has one pod, so this is the pod connecting to its own IP address: the dataplane keeps it inside the pod, and ClusterNetworkPolicy does not apply to it (network-policy-api).`,
    );
  const directions: TraceDirection[] = [];
  const allowedPorts: string[] = [];
  const deniedPorts: string[] = [];
  for (const p of checked) {
    let pick: [Representative, Representative] | undefined;
    let pairs = 0;
    let allowedPairs = 0;
    for (const rs of s.reps)
      for (const rd of d.reps) {
        pairs++;
        if (repAllowed(a, rs, rd, p.protocol, p.port)) allowedPairs++;
        else pick ??= [rs, rd];
      }
    pick ??= [s.reps[0], d.reps[0]];
    if (!pick[0] || !pick[1]) continue;
    const e = explainPairOf(a, pick[0], pick[1], p.protocol, p.port);
    const allowed = allowedPairs === pairs;
    (allowed ? allowedPorts : deniedPorts).push(`${p.protocol} ${p.port}`);
    if (pairs > 1 && allowedPairs > 0 && !allowed)
      notes.push(
        `${p.protocol} ${p.port}: only some pods of the two sides can connect; the trace below is of a denied pair, ${e.from} to ${e.to}.`,
      );
    else if (s.kind === 'workload' || d.kind === 'workload')
      notes.push(`${p.protocol} ${p.port}: traced for the pods ${e.from} to ${e.to}.`);
    for (const n of e.verdict.notes) if (!notes.includes(n)) notes.push(n);
    const port = `${p.protocol} ${p.port}`;
    directions.push({
      title: `${port} · egress from ${s.label}`,
      allowed: e.verdict.egress.allowed,
      steps: directionSteps(e.verdict.egress, e.from, e),
    });
    directions.push({
      title: `${port} · ingress to ${d.label}`,
      allowed: e.verdict.ingress.allowed,
      steps: directionSteps(e.verdict.ingress, e.to, e),
    });
  }
  if (diff) {
    const sw = s.kind === 'outside' ? undefined : workloadId(a.endpoints[s.pods[0]]);
    const dw = d.kind === 'outside' ? undefined : workloadId(a.endpoints[d.pods[0]]);
    for (const c of diff.changes)
      if (c.source === sw && c.destination === dw && (!port || port === `${c.protocol}/${c.port}`))
        notes.push(`${c.change === 'opened' ? 'Newly allowed' : 'Newly denied'}: ${changeText(c)}`);
  }
  const summary =
    checked.length === 0
      ? `${s.label} to ${d.label}: ${d.label} declares no ports (choose a port)`
      : `${s.label} to ${d.label}: ${
          deniedPorts.length === 0
            ? 'allowed'
            : allowedPorts.length === 0
              ? 'denied'
              : `allowed on ${allowedPorts.join(', ')}, denied on ${deniedPorts.join(', ')}`
        }`;
  return { title: `${s.label} to ${d.label}`, summary, notes, directions };
}

function parsePort(key: string): ServedPort | undefined {
  const m = /^(TCP|UDP|SCTP)\/(\d+)$/.exec(key);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { protocol: m[1] as Protocol, port, key } : undefined;
}
