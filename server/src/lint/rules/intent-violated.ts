/**
 * intent-violated: a NetworkIntent whose expectation the policies contradict.
 * Reported on the intent's `expect` line, naming the failing pairs and what
 * decided the first one, with related locations at the deciding rule.
 */
import type { Analysis } from '../../engine/analysis';
import { evaluateIntents, failureText, type IntentResult, selectIntentEndpoint } from '../../engine/intents';
import { intentPeer, intentPorts } from '../../engine/least-privilege';
import type { Protocol } from '../../model/kubernetes';
import { allowConnectionFix } from '../fixes/allow-connection';
import type { LintRule } from '../lint-rule';

/** "Allow this connection" for a violated allow-intent, from its first failing pair (the sides that deny it). */
function allowFix(a: Analysis, r: IntentResult) {
  if (r.intent.expect.value !== 'allow') return undefined;
  const first = r.failing[0];
  const m = first && /^(TCP|UDP|SCTP)\/(\d+)$/.exec(first.port);
  if (!m) return undefined;
  const from = selectIntentEndpoint(a, r.intent.from).parties;
  const to = selectIntentEndpoint(a, r.intent.to).parties;
  const s = from.find((p) => p.endpoint.id === first.from);
  const t = to.find((p) => p.endpoint.id === first.to);
  if (!s || !t) return undefined;
  const v = a.engine.explainEndpoints(s.endpoint, t.endpoint, m[1] as Protocol, Number(m[2]));
  const pods = (list: typeof from) =>
    list.flatMap((p) => (p.index !== undefined && p.endpoint.kind === 'pod' ? [p.index] : []));
  const fix = allowConnectionFix(a, {
    sourcePeers: intentPeer(a, r.intent.from),
    destinationPeers: intentPeer(a, r.intent.to),
    sources: pods(from),
    destinations: pods(to),
    ports: intentPorts(a, r.intent, pods(to)),
    reason: `intent ${r.intent.name.value}`,
    ingress: v.ingress,
    egress: v.egress,
  });
  return fix && [fix];
}

export const intentViolated: LintRule = {
  id: 'intent-violated',
  check({ analysis }, sink) {
    for (const r of evaluateIntents(analysis)) {
      if (r.status !== 'failed') continue;
      const why = r.deciding ? ` First pair: ${r.deciding.text}.` : '';
      sink.report(
        'intent-violated',
        'error',
        `Intent "${r.intent.name.value}" (expect: ${r.intent.expect.value}) does not hold: ${failureText(r)}.${why}`,
        r.intent.expect.span,
        { related: r.deciding?.related, fixes: allowFix(analysis, r) },
      );
    }
  },
};
