/**
 * Calico's validator for NetworkPolicy, GlobalNetworkPolicy and their staged
 * forms (validateNetworkPolicy, validateGlobalNetworkPolicySpec, the staged
 * variants) plus the tier must exist, NetworkSet labels, and information
 * findings for what the pod-to-pod simulation leaves out (doNotTrack, preDNAT,
 * applyOnForward, HTTP, host endpoints). A policy with errors (from reading or
 * from here) is left out of the simulation with a `policy-not-simulated` warning.
 */
import { span } from '../../common/source';
import { closest, notInWorkspace } from '../../common/text';
import type { CalicoNetworkSet, CalicoPolicy } from '../../model/calico/calico-resources';
import type { Namespace } from '../../model/kubernetes';
import type { Cluster } from '../../model/cluster';
import type { TierDefinition } from '../rule-model';
import type { ServiceIndex } from '../service-index';
import type { FindingSink } from '../../common/finding-sink';
import { LABEL_NAMESPACE } from './calico-labels';
import { checkSelector } from './selector-check';
import { checkRule } from './validate-rule';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const NP_NAME = new RegExp(`^((${LABEL})(\\.${LABEL})?|((knp|ossg)\\.default\\.(${SUBDOMAIN})))$`);
const GNP_NAME = new RegExp(`^(${LABEL}\\.)?${LABEL}$`);
const SUBDOMAIN_NAME = new RegExp(`^${SUBDOMAIN}$`);
const MAX_RULES = 1024;

export function describeCalico(p: CalicoPolicy): string {
  return `${p.kind} ${p.meta.namespace && !p.global ? `${p.meta.namespace}/` : ''}${p.meta.name}`;
}

function checkName(p: CalicoPolicy, out: FindingSink): void {
  const re = p.global ? GNP_NAME : NP_NAME;
  // Names that are not even DNS subdomains were reported while reading metadata.
  if (SUBDOMAIN_NAME.test(p.meta.name) && !re.test(p.meta.name)) {
    out.report(
      'invalid-field',
      'error',
      `metadata.name: a ${p.kind} name must be a DNS label, optionally with one "." ` +
        `(e.g. <tier>.<name>); "${p.meta.name}" has more dots.`,
      p.meta.nameSpan,
    );
  }
}

function checkTier(p: CalicoPolicy, tiers: ReadonlyMap<string, TierDefinition>, out: FindingSink): void {
  const tier = p.tier?.value || 'default';
  if (tiers.has(tier)) return;
  const guess = closest(tier, tiers.keys());
  out.report(
    'unknown-tier',
    'error',
    `spec.tier: tier "${tier}" does not exist in the workspace, and Calico rejects a ` +
      `policy whose tier does not exist.${guess ? ` Did you mean "${guess}"?` : ' Add a Tier object for it.'}`,
    p.tier!.span,
  );
}

function checkHostOnlyFields(p: CalicoPolicy, out: FindingSink): boolean {
  const dnt = p.doNotTrack?.value === true ? p.doNotTrack : undefined;
  const pre = p.preDNAT?.value === true ? p.preDNAT : undefined;
  if (dnt && pre)
    out.report(
      'invalid-field',
      'error',
      'spec.preDNAT: PreDNAT and DoNotTrack cannot both be true, for a given PolicySpec.',
      pre.span,
    );
  if (pre && (p.egress?.items.length ?? 0) > 0)
    out.report(
      'invalid-field',
      'error',
      'spec.egress: PreDNAT PolicySpec cannot have any Egress rules.',
      p.egress!.keySpan,
    );
  for (const t of p.types?.items ?? [])
    if (pre && t.value === 'Egress')
      out.report('invalid-field', 'error', "spec.types: PreDNAT PolicySpec cannot have 'egress' Type.", t.span);
  if ((dnt || pre) && p.applyOnForward?.value !== true) {
    out.report(
      'invalid-field',
      'error',
      'spec.applyOnForward: ApplyOnForward must be true if either PreDNAT or ' +
        'DoNotTrack is true, for a given PolicySpec.',
      p.applyOnForward?.span ?? (dnt ?? pre)!.span,
    );
  }
  const hostOnly = dnt ?? pre;
  if (hostOnly) {
    out.report(
      'field-not-simulated',
      'info',
      `spec.${dnt ? 'doNotTrack' : 'preDNAT'}: a ${dnt ? 'doNotTrack' : 'preDNAT'} ` +
        `policy applies only to host endpoints, which this pod-to-pod simulation does ` +
        `not model, so the policy is left out of it.`,
      hostOnly.span,
    );
  } else if (p.applyOnForward?.value === true) {
    out.report(
      'field-not-simulated',
      'info',
      'spec.applyOnForward: applyOnForward only changes how the policy applies to ' +
        'traffic forwarded through host endpoints; pod-to-pod traffic is simulated ' +
        'without it.',
      p.applyOnForward.span,
    );
  }
  return !!hostOnly;
}

function isEmptyStagedDelete(p: CalicoPolicy): boolean {
  return (
    !p.selector &&
    !p.namespaceSelector &&
    !p.serviceAccountSelector &&
    !p.types &&
    !p.ingress &&
    !p.egress &&
    p.order === undefined &&
    !p.doNotTrack &&
    !p.preDNAT &&
    !p.applyOnForward
  );
}

export interface PolicyVerdict {
  /** Calico accepts the policy. */
  readonly valid: boolean;
  /** It applies only to host endpoints (doNotTrack / preDNAT), so the pod simulation leaves it out. */
  readonly hostOnly: boolean;
}

/**
 * A `services` match naming a Service the workspace does not have matches nothing: worth a warning;
 * an info when the workspace knows nothing of its namespace (no Namespace object, no Service there):
 * a partial workspace, the Service may well be defined in a folder it does not hold.
 */
function checkServiceReferences(
  p: CalicoPolicy,
  services: ServiceIndex,
  namespaces: ReadonlyMap<string, Namespace>,
  out: FindingSink,
): void {
  for (const [direction, list] of [
    ['ingress', p.ingress],
    ['egress', p.egress],
  ] as const) {
    for (const rule of list?.items ?? []) {
      for (const side of ['source', 'destination'] as const) {
        const m = rule[side].services;
        const ns = m?.namespace?.value || (p.global ? undefined : (p.meta.namespace ?? 'default'));
        if (!m?.name?.value || !ns) continue;
        if (services.named(ns, m.name.value) !== undefined) continue;
        const here = services.namesIn(ns);
        const guess = closest(m.name.value, here);
        const unknownNamespace = here.length === 0 && !namespaces.get(ns)?.meta;
        out.report(
          'unknown-service',
          unknownNamespace ? 'info' : 'warning',
          `spec.${direction}[${rule.index}].${side}.services: there is no Service ` +
            `${ns}/${m.name.value} in the workspace, so this match selects nothing.${guess ? ` Did you mean "${guess}"?` : ''}${unknownNamespace ? ` ${notInWorkspace(`namespace ${ns} (no Namespace object, no Service)`)}` : ''}`,
          m.name.span,
        );
      }
    }
  }
}

export function validatePolicy(
  p: CalicoPolicy,
  tiers: ReadonlyMap<string, TierDefinition>,
  services: ServiceIndex,
  namespaces: ReadonlyMap<string, Namespace>,
  out: FindingSink,
): PolicyVerdict {
  const errorsBefore = out.errorCount;
  checkName(p, out);
  checkTier(p, tiers, out);
  checkSelector(p.selector, 'spec.selector', 'policy', out);
  checkSelector(p.serviceAccountSelector, 'spec.serviceAccountSelector', 'policy', out);
  checkSelector(p.namespaceSelector, 'spec.namespaceSelector', 'policy', out);
  const hostOnly = checkHostOnlyFields(p, out);
  if (p.stagedAction?.value === 'Delete' && !isEmptyStagedDelete(p)) {
    out.report(
      'invalid-field',
      'error',
      'spec.stagedAction: with stagedAction Delete, spec fields, except tier, should ' +
        'all be left out (the staged policy only names the policy it deletes).',
      p.stagedAction.span,
    );
  }
  for (const [direction, list] of [
    ['ingress', p.ingress],
    ['egress', p.egress],
  ] as const) {
    if (!list) continue;
    if (list.items.length > MAX_RULES)
      out.report(
        'invalid-field',
        'error',
        `spec.${direction}: a policy may have at most ${MAX_RULES} rules.`,
        list.keySpan,
      );
    for (const rule of list.items) checkRule(rule, direction, p.global, out);
  }
  checkServiceReferences(p, services, namespaces, out);
  const valid = p.readValid && out.errorCount === errorsBefore;
  if (!valid)
    out.report(
      'policy-not-simulated',
      'warning',
      `Calico rejects ${describeCalico(p)} because of the errors in it, so it is left out of the simulation.`,
      p.meta.nameSpan,
    );
  return { valid, hostOnly };
}

/** The projectcalico.org/namespace label is Calico's own on network sets. */
export function validateNetworkSet(s: CalicoNetworkSet, out: FindingSink): void {
  if (!(LABEL_NAMESPACE in s.meta.labels) || !s.meta.labelsSpan) return;
  const ls = s.meta.labelsSpan;
  const at = ls.file.text.indexOf(LABEL_NAMESPACE, ls.start);
  const where = at >= 0 && at < ls.end ? span(ls.file, at, at + LABEL_NAMESPACE.length) : ls;
  out.report(
    'invalid-field',
    'error',
    `metadata.labels: projectcalico.org/namespace is not a valid label name on a ` +
      `${s.meta.kind}; Calico sets it itself.`,
    where,
  );
  out.report(
    'policy-not-simulated',
    'warning',
    `Calico rejects ${s.meta.kind} ${s.meta.name}, so its addresses belong to no network set in the simulation.`,
    s.meta.nameSpan,
  );
}

export function reportHostEndpoints(cluster: Cluster, out: FindingSink): void {
  for (const h of cluster.calico.hostEndpoints) {
    out.report(
      'field-not-simulated',
      'info',
      `HostEndpoint ${h.meta.name} is read but not simulated: host interfaces are ` +
        `outside the pod-to-pod model (hostNetwork pods are simulated as their node's address).`,
      h.meta.nameSpan,
    );
  }
}
