/**
 * calico-allow-overrides-policy: a Calico Allow rule (GlobalNetworkPolicy, or a Calico
 * NetworkPolicy in an earlier tier or with a lower order) that decides connections the
 * namespace's own Kubernetes NetworkPolicies would deny. Decided with the engine, per endpoint
 * class pair and port piece: the direction's deciding rule is the Calico Allow, and evaluating the
 * subject's Kubernetes NetworkPolicies alone (in their tier, with its default action) denies. Each
 * subject's direction is decided once per group of peers its rules cannot tell apart and once per
 * interval between its rules' port cuts; only the opened pieces ask the engine about each pair.
 * The peers are pods and the outside world's address classes (the internet, private ranges, the
 * metadata address). One warning per Calico rule and namespace, on the rule, with the pairs it
 * opens (counts first) and the namespace's policies as related locations. The fix: for a rule in an
 * earlier tier, make it Pass (the next tier's policies, the namespace's, decide); for one in the
 * namespace's own tier (where a Pass would skip the namespace's policies too), leave the
 * namespace's pods out of the rule with a `notSelector` on their side.
 */
import type { Fix, TextEdit } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import type { IpFamily } from '../../common/ip';
import type { RuleId } from '../../common/rule-registry';
import { type Span, span } from '../../common/source';
import { plural, quoteList } from '../../common/text';
import { classIndex } from '../../engine/admission';
import { type ExternalClass, externalClasses } from '../../engine/address-classes';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { EVERY_PORT, probePorts } from '../../engine/connections';
import { describeExternal, describePods } from '../../engine/describe';
import {
  type Applicable,
  conditionMatches,
  type DecidingRule,
  decide,
  decision,
  type ScratchPacket,
} from '../../engine/evaluate';
import { sideAtoms } from '../../engine/peer-groups';
import { addPortCuts } from '../../engine/port-cuts';
import type { CalicoPolicy, CalicoRule, EntityRule } from '../../model/calico/calico-resources';
import type { Protocol } from '../../model/kubernetes';
import {
  type CompiledPolicy,
  type CompiledRule,
  type Condition,
  type Direction,
  type PolicyRef,
  policyName,
} from '../../policy/rule-model';
import { insertKeysBefore, replaceScalar } from '../edits';
import type { LintContext, LintRule } from '../lint-rule';
import { memoized } from '../../common/memo';
import { commonFamily } from '../../policy/endpoint';

const ID: RuleId = 'calico-allow-overrides-policy';

export const calicoAllowOverridesPolicy: LintRule = { id: ID, check };

const isCalico = (ref: PolicyRef) => ref.group === 'projectcalico.org';
const isAllow = (r: CompiledRule) => r.action === 'Allow';
const isTeamPolicy = (ref: PolicyRef) => ref.kind === 'NetworkPolicy' && ref.group === undefined;

export interface Override {
  readonly policy: CompiledPolicy;
  readonly rule: CompiledRule;
  readonly tier: string;
  readonly namespace: string;
  readonly team: CompiledPolicy[];
  /** `<source class id>|<destination class id>` of the pod pairs it opens. */
  readonly classPairs: Set<string>;
  /** Outside address classes it opens to (ingress: from; egress: to) the namespace's pod classes in `outsidePods`. */
  readonly outside: Set<ExternalClass>;
  readonly outsidePods: Set<EndpointClass>;
  /** `protocol/port` of each piece's first port -> its last port. */
  readonly ports: Map<string, { protocol: Protocol; from: number; to: number }>;
  /** The Calico policy is in the same tier as the namespace's policies, after them. */
  later: boolean;
  /** The Calico policy's tier comes before every tier of the namespace's policies. */
  earlier: boolean;
}

/** Only the subject's own Kubernetes NetworkPolicies, in their tier: what the team's policy says alone. */
function teamOnly(app: Applicable): Applicable {
  return {
    tiers: app.tiers
      .map((t) => ({ index: t.index, policies: t.policies.filter((p) => isTeamPolicy(p.ref)) }))
      .filter((t) => t.policies.length > 0),
  };
}

type Party = EndpointClass | ExternalClass;

const isExternal = (c: Party): c is ExternalClass => !('members' in c);
const familiesOf = (c: Party): readonly IpFamily[] => (isExternal(c) ? [c.family] : c.families);

function partiesFamily(s: Party, d: Party): IpFamily | undefined {
  // commonFamily without a one-family array for an outside class (asked per subject and outside class).
  if (isExternal(s)) return familiesOf(d).includes(s.family) ? s.family : undefined;
  if (isExternal(d)) return s.families.includes(d.family) ? d.family : undefined;
  return commonFamily(s.families, d.families);
}

interface Piece {
  readonly protocol: Protocol;
  readonly port: number;
  readonly last: number;
}

/** Each protocol's place in EVERY_PORT, the order of the pieces and of a walk's openings. */
const PROTOCOL_RANK = new Map<Protocol, number>(EVERY_PORT.map((p, i) => [p.protocol, i]));

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

/** The cuts that are ports (1..65535), in order. */
function portsOf(cuts: ReadonlySet<number>): number[] {
  return [...cuts].filter((n) => n >= 1 && n <= 65535).sort((x, y) => x - y);
}

/** Whether a condition names ports (their numbers come from the destination's answers). */
function namesPorts(c: Condition): boolean {
  if (c.type === 'all' || c.type === 'any') return c.of.some(namesPorts);
  return c.type === 'ports' && c.named.length > 0;
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
  for (const o of findOverrides(a)) report(a, o, sink);
}

/**
 * Every Calico Allow rule that decides connections a namespace's own policies deny, per rule and
 * namespace, in the order a walk over subjects, peers and pieces meets them (exported for the
 * test that compares it with deciding every class pair on every piece).
 */
export function findOverrides(a: Analysis): Override[] {
  const set = a.policies;
  const hasCalicoAllow = set.tiers.some((t) =>
    t.policies.some((p) => isCalico(p.ref) && [...(p.ingress ?? []), ...(p.egress ?? [])].some(isAllow)),
  );
  if (!hasCalicoAllow) return [];
  const index = classIndex(a);
  const pods = index.pods;
  const outside = externalClasses(a);
  let pieceList: Piece[] | undefined;
  const pieces = () => {
    pieceList ??= portPieces(a);
    return pieceList;
  };
  const found = new Map<string, Override>();
  for (const direction of ['ingress', 'egress'] as Direction[]) {
    // Each Calico policy's Allow rules in the direction, found once (not per subject it applies to).
    const allowsOf = new Map<CompiledPolicy, CompiledRule[]>();
    for (const t of set.tiers)
      for (const p of t.policies)
        if (isCalico(p.ref)) {
          const allows = (p[direction] ?? []).filter(isAllow);
          if (allows.length > 0) allowsOf.set(p, allows);
        }
    for (const subject of pods) {
      const app = a.engine.applicable(subject.id, direction);
      // Only a Calico Allow rule can be the deciding rule this looks for: without one that applies
      // to the subject in this direction, no peer and no piece can be opened.
      if (!app.tiers.some((t) => t.policies.some((p) => allowsOf.has(p)))) continue;
      const team = teamOnly(app);
      if (team.tiers.length === 0) continue;
      const teamPolicies: CompiledPolicy[] = [];
      for (const t of team.tiers) for (const p of t.policies) teamPolicies.push(p);
      const namespace = a.endpoints[subject.members[0]].namespace ?? '';
      const pairOf = (peer: Party): [Party, Party] => (direction === 'ingress' ? [peer, subject] : [subject, peer]);
      const rules: CompiledRule[] = [];
      const calicoAllows: CompiledRule[] = [];
      for (const t of app.tiers)
        for (const p of t.policies) {
          for (const r of p[direction]!) rules.push(r);
          const allows = allowsOf.get(p);
          if (allows) for (const r of allows) calicoAllows.push(r);
        }
      // The direction's answer changes only at the port cuts of its own rules: decided once per
      // interval between them, and spread over the pieces inside. Named ports are read from the
      // destination: the subject's for ingress, the peer's for egress.
      const subjectCuts = new Set<number>([1]);
      const subjectAnswers = direction === 'ingress' ? [subject.values] : [];
      for (const r of rules) addPortCuts(r.condition, subjectAnswers, subjectCuts);
      const peerNamed = direction === 'egress' && rules.some((r) => namesPorts(r.condition));
      // Without named ports read on the peer, every peer is cut alike: sorted once per subject.
      const sortedSubjectCuts = portsOf(subjectCuts);
      /** The pieces on which a Calico Allow decides for the peer and the team's policies alone deny. */
      const opening = (peer: Party): Opening[] => {
        const [src, dst] = pairOf(peer);
        const family = partiesFamily(src, dst);
        if (family === undefined) return [];
        let cuts = sortedSubjectCuts;
        if (peerNamed) {
          const cutSet = new Set(subjectCuts);
          for (const r of rules) addPortCuts(r.condition, [peer.values], cutSet);
          cuts = portsOf(cutSet);
        }
        const opened: { protocol: Protocol; from: number; to: number; step: DecidingRule }[] = [];
        // One packet for every probe: the evaluator only reads it.
        const packet: ScratchPacket = {
          protocol: 'TCP',
          port: 1,
          family,
          src: src.values,
          dst: dst.values,
        };
        for (const { protocol } of EVERY_PORT)
          for (let i = 0; i < cuts.length; i++) {
            const port = cuts[i];
            packet.protocol = protocol;
            packet.port = port;
            // Only a Calico Allow that matches the packet can decide it the way looked for.
            let matched = false;
            for (const r of calicoAllows)
              if (conditionMatches(r.condition, packet)) {
                matched = true;
                break;
              }
            if (!matched) continue;
            const { allowed, by } = decision(set, app, direction, packet);
            if (!allowed || !by || !isCalico(by.policy.ref) || decide(set, team, direction, packet)) continue;
            opened.push({ protocol, from: port, to: i + 1 < cuts.length ? cuts[i + 1] - 1 : 65535, step: by });
          }
        const out: Opening[] = [];
        if (opened.length === 0) return out;
        // Both lists run in protocol order, then port order, and the opened intervals do not
        // overlap: one walk over the pieces, the interval that may hold the next one kept.
        let k = 0;
        pieces().forEach((piece, index) => {
          const rank = PROTOCOL_RANK.get(piece.protocol)!;
          while (k < opened.length) {
            const x = opened[k];
            const r = PROTOCOL_RANK.get(x.protocol)!;
            if (r < rank || (r === rank && x.to < piece.port)) k++;
            else break;
          }
          const o = opened[k];
          if (o && o.protocol === piece.protocol && o.from <= piece.port && piece.port <= o.to)
            out.push({ piece, index, step: o.step });
        });
        return out;
      };
      const hits: Hit[] = [];
      // The direction's decisions read the peer only through the atoms the applicable rules
      // name on its side: pod classes answering those alike are decided once, by a representative.
      const atoms = new Set<number>();
      for (const t of app.tiers)
        for (const p of t.policies)
          for (const r of p[direction]!)
            sideAtoms(r.condition, direction === 'ingress' ? 'source' : 'destination', atoms);
      // The class index's groups cost the lists of those atoms, not a pass over every class: the
      // pod classes answering them as usual are one group, listed only when it opens something.
      const groups = index.groups(atoms);
      const openedFor = (classes: readonly EndpointClass[], opened: readonly Opening[]): void => {
        // The connection needs the other direction too: the engine's class-pair answers.
        for (const o of opened)
          for (const peer of classes) {
            const [src, dst] = pairOf(peer) as [EndpointClass, EndpointClass];
            const d = src === dst ? src.members[1] : dst.members[0];
            if (d === undefined) continue;
            if (a.engine.allowed(src.members[0], d, o.piece.protocol, o.piece.port))
              hits.push({ ...o, src, dst, peer, at: peer.id });
          }
      };
      if (groups.usual !== undefined) {
        const opened = opening(groups.usual);
        // Listed before anything asks the index again (isUsual holds until then).
        if (opened.length > 0) openedFor(pods.filter(groups.isUsual), opened);
      }
      for (const group of groups.others) {
        // Host networks are no peers here (pod classes only).
        if (group.representative.kind !== 'pod') continue;
        const opened = opening(group.representative);
        if (opened.length > 0) openedFor(group.classes, opened);
      }
      // Outside address classes answering those atoms alike (in the same family) are decided alike too.
      const peerAtoms = [...atoms];
      const decided: { peer: ExternalClass; opened: Opening[] }[] = [];
      outside.forEach((peer, i) => {
        let opened: Opening[] | undefined;
        for (const d of decided)
          if (d.peer.family === peer.family && peerAtoms.every((x) => d.peer.values.get(x) === peer.values.get(x))) {
            opened = d.opened;
            break;
          }
        if (!opened) {
          opened = opening(peer);
          decided.push({ peer, opened });
        }
        if (opened.length === 0) return;
        const [src, dst] = pairOf(peer);
        const endpoint = (p: Party) => (isExternal(p) ? p.endpoint : a.endpoints[p.members[0]]);
        for (const o of opened)
          if (a.engine.allowedBetween(endpoint(src), endpoint(dst), o.piece.protocol, o.piece.port))
            hits.push({ ...o, src, dst, peer, at: pods.length + i });
      });
      // In the order of a walk over every peer (pod classes, then outside classes), then every
      // piece: what is recorded first (pairs named, the first rule's tier) stays the same.
      hits.sort((x, y) => x.at - y.at || x.index - y.index);
      for (const { piece, step, src, dst, peer } of hits) {
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
            outside: new Set(),
            outsidePods: new Set(),
            ports: new Map(),
            later: false,
            earlier: team.tiers.every((t) => step.tier < t.index),
          };
          found.set(key, o);
        }
        for (const p of teamPolicies) if (!o.team.includes(p)) o.team.push(p);
        if (isExternal(peer)) {
          o.outside.add(peer);
          o.outsidePods.add(subject);
        } else o.classPairs.add(`${src.id}|${dst.id}`);
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
  return [...found.values()];
}

/** A piece on which a Calico Allow decides the direction for a peer that the team's policies deny. */
interface Opening {
  readonly piece: Piece;
  /** The piece's position in portPieces. */
  readonly index: number;
  readonly step: DecidingRule;
}

interface Hit extends Opening {
  readonly src: Party;
  readonly dst: Party;
  readonly peer: Party;
  /** The peer's position in a walk over the pod classes, then the outside classes. */
  readonly at: number;
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
  const opened: string[] = [];
  if (pairs.count) opened.push(plural(pairs.count, 'pod pair'));
  if (o.outside.size) {
    const subjects = [...o.outsidePods];
    const pods = describePods(
      a,
      subjects.flatMap((c) => c.members).sort((x, y) => x - y),
    );
    const families = [...new Set(subjects.flatMap((c) => c.families))];
    const outside = describeExternal(a, [...o.outside], families);
    opened.push(
      dir === 'ingress' ? `connections from ${outside} to ${pods}` : `connections from ${pods} to ${outside}`,
    );
  }
  const examples = pairs.count ? `: ${pairs.names.slice(0, 3).join(', ')}${pairs.count > 3 ? ' and more' : ''}` : '';
  const why = o.later
    ? `The namespace's policies do not admit these connections, but in Calico a policy whose rules do not match leaves the decision to the next policy of its tier, and this rule decides before the tier's default Deny.`
    : `Calico decides ${dir} ${side} these pods before the namespace's policies are reached.`;
  const advice = o.earlier
    ? `Make the rule Pass so that the next tier's policies (the namespace's) decide, narrow it, or admit the connections in the namespace's policies if they are intended.`
    : `Narrow the rule (leave the namespace's pods out of it), or admit the connections in the namespace's policies if they are intended; a Pass would not help here: it skips the rest of tier ${o.tier}, the namespace's policies included.`;
  sink.report(
    ID,
    'warning',
    `Rule ${dir}[${o.rule.index}] of ${policyName(o.policy.ref)} (tier ${o.tier}, order ${o.policy.order}) allows ${opened.join(' and ')} on ${quoteList(ports, 4)} that the NetworkPolicies of namespace ${o.namespace} deny (${quoteList(team, 3)})${examples}. ${why} ${advice}`,
    o.rule.span,
    {
      related: o.team.map((p) => ({
        span: p.ref.span,
        message: `${policyName(p.ref)} isolates these pods for ${dir} and does not admit the connections`,
      })),
      fixes: overrideFixes(a, o),
    },
  );
}

/** The Calico policies of an analysis by where their name is (file, then offset), indexed once. */
const policiesByName = new WeakMap<Analysis, Map<unknown, Map<number, CalicoPolicy>>>();

/** The Calico rule as read, for edits. */
function sourceRule(a: Analysis, o: Override): CalicoRule | undefined {
  const byFile = memoized(policiesByName, a, () => {
    const index = new Map<unknown, Map<number, CalicoPolicy>>();
    for (const p of a.cluster.calico.policies) {
      const at = p.meta.nameSpan;
      let byStart = index.get(at.file);
      if (!byStart) {
        byStart = new Map();
        index.set(at.file, byStart);
      }
      // The first policy at a place, as a search in order finds it.
      if (!byStart.has(at.start)) byStart.set(at.start, p);
    }
    return index;
  });
  const ref = o.policy.ref;
  const policy = byFile.get(ref.span.file)?.get(ref.span.start);
  return policy?.[o.rule.direction]?.items.find((r) => r.index === o.rule.index);
}

function overrideFixes(a: Analysis, o: Override): Fix[] {
  const rule = sourceRule(a, o);
  if (!rule?.action) return [];
  if (o.earlier)
    return [
      {
        title: `Make rule ${o.rule.direction}[${o.rule.index}] Pass, so that the next tier's policies (namespace ${o.namespace}'s) decide`,
        edits: [replaceScalar(rule.action.span, 'Pass')],
        preferred: true,
      },
    ];
  // In the namespace's own tier a Pass would skip its policies too: leave its pods out of the rule instead.
  const side = o.rule.direction === 'ingress' ? 'destination' : 'source';
  const term = `projectcalico.org/namespace == '${o.namespace}'`;
  const edit = notSelectorEdit(rule, side, term);
  return edit
    ? [
        {
          title: `Leave namespace ${o.namespace}'s pods out of rule ${o.rule.direction}[${o.rule.index}] (${side} notSelector), so that its policies decide`,
          edits: [edit],
          preferred: true,
        },
      ]
    : [];
}

/** Adds `term` to the side's notSelector (OR-ed with one already there), creating the key or the side as needed. */
function notSelectorEdit(rule: CalicoRule, side: 'source' | 'destination', term: string): TextEdit | undefined {
  const entity: EntityRule = rule[side];
  if (entity.notSelector)
    return replaceWhole(entity.notSelector.span, `(${entity.notSelector.value.trim()}) || ${term}`);
  const present = entity.span !== rule.span;
  const map = present ? entity.span : rule.span;
  const lines = present
    ? [`notSelector: ${JSON.stringify(term)}`]
    : [`${side}:`, `  notSelector: ${JSON.stringify(term)}`];
  const text = map.file.text;
  if (text[map.start] === '{') {
    const empty = /^\{\s*\}/.test(text.slice(map.start));
    const entry = present ? lines[0] : `${side}: {notSelector: ${JSON.stringify(term)}}`;
    return { span: span(map.file, map.start + 1, map.start + 1), newText: empty ? entry : `${entry}, ` };
  }
  return insertKeysBefore(span(map.file, map.start, map.start), lines);
}

/** Replaces a scalar with a double-quoted string (the old quoting may not fit the new text). */
function replaceWhole(at: Span, value: string): TextEdit {
  return { span: at, newText: JSON.stringify(value) };
}
