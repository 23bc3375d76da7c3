/**
 * What rules admit (engine/admission.ts), kept across the analyses of one workspace (the language
 * server's AnalysisCache), so that after an edit only the rules whose admission can have changed
 * are computed again. An admission is a function of:
 *
 * - the rule's direction and condition and its policy's subject atom, which it reads by atom id:
 *   atom ids change from one compile to the next, so the content key names atoms by their keys;
 * - the endpoint classes (which classes answer each atom how): the same endpoints (the same
 *   objects) cut into the same classes, class by class, answer every atom key alike;
 * - the outside address classes (every policy's CIDRs cut them): compared as the lint memo does.
 *
 * An epoch is a run of analyses with the same endpoints and endpoint classes; the first analysis
 * that asks fixes the epoch's outside classes, and an analysis whose outside classes differ starts
 * an epoch of its own. Within an epoch an admission is kept by class ids, and given to an analysis
 * with its own policy, rule and class objects. Admissions of rules not asked about
 * for a few analyses (edited away) are forgotten. test/engine/analysis-cache.test.ts compares the
 * admissions with an analysis from scratch after random edits.
 */
import type { Atom } from '../policy/atoms';
import type { Endpoint } from '../policy/endpoint';
import type { CompiledPolicy, CompiledRule, Condition } from '../policy/rule-model';
import { type ExternalClass, externalClasses } from './address-classes';
import type { Admission } from './admission';
import type { Analysis, CarriedWork } from './analysis';
import type { EndpointClass } from './classes';
import type { Engine } from './engine';

/** Counters a test or benchmark reads to see the work done. */
export interface CarriedAdmissionStats {
  /** Admissions taken from an earlier analysis (or from a rule of the same content). */
  reused: number;
  /** Admissions computed. */
  computed: number;
  /** Epochs started (the first analysis, then each change of classes). */
  epochs: number;
}

/**
 * An admission kept, by class ids (valid for every analysis of its epoch; no class object of an
 * older analysis is kept alive), and the last analysis (number) that asked for it.
 */
interface Kept {
  readonly peers: readonly number[];
  readonly subjects: readonly number[];
  readonly external: readonly number[];
  readonly ports: Admission['ports'];
  readonly families: Admission['families'];
  used: number;
}

interface Epoch {
  /** The outside address classes, as a string (set by the first analysis that asks). */
  external?: string;
  readonly byKey: Map<string, Kept>;
}

/** Analyses an admission is kept for after the last one that asked for it. */
const KEEP_FOR = 3;

export class AdmissionStore {
  private epoch: Epoch = { byKey: new Map() };
  /** The endpoints of the newest analysis and each one's class. */
  private last?: { endpoints: readonly Endpoint[]; classOf: Int32Array; classes: number };
  private generation = 0;
  readonly stats: CarriedAdmissionStats = { reused: 0, computed: 0, epochs: 0 };

  /** The carried work for an analysis of `endpoints` by `engine` (the newest analysis). */
  next(endpoints: readonly Endpoint[], engine: Engine): CarriedWork {
    const generation = ++this.generation;
    const classOf = Int32Array.from(endpoints, (_, i) => engine.classIdOf(i));
    const last = this.last;
    if (
      last &&
      last.endpoints === endpoints &&
      last.classes === engine.classes.length &&
      last.classOf.every((c, i) => c === classOf[i])
    ) {
      for (const [key, kept] of this.epoch.byKey) if (kept.used < generation - KEEP_FOR) this.epoch.byKey.delete(key);
    } else {
      this.epoch = { byKey: new Map() };
      this.stats.epochs++;
    }
    this.last = { endpoints, classOf, classes: engine.classes.length };
    return new CarriedAdmissions(this, this.epoch, generation);
  }

  /** Called by the newest analysis's carry when its outside classes differ from its epoch's. */
  restart(from: Epoch, generation: number, external: string): Epoch {
    const epoch: Epoch = { external, byKey: new Map() };
    this.stats.epochs++;
    if (this.epoch === from && this.generation === generation) this.epoch = epoch;
    return epoch;
  }
}

const NONE: readonly never[] = [];

class CarriedAdmissions implements CarriedWork {
  private checked = false;
  /** Class lists as ids, and ids as this analysis's classes: many admissions share one list (every pod class, say). */
  private readonly idsOf = new Map<readonly unknown[], readonly number[]>();
  private readonly classesOf = new Map<readonly number[], readonly EndpointClass[]>();
  private readonly externalOf = new Map<readonly number[], readonly ExternalClass[]>();

  constructor(
    private readonly store: AdmissionStore,
    private epoch: Epoch,
    private readonly generation: number,
  ) {}

  admission<T>(
    a: Analysis,
    policy: CompiledPolicy,
    rule: CompiledRule,
    compute: (a: Analysis, policy: CompiledPolicy, rule: CompiledRule) => T,
  ): T {
    // Only the analysis this carry was made for: its classes are the epoch's.
    if (a.carried !== this) return compute(a, policy, rule);
    const epoch = this.epochOf(a);
    const key = admissionKey(a.policies.atoms, policy, rule);
    const kept = epoch.byKey.get(key);
    if (kept) {
      this.store.stats.reused++;
      kept.used = this.generation;
      const classes = a.engine.classes;
      const external = externalClasses(a);
      const admission: Admission = {
        policy,
        rule,
        peerClasses: this.objects(this.classesOf, kept.peers, (id) => classes[id]),
        externalClasses: this.objects(this.externalOf, kept.external, (id) => external[id]),
        subjectClasses: this.objects(this.classesOf, kept.subjects, (id) => classes[id]),
        ports: kept.ports,
        families: kept.families,
      };
      return admission as T;
    }
    const found = compute(a, policy, rule) as Admission;
    this.store.stats.computed++;
    epoch.byKey.set(key, {
      peers: this.ids(found.peerClasses),
      subjects: this.ids(found.subjectClasses),
      external: this.ids(found.externalClasses),
      ports: found.ports,
      families: found.families,
      used: this.generation,
    });
    return found as T;
  }

  /** This analysis's epoch: the one it was given unless its outside classes are not that epoch's. */
  private epochOf(a: Analysis): Epoch {
    if (this.checked) return this.epoch;
    this.checked = true;
    const external = externalKey(externalClasses(a));
    if (this.epoch.external === undefined) this.epoch.external = external;
    else if (this.epoch.external !== external) this.epoch = this.store.restart(this.epoch, this.generation, external);
    return this.epoch;
  }

  private ids(list: readonly { readonly id: number }[]): readonly number[] {
    if (list.length === 0) return NONE;
    let ids = this.idsOf.get(list);
    if (!ids) {
      ids = list.map((c) => c.id);
      this.idsOf.set(list, ids);
    }
    return ids;
  }

  private objects<C>(
    memo: Map<readonly number[], readonly C[]>,
    ids: readonly number[],
    of: (id: number) => C,
  ): readonly C[] {
    if (ids.length === 0) return NONE;
    let list = memo.get(ids);
    if (!list) {
      list = ids.map(of);
      memo.set(ids, list);
    }
    return list;
  }
}

/** The outside address classes as a string: the same string, the same classes with the same ids. */
function externalKey(classes: readonly ExternalClass[]): string {
  return classes
    .map(
      (x) =>
        `${x.id} ${x.family} ${x.endpoint.id} ${[...x.tags].sort().join(',')} ${x.ranges.map((r) => `${r.first}-${r.last}`).join(',')}`,
    )
    .join('\n');
}

/**
 * What computeAdmission reads of a rule and its policy, with atoms named by their keys: the
 * direction, the policy's subject and the rule's condition, field by field (a condition type this
 * does not know throws, so a new kind of condition cannot be keyed by half of what it says).
 */
function admissionKey(atoms: readonly Atom[], policy: CompiledPolicy, rule: CompiledRule): string {
  const out = [rule.direction, atoms[policy.subject].key];
  conditionKey(rule.condition, atoms, out);
  // As JSON: an atom key or a protocol may hold any character.
  return JSON.stringify(out);
}

function conditionKey(c: Condition, atoms: readonly Atom[], out: string[]): void {
  switch (c.type) {
    case 'all':
    case 'any':
      out.push(`${c.type}(${c.of.length}`);
      for (const x of c.of) conditionKey(x, atoms, out);
      out.push(')');
      return;
    case 'protocol':
      out.push(`protocol ${c.negate} ${c.protocols.length}`, ...c.protocols);
      return;
    case 'endpoint':
    case 'nets':
      out.push(`${c.type} ${c.side} ${c.negate}`, atoms[c.atom].key);
      return;
    case 'ports':
      out.push(`ports ${c.side} ${c.negate} ${c.ranges.map((r) => `${r[0]}-${r[1]}`).join(',')} ${c.named.length}`);
      for (const id of c.named) out.push(atoms[id].key);
      return;
    default:
      throw new Error(`no admission key for a condition of type ${(c as { type: string }).type}`);
  }
}
