/**
 * Selector scopes: the single selector Calico composes for a policy's subject
 * and for each rule side, exactly as libcalico-go's update processors do
 * (networkpolicyprocessor.go, globalnetworkpolicyprocessor.go, rules.go):
 *
 * - NetworkPolicy subject: `(selector) && projectcalico.org/namespace == '<ns>'`,
 *   and the serviceAccountSelector with its labels prefixed `pcsa.`;
 * - GlobalNetworkPolicy subject: the selector, the namespaceSelector prefixed
 *   `pcns.` (all() meaning "any namespace"), the serviceAccountSelector prefixed `pcsa.`;
 * - rule side: serviceAccounts (`pcsa.` selector and names) AND selector,
 *   scoped by the namespaceSelector (`pcns.`, all() = any namespace, global() =
 *   nothing namespaced) or, in a NetworkPolicy, by the policy's namespace as soon
 *   as any selector field is used. notSelector is never scoped.
 */
import type { Located } from '../../common/source';
import type { EntityRule } from '../../model/calico/calico-resources';
import { ALL, and, renameLabels, replaceFunctions, type SelectorNode, stringSet } from '../selector/selector-ast';
import { LABEL_NAMESPACE, LABEL_SERVICE_ACCOUNT, NAMESPACE_PREFIX, SERVICE_ACCOUNT_PREFIX } from './calico-labels';
import { parseSelectorText } from './selector-parses';

const HAS_NAMESPACE: SelectorNode = { kind: 'has', label: LABEL_NAMESPACE };
const NOT_NAMESPACED: SelectorNode = { kind: 'not', operand: HAS_NAMESPACE };
const HAS_SERVICE_ACCOUNT: SelectorNode = { kind: 'has', label: LABEL_SERVICE_ACCOUNT };

/** The parsed selector, or undefined when the field is absent or empty (Calico treats "" as absent). */
export function parsed(v: Located<string> | undefined): SelectorNode | undefined {
  if (!v || v.value.trim() === '') return undefined;
  const r = parseSelectorText(v.value);
  return r.ok ? r.node : undefined;
}

const prefix = (p: string) => (label: string) => p + label;

/** A namespaceSelector as Calico rewrites it onto endpoint labels. */
export function namespaceScope(node: SelectorNode): SelectorNode {
  return replaceFunctions(renameLabels(node, prefix(NAMESPACE_PREFIX)), HAS_NAMESPACE, NOT_NAMESPACED);
}

function inNamespace(ns: string): SelectorNode {
  return { kind: 'eq', label: LABEL_NAMESPACE, value: ns };
}

/** The endpoints a NetworkPolicy (namespace set) or GlobalNetworkPolicy applies to. */
export function subjectSelector(
  p: { selector?: Located<string>; namespaceSelector?: Located<string>; serviceAccountSelector?: Located<string> },
  namespace: string | undefined,
): SelectorNode {
  const parts: SelectorNode[] = [parsed(p.selector) ?? ALL];
  if (namespace !== undefined) parts.push(inNamespace(namespace));
  const nsSel = parsed(p.namespaceSelector);
  if (namespace === undefined && nsSel) parts.push(namespaceScope(nsSel));
  const saSel = parsed(p.serviceAccountSelector);
  if (saSel) {
    const renamed = renameLabels(saSel, prefix(SERVICE_ACCOUNT_PREFIX));
    parts.push(namespace === undefined ? replaceFunctions(renamed, HAS_SERVICE_ACCOUNT, { kind: 'global' }) : renamed);
  }
  return and(...parts);
}

/** The selector a rule side matches addresses with, or undefined when the side has no selector criterion. */
export function entitySelector(e: EntityRule, namespace: string | undefined): SelectorNode | undefined {
  const selectors: SelectorNode[] = [];
  const sa = e.serviceAccounts;
  if (sa) {
    const saParts: SelectorNode[] = [];
    const saSel = parsed(sa.selector);
    if (saSel) saParts.push(renameLabels(saSel, prefix(SERVICE_ACCOUNT_PREFIX)));
    if (sa.names.length)
      saParts.push({ kind: 'in', label: LABEL_SERVICE_ACCOUNT, values: stringSet(sa.names.map((n) => n.value)) });
    if (saParts.length) selectors.push(and(...saParts));
  }
  const sel = parsed(e.selector);
  if (sel) selectors.push(sel);
  const nsText = e.namespaceSelector?.value.trim() ?? '';
  const nsNode = parsed(e.namespaceSelector);
  const scope = nsNode ? namespaceScope(nsNode) : namespace !== undefined ? inNamespace(namespace) : undefined;
  const notText = e.notSelector?.value.trim() ?? '';
  let selector = selectors.length ? and(...selectors) : undefined;
  if (scope && (selector || notText !== '' || nsText !== '')) selector = selector ? and(scope, selector) : scope;
  return selector;
}
