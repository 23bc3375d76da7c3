/**
 * Isolation: whether the policies that apply to a pod in one direction
 * restrict it. A pod is open ("not isolated") in a direction when every pod
 * and host of the cluster and every internet address gets through on every
 * port: no policy selects it, or the ones that do only allow, pass, or deny
 * special ranges (a platform tier that blocks the cloud metadata address for
 * every pod does not isolate anyone's pods). Decided per endpoint class with the evaluator the verdicts
 * use, over one probe per interval between the ports the applicable rules
 * mention, so it agrees with the matrix.
 */
import type { IpFamily } from '../common/ip';
import { memoized } from '../common/memo';
import { PROTOCOLS } from '../model/kubernetes';
import type { CompiledPolicy, Condition, Direction } from '../policy/rule-model';
import { type ExternalClass, externalClasses } from './address-classes';
import type { Analysis } from './analysis';
import type { EndpointClass } from './classes';
import { type Applicable, decide, directedPacket } from './evaluate';
import { sideAtoms } from './peer-groups';
import { addNamedPortCuts, addPortCuts, sortedCuts } from './port-cuts';
import type { AnswerRow } from './answer-row';

const cache = new WeakMap<Analysis, Record<Direction, Map<number, boolean>>>();

/** The policies (in evaluation order) that apply to a class in a direction. */
export function policiesApplying(a: Analysis, cls: EndpointClass, direction: Direction): CompiledPolicy[] {
  return a.engine.applicable(cls.id, direction).tiers.flatMap((t) => [...t.policies]);
}

/** True when every pod, host and internet address reaches (ingress) or is reached by (egress) the class's pods on every port. */
export function isOpen(a: Analysis, cls: EndpointClass, direction: Direction): boolean {
  if (cls.kind !== 'pod') return true;
  const perDirection = memoized(cache, a, () => ({
    ingress: new Map<number, boolean>(),
    egress: new Map<number, boolean>(),
  }));
  const perClass = perDirection[direction];
  let found = perClass.get(cls.id);
  if (found === undefined) {
    found = computeOpen(a, cls, direction);
    perClass.set(cls.id, found);
  }
  return found;
}

const internetCache = new WeakMap<Analysis, Map<string, readonly ExternalClass[]>>();

/** The internet's address classes in the families given, found once per set of families. */
function internetOf(a: Analysis, families: readonly IpFamily[]): readonly ExternalClass[] {
  const perFamilies = memoized(internetCache, a, () => new Map<string, readonly ExternalClass[]>());
  const key = families.join(',');
  let found = perFamilies.get(key);
  if (!found) {
    found = externalClasses(a).filter((c) => c.tags.has('internet') && families.includes(c.family));
    perFamilies.set(key, found);
  }
  return found;
}

function computeOpen(a: Analysis, cls: EndpointClass, direction: Direction): boolean {
  const app: Applicable = a.engine.applicable(cls.id, direction);
  if (app.tiers.length === 0) return true;
  const own: readonly IpFamily[] = cls.families.length ? cls.families : [4, 6];
  const internet = internetOf(a, own);
  // Most classes a policy applies to are isolated, and one denied probe settles that: the
  // internet on port 1 (a probe of the full walk below) is tried before the peers are grouped.
  for (const peer of internet)
    for (const protocol of PROTOCOLS) {
      const packet = directedPacket(direction, protocol, 1, peer.family, cls.values, peer.values);
      if (!decide(a.policies, app, direction, packet)) return false;
    }
  const cuts = new Set<number>([1, 65536]);
  const peerAtoms = new Set<number>();
  for (const t of app.tiers)
    for (const p of t.policies)
      for (const r of p[direction] ?? []) {
        addClassCuts(a, r.condition, cuts);
        sideAtoms(r.condition, direction === 'ingress' ? 'source' : 'destination', peerAtoms);
      }
  const sorted = sortedCuts(cuts);
  const ports = sorted.slice(0, -1);
  // Pod classes answering the atoms the rules read on the peer side alike are decided alike:
  // one representative per group.
  const peers: { values: AnswerRow; families: readonly IpFamily[] }[] = [
    ...a.engine.peerGroups.groups([...peerAtoms]).map((g) => g.representative),
    ...a.engine.classes.filter((c) => c.kind !== 'pod'),
    ...internet.map((c) => ({ values: c.values, families: [c.family] })),
  ];
  for (const peer of peers) {
    for (const family of peer.families) {
      if (!own.includes(family)) continue;
      for (const protocol of PROTOCOLS) {
        for (const port of ports) {
          const packet = directedPacket(direction, protocol, port, family, cls.values, peer.values);
          if (!decide(a.policies, app, direction, packet)) return false;
        }
      }
    }
  }
  return true;
}

const namedCuts = new WeakMap<Analysis, Map<number, readonly number[]>>();

/**
 * addPortCuts over the answers of every endpoint class, with each named port's numbers found once
 * per analysis: from the classes answering the atom unusually and, when some class gives it, the
 * atom's usual answer (not a read of every class per named port).
 */
function addClassCuts(a: Analysis, c: Condition, out: Set<number>): void {
  if (c.type === 'all' || c.type === 'any') {
    for (const x of c.of) addClassCuts(a, x, out);
    return;
  }
  if (c.type !== 'ports') return;
  addPortCuts({ ...c, named: [] }, [], out);
  const perAtom = memoized(namedCuts, a, () => new Map<number, readonly number[]>());
  for (const atom of c.named) {
    let list = perAtom.get(atom);
    if (!list) {
      const found = new Set<number>();
      const listed = a.engine.unusualClasses(atom);
      addPortCuts(
        { ...c, ranges: [], named: [atom] },
        listed.map((id) => a.engine.classes[id].values),
        found,
      );
      if (listed.length < a.engine.classes.length) addNamedPortCuts(a.policies.atoms[atom].usual, found);
      list = [...found];
      perAtom.set(atom, list);
    }
    for (const port of list) out.add(port);
  }
}
