/**
 * Endpoint classes: endpoints that answer every atom alike, have the same
 * kind and the same address families. Policy cannot tell them apart, so the
 * engine decides once per class pair and shares the answer with every member.
 */
import type { IpFamily } from '../common/ip';
import type { Atom, AtomValue } from '../policy/atoms';
import { type Endpoint, familiesOf } from '../policy/endpoint';
import { EndpointIndex } from '../policy/endpoint-index';

export interface EndpointClass {
  readonly id: number;
  readonly kind: Endpoint['kind'];
  readonly families: readonly IpFamily[];
  /** The class's answer to each atom, indexed by atom id. */
  readonly values: readonly AtomValue[];
  /** Indices of member endpoints. */
  readonly members: number[];
}

export function atomValues(atoms: readonly Atom[], ep: Endpoint): AtomValue[] {
  return atoms.map((a) => a.evaluate(ep));
}

/** The endpoints (ascending indices) that answer an atom otherwise than its usual answer, and their answers. */
export interface UnusualAnswers {
  readonly at: readonly number[];
  readonly values: readonly AtomValue[];
}

/**
 * Each atom's unusual answers over one list of endpoints, kept by atom key (a key names the
 * question, whatever table interned it). The language server keeps one while the endpoints stay
 * the same objects: after an edit of a policy only the atoms it added are evaluated.
 */
export class AtomAnswers {
  private index?: EndpointIndex;
  private readonly byKey = new Map<string, UnusualAnswers>();

  constructor(readonly endpoints: readonly Endpoint[]) {}

  of(atom: Atom): UnusualAnswers {
    const known = this.byKey.get(atom.key);
    if (known) return known;
    this.index ??= new EndpointIndex(this.endpoints);
    const at: number[] = [];
    const values: AtomValue[] = [];
    const consider = (i: number) => {
      const v = atom.evaluate(this.endpoints[i]);
      if (v !== atom.usual) {
        at.push(i);
        values.push(v);
      }
    };
    const candidates = atom.candidates(this.index);
    if (candidates) for (const i of candidates) consider(i);
    else for (let i = 0; i < this.endpoints.length; i++) consider(i);
    const answers = { at, values };
    this.byKey.set(atom.key, answers);
    return answers;
  }

  /** Forgets the atoms not in `atoms` (those of policies edited away). */
  keepOnly(atoms: readonly Atom[]): void {
    const keys = new Set(atoms.map((a) => a.key));
    for (const key of this.byKey.keys()) if (!keys.has(key)) this.byKey.delete(key);
  }
}

/**
 * Endpoints grouped into classes, in endpoint order. Each atom is evaluated only on its
 * candidates (policy/endpoint-index.ts): every other endpoint gives its usual answer. The
 * classes start as one per kind and address families, and each atom splits off, from each
 * class, the members that answer it otherwise than usual (one part per answer): the cost goes
 * with the unusual answers, not with endpoints x atoms. `answers` (for these endpoints) may
 * hold atoms' answers from before.
 */
export function computeClasses(
  atoms: readonly Atom[],
  endpoints: readonly Endpoint[],
  /** Called once per atom and once per 256 endpoints; throws to stop (a time budget spent). */
  check: () => void = () => undefined,
  answers: AtomAnswers = new AtomAnswers(endpoints),
): { classes: EndpointClass[]; classOf: Int32Array } {
  if (answers.endpoints !== endpoints) throw new Error('atom answers of other endpoints');
  const families = endpoints.map(familiesOf);
  // The partition so far: a part number per endpoint.
  const part = new Int32Array(endpoints.length);
  let parts = 0;
  const first = new Map<string, number>();
  endpoints.forEach((ep, i) => {
    const key = `${ep.kind}|${families[i].join('')}`;
    let p = first.get(key);
    if (p === undefined) {
      p = parts++;
      first.set(key, p);
    }
    part[i] = p;
  });
  const unusual = atoms.map((atom) => {
    check();
    return answers.of(atom);
  });
  for (const { at, values } of unusual) {
    if (at.length === 0) continue;
    const split = new Map<string, number>();
    for (let k = 0; k < at.length; k++) {
      const key = `${part[at[k]]}|${values[k]}`;
      let p = split.get(key);
      if (p === undefined) {
        p = parts++;
        split.set(key, p);
      }
      part[at[k]] = p;
    }
  }
  // Parts numbered again in endpoint order; each class's answers are the usual ones but where its members differ.
  const usual = atoms.map((a) => a.usual);
  const classes: EndpointClass[] = [];
  const classOf = new Int32Array(endpoints.length);
  const idOf = new Int32Array(parts).fill(-1);
  endpoints.forEach((ep, i) => {
    if ((i & 255) === 0) check();
    let id = idOf[part[i]];
    if (id < 0) {
      id = classes.length;
      idOf[part[i]] = id;
      classes.push({ id, kind: ep.kind, families: families[i], values: usual.slice(), members: [] });
    }
    classes[id].members.push(i);
    classOf[i] = id;
  });
  atoms.forEach((atom, a) => {
    const { at, values } = unusual[a];
    for (let k = 0; k < at.length; k++) (classes[classOf[at[k]]].values as AtomValue[])[atom.id] = values[k];
  });
  return { classes, classOf };
}
