/**
 * Reading projectcalico.org/v3 NetworkPolicy, GlobalNetworkPolicy and their
 * staged forms: the spec's fields with their types and enums. Whether the
 * policy is valid as a whole (selectors, tiers, cross-field rules) is decided
 * by the policy stage, which also reports `policy-not-simulated`.
 */
import type { Located } from '../../common/source';
import type { RMap } from '../../yaml/yaml-reader';
import { readEnum } from '../enums';
import type { ReadMeta } from '../meta';
import type { PolicyType } from '../kubernetes';
import { readRules } from './read-calico-rule';
import { type CalicoPolicy, type CalicoPolicyKind, type LocatedList, STAGED_ACTIONS } from './calico-resources';

const COMMON_SPEC = [
  'tier',
  'order',
  'selector',
  'types',
  'ingress',
  'egress',
  'serviceAccountSelector',
  'performanceHints',
];
const GLOBAL_SPEC = ['namespaceSelector', 'doNotTrack', 'preDNAT', 'applyOnForward'];

/** The spec's fields, by (global ? 1 : 0) + (staged ? 2 : 0). */
const SPEC_KEYS: readonly (readonly string[])[] = [
  COMMON_SPEC,
  [...COMMON_SPEC, ...GLOBAL_SPEC],
  [...COMMON_SPEC, 'stagedAction'],
  [...COMMON_SPEC, ...GLOBAL_SPEC, 'stagedAction'],
];

export function countErrors(m: RMap): number {
  return m.ctx.sink.errorCount;
}

export function readCalicoPolicy(
  obj: RMap,
  meta: ReadMeta,
  kind: CalicoPolicyKind,
  errorsBefore: number,
): CalicoPolicy {
  const global = kind === 'GlobalNetworkPolicy' || kind === 'StagedGlobalNetworkPolicy';
  const staged = kind.startsWith('Staged');
  obj.checkKeys(['apiVersion', 'kind', 'metadata', 'spec', 'status'], `a ${kind}`);
  const spec = obj.map('spec');
  spec?.checkKeys(SPEC_KEYS[(global ? 1 : 0) + (staged ? 2 : 0)], `a ${kind} spec`);
  const performanceHints = spec?.strings('performanceHints') ?? [];
  for (const h of performanceHints) {
    if (h.value !== 'AssumeNeededOnEveryNode')
      spec!.ctx.sink.report(
        'invalid-field',
        'error',
        `spec.performanceHints: "${h.value}" is not a performance hint; the only one is AssumeNeededOnEveryNode.`,
        h.span,
      );
  }
  return {
    meta,
    kind,
    global,
    staged,
    stagedAction: spec && staged ? readEnum(spec, 'stagedAction', STAGED_ACTIONS) : undefined,
    tier: spec?.str('tier'),
    order: spec?.num('order'),
    selector: spec?.str('selector', { coerce: false }),
    namespaceSelector: global ? spec?.str('namespaceSelector', { coerce: false }) : undefined,
    serviceAccountSelector: spec?.str('serviceAccountSelector', { coerce: false }),
    types: spec && readTypes(spec),
    ingress: spec && readRules(spec, 'ingress'),
    egress: spec && readRules(spec, 'egress'),
    doNotTrack: global ? spec?.bool('doNotTrack') : undefined,
    preDNAT: global ? spec?.bool('preDNAT') : undefined,
    applyOnForward: global ? spec?.bool('applyOnForward') : undefined,
    specSpan: spec ? spec.span : meta.nameSpan,
    readValid: countErrors(obj) === errorsBefore,
  };
}

/** `types`: Ingress and/or Egress, each at most once (Calico rejects repeats and an empty list). */
function readTypes(spec: RMap): LocatedList<Located<PolicyType>> | undefined {
  const entry = spec.entry('types');
  const values = spec.strings('types');
  if (!entry || !values) return undefined;
  const items: Located<PolicyType>[] = [];
  for (const t of values) {
    if (t.value !== 'Ingress' && t.value !== 'Egress') {
      const fixed = ['Ingress', 'Egress'].find((x) => x.toLowerCase() === t.value.toLowerCase());
      spec.ctx.sink.report(
        'invalid-field',
        'error',
        `spec.types: "${t.value}" is not a policy type; use ${fixed ? `"${fixed}" (types are case-sensitive)` : 'Ingress or Egress'}.`,
        t.span,
      );
    } else if (items.some((x) => x.value === t.value)) {
      spec.ctx.sink.report('invalid-field', 'error', `spec.types: '${t.value}' type specified more than once.`, t.span);
    } else {
      items.push({ value: t.value, span: t.span });
    }
  }
  if (values.length === 0) {
    spec.ctx.sink.report(
      'invalid-field',
      'error',
      'spec.types: the list must name Ingress and/or Egress; leave `types` out to let Calico choose from the rules.',
      entry.valueSpan,
    );
  }
  return { items, span: entry.valueSpan, keySpan: entry.keySpan };
}
