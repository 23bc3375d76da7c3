/**
 * Questions about sets of connections, for intents and inferred dependencies:
 * "does every pod of A reach every pod of B on these ports?". Pods answer
 * through their endpoint class, outside addresses through their address class
 * (engine/address-classes.ts), so a question costs (classes x ports), and the
 * ports probed are the edges where some rule's answer can change (a port range
 * is decided by probing each piece once, not each port).
 */
import { formatIp, type IpFamily, minBigint } from '../common/ip';
import type { Span } from '../common/source';
import { PROTOCOLS, type Protocol } from '../model/kubernetes';
import { commonFamily, type Endpoint } from '../policy/endpoint';
import { type CompiledRule, type Condition, policyName } from '../policy/rule-model';
import type { Analysis } from './analysis';
import { type AddressRange, type ExternalClass, externalClasses, outsideAdmitting } from './address-classes';
import { admitsPort, ruleAdmission } from './admission';
import type { EndpointClass } from './classes';
import { type Applicable, decide, type ScratchPacket } from './evaluate';
import { stepText } from './explain';
import type { DirectionVerdict, Step, Verdict } from './verdict';
import { memoized } from '../common/memo';

/** One side of a connection: a pod (or host network) of the snapshot, or an outside address standing for its class. */
export interface Party {
  readonly endpoint: Endpoint;
  /** Index into analysis.endpoints, for pods and host networks. */
  readonly index?: number;
  /** `c<class>` or `x<address class>`: parties with equal keys get equal verdicts. */
  readonly key: string;
}

/** A (protocol, port range) to test; `label` is how messages name it (`TCP/8080`, `port http`). */
export interface PortProbe {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
}

export function podParty(a: Analysis, index: number): Party {
  return { endpoint: a.endpoints[index], index, key: `c${a.engine.classIdOf(index)}` };
}

/**
 * Outside addresses inside `ranges` (an intent's ipBlock): one party per
 * address class that has an address there that is no pod's or node's, with
 * such an address as its representative (so messages name an address of the
 * user's range).
 */
export function externalParties(a: Analysis, ranges: readonly AddressRange[]): Party[] {
  const taken = new Set<string>();
  for (const e of a.endpoints) for (const ip of e.ips) taken.add(`${ip.family}|${ip.value}`);
  for (const n of a.addressing.nodes.values()) for (const ip of n.ips) taken.add(`${ip.family}|${ip.value}`);
  const out: Party[] = [];
  for (const cls of externalClasses(a)) {
    let found: bigint | undefined;
    for (const r of cls.ranges) {
      for (const want of ranges) {
        if (want.family !== r.family) continue;
        let first = r.first;
        if (want.first > first) first = want.first;
        const last = minBigint(r.last, want.last);
        // A few tries: a range whose first addresses are all taken is rare, and one that is only pods is skipped.
        for (let v = first, n = 0; v <= last && n < 4096; v++, n++) {
          if (!taken.has(`${r.family}|${v}`)) {
            found = v;
            break;
          }
        }
        if (found !== undefined) break;
      }
      if (found !== undefined) break;
    }
    if (found === undefined) continue;
    const endpoint = found === cls.endpoint.ips[0].value ? cls.endpoint : withAddress(cls.endpoint, cls.family, found);
    out.push({ endpoint, key: `x${cls.id}` });
  }
  return out;
}

function withAddress(e: Endpoint, family: IpFamily, value: bigint): Endpoint {
  const text = formatIp(family, value);
  return { ...e, id: text, ips: [{ family, value, text }] };
}

const answers = new WeakMap<Analysis, Map<string, boolean>>();

/** May `s` open a connection to `d` on (protocol, port)? Memoized per class pair and port. */
export function partiesConnect(a: Analysis, s: Party, d: Party, protocol: Protocol, port: number): boolean {
  if (s.index !== undefined && d.index !== undefined) return a.engine.allowed(s.index, d.index, protocol, port);
  const cache = memoized(answers, a, () => new Map<string, boolean>());
  const key = `${s.key}|${d.key}|${protocol}/${port}|${s.endpoint.node ?? ''}`;
  let v = cache.get(key);
  if (v === undefined) {
    v = a.engine.explainEndpoints(s.endpoint, d.endpoint, protocol, port).allowed;
    cache.set(key, v);
  }
  return v;
}

/**
 * Whether only an Allow rule can let a connection in: one of the tiers that apply ends in Deny and
 * none of its policies that apply has a Pass rule for the direction, so no walk gets past it to
 * the profile without a rule deciding.
 */
function onlyAllowRulesAdmit(a: Analysis, app: Applicable): boolean {
  // Loops, not closures: asked once per class and port by the rules that ask about every workload.
  tiers: for (const t of app.tiers) {
    if (a.policies.tiers[t.index].defaultAction !== 'Deny') continue;
    for (const p of t.policies) for (const r of p.ingress!) if (r.action === 'Pass') continue tiers;
    return true;
  }
  return false;
}

const EVERY_SOURCE = (_source: EndpointClass): boolean => true;

/** How many peer classes of the Allow rules are decided one by one before the engine's grouping is asked instead. */
const MAX_DECIDED_ONE_BY_ONE = 64;

/**
 * Engine.ingressAdmitting(cls, protocol, port) as ascending class ids: the pod classes whose
 * connections the class's ingress admits, of those `wanted` (the others are not decided). When only an Allow rule can admit, those classes are
 * among the peers of the class's ingress Allow rules that match the port (what each rule alone
 * admits, engine/admission.ts), and a few of them are decided one by one instead of grouping every
 * pod class by the atoms the class's rules read (which visits every class per set of atoms).
 */
export function ingressSources(
  a: Analysis,
  cls: EndpointClass,
  protocol: Protocol,
  port: number,
  wanted: (source: EndpointClass) => boolean = EVERY_SOURCE,
): number[] {
  const app = a.engine.applicable(cls.id, 'ingress');
  if (cls.kind === 'pod' && onlyAllowRulesAdmit(a, app)) {
    // At most MAX_DECIDED_ONE_BY_ONE of them: a list is searched instead of keeping a set.
    const candidates: EndpointClass[] = [];
    let few = true;
    rules: for (const t of app.tiers)
      for (const policy of t.policies)
        for (const rule of policy.ingress!) {
          if (rule.action !== 'Allow') continue;
          const adm = ruleAdmission(a, policy, rule);
          if (adm.peerClasses.length === 0 || !admitsPort(adm, protocol, port)) continue;
          if (candidates.length + adm.peerClasses.length > MAX_DECIDED_ONE_BY_ONE) {
            few = false;
            break rules;
          }
          for (const c of adm.peerClasses) if (c.kind === 'pod' && !candidates.includes(c)) candidates.push(c);
        }
    if (few) {
      const out: number[] = [];
      // One packet for every candidate: the evaluator only reads it.
      let packet: ScratchPacket | undefined;
      for (const c of candidates) {
        if (!wanted(c)) continue;
        const family = commonFamily(c.families, cls.families);
        if (family === undefined) continue;
        if (packet) {
          packet.family = family;
          packet.src = c.values;
        } else packet = { protocol, port, family, src: c.values, dst: cls.values };
        if (decide(a.policies, app, 'ingress', packet)) out.push(c.id);
      }
      return out.length > 1 ? out.sort((x, y) => x - y) : out;
    }
  }
  const out: number[] = [];
  for (const id of a.engine.ingressAdmitting(cls.id, protocol, port)) if (wanted(a.engine.classes[id])) out.push(id);
  return out.sort((x, y) => x - y);
}

/**
 * outsideAdmitting(a, cls, protocol, port): the outside address classes the class's ingress
 * admits. When only an Allow rule can let a connection in and none of the class's ingress Allow
 * rules matches an outside address class on the port (what each rule alone admits,
 * engine/admission.ts), there are none, and nothing is decided.
 */
export function outsideSources(
  a: Analysis,
  cls: EndpointClass,
  protocol: Protocol,
  port: number,
): readonly ExternalClass[] {
  if (cls.kind === 'pod') {
    const app = a.engine.applicable(cls.id, 'ingress');
    if (onlyAllowRulesAdmit(a, app) && !someAllowAdmitsOutside(a, app, protocol, port)) return NO_OUTSIDE;
  }
  return outsideAdmitting(a, cls, protocol, port);
}

const NO_OUTSIDE: readonly ExternalClass[] = [];

/** Whether one of the ingress Allow rules that apply matches some outside address class on (protocol, port). */
function someAllowAdmitsOutside(a: Analysis, app: Applicable, protocol: Protocol, port: number): boolean {
  for (const t of app.tiers)
    for (const policy of t.policies)
      for (const rule of policy.ingress!) {
        if (rule.action !== 'Allow') continue;
        const adm = ruleAdmission(a, policy, rule);
        if (adm.externalClasses.length > 0 && admitsPort(adm, protocol, port)) return true;
      }
  return false;
}

const cutCache = new WeakMap<Analysis, number[]>();

/** Port numbers where some rule's answer may change (every range edge and every declared port, and the next one). */
function portCuts(a: Analysis): number[] {
  return memoized(cutCache, a, () => findPortCuts(a));
}

function findPortCuts(a: Analysis): number[] {
  const set = new Set<number>([1]);
  for (const tier of a.policies.tiers)
    for (const p of tier.policies) {
      if (p.ingress) for (const r of p.ingress) addRangeCuts(r.condition, set);
      if (p.egress) for (const r of p.egress) addRangeCuts(r.condition, set);
    }
  // Pods of one workload declare the same ports (they share one named-ports object): each object
  // is read once, and each entry once.
  const seen = new Set<string>();
  const seenMaps = new Set<Endpoint['namedPorts']>();
  let previous: Endpoint['namedPorts'] | undefined;
  for (const e of a.endpoints) {
    const named = e.namedPorts;
    if (named === previous || named.size === 0) continue;
    previous = named;
    if (seenMaps.has(named)) continue;
    seenMaps.add(named);
    for (const list of named.values())
      for (const k of list) {
        if (seen.has(k)) continue;
        seen.add(k);
        const n = Number(k.split('/')[1]);
        set.add(n);
        set.add(n + 1);
      }
  }
  return [...set].filter((n) => n >= 1 && n <= 65535).sort((x, y) => x - y);
}

/** Adds the edges of a condition's destination port ranges (the first port and the one after the last) to `set`. */
function addRangeCuts(c: Condition, set: Set<number>): void {
  if (c.type === 'all' || c.type === 'any') for (const x of c.of) addRangeCuts(x, set);
  else if (c.type === 'ports' && c.side === 'destination')
    for (const [lo, hi] of c.ranges) {
      set.add(lo);
      set.add(hi + 1);
    }
}

/** The ports of [from, to] to probe: `from` and every cut inside; verdicts are constant between them. */
export function probePorts(a: Analysis, probe: PortProbe): number[] {
  const out = [probe.from];
  for (const c of portCuts(a)) if (c > probe.from && c <= probe.to) out.push(c);
  return out;
}

/** Every port of every protocol. */
export const EVERY_PORT: readonly PortProbe[] = PROTOCOLS.map((protocol) => ({ protocol, from: 1, to: 65535 }));

/** The first port of `probes` on which the answer is `wanted`, if any. */
export function firstPortWhere(
  a: Analysis,
  s: Party,
  d: Party,
  probes: readonly PortProbe[],
  wanted: boolean,
): { protocol: Protocol; port: number } | undefined {
  for (const probe of probes)
    for (const port of probePorts(a, probe))
      if (partiesConnect(a, s, d, probe.protocol, port) === wanted) return { protocol: probe.protocol, port };
  return undefined;
}

/** What decided a verdict, in words, and where (the rule, or the policies whose tier ended). */
export interface Deciding {
  readonly text: string;
  readonly related: readonly { readonly span: Span; readonly message: string }[];
}

function ruleOf(a: Analysis, step: Step): CompiledRule | undefined {
  if (!step.policy || step.ruleIndex === undefined) return undefined;
  for (const tier of a.policies.tiers)
    for (const p of tier.policies)
      if (p.ref === step.policy) return (step.direction === 'ingress' ? p.ingress : p.egress)?.[step.ruleIndex];
  return undefined;
}

function decidingDirection(v: Verdict): DirectionVerdict {
  if (!v.allowed) return v.egress.allowed ? v.ingress : v.egress;
  // Allowed: the side that had a policy to say so (ingress first: it is the destination's choice).
  if (v.ingress.reason === 'rule' || v.ingress.reason === 'profile') return v.ingress;
  if (v.egress.reason === 'rule' || v.egress.reason === 'profile') return v.egress;
  return v.ingress;
}

/** The deciding step of a verdict: `egress from shop/web-0 denied: tier default: … (end of tier)` with where to look. */
export function decidingStep(a: Analysis, v: Verdict, from: string, to: string): Deciding {
  if (v.family === undefined) return { text: v.notes[0] ?? 'no connection is possible', related: [] };
  const d = decidingDirection(v);
  const who = d.direction === 'egress' ? `egress from ${from}` : `ingress to ${to}`;
  const verdict = d.allowed ? 'allowed' : 'denied';
  if (d.reason === 'no-policy')
    return { text: `${who} ${verdict}: no policy selects it for ${d.direction}, so it is not isolated`, related: [] };
  if (d.reason === 'not-a-workload' || d.reason === 'node-local')
    return { text: `${who} ${verdict}: pod policy does not apply (${d.reason})`, related: [] };
  const step = d.steps[d.steps.length - 1];
  const related: { span: Span; message: string }[] = [];
  const rule = step ? ruleOf(a, step) : undefined;
  if (rule && step.policy)
    related.push({ span: rule.span, message: `${policyName(step.policy)} ${d.direction} rule ${rule.index + 1}` });
  else if (step?.action === 'EndOfTier')
    for (const p of d.policies.filter((x) => x.tier === step.tier))
      related.push({
        span: p.ref.span,
        message: `${policyName(p.ref)} selects ${d.direction === 'egress' ? from : to}`,
      });
  return { text: `${who} ${verdict} by ${step ? stepText(step) : 'the namespace profile'}`, related };
}
