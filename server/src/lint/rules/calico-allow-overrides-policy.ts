/**
 * calico-allow-overrides-policy: a Calico Allow rule (GlobalNetworkPolicy, or a Calico
 * NetworkPolicy in an earlier tier or with a lower order) that decides connections the
 * namespace's own Kubernetes NetworkPolicies would deny. Decided with the engine, per endpoint
 * class pair and port piece: the direction's deciding step is the Calico Allow, and evaluating the
 * subject's Kubernetes NetworkPolicies alone (in their tier, with its default action) denies.
 * One warning per Calico rule and namespace, on the rule, with the pairs it opens (counts first)
 * and the namespace's policies as related locations.
 */
import type { FindingSink } from '../../common/finding-sink';
import type { IpFamily } from '../../common/ip';
import type { RuleId } from '../../common/rule-registry';
import { plural, quoteList } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { EVERY_PORT, probePorts } from '../../engine/connections';
import { type Applicable, applicablePolicies, conditionMatches, decide, type Packet } from '../../engine/evaluate';
import type { Protocol } from '../../model/kubernetes';
import {
  type CompiledPolicy,
  type CompiledRule,
  type Direction,
  type PolicyRef,
  type PolicySet,
  policyName,
} from '../../policy/rule-model';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'calico-allow-overrides-policy';

export const calicoAllowOverridesPolicy: LintRule = { id: ID, check };

const isCalico = (ref: PolicyRef) => ref.group === 'projectcalico.org';
const isTeamPolicy = (ref: PolicyRef) => ref.kind === 'NetworkPolicy' && ref.group === undefined;

interface Override {
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
  readonly tier: string;
  readonly namespace: string;
  readonly team: CompiledPolicy[];
  /** `<source class id>|<destination class id>` of the pairs it opens. */
  readonly classPairs: Set<string>;
  /** `protocol/port` of each piece's first port -> its last port. */
  readonly ports: Map<string, { protocol: Protocol; from: number; to: number }>;
  /** The Calico policy is in the same tier as the namespace's policies, after them. */
  later: boolean;
}

/** Only the subject's own Kubernetes NetworkPolicies, in their tier: what the team's policy says alone. */
function teamOnly(app: Applicable): Applicable {
  return {
    tiers: app.tiers
      .map((t) => ({ index: t.index, policies: t.policies.filter((p) => isTeamPolicy(p.ref)) }))
      .filter((t) => t.policies.length > 0),
  };
}

function commonFamily(s: EndpointClass, d: EndpointClass): IpFamily | undefined {
  if (s.families.includes(4) && d.families.includes(4)) return 4;
  if (s.families.includes(6) && d.families.includes(6)) return 6;
  return undefined;
}

interface Piece {
  readonly protocol: Protocol;
  readonly port: number;
  readonly last: number;
}

/** Every (protocol, port range) piece where no rule's answer changes inside, probed at its first port. */
function portPieces(a: Analysis): Piece[] {
  const out: Piece[] = [];
  for (const probe of EVERY_PORT) {
    const ports = probePorts(a, probe);
    ports.forEach((port, i) => {
      out.push({ protocol: probe.protocol, port, last: i + 1 < ports.length ? ports[i + 1] - 1 : probe.to });
    });
  }
  return out;
}

/** `TCP/5432`, `every UDP port`, `TCP/1-79`: adjacent pieces merged. */
function portLabels(pieces: Iterable<{ protocol: Protocol; from: number; to: number }>): string[] {
  const merged: { protocol: Protocol; from: number; to: number }[] = [];
  const rank = (p: Protocol) => EVERY_PORT.findIndex((x) => x.protocol === p);
  const sorted = [...pieces].sort((x, y) => rank(x.protocol) - rank(y.protocol) || x.from - y.from);
  for (const p of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.protocol === p.protocol && last.to + 1 >= p.from) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged.map((p) =>
    p.from === 1 && p.to === 65535
      ? `every ${p.protocol} port`
      : p.from === p.to
        ? `${p.protocol}/${p.from}`
        : `${p.protocol}/${p.from}-${p.to}`,
  );
}

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  const set = a.policies;
  const hasCalicoAllow = set.tiers.some((t) =>
    t.policies.some(
      (p) => isCalico(p.ref) && [...(p.ingress ?? []), ...(p.egress ?? [])].some((r) => r.action === 'Allow'),
    ),
  );
  if (!hasCalicoAllow) return;
  const pods = a.engine.classes.filter((c) => c.kind === 'pod');
  const pieces = portPieces(a);
  const found = new Map<string, Override>();
  for (const direction of ['ingress', 'egress'] as Direction[]) {
    for (const subject of pods) {
      const app = applicablePolicies(set, subject.values, direction);
      const team = teamOnly(app);
      if (team.tiers.length === 0) continue;
      if (!app.tiers.some((t) => t.policies.some((p) => isCalico(p.ref)))) continue;
      const namespace = a.endpoints[subject.members[0]].namespace ?? '';
      for (const peer of pods) {
        const [src, dst] = direction === 'ingress' ? [peer, subject] : [subject, peer];
        const family = commonFamily(src, dst);
        if (family === undefined) continue;
        const s = src.members[0];
        const d = src === dst ? src.members[1] : dst.members[0];
        if (d === undefined) continue;
        for (const piece of pieces) {
          const packet: Packet = {
            protocol: piece.protocol,
            port: piece.port,
            family,
            src: src.values,
            dst: dst.values,
          };
          if (decide(set, team, direction, packet)) continue;
          if (!a.engine.allowed(s, d, piece.protocol, piece.port)) continue;
          const step = decidingAllow(set, app, direction, packet);
          if (!step || !isCalico(step.policy.ref)) continue;
          const { policy, rule } = step;
          const key = `${policyName(policy.ref)}|${direction}|${rule.index}|${namespace}`;
          let o = found.get(key);
          if (!o) {
            o = {
              policy,
              rule,
              tier: set.tiers[step.tier].name,
              namespace,
              team: [],
              classPairs: new Set(),
              ports: new Map(),
              later: false,
            };
            found.set(key, o);
          }
          for (const p of team.tiers.flatMap((t) => t.policies)) if (!o.team.includes(p)) o.team.push(p);
          o.classPairs.add(`${src.id}|${dst.id}`);
          o.ports.set(`${piece.protocol}/${piece.port}`, {
            protocol: piece.protocol,
            from: piece.port,
            to: piece.last,
          });
          if (team.tiers.some((t) => t.index === step.tier && t.policies.some((p) => p.order <= policy.order)))
            o.later = true;
        }
      }
    }
  }
  for (const o of found.values()) report(a, o, sink);
}

/** The Allow rule that decides the direction, if an Allow decides it: `decide`, remembering the rule. */
function decidingAllow(
  set: PolicySet,
  app: Applicable,
  direction: Direction,
  packet: Packet,
): { policy: CompiledPolicy; rule: CompiledRule; tier: number } | undefined {
  tiers: for (const t of app.tiers) {
    for (const policy of t.policies) {
      for (const rule of policy[direction]!) {
        if (!conditionMatches(rule.condition, packet)) continue;
        if (rule.action === 'Allow') return { policy, rule, tier: t.index };
        if (rule.action === 'Deny') return undefined;
        if (rule.action === 'Pass') continue tiers;
      }
    }
    if (set.tiers[t.index].defaultAction === 'Deny') return undefined;
  }
  return undefined;
}

/** Pod pairs of the class pairs, self pairs left out: the count, and the first few names. */
function podPairs(a: Analysis, o: Override): { count: number; names: string[] } {
  let count = 0;
  const names: string[] = [];
  for (const key of o.classPairs) {
    const [s, d] = key.split('|').map((x) => a.engine.classes[Number(x)]);
    count += s.members.length * d.members.length - (s === d ? s.members.length : 0);
    for (const i of s.members)
      for (const j of d.members) {
        if (names.length >= 50) break;
        if (i !== j) names.push(`${a.endpoints[i].id} → ${a.endpoints[j].id}`);
      }
  }
  return { count, names: names.sort() };
}

function report(a: Analysis, o: Override, sink: FindingSink): void {
  const dir = o.rule.direction;
  const pairs = podPairs(a, o);
  const ports = portLabels(o.ports.values());
  const team = o.team.map((p) => policyName(p.ref)).sort();
  const side = dir === 'ingress' ? 'to' : 'from';
  sink.report(
    ID,
    'warning',
    `Rule ${dir}[${o.rule.index}] of ${policyName(o.policy.ref)} (tier ${o.tier}, order ${o.policy.order}) allows ${plural(pairs.count, 'pod pair')} on ${quoteList(ports, 4)} that the NetworkPolicies of namespace ${o.namespace} deny (${quoteList(team, 3)}): ${pairs.names.slice(0, 3).join(', ')}${pairs.count > 3 ? ' and more' : ''}. ${
      o.later
        ? `The namespace's policies do not admit these connections, but in Calico a policy whose rules do not match leaves the decision to the next policy of its tier, and this rule decides before the tier's default Deny.`
        : `Calico decides ${dir} ${side} these pods before the namespace's policies are reached.`
    } Narrow the rule, or make it Pass so that the namespace's policies decide, or admit the connections in the namespace's policies if they are intended.`,
    o.rule.span,
    {
      related: o.team.map((p) => ({
        span: p.ref.span,
        message: `${policyName(p.ref)} isolates these pods for ${dir} and does not admit the connections`,
      })),
    },
  );
}
