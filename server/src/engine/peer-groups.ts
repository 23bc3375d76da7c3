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
  /** Their answers, numbered per atom (so groups are split by number, not by a key string). */
  readonly answerIds: Int32Array;
  /** How many different answers `answerIds` numbers. */
  readonly width: number;
}

const familyKey = (c: EndpointClass) => c.families.join('');

/** What the engine knows of each atom's answers over the classes (engine/classes.ts). */
export interface ClassAnswers {
  /** The atom's usual answer. */
  usual(atomId: number): AtomValue;
  /** The classes (ascending ids) whose answer is not the usual one. */
  unusualClasses(atomId: number): readonly number[];
}

export class PeerGroups {
  private readonly pods: readonly EndpointClass[];
  private readonly byAtom = new Map<number, AtomAnswers>();
  private readonly usualFamilies: string;
  private readonly unusualFamilies: readonly number[];
  /** Pod classes by id (undefined for the other classes). */
  private readonly classById: (EndpointClass | undefined)[];
  /** groups()'s group number per class id, all 0 between calls. */
  private readonly scratch: Int32Array;

  constructor(
    classes: readonly EndpointClass[],
    private readonly known?: ClassAnswers,
  ) {
    this.pods = classes.filter((c) => c.kind === 'pod');
    this.classById = [];
    for (const c of this.pods) this.classById[c.id] = c;
    this.scratch = new Int32Array(this.classById.length);
    const counts = new Map<string, number>();
    for (const c of this.pods) counts.set(familyKey(c), (counts.get(familyKey(c)) ?? 0) + 1);
    this.usualFamilies = mostCommon(counts) ?? '';
    this.unusualFamilies = this.pods.filter((c) => familyKey(c) !== this.usualFamilies).map((c) => c.id);
  }

  private answers(atom: number): AtomAnswers {
    let found = this.byAtom.get(atom);
    if (!found) {
      // Any answer may serve as the usual one (the groups come out the same); the most common
      // keeps the lists short. The engine's unusual classes give it without visiting every class
      // when the atom's own usual answer is the most common.
      let usual: AtomValue | undefined;
      let unusual: number[] | undefined;
      if (this.known) {
        const listed = this.known.unusualClasses(atom).filter((id) => this.classById[id] !== undefined);
        if (listed.length * 2 <= this.pods.length) {
          usual = this.known.usual(atom);
          unusual = listed;
        }
      }
      if (unusual === undefined) {
        const counts = new Map<AtomValue, number>();
        for (const c of this.pods) counts.set(c.values.get(atom), (counts.get(c.values.get(atom)) ?? 0) + 1);
        const common = mostCommon(counts) ?? false;
        usual = common;
        unusual = this.pods.filter((c) => c.values.get(atom) !== common).map((c) => c.id);
      }
      const ids = new Map<AtomValue, number>();
      const answerIds = new Int32Array(unusual.length);
      unusual.forEach((id, k) => {
        const v = this.classById[id]!.values.get(atom);
        let n = ids.get(v);
        if (n === undefined) {
          n = ids.size;
          ids.set(v, n);
        }
        answerIds[k] = n;
      });
      found = { usual: usual!, unusual, answerIds, width: Math.max(1, ids.size) };
      this.byAtom.set(atom, found);
    }
    return found;
  }

  /** The pod classes grouped by their answers to `atoms` and their families, groups in the order of their first class. */
  groups(atoms: readonly number[]): PeerGroup[] {
    // Partition refinement over the classes that answer something otherwise than usual: each
    // atom splits only the groups of the classes in its own list (the others keep the usual
    // answer), so the cost is the length of those lists, not classes x atoms. Group 0 is the
    // group of the classes in no list. The group numbers live in one array kept between calls
    // (reset for the listed classes before returning): callers ask thousands of atom sets.
    const group = this.scratch;
    const listed: number[] = [];
    let next = 1;
    const byFamilies = new Map<string, number>();
    for (const id of this.unusualFamilies) {
      const key = familyKey(this.classById[id]!);
      let g = byFamilies.get(key);
      if (g === undefined) {
        g = next++;
        byFamilies.set(key, g);
      }
      group[id] = g;
      listed.push(id);
    }
    for (const atom of atoms) {
      const { unusual, answerIds, width } = this.answers(atom);
      if (unusual.length === 0) continue;
      const split = new Map<number, number>();
      for (let k = 0; k < unusual.length; k++) {
        const id = unusual[k];
        const before = group[id];
        if (before === 0) listed.push(id);
        const key = before * width + answerIds[k];
        let g = split.get(key);
        if (g === undefined) {
          g = next++;
          split.set(key, g);
        }
        group[id] = g;
      }
    }
    listed.sort((x, y) => x - y);
    const byGroup = new Map<number, EndpointClass[]>();
    for (const id of listed) {
      const g = group[id];
      const list = byGroup.get(g);
      if (list) list.push(this.classById[id]!);
      else byGroup.set(g, [this.classById[id]!]);
    }
    const out: PeerGroup[] = [...byGroup.values()].map((list) => ({ representative: list[0], classes: () => list }));
    if (listed.length < this.pods.length) {
      // The usual group: the pod classes not in `listed` (both in id order); its list is built only when asked.
      const pods = this.pods;
      const notListed = (visit: (c: EndpointClass) => boolean): void => {
        let k = 0;
        for (const c of pods) {
          while (k < listed.length && listed[k] < c.id) k++;
          if (k < listed.length && listed[k] === c.id) continue;
          if (!visit(c)) return;
        }
      };
      let usual: EndpointClass | undefined;
      notListed((c) => {
        usual = c;
        return false;
      });
      let list: EndpointClass[] | undefined;
      out.push({
        representative: usual!,
        classes: () => {
          if (!list) {
            const found: EndpointClass[] = [];
            notListed((c) => found.push(c) > 0);
            list = found;
          }
          return list;
        },
      });
    }
    for (const id of listed) group[id] = 0;
    return out.sort((x, y) => x.representative.id - y.representative.id);
  }
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
