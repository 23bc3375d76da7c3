import { reportFailure } from '../common/failure';
import type { Finding } from '../common/finding';
import { LIMITS, limitText } from '../common/limits';
import { budgetCheck, OutOfTime, type TimeBudget } from '../common/time-budget';
import { type Located, type SourceFile, type Span, span } from '../common/source';
import { type ParsedFile, parseEach } from '../yaml/parse-yaml';
import { DocContext, type RMap } from '../yaml/yaml-reader';
import { type Collected, emptyCollected, isKnownKind, kindReader, type PodObject, type ReadWorkload } from './kinds';
import { groupOf, readMeta, type ReadMeta } from './meta';
import { resolveNodes, Spreader, eligible } from './schedule';
import type { KubeNode, Namespace, ObjectMeta, Pod } from './kubernetes';
import type { Cluster } from './cluster';
import { FindingSink } from '../common/finding-sink';
import { notInWorkspace, plural } from '../common/text';

/** What one parsed file holds: its objects (in reading order) and the findings of parsing and reading it. */
export interface FileObjects {
  readonly collected: Collected;
  readonly findings: readonly Finding[];
}

/**
 * Reads one parsed file's documents into objects. Reading a document depends on that document
 * alone, so a caller that keeps a file's parse may keep this too (the language server does, per
 * parse): only the assembly below looks across files.
 */
export function readFileObjects(pf: ParsedFile): FileObjects {
  const sink = new FindingSink();
  const out = emptyCollected();
  sink.add(pf.findings);
  for (const d of pf.documents) {
    if (!d.usable) continue;
    const ctx = new DocContext(pf.file, d.doc, sink);
    try {
      readTopLevel(ctx, out);
    } catch (e) {
      // A bug on one document must not stop the others (in the server: every file's diagnostics).
      reportFailure(sink, 'reading this document', e, span(pf.file, d.start, firstLineEnd(pf.file.text, d.start)));
    }
  }
  return { collected: out, findings: sink.findings };
}

/** Appends every list of `from` to the same list of `into` (Collected is lists, and one level of them). */
function appendCollected(into: Collected, from: Collected): void {
  appendLists(into as unknown as Record<string, unknown>, from as unknown as Record<string, unknown>);
}

function appendLists(a: Record<string, unknown>, b: Record<string, unknown>): void {
  for (const key in b) {
    const x = a[key];
    const y = b[key];
    if (Array.isArray(x)) {
      const items = y as unknown[];
      for (let i = 0; i < items.length; i++) x.push(items[i]);
    } else appendLists(x as Record<string, unknown>, y as Record<string, unknown>);
  }
}

/**
 * What the last assembly placed, so the next one keeps the same namespace map, nodes and pods (the
 * same objects) when their inputs are the same objects: an edit of a policy leaves them as they
 * were, and what is computed from pods downstream (addresses, endpoints) can be kept too.
 */
export class ClusterMemo {
  namespaces?: Map<string, Namespace>;
  placement?: {
    readonly podObjects: readonly PodObject[];
    readonly workloads: readonly ReadWorkload[];
    readonly declaredNodes: readonly KubeNode[];
    readonly nodes: KubeNode[];
    readonly pods: Pod[];
    readonly findings: readonly Finding[];
  };
}

export interface BuildOptions {
  /** Reads one file (default readFileObjects); a caller may answer from its own cache. */
  readonly read?: (pf: ParsedFile) => FileObjects;
  /** Kept between builds of the same workspace (see ClusterMemo). */
  readonly memo?: ClusterMemo;
}

/**
 * The cluster the files describe; with a budget, the pods are left out when it runs out while they
 * are placed. `options` lets the language server keep work between builds (engine/analysis-cache.ts).
 */
export function buildCluster(files: readonly ParsedFile[], budget?: TimeBudget, options: BuildOptions = {}): Cluster {
  const read = options.read ?? readFileObjects;
  return assembleCluster(
    files.map((f) => f.file),
    files.map((f) => read(f)),
    budget,
    options.memo,
  );
}

/**
 * The cluster of source files, each parsed and read in turn (parse-yaml.ts's parseEach, with its
 * time budget), so that one file's YAML nodes at most are alive at a time: the CLI's way (the
 * language server keeps its parses and calls buildCluster). Equal to buildCluster(parseFiles(...)).
 */
export function buildClusterFromSources(sources: readonly SourceFile[], budget?: TimeBudget): Cluster {
  return assembleCluster([...sources], parseEach(sources, budget, readFileObjects), budget);
}

/** The cluster of the files' objects (`read`, one per file, in the files' order). */
function assembleCluster(
  files: readonly SourceFile[],
  read: readonly FileObjects[],
  budget?: TimeBudget,
  memo?: ClusterMemo,
): Cluster {
  const sink = new FindingSink();
  const out = emptyCollected();
  for (const objects of read) {
    sink.add(objects.findings);
    appendCollected(out, objects.collected);
  }
  const superseded = findDuplicates(out.objects, sink);
  const keep = <T extends { meta?: ObjectMeta }>(items: readonly T[]) =>
    items.filter((x) => !x.meta || !superseded.has(x.meta));

  const objects = superseded.size ? out.objects.filter((m) => !superseded.has(m)) : out.objects;
  let namespaces = resolveNamespaces(keep(out.namespaces), objects);
  if (memo?.namespaces && sameNamespaces(memo.namespaces, namespaces)) namespaces = memo.namespaces;
  else if (memo) memo.namespaces = namespaces;
  const podObjects = keep(out.podObjects);
  const workloads = keep(out.workloads);
  const expanding = workloadsToExpand(workloads, objects);
  const declaredNodes = keep(out.nodes);
  const last = memo?.placement;
  let nodes: KubeNode[];
  let pods: Pod[] = [];
  if (
    last &&
    sameItems(last.podObjects, podObjects) &&
    sameItems(last.workloads, expanding) &&
    sameItems(last.declaredNodes, declaredNodes)
  ) {
    nodes = last.nodes;
    pods = last.pods;
    sink.add(last.findings);
  } else {
    const referencedNodes = new Set<string>();
    for (const p of podObjects) if (p.spec.nodeName) referencedNodes.add(p.spec.nodeName);
    for (const w of expanding) if (w.spec.nodeName) referencedNodes.add(w.spec.nodeName);
    nodes = resolveNodes(declaredNodes, referencedNodes);
    const placing = new FindingSink();
    try {
      pods = placePods(podObjects, expanding, nodes, placing, budgetCheck(budget, 'pod expansion'));
      if (memo)
        memo.placement = { podObjects, workloads: expanding, declaredNodes, nodes, pods, findings: placing.findings };
    } catch (e) {
      // The analysis is partial from here (engine/analysis.ts): no pods, every reading finding.
      if (!(e instanceof OutOfTime)) throw e;
    }
    sink.add(placing.findings);
  }
  return {
    files,
    objects: objects.map((meta) => ({ meta })),
    namespaces,
    nodes,
    workloads,
    pods,
    services: keep(out.services),
    serviceAccounts: keep(out.serviceAccounts),
    configMaps: keep(out.configMaps),
    networkPolicies: keep(out.networkPolicies),
    calico: {
      policies: keep(out.calico.policies),
      stagedKubePolicies: out.calico.stagedKubePolicies.filter((s) => !superseded.has(s.policy.meta)),
      tiers: keep(out.calico.tiers),
      networkSets: keep(out.calico.networkSets),
      hostEndpoints: keep(out.calico.hostEndpoints),
    },
    adminPolicies: keep(out.adminPolicies),
    ingresses: keep(out.ingresses),
    intents: keep(out.intents),
    findings: sink.findings,
  };
}

/** The same objects in the same order. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The same namespaces in the same order: the declared ones the same objects, implicit ones the same name. */
function sameNamespaces(a: ReadonlyMap<string, Namespace>, b: ReadonlyMap<string, Namespace>): boolean {
  if (a.size !== b.size) return false;
  const bs = [...b];
  let i = 0;
  for (const [name, ns] of a) {
    const [otherName, other] = bs[i++];
    if (name !== otherName) return false;
    if (ns !== other && !(isImplicit(ns) && isImplicit(other))) return false;
  }
  return true;
}

function isImplicit(ns: Namespace): boolean {
  return ns.meta === undefined;
}

/** `v1`, `apps/v1`, `networking.k8s.io/v1beta1`, `projectcalico.org/v3`: a group (with a dot) and a version. */
const KUBE_API_VERSION = /^(v1|[a-z0-9-]+(\.[a-z0-9-]+)+\/v\d+((alpha|beta)\d+)?|apps\/v1|batch\/v1|policy\/v1)$/;

function readTopLevel(ctx: DocContext, out: Collected): void {
  const obj = ctx.root();
  if (!obj) return; // not a Kubernetes object (a scalar, a list, an empty document)
  if (!obj.hasKey('kind')) {
    // Some other YAML file: ignored quietly, unless it names a Kubernetes API version (kubectl
    // refuses such a document: "Object 'Kind' is missing"). Helm's Chart.yaml has an apiVersion too.
    const apiVersion = obj.entry('apiVersion');
    if (apiVersion && !/(^|[/\\])Chart\.ya?ml$/.test(ctx.file.path) && KUBE_API_VERSION.test(String(apiVersion.value)))
      obj.missing('kind');
    return;
  }
  const findingsBefore = ctx.sink.findings.length;
  const kindValue = obj.str('kind');
  const apiVersion = obj.str('apiVersion');
  if (!kindValue) return;
  if ((kindValue.value === 'List' || kindValue.value.endsWith('List')) && obj.has('items')) {
    for (const item of obj.seq('items')?.maps() ?? []) readObject(ctx, item, out);
    return;
  }
  if (!apiVersion) {
    if (isKnownKind(kindValue.value)) obj.missing('apiVersion');
    return;
  }
  // Read without a finding, the two fields read the same again: readObject need not read them (when
  // they had findings, it reads them again, and so reports them again, as it always did).
  if (ctx.sink.findings.length === findingsBefore) readObject(ctx, obj, out, kindValue, apiVersion);
  else readObject(ctx, obj, out);
}

function readObject(
  ctx: DocContext,
  obj: RMap,
  out: Collected,
  kindRead?: Located<string>,
  apiVersionRead?: Located<string>,
): void {
  const kind = kindRead ?? obj.str('kind');
  const apiVersion = apiVersionRead ?? obj.str('apiVersion');
  if (!kind || !apiVersion) return;
  const reader = kindReader(groupOf(apiVersion.value), kind.value);
  if (!reader) return; // unknown kinds (CRDs, other tools' objects) are ignored quietly
  const errorsBefore = ctx.sink.errorCount;
  const meta = readMeta(obj, apiVersion.value, kind.value, kind.span, reader.namespaced);
  reader.read(obj, meta, out, errorsBefore);
  out.objects.push(meta);
}

function identity(m: ObjectMeta): string {
  return `${groupOf(m.apiVersion)}|${m.kind}|${m.namespace ?? ''}|${m.name}`;
}

/** The same identity (kinds and groups have no `|`; a namespace or name with one goes by identity's text). */
function sameIdentity(a: ObjectMeta, b: ObjectMeta): boolean {
  return (
    a.name === b.name &&
    a.kind === b.kind &&
    (a.namespace ?? '') === (b.namespace ?? '') &&
    groupOf(a.apiVersion) === groupOf(b.apiVersion)
  );
}

function describe(m: ObjectMeta): string {
  return `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
}

/** Same group, kind, namespace and name twice: the later definition wins, as with `kubectl apply -f` on a folder. */
function findDuplicates(objects: readonly ReadMeta[], sink: FindingSink): Set<ObjectMeta> {
  // By namespace and name, then compared field by field (no identity text per object); objects whose
  // namespace or name has a `|` by identity's text, which such a `|` can make equal for different fields.
  const byNamespace = new Map<string, Map<string, ReadMeta[]>>();
  const last = new Map<string, ReadMeta>();
  const superseded = new Set<ObjectMeta>();
  for (let i = 0; i < objects.length; i++) {
    const m = objects[i];
    let prev: ReadMeta | undefined;
    if (m.name.includes('|') || m.namespace?.includes('|')) {
      const key = identity(m);
      prev = last.get(key);
      last.set(key, m);
    } else {
      const ns = m.namespace ?? '';
      let byName = byNamespace.get(ns);
      if (!byName) {
        byName = new Map();
        byNamespace.set(ns, byName);
      }
      const named = byName.get(m.name);
      if (!named) byName.set(m.name, [m]);
      else {
        let k = 0;
        while (k < named.length && !sameIdentity(named[k], m)) k++;
        if (k === named.length) named.push(m);
        else {
          prev = named[k];
          named[k] = m;
        }
      }
    }
    if (prev) {
      superseded.add(prev);
      sink.report(
        'duplicate-object',
        'warning',
        `${describe(prev)} is defined again later (${where(m.nameSpan)}); the later definition wins and this one is ignored.`,
        prev.nameSpan,
        { related: [{ span: m.nameSpan, message: 'the definition that wins' }] },
      );
    }
  }
  return superseded;
}

function where(s: Span): string {
  return `${s.file.path}:${s.file.positionAt(s.start).line + 1}`;
}

/**
 * `room` pods shared out over workloads that want `wanted` each: all they want when it fits, else
 * the same share for each (water-filling: what a small workload leaves goes to the larger ones), so
 * every workload keeps pods while there is room for one each.
 */
function shareOut(wanted: readonly number[], room: number): number[] {
  const granted = wanted.map(() => 0);
  let left = Math.max(0, room);
  const order = wanted.map((_, i) => i).sort((a, b) => wanted[a] - wanted[b] || a - b);
  for (const [k, i] of order.entries()) {
    const share = Math.floor(left / (order.length - k));
    granted[i] = Math.min(wanted[i], share);
    left -= granted[i];
  }
  // What the rounding left goes to the first workloads still short of what they want.
  for (const i of order) {
    if (left === 0) break;
    if (granted[i] < wanted[i]) {
      granted[i]++;
      left--;
    }
  }
  return granted;
}

/**
 * One finding for the simulated-pods limit, at the pod count of the workload that asks for the most
 * (the one to look at), with the other workloads that got fewer pods than they ask for as related.
 */
function reportCappedWorkloads(
  workloads: readonly ReadWorkload[],
  wanted: readonly number[],
  granted: readonly number[],
  podObjects: number,
  sink: FindingSink,
): void {
  const capped = workloads.map((_, i) => i).filter((i) => granted[i] < wanted[i]);
  if (capped.length === 0) return;
  const n = (x: number) => x.toLocaleString('en-US');
  const name = (w: ReadWorkload) => `${w.kind} ${w.meta.namespace ?? 'default'}/${w.meta.name}`;
  const where = (w: ReadWorkload) => w.replicasSpan ?? w.meta.nameSpan;
  const top = capped.reduce((a, b) => (wanted[b] > wanted[a] ? b : a));
  const total = wanted.reduce((a, b) => a + b, podObjects);
  const others = capped.filter((i) => i !== top);
  const w = workloads[top];
  sink.report(
    'limit-exceeded',
    'warning',
    `The workspace asks for ${n(total)} pods, past the ${limitText('simulatedPods')} simulated at most: ${name(w)} is simulated with ${n(granted[top])} of its ${n(wanted[top])} pods${others.length ? `, and ${plural(others.length, 'other workload')} with fewer pods than ${others.length > 1 ? 'they ask' : 'it asks'} for` : ''}. Verdicts are the same for every pod of a workload, so policy findings hold; checks that count pods (subnet capacity) count the simulated ones only.`,
    where(w),
    {
      related: others.slice(0, 50).map((i) => ({
        span: where(workloads[i]),
        message: `${name(workloads[i])}: simulated with ${n(granted[i])} of its ${n(wanted[i])} pods`,
      })),
    },
  );
}

/** Declared namespaces, plus every namespace an object lives in (with the label the API server would set). */
function resolveNamespaces(declared: readonly Namespace[], objects: readonly ObjectMeta[]): Map<string, Namespace> {
  const map = new Map<string, Namespace>();
  for (const ns of declared) map.set(ns.name, ns);
  for (let i = 0; i < objects.length; i++) {
    const m = objects[i];
    if (m.namespace && !map.has(m.namespace))
      map.set(m.namespace, { name: m.namespace, labels: { 'kubernetes.io/metadata.name': m.namespace } });
  }
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A workload whose pods (or ReplicaSets, Jobs) are themselves in the workspace,
 * as in a `kubectl get -o yaml` dump, is represented by them and not expanded again.
 */
function workloadsToExpand(workloads: readonly ReadWorkload[], objects: readonly ReadMeta[]): ReadWorkload[] {
  const owners = new Set<string>();
  for (let i = 0; i < objects.length; i++) {
    const m = objects[i];
    if (m.owner && m.namespace) owners.add(`${m.namespace}|${m.owner.kind}|${m.owner.name}`);
  }
  if (owners.size === 0) return workloads.slice();
  return workloads.filter((w) => !owners.has(`${w.meta.namespace}|${w.kind}|${w.meta.name}`));
}

/** A pod before placement: the object returned, whose `node` and `placement` are set once placed. */
type PlacedLater = { -readonly [K in keyof Pod]: Pod[K] };

interface PodDraft {
  readonly pod: PlacedLater;
  readonly fixedNode?: string;
  readonly placement?: 'nodeName' | 'daemonset';
}

function placePods(
  podObjects: readonly PodObject[],
  workloads: readonly ReadWorkload[],
  nodes: readonly KubeNode[],
  sink: FindingSink,
  check: () => void,
): Pod[] {
  const drafts: PodDraft[] = [];
  // Without Node objects the nodes are stand-ins: "no node fits" may only mean the nodes are defined elsewhere.
  const noNodeObjects = nodes.every((n) => n.origin !== 'declared');
  const keptObjects = podObjects.slice(0, LIMITS.simulatedPods);
  if (keptObjects.length < podObjects.length) {
    const first = podObjects[keptObjects.length];
    sink.report(
      'limit-exceeded',
      'warning',
      `The workspace has ${podObjects.length.toLocaleString('en-US')} Pod objects, past the ${limitText('simulatedPods')} pods simulated at most: this Pod and the ${(podObjects.length - keptObjects.length - 1).toLocaleString('en-US')} after it are not simulated, nor are the pods of any workload.`,
      first.meta.nameSpan,
    );
  }
  for (const p of keptObjects) {
    const ns = p.meta.namespace ?? 'default';
    drafts.push({
      pod: {
        id: `${ns}/${p.meta.name}`,
        name: p.meta.name,
        namespace: ns,
        labels: p.meta.labels,
        spec: p.spec,
        statusIPs: p.statusIPs,
        statusHostIP: p.statusHostIP,
        span: p.meta.span,
        meta: p.meta,
        node: undefined,
        placement: 'unschedulable',
      },
      fixedNode: p.spec.nodeName,
      placement: p.spec.nodeName ? 'nodeName' : undefined,
    });
  }
  const daemonNodes = workloads.map((w) =>
    w.kind !== 'DaemonSet'
      ? []
      : w.spec.nodeName
        ? nodes.filter((n) => n.name === w.spec.nodeName)
        : nodes.filter((n) => eligible(w.spec, n)),
  );
  const wanted = workloads.map((w, i) => (w.kind === 'DaemonSet' ? daemonNodes[i].length : w.replicas));
  // A replicas: 2147483647 must not freeze the editor, nor hide the other workloads: past the limit,
  // every workload keeps a fair share of the pods (policy decides alike for all pods of a workload).
  const granted = shareOut(wanted, LIMITS.simulatedPods - drafts.length);
  reportCappedWorkloads(workloads, wanted, granted, drafts.length, sink);
  for (let i = 0; i < workloads.length; i++) {
    const w = workloads[i];
    const ns = w.meta.namespace ?? 'default';
    const statusIPs: string[] = [];
    const workload = { kind: w.kind, name: w.meta.name, meta: w.meta };
    if (w.kind === 'DaemonSet') {
      if (daemonNodes[i].length === 0) {
        sink.report(
          'unschedulable',
          noNodeObjects ? 'info' : 'warning',
          `DaemonSet ${ns}/${w.meta.name} matches no node (nodeSelector, node affinity or taints), so it runs no pods.${noNodeObjects ? ` ${notInWorkspace('any Node object')}` : ''}`,
          w.spec.nodeSelectorSpan ?? w.meta.nameSpan,
        );
      }
      for (const n of daemonNodes[i].slice(0, granted[i]))
        drafts.push({
          pod: replica(w, ns, statusIPs, workload, `${w.meta.name}-${n.name}`),
          fixedNode: n.name,
          placement: 'daemonset',
        });
      continue;
    }
    check();
    const fixedNode = w.spec.nodeName;
    const placement = fixedNode ? 'nodeName' : undefined;
    for (let k = 0; k < granted[i]; k++)
      drafts.push({ pod: replica(w, ns, statusIPs, workload, `${w.meta.name}-${k}`), fixedNode, placement });
  }

  // Pod objects come first, so an expanded pod never shadows a real one.
  const seen = new Map<string, PodDraft>();
  const ids: string[] = [];
  for (let i = 0; i < drafts.length; i++) {
    const d = drafts[i];
    const prev = seen.get(d.pod.id);
    if (prev) {
      sink.report(
        'duplicate-object',
        'warning',
        `Pod name ${d.pod.id} is also produced by ${describe(prev.pod.meta)}; this ${d.pod.workload ? d.pod.workload.kind : 'Pod'}'s pod is left out.`,
        d.pod.meta.nameSpan,
        { related: [{ span: prev.pod.meta.nameSpan, message: 'the pod that is kept' }] },
      );
      continue;
    }
    seen.set(d.pod.id, d);
    ids.push(d.pod.id);
  }
  // In id order: the ids are unique, so sorting the strings themselves (the default order is `<`'s,
  // and needs no call per comparison) and finding each one's pod sorts the pods.
  ids.sort();
  const unique: PodDraft[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) unique[i] = seen.get(ids[i])!;

  const spreader = new Spreader(nodes);
  for (let i = 0; i < unique.length; i++) {
    const fixed = unique[i].fixedNode;
    if (fixed) spreader.occupy(fixed);
  }
  const reported = new Set<ObjectMeta>();
  return unique.map((d): Pod => {
    check();
    const pod = d.pod;
    if (d.fixedNode) {
      pod.node = d.fixedNode;
      pod.placement = d.placement ?? 'nodeName';
      return pod;
    }
    const node = spreader.place(d.pod.spec);
    if (!node && !reported.has(d.pod.meta)) {
      reported.add(d.pod.meta);
      sink.report(
        'unschedulable',
        noNodeObjects ? 'info' : 'warning',
        `No node fits ${d.pod.workload ? `the pods of ${d.pod.workload.kind} ${d.pod.namespace}/${d.pod.workload.name}` : `Pod ${d.pod.id}`} (nodeSelector, node affinity or taints); they would stay Pending and get no IP.${noNodeObjects ? ` ${notInWorkspace('any Node object')}` : ''}`,
        d.pod.spec.nodeSelectorSpan ?? d.pod.meta.nameSpan,
      );
    }
    pod.node = node;
    pod.placement = node ? 'scheduled' : 'unschedulable';
    return pod;
  });
}

/** A workload's pod (one literal shape for every replica: a spread of a shared base made each pod twice, in a slower shape). */
function replica(
  w: ReadWorkload,
  namespace: string,
  statusIPs: readonly string[],
  workload: NonNullable<Pod['workload']>,
  name: string,
): PlacedLater {
  return {
    namespace,
    labels: w.templateLabels,
    spec: w.spec,
    statusIPs,
    span: w.meta.span,
    meta: w.meta,
    workload,
    id: `${namespace}/${name}`,
    name,
    node: undefined,
    placement: 'unschedulable',
  };
}

function firstLineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}
