/**
 * The Calico half of selector-matches-nothing: a Calico policy's `selector`
 * that selects no pod in its scope, and a rule's `selector` that matches no
 * pod and no network set. It reads the selectors the policy stage compiled
 * (PolicySet.selectorUses: composed with their scopes, interned as atoms) and
 * asks the engine's endpoint classes, so nothing here re-derives a selector.
 * A rule side's or a GlobalNetworkPolicy's `namespaceSelector` is checked
 * against the workspace's namespaces; where the workspace does not define the
 * namespaces it names (a partial workspace), the finding is an info that says
 * so, and a rule side in such a namespace or behind such a selector is not
 * reported on its own.
 */
import type { Fix } from '../../common/finding';
import type { FindingSink } from '../../common/finding-sink';
import type { Located, Span } from '../../common/source';
import { closest, notInWorkspace, quoteList } from '../../common/text';
import { classIndex } from '../../engine/admission';
import type { Analysis } from '../../engine/analysis';
import type { Labels } from '../../model/kubernetes';
import { networkSetEntries } from '../../policy/calico/calico-labels';
import type { Endpoint } from '../../policy/endpoint';
import { policyName, type SelectorUse } from '../../policy/rule-model';
import { calicoPolicyRef } from '../../policy/calico/selector-uses';
import { parseSelector } from '../../policy/selector/calico-selector';
import type { SelectorNode } from '../../policy/selector/selector-ast';
import { valueCharSpan } from '../../yaml/scalar';
import { namespacePods } from '../namespace-pods';

export function reportCalicoSelectorsMatchingNothing(a: Analysis, sink: FindingSink): void {
  // Each namespace's pods, and the pods without an address, which no address set can hold: found
  // once, not per rule side.
  const { pods, byNamespace: podsIn, unaddressed } = namespacePods(a);
  if (pods.length === 0) return;
  const emptyScopes = reportNamespaceSelectors(a, sink);
  for (const use of a.policies.selectorUses) {
    const inScope = use.namespace === undefined ? pods : (podsIn.get(use.namespace) ?? []);
    if (use.role === 'subject') {
      if (emptyScopes.policies.has(use.policy.span)) continue; // its namespaceSelector was reported
      if (inScope.length === 0 || selectsAPod(a, use)) continue;
      const where = use.namespace === undefined ? 'in any namespace' : `in namespace ${use.namespace}`;
      report(
        sink,
        use,
        `selector ${use.written.value.trim()} selects no pod ${where}, so ${policyName(use.policy)} applies to nothing.`,
        inScope,
      );
    } else {
      if (use.namespaceSelector && emptyScopes.selectors.has(use.namespaceSelector.span)) continue;
      checkRuleSide(a, use, pods, unaddressed, sink);
    }
  }
}

/** The subject's endpoint atom answers true for some pod class (the class index lists them once per atom). */
function selectsAPod(a: Analysis, use: SelectorUse): boolean {
  return classIndex(a).selectedBy(use.atom).length > 0;
}

/**
 * Some pod class's answer to an address-set atom holds an address (a `1`): read from the classes
 * answering it otherwise than usual, and the usual answer when some pod class gives it.
 */
function holdsAPodAddress(a: Analysis, atom: number): boolean {
  const { classes } = a.engine;
  let listedPods = 0;
  for (const id of a.engine.unusualClasses(atom)) {
    const c = classes[id];
    if (c.kind !== 'pod') continue;
    listedPods++;
    if (String(c.values.get(atom)).includes('1')) return true;
  }
  return listedPods < classIndex(a).pods.length && String(a.policies.atoms[atom].usual).includes('1');
}

/**
 * A rule side's address-set atom holds an address of some pod class, or (for
 * pods without an address, which no address set can hold) the selector
 * matches their labels, or it matches a network set.
 */
function matchesSomething(a: Analysis, use: SelectorUse, unaddressed: readonly Endpoint[]): boolean {
  if (holdsAPodAddress(a, use.atom)) return true;
  if (unaddressed.some((p) => use.matcher.matches(p.calicoLabels))) return true;
  return networkSetEntries(a.cluster).some((s) => use.matcher.matches(s.labels));
}

function checkRuleSide(
  a: Analysis,
  use: SelectorUse,
  pods: readonly Endpoint[],
  unaddressed: readonly Endpoint[],
  sink: FindingSink,
): void {
  if (matchesSomething(a, use, unaddressed)) return;
  const ns = use.namespace;
  if (ns && !use.namespaceSelector && !a.cluster.namespaces.get(ns)?.meta && !pods.some((p) => p.namespace === ns)) {
    // A partial workspace: the namespace's pods may well exist, defined in a folder the workspace does not hold.
    sink.report(
      'selector-matches-nothing',
      'info',
      `selector ${use.written.value.trim()} matches no pod and no network set in namespace ${ns}, which has no pod in the workspace. ${notInWorkspace(`namespace ${ns} (no Namespace object, no pods)`)}`,
      use.written.span,
    );
    return;
  }
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

/** The labels naming a namespace, in a Calico namespaceSelector. */
const NAME_LABELS: ReadonlySet<string> = new Set(['projectcalico.org/name', 'kubernetes.io/metadata.name']);
/** The namespaces the API server creates in every cluster. */
const BUILT_IN_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** The namespaces a selector names (`projectcalico.org/name == 'x'`, `… in {'x', 'y'}`). */
function namedNamespaces(n: SelectorNode, out: string[] = []): string[] {
  if (n.kind === 'eq' && NAME_LABELS.has(n.label)) out.push(n.value);
  else if (n.kind === 'in' && NAME_LABELS.has(n.label)) out.push(...n.values);
  else if (n.kind === 'and' || n.kind === 'or') for (const o of n.operands) namedNamespaces(o, out);
  return out;
}

/** all() and global() select by kind, not by labels: nothing to compare with the workspace. */
function usesFunctions(n: SelectorNode): boolean {
  if (n.kind === 'all' || n.kind === 'global') return true;
  if (n.kind === 'not') return usesFunctions(n.operand);
  if (n.kind === 'and' || n.kind === 'or') return n.operands.some(usesFunctions);
  return false;
}

/**
 * Every Calico namespaceSelector (a rule side's, a GlobalNetworkPolicy's) that matches none of the
 * workspace's namespaces: an info when the workspace does not define what it names (or the labels of
 * the namespaces it only uses), else a warning with a did-you-mean. Returns the selectors and the
 * policies reported, so that the selectors they scope are not reported again.
 */
function reportNamespaceSelectors(a: Analysis, sink: FindingSink): { selectors: Set<Span>; policies: Set<Span> } {
  const selectors = new Set<Span>();
  const policies = new Set<Span>();
  const namespaces = [...a.cluster.namespaces.values()];
  if (namespaces.length === 0) return { selectors, policies };
  for (const p of a.cluster.calico.policies) {
    if (!p.readValid) continue;
    const written: Located<string>[] = [];
    if (p.global && p.namespaceSelector) written.push(p.namespaceSelector);
    for (const rule of [...(p.ingress?.items ?? []), ...(p.egress?.items ?? [])])
      for (const side of [rule.source, rule.destination])
        if (side.namespaceSelector) written.push(side.namespaceSelector);
    for (const v of written) {
      if (!checkNamespaceSelector(v, namespaces, sink)) continue;
      selectors.add(v.span);
      if (v === p.namespaceSelector) policies.add(calicoPolicyRef(p).span);
    }
  }
  return { selectors, policies };
}

/** Reports `v` when it matches no namespace; true when it did. */
function checkNamespaceSelector(
  v: Located<string>,
  namespaces: readonly { name: string; labels: Labels; meta?: unknown }[],
  sink: FindingSink,
): boolean {
  if (v.value.trim() === '') return false;
  const r = parseSelector(v.value);
  if (!r.ok || usesFunctions(r.selector.node)) return false;
  const labelsOf = (n: { name: string; labels: Labels }) => ({ ...n.labels, 'projectcalico.org/name': n.name });
  if (namespaces.some((n) => r.selector.matches(labelsOf(n)))) return false;
  const named = namedNamespaces(r.selector.node);
  // Every cluster has these: not a mistake, whatever the workspace holds.
  if (named.length && named.every((n) => BUILT_IN_NAMESPACES.has(n))) return false;
  const text = `namespaceSelector ${v.value.trim()} matches none of the namespaces in the workspace (${quoteList(namespaces.map((n) => n.name))}).`;
  // A name close to one the workspace has is a typo, not a namespace kept elsewhere.
  const typo = named.some(
    (n) =>
      closest(
        n,
        namespaces.map((x) => x.name),
      ) !== undefined,
  );
  const missing = typo ? [] : named.filter((n) => !namespaces.some((x) => x.name === n && x.meta));
  const undeclared = namespaces.filter((n) => !n.meta).map((n) => n.name);
  const what = named.length
    ? missing.length
      ? `a Namespace object for ${quoteList(missing)}`
      : undefined
    : undeclared.length
      ? `Namespace objects for ${quoteList(undeclared)} (so their labels are unknown)`
      : undefined;
  if (what) {
    sink.report('selector-matches-nothing', 'info', `${text} ${notInWorkspace(what)}`, v.span);
    return true;
  }
  const fixes: Fix[] = [];
  let hint = '';
  const wrong = named.find((n) => !namespaces.some((x) => x.name === n));
  const guess =
    wrong !== undefined
      ? closest(
          wrong,
          namespaces.map((n) => n.name),
        )
      : undefined;
  if (wrong !== undefined && guess !== undefined) {
    hint = ` Did you mean '${guess}'?`;
    const at = uniqueQuoted(v.value, wrong);
    if (at >= 0)
      fixes.push({
        title: `Change '${wrong}' to '${guess}'`,
        edits: [{ span: valueCharSpan(v, at, at + wrong.length), newText: guess }],
        preferred: true,
      });
  }
  sink.report('selector-matches-nothing', 'warning', text + hint, v.span, { fixes });
  return true;
}
