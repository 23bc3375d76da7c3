/**
 * port-not-exposed: a rule or an intent names a numeric port that no container
 * of its destination pods declares (for an ingress rule, the policy's pods; for
 * an egress rule, the pods it allows connecting to; for an intent, its `to`).
 * Only a hint: containers may listen on ports they do not declare. Destinations
 * that declare no port at all say nothing either way and are left out; named
 * ports are named-port-undeclared's business. Egress rules that reach outside
 * addresses are left out (those declare nothing), and so is an egress rule's
 * port 53 when the workspace has no DNS pods (the cluster's DNS is elsewhere).
 */
import type { Span } from '../../common/source';
import { plural } from '../../common/text';
import { ruleAdmission } from '../../engine/admission';
import type { Analysis } from '../../engine/analysis';
import { clusterDns } from '../../engine/cluster-dns';
import type { EndpointClass } from '../../engine/classes';
import { describePods, membersOf } from '../../engine/describe';
import { selectIntentEndpoint } from '../../engine/intents';
import { PROTOCOLS, type Protocol } from '../../model/kubernetes';
import { type Condition, policyName } from '../../policy/rule-model';
import type { LintRule } from '../lint-rule';
import { memoized } from '../../common/memo';

interface PortPiece {
  /** Undefined: any protocol (a port condition without one). */
  readonly protocol?: Protocol;
  readonly from: number;
  readonly to: number;
}

/** Whether the condition names a destination port range anywhere (most rules' pieces are then found). */
function namesDestinationPorts(c: Condition): boolean {
  if (c.type === 'all' || c.type === 'any') return c.of.some(namesDestinationPorts);
  return c.type === 'ports' && c.side === 'destination' && !c.negate && c.ranges.length > 0;
}

/** The (protocol, destination port range) pieces a rule's condition names, from `all[protocol, ports]` groups. */
function portPieces(c: Condition, out: PortPiece[] = []): PortPiece[] {
  if (c.type === 'any') for (const x of c.of) portPieces(x, out);
  if (c.type !== 'all') return out;
  // The group's known protocols and destination ranges, in order (no arrays for the many groups without ranges).
  let known: Protocol[] | undefined;
  let ranges: (readonly [number, number])[] | undefined;
  for (const x of c.of) {
    if (x.type === 'protocol' && !x.negate) {
      for (const p of x.protocols) {
        if (!(PROTOCOLS as readonly string[]).includes(p)) continue;
        known ??= [];
        known.push(p as Protocol);
      }
    } else if (x.type === 'ports' && x.side === 'destination' && !x.negate && x.ranges.length > 0) {
      ranges ??= [];
      for (const r of x.ranges) ranges.push(r);
    }
  }
  if (ranges)
    for (const protocol of known ?? [undefined])
      for (const [from, to] of ranges) if (!(from === 1 && to === 65535)) out.push({ protocol, from, to });
  for (const x of c.of) if (x.type === 'all' || x.type === 'any') portPieces(x, out);
  return out;
}

const pieceText = (p: PortPiece) => `${p.protocol ?? 'port'} ${p.from === p.to ? p.from : `${p.from}-${p.to}`}`;

/** A container port as a pod declares it. */
interface DeclaredPort {
  readonly protocol: string;
  readonly containerPort: number;
}

/** The pieces none of `declared` is in; undefined when nothing is declared. */
function undeclared(declared: readonly DeclaredPort[], pieces: readonly PortPiece[]): PortPiece[] | undefined {
  if (declared.length === 0) return undefined;
  // A protocol no destination serves at all is rule-never-matches' finding.
  return pieces.filter(
    (p) =>
      (p.protocol === undefined || declared.some((d) => d.protocol === p.protocol)) &&
      !declared.some(
        (d) => (p.protocol ?? d.protocol) === d.protocol && d.containerPort >= p.from && d.containerPort <= p.to,
      ),
  );
}

const podPorts = (a: Analysis, pods: readonly number[]): DeclaredPort[] =>
  pods.flatMap((i) => a.endpoints[i].pod?.spec.ports ?? []);

const classPorts = new WeakMap<EndpointClass, readonly DeclaredPort[]>();

/** The distinct container ports a class's pods declare (found once per class: its replicas declare alike). */
function portsOf(a: Analysis, c: EndpointClass): readonly DeclaredPort[] {
  return memoized(classPorts, c, () => {
    const seen = new Map<string, DeclaredPort>();
    // Replicas share their template's port list: each list is read once.
    let previous: readonly DeclaredPort[] | undefined;
    for (const i of c.members) {
      const ports = a.endpoints[i].pod?.spec.ports ?? [];
      if (ports === previous) continue;
      previous = ports;
      for (const p of ports) {
        const key = `${p.protocol} ${p.containerPort}`;
        if (!seen.has(key)) seen.set(key, { protocol: p.protocol, containerPort: p.containerPort });
      }
    }
    return [...seen.values()];
  });
}

/** The distinct container ports the classes' pods declare (what undeclared and declaredText read of them). */
function distinctPorts(a: Analysis, classes: readonly EndpointClass[]): readonly DeclaredPort[] {
  if (classes.length === 1) return portsOf(a, classes[0]);
  const out: DeclaredPort[] = [];
  const seen = new Map<string, Set<number>>();
  for (const c of classes)
    for (const p of portsOf(a, c)) {
      let numbers = seen.get(p.protocol);
      if (!numbers) {
        numbers = new Set();
        seen.set(p.protocol, numbers);
      }
      if (numbers.has(p.containerPort)) continue;
      numbers.add(p.containerPort);
      out.push(p);
    }
  return out;
}

function declaredText(declared: readonly DeclaredPort[]): string {
  const ports = new Set(declared.map((p) => `${p.protocol} ${p.containerPort}`));
  return [...ports].sort().slice(0, 6).join(', ') + (ports.size > 6 ? ', …' : '');
}

function message(what: string, missing: readonly PortPiece[], whose: string, declared: readonly DeclaredPort[]) {
  const list = [...new Set(missing.map(pieceText))];
  return `${what} ${list.length > 1 ? 'names ports' : 'names port'} ${list.join(', ')}, but no container of ${whose} declares ${list.length > 1 ? 'them' : 'it'} (they declare ${declaredText(declared)}). Containers may listen without declaring: check the port.`;
}

function checkRule(
  a: Analysis,
  named: readonly PortPiece[],
  classes: readonly EndpointClass[],
  what: () => string,
  whose: () => string,
  dnsElsewhere: boolean,
) {
  // Without DNS pods in the workspace, an egress rule's port 53 is for the cluster DNS the workspace does not show.
  const pieces = named.filter((p) => !(dnsElsewhere && p.from <= 53 && p.to >= 53));
  if (pieces.length === 0 || classes.length === 0) return undefined;
  const declared = distinctPorts(a, classes);
  const missing = undeclared(declared, pieces);
  return missing?.length ? message(what(), missing, whose(), declared) : undefined;
}

export const portNotExposed: LintRule = {
  id: 'port-not-exposed',
  scope: 'policy',
  check({ analysis: a, tiers }, sink) {
    const report = (text: string, at: Span) => sink.report('port-not-exposed', 'hint', text, at);
    for (const tier of tiers)
      for (const policy of tier.policies)
        for (const rules of [policy.ingress, policy.egress])
          for (const rule of rules ?? []) {
            if (!namesDestinationPorts(rule.condition)) continue;
            const pieces = portPieces(rule.condition);
            if (pieces.length === 0) continue;
            const adm = ruleAdmission(a, policy, rule);
            const ingress = rule.direction === 'ingress';
            // Addresses outside the cluster declare nothing: an egress rule that reaches them says nothing here.
            if (!ingress && adm.externalClasses.length) continue;
            const classes = (ingress ? adm.subjectClasses : adm.peerClasses).filter((c) => c.kind === 'pod');
            const what = () => `${ingress ? 'Ingress' : 'Egress'} rule ${rule.index + 1} of ${policyName(policy.ref)}`;
            const whose = () => {
              const pods = membersOf(classes);
              return ingress
                ? `the pods it applies to (${plural(pods.length, 'pod')})`
                : `the pods it allows connecting to (${describePods(a, pods, 3)})`;
            };
            const text = checkRule(a, pieces, classes, what, whose, !ingress && clusterDns(a).assumed);
            if (text) report(text, rule.span);
          }
    for (const set of a.cluster.intents)
      for (const intent of set.intents) {
        const numeric = (intent.ports ?? []).filter((p) => typeof p.port?.value === 'number');
        if (numeric.length === 0) continue;
        const to = selectIntentEndpoint(a, intent.to);
        if (to.problem) continue;
        const pods = to.parties.flatMap((p) => (p.index !== undefined && p.endpoint.kind === 'pod' ? [p.index] : []));
        if (pods.length === 0) continue;
        for (const p of numeric) {
          const from = p.port!.value as number;
          const piece = { protocol: p.protocol, from, to: p.endPort?.value ?? from };
          const declared = podPorts(a, pods);
          const missing = undeclared(declared, [piece]);
          if (missing?.length)
            report(
              message(
                `Intent "${intent.name.value}"`,
                missing,
                `its destination (${describePods(a, pods, 3)})`,
                declared,
              ),
              p.port!.span,
            );
        }
      }
  },
};
