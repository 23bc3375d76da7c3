/**
 * Parses of Calico selector texts shared while the policy stage runs: compiling reads each
 * selector up to five times (validation, the subject or rule side, the rule's summary, the
 * selector uses), and most texts repeat across namespaces (`app == 'api'` in every team's
 * policy). Outside `sharingParses` every call parses anew, so nothing is kept between analyses.
 * Parse trees are never modified, so one tree can serve every use of its text.
 */
import { CalicoSelector } from '../selector/calico-selector';
import { print, type SelectorNode } from '../selector/selector-ast';
import { type ParseResult, parse } from '../selector/selector-parser';

interface Shared {
  readonly parses: Map<string, ParseResult>;
  readonly printed: Map<string, string>;
  /** Matchers by the object (a policy, a rule side) and scope they were composed for. */
  readonly matchers: Map<object, Map<string | undefined, CalicoSelector | undefined>>;
  /** Matchers of written selectors (unscoped), by text. */
  readonly unscoped: Map<string, CalicoSelector>;
}

let shared: Shared | undefined;

/** `work()` with the parses of selector texts shared (nested calls share the outer run's). */
export function sharingParses<T>(work: () => T): T {
  const outer = shared;
  shared ??= { parses: new Map(), printed: new Map(), matchers: new Map(), unscoped: new Map() };
  try {
    return work();
  } finally {
    shared = outer;
  }
}

/** The parse of a selector text (the selector parser's `parse`, once per text inside `sharingParses`). */
export function parseSelectorText(text: string): ParseResult {
  if (!shared) return parse(text);
  let r = shared.parses.get(text);
  if (!r) {
    r = parse(text);
    shared.parses.set(text, r);
  }
  return r;
}

/** A selector text in Calico's canonical form, or the text itself when it does not parse. */
export function canonicalSelectorText(text: string): string {
  let found = shared?.printed.get(text);
  if (found === undefined) {
    const r = parseSelectorText(text);
    found = r.ok ? print(r.node) : text;
    shared?.printed.set(text, found);
  }
  return found;
}

/**
 * The matcher of the selector `compose` makes for `owner` in `namespace` (a subject or a rule
 * side, composed with its scope), or undefined when there is none: composed and printed once
 * inside `sharingParses`, where compiling and the selector uses both ask for it.
 */
export function composedMatcher(
  owner: object,
  namespace: string | undefined,
  compose: () => SelectorNode | undefined,
): CalicoSelector | undefined {
  if (!shared) {
    const node = compose();
    return node && new CalicoSelector(node);
  }
  let byScope = shared.matchers.get(owner);
  if (!byScope) {
    byScope = new Map();
    shared.matchers.set(owner, byScope);
  }
  if (byScope.has(namespace)) return byScope.get(namespace);
  const node = compose();
  const matcher = node && new CalicoSelector(node);
  byScope.set(namespace, matcher);
  return matcher;
}

/** The matcher of a written selector's own tree (its text's parse), once per text inside `sharingParses`. */
export function unscopedMatcher(text: string, node: SelectorNode): CalicoSelector {
  let found = shared?.unscoped.get(text);
  if (!found) {
    found = new CalicoSelector(node);
    shared?.unscoped.set(text, found);
  }
  return found;
}
