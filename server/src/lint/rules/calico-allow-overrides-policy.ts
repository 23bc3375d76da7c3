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
import { type Applicable, applicablePolicies, decide, explainDirection, type Packet } from '../../engine/evaluate';
import type { Protocol } from '../../model/kubernetes';
import {
  type CompiledPolicy,
  type CompiledRule,
  type Direction,
  type PolicyRef,
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
  readonly pairs: Set<string>;
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
          if (decide(set, team, direction, packet) || !decide(set, app, direction, packet)) continue;
          if (!a.engine.allowed(s, d, piece.protocol, piece.port)) continue;
          const verdict = explainDirection(set, app, direction, packet);
          const step = verdict.steps[verdict.steps.length - 1];
          if (step?.action !== 'Allow' || !step.policy || !isCalico(step.policy)) continue;
          const policy = app.tiers.flatMap((t) => t.policies).find((p) => p.ref === step.policy);
          const rule = policy?.[direction]?.[step.ruleIndex ?? -1];
          if (!policy || !rule) continue;
          const key = `${policyName(policy.ref)}|${direction}|${rule.index}|${namespace}`;
          let o = found.get(key);
          if (!o) {
            o = {
              policy,
              rule,
              tier: step.tier,
              namespace,
              team: [],
              pairs: new Set(),
              ports: new Map(),
              later: false,
            };
            found.set(key, o);
          }
          for (const p of team.tiers.flatMap((t) => t.policies)) if (!o.team.includes(p)) o.team.push(p);
          o.ports.set(`${piece.protocol}/${piece.port}`, {
            protocol: piece.protocol,
            from: piece.port,
            to: piece.last,
          });
          if (
            team.tiers.some(
              (t) => set.tiers[t.index].name === step.tier && t.policies.some((p) => p.order <= policy.order),
            )
          )
            o.later = true;
          for (const i of src.members)
            for (const j of dst.members) if (i !== j) o.pairs.add(`${a.endpoints[i].id} → ${a.endpoints[j].id}`);
        }
      }
    }
  }
  for (const o of found.values()) report(o, sink);
}

function report(o: Override, sink: FindingSink): void {
  const dir = o.rule.direction;
  const pairs = [...o.pairs].sort();
  const ports = portLabels(o.ports.values());
  const team = o.team.map((p) => policyName(p.ref)).sort();
  const side = dir === 'ingress' ? 'to' : 'from';
  sink.report(
    ID,
    'warning',
    `Rule ${dir}[${o.rule.index}] of ${policyName(o.policy.ref)} (tier ${o.tier}, order ${o.policy.order}) allows ${plural(pairs.length, 'pod pair')} on ${quoteList(ports, 4)} that the NetworkPolicies of namespace ${o.namespace} deny (${quoteList(team, 3)}): ${quoteList(pairs, 3)}. ${
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
