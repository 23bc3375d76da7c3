/**
 * Tiers: the well-known ones (kube-admin 1000 Pass, default 1,000,000 Deny,
 * kube-baseline 10,000,000 Pass) and the Tier objects of the workspace, checked
 * as Calico checks them (simple names, fixed order and default action for the
 * well-known tiers). A tier without order comes after every ordered tier.
 */
import type { CalicoTier } from '../../model/calico/calico-resources';
import { type TierDefinition, WELL_KNOWN_TIERS } from '../rule-model';
import type { FindingSink } from '../../common/finding-sink';

const TIER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkTier(t: CalicoTier, out: FindingSink): void {
  const name = t.meta.name;
  if (name.length > 63)
    out.report(
      'invalid-field',
      'error',
      `metadata.name: a Tier name may have at most 63 characters (it is used in labels).`,
      t.meta.nameSpan,
    );
  else if (!TIER_NAME.test(name))
    out.report(
      'invalid-field',
      'error',
      `metadata.name: a Tier name must consist of lower case alphanumeric characters ` +
        `or '-' (no dots: tier names are part of policy names).`,
      t.meta.nameSpan,
    );
  const fixed = WELL_KNOWN_TIERS.find((w) => w.name === name);
  if (!fixed) return;
  if (t.order?.value !== fixed.order) {
    out.report(
      'invalid-field',
      'error',
      `spec.order: the ${name} tier's order is fixed at ${fixed.order.toLocaleString('en-US')}.`,
      t.order?.span ?? t.meta.nameSpan,
    );
  }
  if (t.defaultAction && t.defaultAction.value !== fixed.defaultAction) {
    out.report(
      'invalid-field',
      'error',
      `spec.defaultAction: the ${name} tier's default action is fixed at ${fixed.defaultAction}.`,
      t.defaultAction.span,
    );
  }
}

/** Every tier policies may use, keyed by name; findings for Tier objects go to `out`. */
export function tierDefinitions(declared: readonly CalicoTier[], out: FindingSink): Map<string, TierDefinition> {
  const tiers = new Map<string, TierDefinition>(WELL_KNOWN_TIERS.map((t) => [t.name, t]));
  for (const t of declared) {
    const errorsBefore = out.errorCount;
    checkTier(t, out);
    if (!t.readValid || out.errorCount > errorsBefore) {
      if (!tiers.has(t.meta.name))
        out.report(
          'policy-not-simulated',
          'warning',
          `Calico rejects Tier ${t.meta.name} because of the errors in it; policies in it ` +
            `are left out of the simulation.`,
          t.meta.nameSpan,
        );
      continue;
    }
    if (WELL_KNOWN_TIERS.some((w) => w.name === t.meta.name)) continue;
    tiers.set(t.meta.name, {
      name: t.meta.name,
      order: t.order?.value ?? Infinity,
      defaultAction: t.defaultAction?.value ?? 'Deny',
      span: t.meta.nameSpan,
    });
  }
  return tiers;
}
