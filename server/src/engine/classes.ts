/**
 * Endpoint classes: endpoints that answer every atom alike, have the same
 * kind and the same address families. Policy cannot tell them apart, so the
 * engine decides once per class pair and shares the answer with every member.
 */
import type { IpFamily } from '../common/ip';
import type { Atom, AtomValue } from '../policy/atoms';
import { type Endpoint, familiesOf } from '../policy/endpoint';

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

export function computeClasses(
  atoms: readonly Atom[],
  endpoints: readonly Endpoint[],
): { classes: EndpointClass[]; classOf: Int32Array } {
  const byKey = new Map<string, EndpointClass>();
  const classes: EndpointClass[] = [];
  const classOf = new Int32Array(endpoints.length);
  endpoints.forEach((ep, i) => {
    const values = atomValues(atoms, ep);
    const families = familiesOf(ep);
    const key = `${ep.kind}|${families.join('')}|${values.map((v) => (v === true ? '1' : v === false ? '0' : `"${v}"`)).join(' ')}`;
    let cls = byKey.get(key);
    if (!cls) {
      cls = { id: classes.length, kind: ep.kind, families, values, members: [] };
      classes.push(cls);
      byKey.set(key, cls);
    }
    cls.members.push(i);
    classOf[i] = cls.id;
  });
  return { classes, classOf };
}
