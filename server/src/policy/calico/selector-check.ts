/**
 * Checking a selector field as Calico's validator does: it must parse (the
 * finding marks the character where it broke), stay within 1024 characters,
 * and use global() only as a whole EntityRule namespaceSelector.
 */
import type { Located } from '../../common/source';
import { valueCharSpan } from '../../yaml/scalar';
import { errorText } from '../selector/calico-selector';
import { tokenize } from '../selector/selector-tokens';
import type { FindingSink } from '../../common/finding-sink';
import { parseSelectorText } from './selector-parses';

/** `policy`: global() is not allowed; `namespaceSelector`: global() only on its own (EntityRule namespaceSelector). */
export type SelectorPlace = 'policy' | 'namespaceSelector';

const MAX_SELECTOR_LENGTH = 1024;

export function checkSelector(
  v: Located<string> | undefined,
  field: string,
  place: SelectorPlace,
  out: FindingSink,
): void {
  if (!v) return;
  const text = v.value;
  if (text.length > MAX_SELECTOR_LENGTH)
    out.report(
      'invalid-field',
      'error',
      `${field}: the selector is ${text.length} characters long; Calico allows at most ${MAX_SELECTOR_LENGTH}.`,
      v.span,
    );
  const r = parseSelectorText(text);
  if (!r.ok && r.error.limit) {
    // An error, not the rule's usual warning: the policy cannot be simulated without its selector.
    out.report(
      'limit-exceeded',
      'error',
      `${field}: ${r.error.message}.`,
      valueCharSpan(v, r.error.offset, r.error.end),
    );
    return;
  }
  if (!r.ok) {
    out.report(
      'invalid-selector',
      'error',
      `${field}: the Calico selector does not parse ${errorText(r.error)}.`,
      valueCharSpan(v, r.error.offset, r.error.end),
    );
    return;
  }
  const at = text.indexOf('global(');
  if (at < 0) return;
  const where = valueCharSpan(v, at, text.indexOf(')', at) + 1 || text.length);
  if (place === 'policy') {
    out.report(
      'invalid-field',
      'error',
      `${field}: global() can only be used in an EntityRule namespaceSelector (a rule's source or destination).`,
      where,
    );
    return;
  }
  const tokens = tokenize(text);
  if (tokens.ok && (tokens.tokens.length > 2 || tokens.tokens[0].kind !== 'global()')) {
    out.report(
      'invalid-field',
      'error',
      `${field}: global() cannot be combined with other selectors; write ` +
        `namespaceSelector: global() on its own (it selects non-namespaced resources ` +
        `such as GlobalNetworkSets).`,
      where,
    );
  }
}
