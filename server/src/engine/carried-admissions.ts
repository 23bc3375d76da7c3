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
 * an epoch of its own. Within an epoch a kept admission is taken over class by class (the same ids)
 * with the asking analysis's policy, rule and class objects. Admissions of rules not asked about
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

/** An admission kept, the analysis it belongs to, and the last analysis (number) that asked for it. */
interface Kept {
  admission: Admission;
  from: Analysis;
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
  private last?: { endpoints: readonly Endpoint[]; engine: Engine };
  private generation = 0;
  readonly stats: CarriedAdmissionStats = { reused: 0, computed: 0, epochs: 0 };

  /** The carried work for an analysis of `endpoints` by `engine` (the newest analysis). */
  next(endpoints: readonly Endpoint[], engine: Engine): CarriedWork {
    const generation = ++this.generation;
    const last = this.last;
    if (last && last.endpoints === endpoints && sameClasses(last.engine, engine, endpoints.length)) {
      for (const [key, kept] of this.epoch.byKey) if (kept.used < generation - KEEP_FOR) this.epoch.byKey.delete(key);
    } else {
      this.epoch = { byKey: new Map() };
      this.stats.epochs++;
    }
    this.last = { endpoints, engine };
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

class CarriedAdmissions implements CarriedWork {
  private checked = false;
  /** Old class lists (shared by many admissions) as this analysis's. */
  private readonly lists = new Map<readonly unknown[], readonly unknown[]>();

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
      if (kept.from !== a) {
        kept.admission = this.takeOver(a, kept.admission);
        kept.from = a;
      }
      return { ...kept.admission, policy, rule } as T;
    }
    const found = compute(a, policy, rule);
    this.store.stats.computed++;
    epoch.byKey.set(key, { admission: found as Admission, from: a, used: this.generation });
    return found;
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

  /** An admission of an earlier analysis of the epoch, with this analysis's class objects. */
  private takeOver(a: Analysis, old: Admission): Admission {
    const classes = a.engine.classes;
    const external = externalClasses(a);
    return {
      ...old,
      peerClasses: this.list(old.peerClasses, (c) => classes[c.id]),
      subjectClasses: this.list(old.subjectClasses, (c) => classes[c.id]),
      externalClasses: this.list(old.externalClasses, (c) => external[c.id]),
    };
  }

  private list<C extends EndpointClass | ExternalClass>(old: readonly C[], map: (c: C) => C): readonly C[] {
    if (old.length === 0) return old;
    let found = this.lists.get(old) as readonly C[] | undefined;
    if (!found) {
      found = old.map(map);
      this.lists.set(old, found);
    }
    return found;
  }
}

/** The same endpoints cut into the same classes, with the same ids. */
function sameClasses(before: Engine, after: Engine, endpoints: number): boolean {
  if (before.classes.length !== after.classes.length) return false;
  for (let i = 0; i < endpoints; i++) if (before.classIdOf(i) !== after.classIdOf(i)) return false;
  return true;
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
