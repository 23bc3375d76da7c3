/**
 * The Calico half of selector-matches-nothing: a Calico policy's `selector`
 * that selects no pod in its scope, and a rule's `selector` that matches no
 * pod and no network set. Selectors are composed with their scopes exactly as
 * the policy stage composes them (policy/calico/scopes.ts) and evaluated over
 * the labels Calico sees (pod labels plus its implicit ones).
 */
import type { Finding, Fix } from '../../common/finding';
import type { Located } from '../../common/source';
import { closest, quoteList } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { EntityRule } from '../../model/calico/types';
import type { Labels } from '../../model/types';
import { networkSetEntries } from '../../policy/calico/labels';
import { entitySelector, parsed, subjectSelector } from '../../policy/calico/scopes';
import { evaluate, type SelectorNode } from '../../policy/selector/ast';
import type { Endpoint } from '../../policy/endpoint';
import { valueCharSpan } from '../../yaml/scalar';

const ID = 'selector-matches-nothing';

export function calicoSelectorFindings(a: Analysis, rule = ID): Finding[] {
  const pods = a.endpoints.filter((e) => e.kind === 'pod');
  if (pods.length === 0) return [];
  const sets = networkSetEntries(a.cluster);
  const out: Finding[] = [];
  for (const p of a.cluster.calico.policies) {
    if (!p.readValid) continue;
    const ns = p.global ? undefined : p.meta.namespace;
    const inScope = ns === undefined ? pods : pods.filter((e) => e.namespace === ns);
    const what = `${p.kind === 'NetworkPolicy' ? 'Calico NetworkPolicy' : p.kind} ${ns ? `${ns}/` : ''}${p.meta.name}`;
    if (p.selector && parsed(p.selector) && inScope.length > 0) {
      const subject = subjectSelector(p, ns);
      if (!inScope.some((e) => evaluate(subject, e.calicoLabels))) {
        const where = ns === undefined ? 'in any namespace' : `in namespace ${ns}`;
        out.push(
          finding(
            rule,
            p.selector,
            `selector ${p.selector.value.trim()} selects no pod ${where}, so ${what} applies to nothing.`,
            inScope,
          ),
        );
      }
    }
    for (const r of [...(p.ingress?.items ?? []), ...(p.egress?.items ?? [])]) {
      for (const side of [r.source, r.destination]) {
        const f = checkSide(rule, side, ns, pods, sets);
        if (f) out.push(f);
      }
    }
  }
  return out;
}

function checkSide(
  rule: string,
  e: EntityRule,
  ns: string | undefined,
  pods: readonly Endpoint[],
  sets: readonly { labels: Labels }[],
): Finding | undefined {
  const own = parsed(e.selector);
  if (!e.selector || !own) return undefined;
  const sel: SelectorNode | undefined = entitySelector(e, ns);
  if (!sel) return undefined;
  if (pods.some((x) => evaluate(sel, x.calicoLabels)) || sets.some((s) => evaluate(sel, s.labels))) return undefined;
  const scope = e.namespaceSelector
    ? `in the namespaces namespaceSelector ${e.namespaceSelector.value.trim()} selects`
    : ns
      ? `in namespace ${ns}`
      : 'anywhere';
  let message = `selector ${e.selector.value.trim()} matches no pod and no network set ${scope}, so this rule side matches no traffic from or to an endpoint.`;
  const others =
    ns && !e.namespaceSelector
      ? [
          ...new Set(pods.filter((x) => x.namespace !== ns && evaluate(own, x.calicoLabels)).map((x) => x.namespace!)),
        ].sort()
      : [];
  if (others.length) {
    message += ` A Calico NetworkPolicy's rule selector only looks in the policy's namespace; the pods it matches run in ${quoteList(others)}: add namespaceSelector: projectcalico.org/name == '${others[0]}' (or all()) to this side.`;
    return { rule, severity: 'warning', message, span: e.selector.span };
  }
  return finding(rule, e.selector, message, ns ? pods.filter((x) => x.namespace === ns) : pods);
}

/** The selector's equality terms (`label == 'value'`), for did-you-mean. */
function equalities(n: SelectorNode, out: { label: string; value: string }[] = []): { label: string; value: string }[] {
  if (n.kind === 'eq') out.push({ label: n.label, value: n.value });
  else if (n.kind === 'and' || n.kind === 'or') for (const o of n.operands) equalities(o, out);
  else if (n.kind === 'in') for (const value of n.values) out.push({ label: n.label, value });
  return out;
}

/** A finding on a selector string, with a did-you-mean (and its fix) for the first equality nothing carries. */
function finding(rule: string, v: Located<string>, message: string, candidates: readonly Endpoint[]): Finding {
  const node = parsed(v);
  const fixes: Fix[] = [];
  let hint = '';
  for (const { label, value } of node ? equalities(node) : []) {
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
  return { rule, severity: 'warning', message: message + hint, span: v.span, fixes };
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
