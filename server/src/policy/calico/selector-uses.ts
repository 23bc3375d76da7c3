/**
 * The selectors written in Calico policies, composed with their scopes exactly
 * as compiling composes them (scopes.ts) and interned as the same atoms: what
 * lint rules and editor features read to ask "what does this selector select"
 * without deriving selectors from the model again. Every policy that reads
 * valid is covered, whether it is simulated or not (a typo in a staged
 * policy's selector is worth reporting too).
 */
import type { CalicoPolicy } from '../../model/calico/calico-resources';
import type { AtomTable } from '../atoms';
import type { PolicyRef, SelectorUse } from '../rule-model';
import { entitySelector, parsed, subjectSelector } from './scopes';
import { composedMatcher, unscopedMatcher } from './selector-parses';

export function calicoPolicyRef(p: CalicoPolicy): PolicyRef {
  const namespace = p.global ? undefined : (p.meta.namespace ?? 'default');
  return { kind: p.kind, group: 'projectcalico.org', namespace, name: p.meta.name, span: p.meta.nameSpan };
}

export function calicoSelectorUses(p: CalicoPolicy, atoms: AtomTable, simulated: boolean): SelectorUse[] {
  const policy = calicoPolicyRef(p);
  const namespace = policy.namespace;
  const uses: SelectorUse[] = [];
  const own = parsed(p.selector);
  if (p.selector && own) {
    const matcher = composedMatcher(p, namespace, () => subjectSelector(p, namespace))!;
    uses.push({
      policy,
      simulated,
      role: 'subject',
      written: p.selector,
      atom: atoms.calicoEndpoints(matcher).id,
      matcher,
      unscoped: unscopedMatcher(p.selector.value, own),
      namespace,
    });
  }
  for (const rule of [...(p.ingress?.items ?? []), ...(p.egress?.items ?? [])]) {
    for (const side of [rule.source, rule.destination]) {
      const sideOwn = parsed(side.selector);
      if (!side.selector || !sideOwn) continue;
      const matcher = composedMatcher(side, namespace, () => entitySelector(side, namespace));
      if (!matcher) continue;
      uses.push({
        policy,
        simulated,
        role: 'rule-side',
        written: side.selector,
        atom: atoms.selectorAddresses(matcher).id,
        matcher,
        unscoped: unscopedMatcher(side.selector.value, sideOwn),
        namespace: side.namespaceSelector ? undefined : namespace,
        namespaceSelector: side.namespaceSelector,
      });
    }
  }
  return uses;
}
