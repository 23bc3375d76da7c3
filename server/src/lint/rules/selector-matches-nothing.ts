/**
 * selector-matches-nothing: a policy's podSelector, or a peer's podSelector or
 * namespaceSelector, selects nothing in the workspace. Such a policy protects
 * no pod, or such a rule admits no one: almost always a typo or a missing
 * namespaceSelector. Suggests the closest label and, for a peer that only
 * looks in its own namespace, adds the namespaceSelector.
 */
import type { Fix } from '../../common/finding';
import { span, type Span } from '../../common/source';
import { closest, editDistance, notInWorkspace, quoteList } from '../../common/text';
import type { KubeNetworkPolicy, LabelSelector, Labels, NetworkPolicyPeer } from '../../model/kubernetes';
import type { Endpoint } from '../../policy/endpoint';
import { KubeLabelMatcher } from '../../policy/label-matcher';
import { insertKeysBefore, replaceScalar } from '../edits';
import type { LintContext, LintRule } from '../lint-rule';
import { reportCalicoSelectorsMatchingNothing } from './calico-selector-matches-nothing';
import { splitPeerPairs } from './split-peer-selectors';
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { LabelLists } from '../../policy/endpoint-index';
import { namespacePods } from '../namespace-pods';

const ID: RuleId = 'selector-matches-nothing';
/** At most this many did-you-mean fixes per finding. */
const MAX_FIXES = 8;

export const selectorMatchesNothing: LintRule = { id: ID, check };

function check({ analysis: a, checkpoint }: LintContext, sink: FindingSink): void {
  reportCalicoSelectorsMatchingNothing(a, sink);
  // Each namespace's pods (in pod order), found once: policies and peers look only at theirs; and,
  // since replicas share their labels object, each namespace's different label sets, asked instead of every pod.
  const { pods, byNamespace, labelsIn } = namespacePods(a);
  if (pods.length === 0) return;
  const namespaces = [...a.cluster.namespaces.values()];
  const scope: PodScope = {
    pods,
    byNamespace,
    labelsIn,
    selectedNamespaces: new Map(),
    namespacesByLabel: namespaceLabels(namespaces),
  };
  // A podSelector split from its namespaceSelector is split-peer-selectors' finding, with its own fix.
  const split = new Set(splitPeerPairs(a).map((s) => s.podPeer));
  for (const np of a.cluster.networkPolicies) {
    checkpoint();
    if (!np.valid) continue;
    const ns = np.meta.namespace;
    const local = byNamespace.get(ns) ?? [];
    const subject = new KubeLabelMatcher(np.podSelector);
    if (local.length > 0 && !labelsIn.get(ns)!.some((labels) => subject.matches(labels))) {
      report(
        sink,
        np.podSelector,
        `spec.podSelector ${show(np.podSelector)} selects no pod in namespace ${ns}, so NetworkPolicy ${np.meta.name} has no effect.`,
        local,
      );
    }
    for (const rules of [np.ingress, np.egress]) {
      for (const rule of rules ?? [])
        for (const peer of rule.peers ?? []) if (!split.has(peer)) checkPeer(np, peer, scope, namespaces, sink);
    }
  }
}

/** The workspace's pods, and each namespace's. */
interface PodScope {
  readonly pods: readonly Endpoint[];
  readonly byNamespace: ReadonlyMap<string | undefined, readonly Endpoint[]>;
  /** Each namespace's pods' different label sets (by identity). */
  readonly labelsIn: ReadonlyMap<string | undefined, readonly Labels[]>;
  /** The namespaces each namespaceSelector (by its key) selects, as they are found. */
  readonly selectedNamespaces: Map<string, { name: string; labels: Labels }[]>;
  /** The namespaces by label (their indices in workspace order). */
  readonly namespacesByLabel: LabelLists;
}

/** The namespaces indexed by label (items numbered in workspace order), for the candidates of a namespaceSelector. */
function namespaceLabels(namespaces: readonly { name: string; labels: Labels }[]): LabelLists {
  const lists = new LabelLists();
  for (const [i, n] of namespaces.entries()) lists.add(n.labels, i);
  return lists;
}

function checkPeer(
  np: KubeNetworkPolicy,
  peer: NetworkPolicyPeer,
  { pods, byNamespace, labelsIn, selectedNamespaces, namespacesByLabel }: PodScope,
  namespaces: readonly { name: string; labels: Labels }[],
  sink: FindingSink,
): void {
  if (peer.ipBlock) return;
  const ns = np.meta.namespace;
  if (peer.namespaceSelector) {
    const nsm = new KubeLabelMatcher(peer.namespaceSelector);
    // Many peers repeat one namespaceSelector: the namespaces it selects are found once per selector.
    let selected = selectedNamespaces.get(nsm.key);
    if (!selected) {
      // Only the namespaces the index gives for its labels can match (all of them, without a handle).
      const candidates = namespacesByLabel.matching(nsm);
      selected = (candidates ? candidates.map((k) => namespaces[k]) : namespaces).filter((n) => nsm.matches(n.labels));
      selectedNamespaces.set(nsm.key, selected);
    }
    if (selected.length === 0) {
      // Every cluster has these (the DNS rule of a default-deny names kube-system): not a mistake.
      if (namesOnlyBuiltInNamespaces(peer.namespaceSelector)) return;
      const unknown = undefinedNamespaces(peer.namespaceSelector, namespaces);
      if (unknown) {
        // A partial workspace: the namespace may well exist, defined in a folder the workspace does not hold.
        sink.report(
          ID,
          'info',
          `namespaceSelector ${show(peer.namespaceSelector)} matches none of the namespaces in the workspace (${quoteList(namespaces.map((n) => n.name))}). ${notInWorkspace(unknown)}`,
          peer.namespaceSelector.span,
        );
        return;
      }
      const nsLabels = namespaces.map((n) => ({ labels: n.labels }));
      report(
        sink,
        peer.namespaceSelector,
        `namespaceSelector ${show(peer.namespaceSelector)} matches none of the namespaces in the workspace (${quoteList(namespaces.map((n) => n.name))}).`,
        nsLabels,
      );
      return;
    }
    if (!peer.podSelector) return;
    const pm = new KubeLabelMatcher(peer.podSelector);
    const lists = selected.map((n) => labelsIn.get(n.name) ?? []);
    if (lists.every((l) => l.length === 0) || lists.some((l) => l.some((labels) => pm.matches(labels)))) return;
    const names = new Set(selected.map((n) => n.name));
    const inScope = pods.filter((p) => names.has(p.namespace!));
    report(
      sink,
      peer.podSelector,
      `podSelector ${show(peer.podSelector)} matches no pod in the namespaces the namespaceSelector selects (${quoteList(selected.map((n) => n.name))}).`,
      inScope,
    );
    return;
  }
  if (!peer.podSelector) return;
  const pm = new KubeLabelMatcher(peer.podSelector);
  const local = byNamespace.get(ns) ?? [];
  if ((labelsIn.get(ns) ?? []).some((labels) => pm.matches(labels))) return;
  const elsewhere = pods.filter((p) => p.namespace !== ns && pm.matches(p.labels));
  if (elsewhere.length > 0) {
    const others = [...new Set(elsewhere.map((p) => p.namespace!))].sort();
    // One fix per namespace the pods run in; preferred only when there is no choice to make.
    const fixes: Fix[] = [];
    for (const other of others.slice(0, MAX_FIXES)) {
      const edit = insertKeysBefore(span(peer.span.file, peer.span.start, peer.span.start), [
        'namespaceSelector:',
        '  matchLabels:',
        `    kubernetes.io/metadata.name: ${other}`,
      ]);
      if (edit)
        fixes.push({
          title: `Add namespaceSelector for namespace ${other}`,
          edits: [edit],
          preferred: others.length === 1,
        });
    }
    sink.report(
      ID,
      'warning',
      `podSelector ${show(peer.podSelector)} only looks in namespace ${ns}, where it matches no pod. The pods it matches run in ${others.length > 1 ? 'namespaces' : 'namespace'} ${quoteList(others)}: add a namespaceSelector to this same peer (one list item, not two).`,
      peer.podSelector.span,
      { fixes },
    );
    return;
  }
  if (local.length === 0) return;
  report(sink, peer.podSelector, `podSelector ${show(peer.podSelector)} matches no pod in namespace ${ns}.`, local);
}

const NAME_LABEL = 'kubernetes.io/metadata.name';
/** The namespaces the API server creates in every cluster. */
const BUILT_IN_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** The namespaces a selector names by kubernetes.io/metadata.name (matchLabels, or `In`). */
function namedNamespaces(sel: LabelSelector): string[] {
  return [
    ...(sel.matchLabels[NAME_LABEL] !== undefined ? [sel.matchLabels[NAME_LABEL]] : []),
    ...sel.matchExpressions.filter((e) => e.key === NAME_LABEL && e.operator === 'In').flatMap((e) => e.values),
  ];
}

/** The selector names namespaces only by name, and each is one every cluster has. */
function namesOnlyBuiltInNamespaces(sel: LabelSelector): boolean {
  const named = namedNamespaces(sel);
  const other =
    Object.keys(sel.matchLabels).some((k) => k !== NAME_LABEL) ||
    sel.matchExpressions.some((e) => e.key !== NAME_LABEL);
  return named.length > 0 && !other && named.every((n) => BUILT_IN_NAMESPACES.has(n));
}

/**
 * What the workspace lacks to decide whether `sel` matches a namespace, or undefined when it has all of it:
 * the Namespace object of a namespace the selector names, or, for other labels, the Namespace objects of
 * namespaces the workspace only uses (their labels are unknown).
 */
function undefinedNamespaces(
  sel: LabelSelector,
  namespaces: readonly { name: string; meta?: unknown }[],
): string | undefined {
  const named = namedNamespaces(sel);
  if (named.length > 0) {
    const missing = named.filter((n) => !namespaces.some((ns) => ns.name === n && ns.meta));
    return missing.length ? `a Namespace object for ${quoteList(missing)}` : undefined;
  }
  const undeclared = namespaces.filter((n) => !n.meta).map((n) => n.name);
  return undeclared.length ? `Namespace objects for ${quoteList(undeclared)} (so their labels are unknown)` : undefined;
}

function show(s: LabelSelector): string {
  return new KubeLabelMatcher(s).describe();
}

/** A finding on `sel`, with a did-you-mean for its first matchLabels entry that nothing carries. */
function report(
  sink: FindingSink,
  sel: LabelSelector,
  message: string,
  candidates: readonly { labels: Labels }[],
): void {
  const fixes: Fix[] = [];
  let hint = '';
  for (const [k, v] of Object.entries(sel.matchLabels)) {
    if (candidates.some((c) => c.labels[k] === v)) continue;
    const values = [...new Set(candidates.filter((c) => k in c.labels).map((c) => c.labels[k]))];
    if (values.length > 0) {
      const guess = closest(v, values);
      hint =
        guess !== undefined
          ? ` Did you mean ${k}=${guess}?`
          : ` Values of ${k} in scope: ${quoteList([...values].sort())}.`;
      // One fix per value in scope, the closest first (and preferred).
      const ranked = values
        .map((x) => ({ x, d: editDistance(v, x) }))
        .sort((p, q) => p.d - q.d || (p.x < q.x ? -1 : 1))
        .map((r) => r.x);
      if (guess !== undefined) ranked.unshift(...ranked.splice(ranked.indexOf(guess), 1));
      const at = sel.labelValueSpans[k];
      if (at)
        for (const [i, x] of ranked.slice(0, MAX_FIXES).entries())
          fixes.push({ title: `Change ${k}=${v} to ${k}=${x}`, edits: [replaceScalar(at, x)], preferred: i === 0 });
      break;
    }
    const keys = new Set(candidates.flatMap((c) => Object.keys(c.labels)));
    const guess = closest(k, keys);
    if (guess) {
      hint = ` No pod in scope has a ${k} label; did you mean ${guess}?`;
      const pair = sel.labelSpans[k];
      if (pair?.file.text.startsWith(k, pair.start)) {
        fixes.push({
          title: `Change label key ${k} to ${guess}`,
          edits: [{ span: keySpan(pair, k), newText: guess }],
          preferred: true,
        });
      }
    } else {
      hint = ` No pod in scope has a ${k} label.`;
    }
    break;
  }
  sink.report(ID, 'warning', message + hint, sel.span, { fixes });
}

function keySpan(pair: Span, key: string): Span {
  return span(pair.file, pair.start, pair.start + key.length);
}
