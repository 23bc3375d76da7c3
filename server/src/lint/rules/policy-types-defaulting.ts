/**
 * policy-types-defaulting: policyTypes, given or defaulted by the API server,
 * disagrees with the rules written. Without policyTypes the API server sets
 * Ingress always and Egress only when the egress list is non-empty, so:
 * an egress-only policy also isolates its pods for ingress (denying every
 * incoming connection), and `egress: []` meant as "deny all egress" isolates
 * nothing. With policyTypes written, a rule list for a direction it leaves out
 * is ignored. The fixes make policyTypes explicit, one per reading.
 */
import type { Fix, TextEdit } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { type Span, span, spanText } from '../../common/source';
import type { KubeNetworkPolicy, PolicyType } from '../../model/kubernetes';
import { columnOf, insertKeysBefore } from '../edits';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'policy-types-defaulting';

export const policyTypesDefaulting: LintRule = { id: ID, check };

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  for (const np of a.cluster.networkPolicies) {
    if (!np.valid || np.meta.kind !== 'NetworkPolicy') continue;
    if (np.policyTypes) checkExplicit(np, sink);
    else checkDefaulted(np, sink);
  }
}

function name(np: KubeNetworkPolicy): string {
  return `NetworkPolicy ${np.meta.namespace}/${np.meta.name}`;
}

/** policyTypes written, with a rule list for a direction it leaves out: those rules are ignored. */
function checkExplicit(np: KubeNetworkPolicy, sink: FindingSink): void {
  const types = np.policyTypes!;
  for (const [type, rules, at] of [
    ['Ingress', np.ingress, np.ingressSpan],
    ['Egress', np.egress, np.egressSpan],
  ] as const) {
    if (!rules?.length || !at || types.value.includes(type)) continue;
    const wanted: PolicyType[] = (['Ingress', 'Egress'] as const).filter((t) => t === type || types.value.includes(t));
    const edit = rewriteTypes(types.span, types.value, wanted);
    const list = type.toLowerCase();
    sink.report(
      ID,
      'warning',
      `${name(np)} has ${list} rules, but policyTypes [${types.value.join(', ')}] leaves out ${type}, so the cluster ignores them: the pods are not isolated for ${list} by this policy.`,
      at,
      {
        tags: ['unnecessary'],
        fixes: edit ? [{ title: `Add ${type} to policyTypes`, edits: [edit], preferred: true }] : undefined,
      },
    );
  }
}

/** No policyTypes: Ingress always, Egress only with egress rules. */
function checkDefaulted(np: KubeNetworkPolicy, sink: FindingSink): void {
  const egressRules = np.egress?.length ?? 0;
  if (egressRules > 0 && np.ingress === undefined && np.egressSpan) {
    // An egress-only policy: the defaulting adds Ingress, and with no ingress rules that denies all ingress.
    const fixes = [
      insertTypes(np, ['Egress'], 'Set policyTypes: [Egress] (restrict egress only)', true),
      insertTypes(np, ['Ingress', 'Egress'], 'Set policyTypes: [Ingress, Egress] (also deny all ingress, as now)'),
    ].filter((f): f is Fix => f !== undefined);
    sink.report(
      ID,
      'warning',
      `${name(np)} has only egress rules and no policyTypes, so the API server sets policyTypes [Ingress, Egress]: with no ingress rules, it also denies every incoming connection to the pods it selects. Write policyTypes to say which you mean.`,
      np.egressSpan,
      { fixes },
    );
    return;
  }
  if (egressRules === 0 && np.egress !== undefined && np.egressSpan) {
    // `egress: []` reads as "deny all egress", but without Egress in policyTypes it does nothing.
    const types: PolicyType[] = ['Ingress', 'Egress'];
    const fixes = [
      insertTypes(np, types, 'Set policyTypes: [Ingress, Egress] (deny all egress)', true),
      insertTypes(np, ['Ingress'], 'Set policyTypes: [Ingress] (egress stays open, as now)'),
    ].filter((f): f is Fix => f !== undefined);
    sink.report(
      ID,
      'warning',
      `${name(np)} has an empty egress list and no policyTypes, so the API server leaves Egress out of policyTypes: the policy does not deny any egress. Write policyTypes to say which you mean.`,
      np.egressSpan,
      { tags: ['unnecessary'], fixes },
    );
  }
}

/** Inserts `policyTypes: [...]` before the spec's `egress` (or `ingress`) key. */
function insertTypes(np: KubeNetworkPolicy, types: PolicyType[], title: string, preferred = false): Fix | undefined {
  const key = [np.ingressSpan, np.egressSpan].filter((s) => s !== undefined).sort((x, y) => x!.start - y!.start)[0];
  if (!key) return undefined;
  const edit = insertKeysBefore(key, [`policyTypes: [${types.join(', ')}]`]);
  return edit && { title, edits: [edit], preferred };
}

/** policyTypes rewritten to `wanted`, in the style it is written in (flow `[...]` or a block list). */
function rewriteTypes(at: Span, current: readonly PolicyType[], wanted: readonly PolicyType[]): TextEdit | undefined {
  const text = spanText(at);
  if (text.trimStart().startsWith('[')) return { span: at, newText: `[${wanted.join(', ')}]` };
  if (!text.trimStart().startsWith('-')) return undefined;
  // A block list: add the missing items after the last one, at the first item's indentation.
  const added = wanted.filter((t) => !current.includes(t));
  const end = at.start + text.trimEnd().length;
  const indent = ' '.repeat(columnOf(span(at.file, at.start + (text.length - text.trimStart().length), at.end)));
  return { span: span(at.file, end, end), newText: added.map((t) => `\n${indent}- ${t}`).join('') };
}
