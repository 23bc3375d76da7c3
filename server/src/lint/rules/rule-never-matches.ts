/**
 * rule-never-matches: a policy rule that can never match a connection.
 *
 * - Its packet conditions exclude each other: `ports` and `notPorts` that
 *   leave no port, `protocol` and `notProtocol` alike, a source port list
 *   that misses the ephemeral ports clients connect from.
 * - It admits only protocols no destination serves: an ingress rule for UDP
 *   on pods whose containers declare only TCP ports, or an egress rule to
 *   such pods (only when every destination declares its ports, and the rule
 *   reaches no outside address).
 *
 * Named ports no pod declares are named-port-undeclared's finding, and
 * selectors that match nothing selector-matches-nothing's: this rule leaves
 * rules with named ports alone. Findings are tagged `unnecessary` (editors
 * fade the rule out).
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { plural, quoteList } from '../../common/text';
import { ruleAdmission } from '../../engine/admission';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { allMatch, type ScratchPacket } from '../../engine/evaluate';
import { PROTOCOLS, type Protocol } from '../../model/kubernetes';
import { type CompiledPolicy, type CompiledRule, type Condition, policyName } from '../../policy/rule-model';
import type { LintContext, LintRule } from '../lint-rule';
import { memoized } from '../../common/memo';
import { AnswerRow } from '../../engine/answer-row';

const ID: RuleId = 'rule-never-matches';

export const ruleNeverMatches: LintRule = { id: ID, scope: 'policy', check };

function check({ analysis: a, tiers }: LintContext, sink: FindingSink): void {
  for (const tier of tiers)
    for (const policy of tier.policies)
      for (const rule of rulesOf(policy)) {
        if (leftAlone(rule.condition)) continue;
        // Worded only for a finding: most rules have none.
        const where = () =>
          `${rule.direction[0].toUpperCase()}${rule.direction.slice(1)} rule ${rule.index + 1} of ${policyName(policy.ref)}`;
        if (!packetSatisfiable(rule.condition)) {
          sink.report(
            ID,
            'warning',
            `${where()} can never match: its protocol and port conditions exclude each other (${rule.summary}), so no connection meets them.`,
            rule.span,
            { tags: ['unnecessary'] },
          );
          continue;
        }
        const unserved = unservedProtocols(a, policy, rule);
        if (unserved)
          sink.report(ID, 'warning', `${where()} can never match: ${unserved}`, rule.span, { tags: ['unnecessary'] });
      }
}

const NO_RULES: readonly CompiledRule[] = [];

/** A policy's ingress rules, then its egress rules (one of the two lists as it is when the other is empty). */
function rulesOf(policy: CompiledPolicy): readonly CompiledRule[] {
  const ingress = policy.ingress ?? NO_RULES;
  const egress = policy.egress ?? NO_RULES;
  return egress.length === 0 ? ingress : ingress.length === 0 ? egress : [...ingress, ...egress];
}

/**
 * Rules this rule leaves to others or cannot probe: named ports (named-port-undeclared's), and
 * protocol conditions about ICMP and the like, which the port probes (TCP, UDP, SCTP) do not see.
 */
function leftAlone(c: Condition): boolean {
  switch (c.type) {
    case 'all':
    case 'any':
      for (const x of c.of) if (leftAlone(x)) return true;
      return false;
    case 'ports':
      return c.named.length > 0;
    case 'protocol':
      if (c.negate) return false;
      for (const p of c.protocols) if (!PROTOCOLS.includes(p as Protocol)) return true;
      return false;
  }
  return false;
}

/** Reads only the packet (protocol and port numbers), not the endpoints. */
function packetOnly(c: Condition): boolean {
  if (c.type === 'all' || c.type === 'any') {
    for (const x of c.of) if (!packetOnly(x)) return false;
    return true;
  }
  return c.type === 'protocol' || c.type === 'ports';
}

/** Adds the edges of `c`'s port ranges (the first port and the one after the last) to `out`. */
function addEdges(c: Condition, out: number[]): void {
  if (c.type === 'all' || c.type === 'any') for (const x of c.of) addEdges(x, out);
  else if (c.type === 'ports') for (const [lo, hi] of c.ranges) out.push(lo, hi + 1);
}

/** One packet for every probe (conditionMatches only reads it; packet-only parts read no endpoint). */
const probe: ScratchPacket = {
  protocol: 'TCP',
  port: 1,
  family: 4,
  src: AnswerRow.NONE,
  dst: AnswerRow.NONE,
};

/** Whether the packet-only parts of the condition hold for some protocol and port. */
function packetSatisfiable(c: Condition): boolean {
  const top = c.type === 'all' ? c.of : [c];
  const parts: Condition[] = [];
  for (const x of top) if (packetOnly(x)) parts.push(x);
  if (parts.length === 0) return true;
  const cuts = [1, 65536];
  for (const x of parts) addEdges(x, cuts);
  cuts.sort((x, y) => x - y);
  for (const protocol of PROTOCOLS) {
    probe.protocol = protocol;
    let last = 0;
    for (const port of cuts) {
      if (port === last || port < 1 || port > 65535) continue;
      last = port;
      probe.port = port;
      if (allMatch(parts, probe)) return true;
    }
  }
  return false;
}

/** Why the rule reaches no destination that serves one of its protocols, or undefined when it may. */
function unservedProtocols(a: Analysis, policy: CompiledPolicy, rule: CompiledRule): string | undefined {
  const adm = ruleAdmission(a, policy, rule);
  const protocols = adm.ports.map((p) => p.protocol);
  if (protocols.length === 0 || protocols.length === PROTOCOLS.length) return undefined;
  const classes = rule.direction === 'ingress' ? adm.subjectClasses : adm.peerClasses;
  if (rule.direction === 'egress' && adm.externalClasses.length > 0) return undefined;
  if (classes.length === 0 || classes.some((c) => c.kind !== 'pod')) return undefined;
  const declared = new Set<string>();
  let pods = 0;
  for (const c of classes) {
    const served = servedBy(a, c);
    // A pod that declares no port may serve anything: nothing to conclude.
    if (served.portless) return undefined;
    for (const p of served.protocols) declared.add(p);
    pods += c.members.length;
  }
  if (protocols.some((p) => declared.has(p))) return undefined;
  const served = [...declared].sort();
  return `it admits only ${quoteList(protocols)}, and none of the ${plural(pods, 'pod')} it ${rule.direction === 'ingress' ? 'applies to' : 'reaches'} declares a ${quoteList(protocols)} port (they serve ${quoteList(served)}).`;
}

const servedByClass = new WeakMap<EndpointClass, { portless: boolean; protocols: readonly string[] }>();

/** The protocols a class's pods declare ports for, and whether one of them declares none. */
function servedBy(a: Analysis, c: EndpointClass): { portless: boolean; protocols: readonly string[] } {
  return memoized(servedByClass, c, () => {
    const protocols = new Set<string>();
    let portless = false;
    for (const i of c.members) {
      const ports = a.endpoints[i].pod?.spec.ports ?? [];
      if (ports.length === 0) portless = true;
      for (const p of ports) protocols.add(p.protocol);
    }
    return { portless, protocols: [...protocols] };
  });
}
