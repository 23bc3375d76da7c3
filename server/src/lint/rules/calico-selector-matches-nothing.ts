/**
 * The Calico half of selector-matches-nothing: a Calico policy's `selector`
 * that selects no pod in its scope, and a rule's `selector` that matches no
 * pod and no network set. It reads the selectors the policy stage compiled
 * (PolicySet.selectorUses: composed with their scopes, interned as atoms) and
 * asks the engine's endpoint classes, so nothing here re-derives a selector.
 */
import type { Fix } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import type { Located } from '../../common/source';
import { closest, quoteList } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { Labels } from '../../model/kubernetes';
import { networkSetEntries } from '../../policy/calico/calico-labels';
import type { Endpoint } from '../../policy/endpoint';
import { policyName, type SelectorUse } from '../../policy/rule-model';
import type { SelectorNode } from '../../policy/selector/selector-ast';
import { valueCharSpan } from '../../yaml/scalar';

export function reportCalicoSelectorsMatchingNothing(a: Analysis, sink: FindingSink): void {
  const pods = a.endpoints.filter((e) => e.kind === 'pod');
  if (pods.length === 0) return;
  const podsIn = new Map<string, Endpoint[]>();
  for (const p of pods) {
    const list = podsIn.get(p.namespace!);
    if (list) list.push(p);
    else podsIn.set(p.namespace!, [p]);
  }
  for (const use of a.policies.selectorUses) {
    const inScope = use.namespace === undefined ? pods : (podsIn.get(use.namespace) ?? []);
    if (use.role === 'subject') {
      if (inScope.length === 0 || selectsAPod(a, use)) continue;
      const where = use.namespace === undefined ? 'in any namespace' : `in namespace ${use.namespace}`;
      report(
        sink,
        use,
        `selector ${use.written.value.trim()} selects no pod ${where}, so ${policyName(use.policy)} applies to nothing.`,
        inScope,
      );
    } else {
      checkRuleSide(a, use, pods, sink);
    }
  }
}

/** The subject's endpoint atom answers true for some pod class. */
function selectsAPod(a: Analysis, use: SelectorUse): boolean {
  return a.engine.classes.some((c) => c.kind === 'pod' && c.values[use.atom] === true);
}

/**
 * A rule side's address-set atom holds an address of some pod class, or (for
 * pods without an address, which no address set can hold) the selector
 * matches their labels, or it matches a network set.
 */
function matchesSomething(a: Analysis, use: SelectorUse, pods: readonly Endpoint[]): boolean {
  if (a.engine.classes.some((c) => c.kind === 'pod' && String(c.values[use.atom]).includes('1'))) return true;
  if (pods.some((p) => p.ips.length === 0 && use.matcher.matches(p.calicoLabels))) return true;
  return networkSetEntries(a.cluster).some((s) => use.matcher.matches(s.labels));
}

function checkRuleSide(a: Analysis, use: SelectorUse, pods: readonly Endpoint[], sink: FindingSink): void {
  if (matchesSomething(a, use, pods)) return;
  const ns = use.namespace;
  const scope = use.namespaceSelector
    ? `in the namespaces namespaceSelector ${use.namespaceSelector.value.trim()} selects`
    : ns
      ? `in namespace ${ns}`
      : 'anywhere';
  let message = `selector ${use.written.value.trim()} matches no pod and no network set ${scope}, so this rule side matches no traffic from or to an endpoint.`;
  const others =
    ns && !use.namespaceSelector
      ? [
          ...new Set(
            pods.filter((x) => x.namespace !== ns && use.unscoped.matches(x.calicoLabels)).map((x) => x.namespace!),
          ),
        ].sort()
      : [];
  if (others.length) {
    message += ` A Calico NetworkPolicy's rule selector only looks in the policy's namespace; the pods it matches run in ${quoteList(others)}: add namespaceSelector: projectcalico.org/name == '${others[0]}' (or all()) to this side.`;
    sink.report('selector-matches-nothing', 'warning', message, use.written.span);
    return;
  }
  report(sink, use, message, ns ? pods.filter((x) => x.namespace === ns) : pods);
}

/** The selector's equality terms (`label == 'value'`), for did-you-mean. */
function equalities(n: SelectorNode, out: { label: string; value: string }[] = []): { label: string; value: string }[] {
  if (n.kind === 'eq') out.push({ label: n.label, value: n.value });
  else if (n.kind === 'and' || n.kind === 'or') for (const o of n.operands) equalities(o, out);
  else if (n.kind === 'in') for (const value of n.values) out.push({ label: n.label, value });
  return out;
}

/** A finding on a selector string, with a did-you-mean (and its fix) for the first equality nothing carries. */
function report(
  sink: FindingSink,
  use: SelectorUse,
  message: string,
  candidates: readonly { calicoLabels: Labels }[],
): void {
  const v: Located<string> = use.written;
  const fixes: Fix[] = [];
  let hint = '';
  for (const { label, value } of equalities(use.unscoped.node)) {
    if (candidates.some((c) => c.calicoLabels[label] === value)) continue;
    const values = new Set(candidates.filter((c) => label in c.calicoLabels).map((c) => c.calicoLabels[label]));
    const guess = values.size ? closest(value, values) : undefined;
    if (guess !== undefined) {
      hint = ` Did you mean ${label} == '${guess}'?`;
      const at = uniqueQuoted(v.value, value);
      if (at >= 0)
        fixes.push({
          title: `Change '${value}' to '${guess}'`,
          edits: [{ span: valueCharSpan(v, at, at + value.length), newText: guess }],
          preferred: true,
        });
    } else if (!values.size) {
      const keyGuess = closest(label, new Set(candidates.flatMap((c) => Object.keys(c.calicoLabels))));
      hint = keyGuess
        ? ` No pod in scope has a ${label} label; did you mean ${keyGuess}?`
        : ` No pod in scope has a ${label} label.`;
    }
    break;
  }
  sink.report('selector-matches-nothing', 'warning', message + hint, v.span, { fixes });
}

/** Offset of `value` inside its quotes in `text`, when it is quoted exactly once; else -1. */
function uniqueQuoted(text: string, value: string): number {
  const hits: number[] = [];
  for (const q of ["'", '"']) {
    let i = text.indexOf(q + value + q);
    while (i >= 0) {
      hits.push(i + 1);
      i = text.indexOf(q + value + q, i + 1);
    }
  }
  return hits.length === 1 ? hits[0] : -1;
}
