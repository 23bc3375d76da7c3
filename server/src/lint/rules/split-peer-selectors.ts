/**
 * split-peer-selectors: the `- namespaceSelector` / `- podSelector` trap. Two
 * list items are two peers, and peers are ORed:
 *
 *     - namespaceSelector: {matchLabels: {team: ops}}
 *     - podSelector: {matchLabels: {app: prometheus}}
 *
 * admits every pod of the `team: ops` namespaces, plus pods labelled
 * `app: prometheus` in the policy's own namespace, where usually there are
 * none. Reported when the workspace shows the AND was meant: the podSelector
 * matches no pod in the policy's namespace but matches pods in the namespaces
 * the namespaceSelector selects. The fix joins them into one peer.
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { quoteList } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { KubeNetworkPolicy, NetworkPolicyPeer } from '../../model/kubernetes';
import { KubeLabelMatcher } from '../../policy/label-matcher';
import { joinWithPreviousItem } from '../edits';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'split-peer-selectors';

export const splitPeerSelectors: LintRule = { id: ID, check };

export interface SplitPeers {
  readonly policy: KubeNetworkPolicy;
  /** The peer that comes first in the list, and the one after it. */
  readonly first: NetworkPolicyPeer;
  readonly second: NetworkPolicyPeer;
  readonly namespacePeer: NetworkPolicyPeer;
  readonly podPeer: NetworkPolicyPeer;
  /** The namespaces the namespaceSelector selects where the podSelector matches pods. */
  readonly namespaces: readonly string[];
}

const only = (p: NetworkPolicyPeer, key: 'podSelector' | 'namespaceSelector') =>
  p[key] !== undefined && !p.ipBlock && (key === 'podSelector' ? !p.namespaceSelector : !p.podSelector);

/** Every split pair in the workspace (selector-matches-nothing leaves their podSelectors to this rule). */
export function splitPeerPairs(a: Analysis): SplitPeers[] {
  const out: SplitPeers[] = [];
  const pods = a.endpoints.filter((e) => e.kind === 'pod');
  if (pods.length === 0) return out;
  const namespaces = [...a.cluster.namespaces.values()];
  for (const np of a.cluster.networkPolicies) {
    if (!np.valid) continue;
    for (const rule of [...(np.ingress ?? []), ...(np.egress ?? [])]) {
      const peers = rule.peers ?? [];
      for (let i = 1; i < peers.length; i++) {
        const [first, second] = [peers[i - 1], peers[i]];
        const pair =
          only(first, 'namespaceSelector') && only(second, 'podSelector')
            ? { namespacePeer: first, podPeer: second }
            : only(first, 'podSelector') && only(second, 'namespaceSelector')
              ? { namespacePeer: second, podPeer: first }
              : undefined;
        if (!pair) continue;
        const pm = new KubeLabelMatcher(pair.podPeer.podSelector!);
        const nsm = new KubeLabelMatcher(pair.namespacePeer.namespaceSelector!);
        if (pods.some((p) => p.namespace === np.meta.namespace && pm.matches(p.labels))) continue;
        const selected = new Set(namespaces.filter((n) => nsm.matches(n.labels)).map((n) => n.name));
        const there = [
          ...new Set(pods.filter((p) => selected.has(p.namespace!) && pm.matches(p.labels)).map((p) => p.namespace!)),
        ].sort();
        if (there.length === 0) continue;
        out.push({ policy: np, first, second, ...pair, namespaces: there });
      }
    }
  }
  return out;
}

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  for (const s of splitPeerPairs(a)) {
    const pod = new KubeLabelMatcher(s.podPeer.podSelector!).describe();
    const ns = new KubeLabelMatcher(s.namespacePeer.namespaceSelector!).describe();
    const edit = joinWithPreviousItem(s.first.span, s.second.span);
    sink.report(
      ID,
      'warning',
      `namespaceSelector ${ns} and podSelector ${pod} are two peers, so either one admits: every pod of the namespaces ${ns} selects, or pods ${pod} of namespace ${s.policy.meta.namespace}, where there are none. Pods ${pod} run in ${quoteList(s.namespaces)}: to admit only them, make both selectors one peer (one list item).`,
      s.second.span,
      {
        related: [{ span: s.first.span, message: 'the other half of the peer' }],
        fixes: edit ? [{ title: 'Join the selectors into one peer', edits: [edit], preferred: true }] : undefined,
      },
    );
  }
}
