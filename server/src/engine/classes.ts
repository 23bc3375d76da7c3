/**
 * Endpoint classes: endpoints that answer every atom alike, have the same
 * kind and the same address families. Policy cannot tell them apart, so the
 * engine decides once per class pair and shares the answer with every member.
 */
import type { IpFamily } from '../common/ip';
import { AddressIndex, type InsideEndpoints } from '../policy/address-index';
import { type Atom, type AtomValue, FAMILY_BITS, NetsAtom } from '../policy/atoms';
import { type Endpoint, familiesOf } from '../policy/endpoint';
import { EndpointIndex } from '../policy/endpoint-index';
import { AnswerRow } from './answer-row';

export interface EndpointClass {
  readonly id: number;
  readonly kind: Endpoint['kind'];
  readonly families: readonly IpFamily[];
  /** The class's answer to each atom, by atom id (shared with the other classes where they answer alike). */
  readonly values: AnswerRow;
  /** Indices of member endpoints. */
  readonly members: number[];
}

export function atomValues(atoms: readonly Atom[], ep: Endpoint): AtomValue[] {
  return atoms.map((a) => a.evaluate(ep));
}

/**
 * Endpoints grouped by pod template: endpoints that share their kind, address families,
 * namespace, labels, namespace labels, Calico labels and named ports (the same objects: the
 * replicas of one workload, policy/endpoint.ts) and are in no network set answer every atom
 * alike but those that read addresses (Atom.readsAddresses). Grouping by identity costs no key
 * string per endpoint; endpoints built otherwise are templates of their own, which is only slower.
 */
export interface Templates {
  /** Each endpoint's template. */
  readonly of: Int32Array;
  /** Each template's first endpoint, which answers for the template. */
  readonly representatives: readonly Endpoint[];
}

/** Address families as bits (IPv4 1, IPv6 2). */
function familyBitsOf(ep: Endpoint): number {
  let bits = 0;
  for (const ip of ep.ips) bits |= ip.family === 4 ? 1 : 2;
  return bits;
}

export function podTemplates(endpoints: readonly Endpoint[]): Templates {
  const of = new Int32Array(endpoints.length);
  const representatives: Endpoint[] = [];
  const bits: number[] = [];
  // Keyed by the Calico labels object (one per template, fresh for other endpoints), then compared field by field.
  const byCalicoLabels = new Map<object, number[]>();
  for (let i = 0; i < endpoints.length; i++) {
    const ep = endpoints[i];
    const b = familyBitsOf(ep);
    let t = -1;
    let same: number[] | undefined;
    if (ep.networkSets.length === 0) {
      same = byCalicoLabels.get(ep.calicoLabels);
      if (same)
        for (const u of same) {
          const r = representatives[u];
          if (
            bits[u] === b &&
            r.kind === ep.kind &&
            r.namespace === ep.namespace &&
            r.labels === ep.labels &&
            r.namespaceLabels === ep.namespaceLabels &&
            r.namedPorts === ep.namedPorts
          ) {
            t = u;
            break;
          }
        }
    }
    if (t < 0) {
      t = representatives.length;
      representatives.push(ep);
      bits.push(b);
      if (ep.networkSets.length === 0) {
        if (same) same.push(t);
        else byCalicoLabels.set(ep.calicoLabels, [t]);
      }
    }
    of[i] = t;
  }
  return { of, representatives };
}

/**
 * The items (ascending indices) that answer an atom otherwise than its usual answer, and their
 * answers: templates (see Templates), or endpoints for an atom that reads addresses.
 */
export interface UnusualAnswers {
  readonly at: readonly number[];
  readonly values: readonly AtomValue[];
  /**
   * The answer of every item not in `at` when that is not the atom's usual answer: an atom that
   * reads addresses keeps only the endpoints that answer otherwise than most (a CIDR holding
   * every pod lists none).
   */
  readonly common?: AtomValue;
}

/**
 * Each atom's unusual answers over one list of endpoints, kept by atom key (a key names the
 * question, whatever table interned it). The language server keeps one while the endpoints stay
 * the same objects: after an edit of a policy only the atoms it added are evaluated.
 */
export class AtomAnswers {
  private grouped?: Templates;
  private templateIndex?: EndpointIndex;
  private readonly byKey = new Map<string, UnusualAnswers>();

  constructor(readonly endpoints: readonly Endpoint[]) {}

  get templates(): Templates {
    this.grouped ??= podTemplates(this.endpoints);
    return this.grouped;
  }

  private addressIndex?: AddressIndex;

  /** The endpoints by address, for the address atoms (built on first use). */
  private get addresses(): AddressIndex {
    this.addressIndex ??= new AddressIndex(this.endpoints);
    return this.addressIndex;
  }

  /** The atom's unusual answers: per template, or per endpoint when it reads addresses. */
  of(atom: Atom): UnusualAnswers {
    const known = this.byKey.get(atom.key);
    if (known) return known;
    let answers: UnusualAnswers;
    if (atom.readsAddresses) answers = addressAnswers(atom, this.endpoints, () => this.addresses);
    else {
      const at: number[] = [];
      const values: AtomValue[] = [];
      const items = this.templates.representatives;
      this.templateIndex ??= new EndpointIndex(items);
      const candidates = atom.candidates(this.templateIndex);
      const usual = atom.usual;
      const count = candidates ? candidates.length : items.length;
      for (let k = 0; k < count; k++) {
        const i = candidates ? candidates[k] : k;
        const v = atom.evaluate(items[i]);
        if (v !== usual) {
          at.push(i);
          values.push(v);
        }
      }
      answers = { at, values };
    }
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
 * An atom that reads addresses: only the endpoints that answer otherwise than the most common
 * answer are kept (a CIDR holding every pod lists none). A CIDR test finds the endpoints inside
 * its CIDRs in the address index; every other endpoint answers '00'. The most common answer is
 * the one counted most, the usual answer first and the others in the order of the endpoints
 * that first give them, a later one winning only with a strictly greater count.
 */
function addressAnswers(atom: Atom, endpoints: readonly Endpoint[], addresses: () => AddressIndex): UnusualAnswers {
  if (atom instanceof NetsAtom) return netsAnswers(endpoints.length, addresses().inside(atom.cidrs, atom.except));
  const all = endpoints.map((ep) => atom.evaluate(ep));
  const counts = new Map<AtomValue, number>();
  for (const v of all) counts.set(v, (counts.get(v) ?? 0) + 1);
  let common = atom.usual;
  for (const [v, n] of counts) if (n > (counts.get(common) ?? 0)) common = v;
  const at: number[] = [];
  const values: AtomValue[] = [];
  for (let i = 0; i < all.length; i++)
    if (all[i] !== common) {
      at.push(i);
      values.push(all[i]);
    }
  return common === atom.usual ? { at, values } : { at, values, common };
}

/** A CIDR test's answers from the endpoints inside it (answers by family bits, 0 being the usual '00'). */
function netsAnswers(count: number, inside: InsideEndpoints): UnusualAnswers {
  const { at, bits } = inside;
  // Each answer's count and the endpoint that first gives it.
  const counts = [count - at.length, 0, 0, 0];
  const first = [-1, -1, -1, -1];
  let gap = 0;
  while (gap < at.length && at[gap] === gap) gap++;
  if (gap < count) first[0] = gap;
  for (let k = 0; k < at.length; k++) {
    counts[bits[k]]++;
    if (first[bits[k]] < 0) first[bits[k]] = at[k];
  }
  let common = 0;
  const seen = [0, 1, 2, 3].filter((b) => first[b] >= 0).sort((x, y) => first[x] - first[y]);
  for (const b of seen) if (counts[b] > counts[common]) common = b;
  if (common === 0) return { at, values: bits.map((b) => FAMILY_BITS[b]) };
  const unusualAt: number[] = [];
  const values: AtomValue[] = [];
  let k = 0;
  for (let i = 0; i < count; i++) {
    let b = 0;
    if (k < at.length && at[k] === i) b = bits[k++];
    if (b !== common) {
      unusualAt.push(i);
      values.push(FAMILY_BITS[b]);
    }
  }
  return { at: unusualAt, values, common: FAMILY_BITS[common] };
}

/**
 * Splits parts by unusual answers: each item of `at` moves from its part to a new part, one per
 * (old part, answer); items not in `at` keep theirs. Returns the number of parts after.
 */
function refine(part: Int32Array, parts: number, { at, values }: UnusualAnswers): number {
  if (at.length === 0) return parts;
  // Answers numbered, so the split is keyed by numbers, not by a string per item.
  const answerIds = new Map<AtomValue, number>();
  const ids = new Int32Array(at.length);
  for (let k = 0; k < at.length; k++) {
    let id = answerIds.get(values[k]);
    if (id === undefined) {
      id = answerIds.size;
      answerIds.set(values[k], id);
    }
    ids[k] = id;
  }
  const width = answerIds.size;
  const split = new Map<number, number>();
  for (let k = 0; k < at.length; k++) {
    const key = part[at[k]] * width + ids[k];
    let p = split.get(key);
    if (p === undefined) {
      p = parts++;
      split.set(key, p);
    }
    part[at[k]] = p;
  }
  return parts;
}

/**
 * Endpoints grouped into classes, in endpoint order. Atoms that do not read addresses are
 * evaluated once per pod template (see Templates), and only on the templates the index gives as
 * candidates (policy/endpoint-index.ts): every other one gives the usual answer. The templates
 * start as one part per kind and address families, and each atom splits off, from each part,
 * the templates that answer it otherwise than usual (one part per answer); the atoms that read
 * addresses then split the endpoints the same way. The cost goes with the templates and the
 * unusual answers, not with endpoints x atoms. `answers` (for these endpoints) may hold atoms'
 * answers from before.
 */
export interface ComputedClasses {
  readonly classes: EndpointClass[];
  readonly classOf: Int32Array;
  /** The classes (ascending ids) whose answer to atom `atomId` is not the atom's usual answer. */
  unusualClasses(atomId: number): readonly number[];
}

export function computeClasses(
  atoms: readonly Atom[],
  endpoints: readonly Endpoint[],
  /** Called once per atom and once per 256 endpoints; throws to stop (a time budget spent). */
  check: () => void = () => undefined,
  answers: AtomAnswers = new AtomAnswers(endpoints),
): ComputedClasses {
  if (answers.endpoints !== endpoints) throw new Error('atom answers of other endpoints');
  const templates = answers.templates;
  const reps = templates.representatives;
  // The partition of templates so far: a part number per template.
  const templatePart = new Int32Array(reps.length);
  let parts = 0;
  const first = new Map<string, number>();
  const families = reps.map(familiesOf);
  reps.forEach((ep, t) => {
    const key = `${ep.kind}|${families[t].join('')}`;
    let p = first.get(key);
    if (p === undefined) {
      p = parts++;
      first.set(key, p);
    }
    templatePart[t] = p;
  });
  const unusual = atoms.map((atom) => {
    check();
    return answers.of(atom);
  });
  atoms.forEach((atom, a) => {
    if (!atom.readsAddresses) parts = refine(templatePart, parts, unusual[a]);
  });
  const part = new Int32Array(endpoints.length);
  for (let i = 0; i < endpoints.length; i++) part[i] = templatePart[templates.of[i]];
  atoms.forEach((atom, a) => {
    if (atom.readsAddresses) parts = refine(part, parts, unusual[a]);
  });
  // Parts numbered again in endpoint order; each class's answers are every class's answers (the
  // usual ones, or an address atom's common one) but where its members differ, written over a
  // shared row (answer-row.ts), not copied per class.
  const shared = AnswerRow.of(atoms.map((a, k) => unusual[k].common ?? a.usual));
  const classes: EndpointClass[] = [];
  const classOf = new Int32Array(endpoints.length);
  const idOf = new Int32Array(parts).fill(-1);
  // The classes whose first member is of each template: they take their answers from it.
  const firstOfTemplate: number[][] = reps.map(() => []);
  for (let i = 0; i < endpoints.length; i++) {
    if ((i & 255) === 0) check();
    let id = idOf[part[i]];
    if (id < 0) {
      id = classes.length;
      idOf[part[i]] = id;
      const t = templates.of[i];
      classes.push({ id, kind: endpoints[i].kind, families: families[t], values: shared.derive(), members: [] });
      firstOfTemplate[t].push(id);
    }
    classes[id].members.push(i);
    classOf[i] = id;
  }
  atoms.forEach((atom, a) => {
    const { at, values } = unusual[a];
    if (atom.readsAddresses) for (let k = 0; k < at.length; k++) classes[classOf[at[k]]].values.set(atom.id, values[k]);
    else
      for (let k = 0; k < at.length; k++)
        for (const c of firstOfTemplate[at[k]]) classes[c].values.set(atom.id, values[k]);
  });
  const byAtom = new Map<number, { atom: Atom; at: readonly number[]; common?: AtomValue }>();
  atoms.forEach((atom, a) => {
    byAtom.set(atom.id, { atom, at: unusual[a].at, common: unusual[a].common });
  });
  const unusualClasses = new Map<number, readonly number[]>();
  // One atom's classes gathered without a Set: `seen[c] === pass` once class c is listed. They
  // mostly come in ascending order (templates and classes are both numbered in endpoint order), so
  // a list is sorted only when it does not.
  const seen = new Int32Array(classes.length);
  let pass = 0;
  let listed: number[] = [];
  let ascending = true;
  const add = (c: number) => {
    if (seen[c] === pass) return;
    seen[c] = pass;
    if (listed.length > 0 && c < listed[listed.length - 1]) ascending = false;
    listed.push(c);
  };
  const gathered = (): number[] => {
    const ids = listed;
    listed = [];
    return ascending ? ids : ids.sort((x, y) => x - y);
  };
  return {
    classes,
    classOf,
    unusualClasses(atomId: number): readonly number[] {
      let list = unusualClasses.get(atomId);
      if (!list) {
        const { atom, at } = byAtom.get(atomId) ?? { atom: undefined, at: [] };
        const common = byAtom.get(atomId)?.common;
        if (atom?.readsAddresses && common !== undefined) {
          list = classes.filter((c) => c.values.get(atomId) !== atom.usual).map((c) => c.id);
        } else {
          pass++;
          ascending = true;
          // An address atom: the classes of the endpoints answering otherwise (every other endpoint
          // answers as usual). Otherwise by template: a class whose members are of several
          // templates answers as its first member's template does.
          if (atom?.readsAddresses) for (const i of at) add(classOf[i]);
          else for (const t of at) for (const c of firstOfTemplate[t]) add(c);
          list = gathered();
        }
        unusualClasses.set(atomId, list);
      }
      return list;
    },
  };
}
