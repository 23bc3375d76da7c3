/**
 * Pod classes grouped by their answers to a few atoms. A direction's decision for one
 * subject reads the peer only through the atoms its applicable rules name (and the
 * address family), so peers that answer those atoms alike get the same decision: a
 * question about one subject and every peer costs (groups x rules), not (classes x rules).
 *
 * Finding the groups does not visit every class either: for each atom the index keeps the
 * value most pod classes give (its usual answer) and the classes that answer otherwise;
 * the classes that are in no such list for the atoms asked all answer as usual and form
 * one group, listed only when a caller asks for its classes.
 */
import type { AtomValue } from '../policy/atoms';
import type { Condition, Side } from '../policy/rule-model';
import type { EndpointClass } from './classes';

export interface PeerGroup {
  /** The group's first class (lowest id): it answers for every class of the group. */
  readonly representative: EndpointClass;
  /** The group's classes, in id order (computed on demand for the usual group). */
  classes(): readonly EndpointClass[];
}

interface AtomAnswers {
  readonly usual: AtomValue;
  /** Ids (in order) of the pod classes answering otherwise. */
  readonly unusual: readonly number[];
}

const familyKey = (c: EndpointClass) => c.families.join('');

export class PeerGroups {
  private readonly pods: readonly EndpointClass[];
  private readonly byAtom = new Map<number, AtomAnswers>();
  private readonly usualFamilies: string;
  private readonly unusualFamilies: readonly number[];
  private readonly classById: ReadonlyMap<number, EndpointClass>;

  constructor(classes: readonly EndpointClass[]) {
    this.pods = classes.filter((c) => c.kind === 'pod');
    this.classById = new Map(this.pods.map((c) => [c.id, c]));
    const counts = new Map<string, number>();
    for (const c of this.pods) counts.set(familyKey(c), (counts.get(familyKey(c)) ?? 0) + 1);
    this.usualFamilies = mostCommon(counts) ?? '';
    this.unusualFamilies = this.pods.filter((c) => familyKey(c) !== this.usualFamilies).map((c) => c.id);
  }

  private answers(atom: number): AtomAnswers {
    let found = this.byAtom.get(atom);
    if (!found) {
      const counts = new Map<AtomValue, number>();
      for (const c of this.pods) counts.set(c.values[atom], (counts.get(c.values[atom]) ?? 0) + 1);
      const usual = mostCommon(counts) ?? false;
      found = { usual, unusual: this.pods.filter((c) => c.values[atom] !== usual).map((c) => c.id) };
      this.byAtom.set(atom, found);
    }
    return found;
  }

  /** The pod classes grouped by their answers to `atoms` and their families, groups in the order of their first class. */
  groups(atoms: readonly number[]): PeerGroup[] {
    // Partition refinement over the classes that answer something otherwise than usual: each
    // atom splits only the groups of the classes in its own list (the others keep the usual
    // answer), so the cost is the length of those lists, not classes x atoms.
    const group = new Map<number, number>();
    let next = 1;
    const byFamilies = new Map<string, number>();
    for (const id of this.unusualFamilies) {
      const key = familyKey(this.classById.get(id)!);
      let g = byFamilies.get(key);
      if (g === undefined) {
        g = next++;
        byFamilies.set(key, g);
      }
      group.set(id, g);
    }
    for (const atom of atoms) {
      const list = this.answers(atom).unusual;
      if (list.length === 0) continue;
      const split = new Map<string, number>();
      for (const id of list) {
        const key = `${group.get(id) ?? 0} ${valueKey(this.classById.get(id)!.values[atom])}`;
        let g = split.get(key);
        if (g === undefined) {
          g = next++;
          split.set(key, g);
        }
        group.set(id, g);
      }
    }
    const byGroup = new Map<number, EndpointClass[]>();
    for (const id of [...group.keys()].sort((x, y) => x - y)) {
      const g = group.get(id)!;
      const list = byGroup.get(g);
      if (list) list.push(this.classById.get(id)!);
      else byGroup.set(g, [this.classById.get(id)!]);
    }
    const out: PeerGroup[] = [...byGroup.values()].map((list) => ({ representative: list[0], classes: () => list }));
    if (group.size < this.pods.length) {
      const usual = this.pods.find((c) => !group.has(c.id))!;
      let list: EndpointClass[] | undefined;
      out.push({
        representative: usual,
        classes: () => {
          list ??= this.pods.filter((c) => !group.has(c.id));
          return list;
        },
      });
    }
    return out.sort((x, y) => x.representative.id - y.representative.id);
  }
}

function valueKey(v: AtomValue): string {
  return v === true ? '1' : v === false ? '0' : JSON.stringify(v);
}

function mostCommon<K>(counts: Map<K, number>): K | undefined {
  let best: K | undefined;
  let n = -1;
  for (const [k, c] of counts)
    if (c > n) {
      best = k;
      n = c;
    }
  return best;
}

/** The atoms a condition reads on one side of the packet (endpoint and address atoms; named ports on the destination). */
export function sideAtoms(c: Condition, side: Side, out: Set<number>): Set<number> {
  switch (c.type) {
    case 'all':
    case 'any':
      for (const x of c.of) sideAtoms(x, side, out);
      break;
    case 'endpoint':
    case 'nets':
      if (c.side === side) out.add(c.atom);
      break;
    case 'ports':
      // conditionMatches reads named ports from the destination's answers.
      if (c.side === 'destination' && side === 'destination') for (const a of c.named) out.add(a);
      break;
  }
  return out;
}
