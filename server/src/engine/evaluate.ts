/**
 * Evaluating the tiered rule model for one direction, Calico's way: tiers in
 * order, only tiers with a policy that applies to the endpoint in that
 * direction; inside a tier, policies in order and rules in order; Allow and
 * Deny are final, Pass jumps to the next tier, Log goes on; a tier that ends
 * without a decision applies its default action (Deny, or Pass); after the last
 * tier the namespace profile allows.
 */
import type { IpFamily } from '../common/ip';
import type { Protocol } from '../model/kubernetes';
import { type AtomValue, netsValueHas } from '../policy/atoms';
import {
  type CompiledPolicy,
  type CompiledRule,
  type Condition,
  type Direction,
  isClusterPolicy,
  type PolicySet,
} from '../policy/rule-model';
import type { AnswerRow } from './answer-row';
import type { DirectionVerdict, Step } from './verdict';

/** A connection as policy sees it: protocol, destination port, family, and each side's atom answers. */
export interface Packet {
  readonly protocol: Protocol;
  readonly port: number;
  readonly family: IpFamily;
  readonly src: AnswerRow;
  readonly dst: AnswerRow;
}

/** A packet whose fields a computation sets probe by probe (conditionMatches only reads them). */
export type ScratchPacket = { -readonly [K in keyof Packet]: Packet[K] };

/**
 * The packet between a rule's subject and a peer: from the peer into the subject for ingress,
 * from the subject out to the peer for egress.
 */
export function directedPacket(
  direction: Direction,
  protocol: Protocol,
  port: number,
  family: IpFamily,
  subject: AnswerRow,
  peer: AnswerRow,
): Packet {
  return direction === 'ingress'
    ? { protocol, port, family, src: peer, dst: subject }
    : { protocol, port, family, src: subject, dst: peer };
}

/** The source port of a connection is the client's choice from Linux's ephemeral range. */
export const EPHEMERAL_PORTS = [32768, 60999] as const;

/**
 * A source-port condition holds only if it holds for every ephemeral port:
 * `ports` must cover the whole range, `notPorts` must avoid it entirely.
 */
function sourcePortsMatch(ranges: readonly (readonly [number, number])[], negate: boolean): boolean {
  const [lo, hi] = EPHEMERAL_PORTS;
  if (negate) return !ranges.some(([a, b]) => b >= lo && a <= hi);
  let next = lo;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) if (a <= next && b >= next) next = b + 1;
  return next > hi;
}

/** The packet's `PROTOCOL/port`, as named-port answers list ports; the last one is kept (a matrix asks one port). */
let lastPortKey = { protocol: '', port: -1, key: '' };
function portKeyOf(p: Packet): string {
  if (lastPortKey.port !== p.port || lastPortKey.protocol !== p.protocol)
    lastPortKey = { protocol: p.protocol, port: p.port, key: `${p.protocol}/${p.port}` };
  return lastPortKey.key;
}

/** Whether the comma-separated `list` has the entry `item` (split(',').includes(item) without the array). */
export function commaListHas(list: string, item: string): boolean {
  let from = 0;
  for (;;) {
    const at = list.indexOf(item, from);
    if (at < 0) return false;
    const end = at + item.length;
    if ((at === 0 || list.charCodeAt(at - 1) === 44) && (end === list.length || list.charCodeAt(end) === 44))
      return true;
    from = at + 1;
  }
}

export function conditionMatches(c: Condition, p: Packet): boolean {
  switch (c.type) {
    case 'all':
      for (const x of c.of) if (!conditionMatches(x, p)) return false;
      return true;
    case 'any':
      for (const x of c.of) if (conditionMatches(x, p)) return true;
      return false;
    case 'protocol':
      return c.protocols.includes(p.protocol) !== c.negate;
    case 'endpoint':
      return ((c.side === 'source' ? p.src : p.dst).get(c.atom) === true) !== c.negate;
    case 'nets':
      return netsValueHas((c.side === 'source' ? p.src : p.dst).get(c.atom), p.family) !== c.negate;
    case 'ports': {
      if (c.side === 'source') return sourcePortsMatch(c.ranges, c.negate);
      let hit = false;
      for (const [lo, hi] of c.ranges) if (p.port >= lo && p.port <= hi) hit = true;
      if (!hit && c.named.length) {
        const key = portKeyOf(p);
        for (const atom of c.named) {
          const v = p.dst.get(atom);
          if (typeof v === 'string' && commaListHas(v, key)) hit = true;
        }
      }
      return hit !== c.negate;
    }
  }
}

/** Whether every one of `conditions` holds for the packet (a rule's parts, probe by probe). */
export function allMatch(conditions: readonly Condition[], p: Packet): boolean {
  for (const c of conditions) if (!conditionMatches(c, p)) return false;
  return true;
}

/** The policies of each tier that apply to an endpoint, per direction (precomputed per endpoint class). */
export interface Applicable {
  readonly tiers: readonly { readonly index: number; readonly policies: readonly CompiledPolicy[] }[];
}

export function applicablePolicies(set: PolicySet, subject: AnswerRow, direction: Direction): Applicable {
  const tiers: { index: number; policies: CompiledPolicy[] }[] = [];
  set.tiers.forEach((tier, index) => {
    const policies = tier.policies.filter((p) => p[direction] !== undefined && subject.get(p.subject) === true);
    if (policies.length) tiers.push({ index, policies });
  });
  return { tiers };
}

/**
 * applicablePolicies for every class at once, without asking every class about every policy:
 * a policy applies only to the classes whose answer to its subject atom is true, and when that
 * is not the atom's usual answer they are among `unusualClasses(subject)`.
 */
export function applicableToClasses(
  set: PolicySet,
  classes: readonly { readonly values: AnswerRow }[],
  usual: (atomId: number) => AtomValue,
  unusualClasses: (atomId: number) => readonly number[],
  direction: Direction,
): Applicable[] {
  const tiers: { index: number; policies: CompiledPolicy[] }[][] = classes.map(() => []);
  for (let index = 0; index < set.tiers.length; index++) {
    for (const p of set.tiers[index].policies) {
      if (p[direction] === undefined) continue;
      const subject = p.subject;
      const every = usual(subject) === true;
      const listed = every ? undefined : unusualClasses(subject);
      const count = listed ? listed.length : classes.length;
      for (let k = 0; k < count; k++) {
        const c = listed ? listed[k] : k;
        if (classes[c].values.get(subject) !== true) continue;
        const list = tiers[c];
        const last = list[list.length - 1];
        if (last?.index === index) last.policies.push(p);
        else list.push({ index, policies: [p] });
      }
    }
  }
  return tiers.map((t) => ({ tiers: t }));
}

/**
 * The policies that apply to a pod's traffic to its own IP: all but ClusterNetworkPolicy (and
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy), which the network-policy-api exempts it from.
 * A tier left without policies is skipped entirely, default action included.
 */
export function withoutClusterPolicies(app: Applicable): Applicable {
  if (!app.tiers.some((t) => t.policies.some((p) => isClusterPolicy(p.ref)))) return app;
  const tiers = app.tiers
    .map((t) => ({ index: t.index, policies: t.policies.filter((p) => !isClusterPolicy(p.ref)) }))
    .filter((t) => t.policies.length > 0);
  return { tiers };
}

/** The rule that decided a direction, with the index of its tier in the PolicySet. */
export interface DecidingRule {
  readonly tier: number;
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
}

/** Allowed or not, without building an explanation: the matrix's inner loop. */
export function decide(set: PolicySet, app: Applicable, direction: Direction, packet: Packet): boolean {
  return walkTiers(set, app, direction, packet, undefined);
}

/**
 * The same decision, and the Allow or Deny rule that made it (`by` is undefined when a tier's
 * default Deny or, every tier passing, the profile decided).
 */
export function decision(
  set: PolicySet,
  app: Applicable,
  direction: Direction,
  packet: Packet,
): { readonly allowed: boolean; readonly by?: DecidingRule } {
  const found: { by?: DecidingRule } = {};
  const allowed = walkTiers(set, app, direction, packet, found);
  return { allowed, by: found.by };
}

/** The one tier walk `decide` and `decision` share; records the deciding rule in `found` when given. */
function walkTiers(
  set: PolicySet,
  app: Applicable,
  direction: Direction,
  packet: Packet,
  found: { by?: DecidingRule } | undefined,
): boolean {
  tiers: for (const t of app.tiers) {
    for (const policy of t.policies) {
      for (const rule of policy[direction]!) {
        if (!conditionMatches(rule.condition, packet)) continue;
        if (rule.action === 'Log') continue;
        if (rule.action === 'Pass') continue tiers;
        if (found) found.by = { tier: t.index, policy, rule };
        return rule.action === 'Allow';
      }
    }
    if (set.tiers[t.index].defaultAction === 'Deny') return false;
  }
  return true;
}

/**
 * The same decision, with every step recorded: rules that matched, tiers that
 * ended without a decision, tiers skipped because none of their policies
 * applies to the endpoint, and the profile when every tier passed.
 * `profile` names the endpoint's namespace profile (`kns.<namespace>`); `selfTraffic` says the
 * packet is a pod's traffic to its own IP and `app` had cluster policies taken out of it.
 */
export function explainDirection(
  set: PolicySet,
  app: Applicable,
  direction: Direction,
  packet: Packet,
  profile = 'the namespace profile',
  selfTraffic = false,
): DirectionVerdict {
  const steps: Step[] = [];
  const policies = app.tiers.flatMap((t) =>
    t.policies.map((p) => ({ ref: p.ref, tier: p.tier, order: p.order, notes: p.notes })),
  );
  const done = (allowed: boolean, reason: DirectionVerdict['reason']): DirectionVerdict => ({
    direction,
    allowed,
    reason,
    steps,
    policies,
  });
  if (app.tiers.length === 0) return done(true, selfTraffic ? 'own-ip' : 'no-policy');
  const applicable = new Map(app.tiers.map((t) => [t.index, t]));
  tiers: for (let index = 0; index < set.tiers.length; index++) {
    const tier = set.tiers[index];
    const t = applicable.get(index);
    if (!t) {
      const directed = tier.policies.filter((p) => p[direction] !== undefined);
      if (directed.length) {
        const exempt = selfTraffic && directed.some((p) => isClusterPolicy(p.ref));
        steps.push({
          tier: tier.name,
          direction,
          action: 'SkipTier',
          detail: exempt
            ? `skipped: a pod's traffic to its own IP is not subject to ClusterNetworkPolicy, and no other policy of the tier applies to this endpoint for ${direction}`
            : `skipped: none of its policies applies to this endpoint for ${direction}`,
        });
      }
      continue;
    }
    for (const policy of t.policies) {
      for (const rule of policy[direction]!) {
        if (!conditionMatches(rule.condition, packet)) continue;
        steps.push({
          tier: tier.name,
          policy: policy.ref,
          order: policy.order,
          direction,
          ruleIndex: rule.index,
          action: rule.action,
          detail: rule.summary,
        });
        if (rule.action === 'Allow') return done(true, 'rule');
        if (rule.action === 'Deny') return done(false, 'rule');
        if (rule.action === 'Pass') continue tiers;
      }
    }
    const names = t.policies.map((p) => p.ref.name).join(', ');
    steps.push({
      tier: tier.name,
      direction,
      action: 'EndOfTier',
      detail: `no rule of ${names} matched; the tier's default action is ${tier.defaultAction}`,
    });
    if (tier.defaultAction === 'Deny') return done(false, 'end-of-tier');
  }
  steps.push({
    tier: '',
    direction,
    action: 'Profile',
    detail: `${profile} allows: every tier that applies passed the traffic on`,
  });
  return done(true, 'profile');
}
