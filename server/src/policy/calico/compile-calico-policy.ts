/**
 * A Calico NetworkPolicy or GlobalNetworkPolicy (or a staged one evaluated as
 * if enforced) -> a CompiledPolicy: its tier (default `default`), its order
 * (none = after every ordered policy), ties by name, the endpoints it applies
 * to, and its rules in the directions its `types` say. When `types` is absent
 * Calico derives it from the rules: egress rules alone give Egress (unlike a
 * Kubernetes NetworkPolicy, which then still isolates ingress).
 */
import type { CalicoPolicy } from '../../model/calico/calico-resources';
import type { PolicyType } from '../../model/kubernetes';
import type { AtomTable } from '../atoms';
import type { CompiledPolicy } from '../rule-model';
import type { ServiceIndex } from '../service-index';
import { compileCalicoRule, type RuleContext } from './compile-calico-rule';
import { subjectSelector } from './scopes';
import { composedMatcher } from './selector-parses';
import { calicoPolicyRef } from './selector-uses';

/** The types Calico stores for a policy, and a note when it chose them. */
export function effectiveTypes(p: CalicoPolicy): { types: PolicyType[]; note?: string } {
  if (p.types?.items.length) return { types: p.types.items.map((t) => t.value) };
  const hasIngress = (p.ingress?.items.length ?? 0) > 0;
  const hasEgress = (p.egress?.items.length ?? 0) > 0;
  if (hasEgress && !hasIngress) {
    return {
      types: ['Egress'],
      note:
        'types is not set and the policy has only egress rules, so Calico sets types to ' +
        '[Egress]: it does not isolate ingress (a Kubernetes NetworkPolicy without ' +
        'policyTypes always affects ingress).',
    };
  }
  if (hasEgress)
    return {
      types: ['Ingress', 'Egress'],
      note: 'types is not set and the policy has ingress and egress rules, so Calico sets types to [Ingress, Egress].',
    };
  return {
    types: ['Ingress'],
    note:
      `types is not set and the policy has ` +
      `${hasIngress ? 'only ingress rules' : 'no rules'}, so Calico sets types to ` +
      `[Ingress]: it does not affect egress.`,
  };
}

export function compileCalicoPolicy(
  p: CalicoPolicy,
  atoms: AtomTable,
  services: ServiceIndex,
  extraNotes: readonly string[] = [],
): CompiledPolicy {
  const ref = calicoPolicyRef(p);
  const namespace = ref.namespace;
  const subject = atoms.calicoEndpoints(composedMatcher(p, namespace, () => subjectSelector(p, namespace))!);
  const { types, note } = effectiveTypes(p);
  const ctx: RuleContext = { atoms, namespace, services };
  const notes = [...extraNotes];
  if (note) notes.push(note);
  return {
    ref,
    tier: p.tier?.value || 'default',
    order: p.order?.value ?? Infinity,
    sortName: p.meta.name,
    subject: subject.id,
    ingress: types.includes('Ingress')
      ? (p.ingress?.items ?? []).map((r) => compileCalicoRule(r, 'ingress', ctx))
      : undefined,
    egress: types.includes('Egress')
      ? (p.egress?.items ?? []).map((r) => compileCalicoRule(r, 'egress', ctx))
      : undefined,
    notes,
  };
}
