/**
 * sensitive-port-exposed: a pod serving one of the project's sensitive ports
 * (.netpol.yaml `sensitivePorts`, DEFAULT_SENSITIVE_PORTS otherwise: databases,
 * caches, queues, etcd, the kubelet, admin and metrics ports) that pods of
 * other namespaces or addresses outside the cluster can reach, by the
 * engine's verdicts. Namespaces whose own egress rules allow connecting to
 * it are its declared clients and do not count. A warning on the workload,
 * naming the sources, and one on each allow rule that opens the port to them. The fix restricts a
 * `namespaceSelector: {}` peer to the namespaces whose own egress rules
 * show they use the port.
 */
import type { Fix } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { plural, quoteList } from '../../common/text';
import { type Admission, allAdmissions } from '../../engine/admission';
import { externalClasses } from '../../engine/address-classes';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { membersOf, ownerName } from '../../engine/describe';
import type { Protocol } from '../../model/kubernetes';
import type { Endpoint } from '../../policy/endpoint';
import { policyName } from '../../policy/rule-model';
import type { SensitivePort } from '../project-config';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'sensitive-port-exposed';

export const sensitivePortExposed: LintRule = { id: ID, check };

function admitsPort(adm: Admission, protocol: Protocol, port: number): boolean {
  return adm.ports.some((p) => p.protocol === protocol && p.ranges.some(([lo, hi]) => port >= lo && port <= hi));
}

function check({ analysis: a, config }: LintContext, sink: FindingSink): void {
  if (config.sensitivePorts.length === 0) return;
  const admissions = allAdmissions(a).filter((x) => x.rule.action === 'Allow');
  const done = new Set<string>();
  for (const cls of a.engine.classes) {
    if (cls.kind !== 'pod') continue;
    for (const m of cls.members) {
      const e = a.endpoints[m];
      for (const sp of config.sensitivePorts) {
        if (!e.pod?.spec.ports.some((p) => p.containerPort === sp.port && p.protocol === sp.protocol)) continue;
        const key = `${ownerName(e)}|${sp.protocol}/${sp.port}`;
        if (done.has(key)) continue;
        done.add(key);
        reportExposure(a, cls, m, sp, admissions, sink);
      }
    }
  }
}

function reportExposure(
  a: Analysis,
  cls: EndpointClass,
  target: number,
  sp: SensitivePort,
  admissions: readonly Admission[],
  sink: FindingSink,
): void {
  const e = a.endpoints[target];
  const ns = e.namespace!;
  // Namespaces whose own egress rules allow connecting to the workload on the port are its clients by
  // both sides' say: intended, not reported.
  const clients = new Set(clientNamespaces(a, cls, sp));
  const namespaces = new Set<string>();
  for (const src of a.engine.classes) {
    if (src.kind !== 'pod') continue;
    const outside = src.members.filter((i) => {
      const from = a.endpoints[i].namespace!;
      return from !== ns && !clients.has(from);
    });
    if (outside.length === 0) continue;
    if (!a.engine.allowed(outside[0], target, sp.protocol, sp.port)) continue;
    for (const i of outside) namespaces.add(a.endpoints[i].namespace!);
  }
  const outsideClasses = externalClasses(a).filter(
    (x) => cls.families.includes(x.family) && a.engine.explainEndpoints(x.endpoint, e, sp.protocol, sp.port).allowed,
  );
  if (namespaces.size === 0 && outsideClasses.length === 0) return;
  const workload = e.pod?.workload;
  const short = `${workload?.name ?? e.pod?.name ?? e.id}:${sp.port}`;
  const sources = [
    namespaces.size ? `${plural(namespaces.size, 'other namespace')}: ${quoteList([...namespaces].sort(), 6)}` : '',
    outsideClasses.length ? 'addresses outside the cluster' : '',
  ]
    .filter(Boolean)
    .join(', and from ');
  const opening = admissions.filter(
    (adm) =>
      adm.rule.direction === 'ingress' &&
      adm.subjectClasses.includes(cls) &&
      admitsPort(adm, sp.protocol, sp.port) &&
      (membersOf(adm.peerClasses).some((i) => namespaces.has(a.endpoints[i].namespace ?? '')) ||
        adm.externalClasses.some((x) => outsideClasses.includes(x))),
  );
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
    const fixes = restrictFix(a, adm, cls, sp, e);
    sink.report(
      ID,
      'warning',
      `Rule ${adm.rule.direction}[${adm.rule.index}] of ${policyName(adm.policy.ref)} opens ${short} (${sp.name}) of ${ownerName(e)} to ${sources}.${fixes.length ? '' : ' Name the namespaces and pods that use it.'}`,
      adm.rule.span,
      { related: [{ span, message: `${ownerName(e)} serves ${sp.protocol} ${sp.port}` }], fixes },
    );
  }
}

/**
 * The namespaces whose pods have an egress allow rule to the workload on the port: the clients the
 * manifests say it has. Empty when no egress policy speaks of it.
 */
function clientNamespaces(a: Analysis, cls: EndpointClass, sp: SensitivePort): string[] {
  const out = new Set<string>();
  for (const adm of allAdmissions(a)) {
    if (adm.rule.direction !== 'egress' || adm.rule.action !== 'Allow') continue;
    if (!adm.peerClasses.includes(cls) || !admitsPort(adm, sp.protocol, sp.port)) continue;
    // A rule to everywhere says nothing about who uses this workload.
    if (adm.peerClasses.length === a.engine.classes.length) continue;
    for (const i of membersOf(adm.subjectClasses)) out.add(a.endpoints[i].namespace!);
  }
  return [...out].sort();
}

/** Replaces an empty namespaceSelector of the rule's peers with the client namespaces. */
function restrictFix(a: Analysis, adm: Admission, cls: EndpointClass, sp: SensitivePort, e: Endpoint): Fix[] {
  if (adm.policy.ref.kind !== 'NetworkPolicy' || adm.policy.ref.group) return [];
  const np = a.cluster.networkPolicies.find(
    (p) => p.meta.namespace === adm.policy.ref.namespace && p.meta.name === adm.policy.ref.name && p.valid,
  );
  const rule = np?.ingress?.find((r) => r.span.file === adm.rule.span.file && r.span.start === adm.rule.span.start);
  const peer = rule?.peers?.find(
    (p) =>
      p.namespaceSelector &&
      !p.podSelector &&
      Object.keys(p.namespaceSelector.matchLabels).length === 0 &&
      p.namespaceSelector.matchExpressions.length === 0,
  );
  if (!peer?.namespaceSelector) return [];
  const clients = clientNamespaces(a, cls, sp);
  if (clients.length === 0) return [];
  const selector =
    clients.length === 1
      ? `{matchLabels: {kubernetes.io/metadata.name: ${clients[0]}}}`
      : `{matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [${clients.join(', ')}]}]}`;
  return [
    {
      title: `Restrict the rule to ${plural(clients.length, 'namespace')} whose egress rules use ${e.pod?.workload?.name ?? e.id}:${sp.port}: ${quoteList(clients, 6)}`,
      edits: [{ span: peer.namespaceSelector.span, newText: selector }],
      preferred: true,
    },
  ];
}
