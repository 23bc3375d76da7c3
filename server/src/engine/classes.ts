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

/**
 * Endpoints grouped into classes, in endpoint order. Each atom is evaluated only on its
 * candidates (policy/endpoint-index.ts): every other endpoint gives its usual answer, so an
 * endpoint's answers are the few that differ from the usual, and its class key is built
 * from those alone.
 */
export function computeClasses(
  atoms: readonly Atom[],
  endpoints: readonly Endpoint[],
  /** Called once per atom and once per 256 endpoints; throws to stop (a time budget spent). */
  check: () => void = () => undefined,
): { classes: EndpointClass[]; classOf: Int32Array } {
  const index = new EndpointIndex(endpoints);
  // Per endpoint: the atoms (ascending) whose answer is not the usual one, and those answers.
  const unusual: { atoms: number[]; values: AtomValue[] }[] = endpoints.map(() => ({ atoms: [], values: [] }));
  const consider = (atom: Atom, i: number) => {
    const v = atom.evaluate(endpoints[i]);
    if (v !== atom.usual) {
      unusual[i].atoms.push(atom.id);
      unusual[i].values.push(v);
    }
  };
  for (const atom of atoms) {
    check();
    const candidates = atom.candidates(index);
    if (candidates) for (const i of candidates) consider(atom, i);
    else for (let i = 0; i < endpoints.length; i++) consider(atom, i);
  }
  const usual = atoms.map((a) => a.usual);
  const byKey = new Map<string, EndpointClass>();
  const classes: EndpointClass[] = [];
  const classOf = new Int32Array(endpoints.length);
  endpoints.forEach((ep, i) => {
    if ((i & 255) === 0) check();
    const families = familiesOf(ep);
    const u = unusual[i];
    let key = `${ep.kind}|${families.join('')}|`;
    for (let k = 0; k < u.atoms.length; k++) {
      const v = u.values[k];
      key += ` ${u.atoms[k]}=${v === true ? '1' : v === false ? '0' : JSON.stringify(v)}`;
    }
    let cls = byKey.get(key);
    if (!cls) {
      const values = usual.slice();
      for (let k = 0; k < u.atoms.length; k++) values[u.atoms[k]] = u.values[k];
      cls = { id: classes.length, kind: ep.kind, families, values, members: [] };
      classes.push(cls);
      byKey.set(key, cls);
    }
    cls.members.push(i);
    classOf[i] = cls.id;
  });
  return { classes, classOf };
}
