/**
 * dependency-blocked: a workload names a Service (an env value, a ConfigMap
 * value it reads, a command-line argument, an Ingress backend for the ingress
 * controller) and the policies block its pods from the Service's pods on every
 * port the reference may use. Reported at the reference, with the blocked
 * pairs and the deciding rule.
 */
import { checkDependency, describeDependencyTarget, inferDependencies } from '../../engine/dependencies';
import { plural } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import type { Dependency, DependencyCheck } from '../../engine/dependencies';
import { dependencyPorts, podGroupPeers, servicePeer } from '../../engine/least-privilege';
import { allowConnectionFix } from '../fixes/allow-connection';
import type { LintRule } from '../lint-rule';

/** "Allow this connection" for the first blocked pair (the sides that deny it). */
function allowFix(a: Analysis, d: Dependency, c: DependencyCheck) {
  const first = c.blocked[0];
  const s = a.engine.indexOf(first.from);
  const t = a.engine.indexOf(first.to);
  const peer = servicePeer(d);
  if (s === undefined || t === undefined || !peer) return undefined;
  const [protocol, port] = first.port.split('/');
  const v = a.engine.explain(s, t, protocol as 'TCP', Number(port));
  const fix = allowConnectionFix(a, {
    sourcePeers: podGroupPeers(a, d.clients),
    destinationPeers: [peer],
    sources: d.clients,
    destinations: [...new Set(d.destinations.map((p) => p.index))],
    ports: dependencyPorts(d),
    reason: `${d.client} to ${describeDependencyTarget(d)} (${d.reference.via})`,
    ingress: v.ingress,
    egress: v.egress,
  });
  return fix && [fix];
}

export const dependencyBlocked: LintRule = {
  id: 'dependency-blocked',
  check({ analysis, config, checkpoint }, sink) {
    for (const d of inferDependencies(analysis, config.ingressControllers)) {
      checkpoint();
      if (!d.target || d.destinations.length === 0) continue;
      const c = checkDependency(analysis, d);
      if (c.blockedCount === 0) continue;
      const listed = c.blocked.slice(0, 3).map((p) => `${p.from} -> ${p.to} ${p.port}`);
      const more = c.blockedCount - listed.length;
      sink.report(
        'dependency-blocked',
        'warning',
        `${d.client} depends on ${describeDependencyTarget(d)} (${d.reference.via}), but the policies block ${c.blockedCount} of ${plural(c.pairs, 'pair')}: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}.${c.deciding ? ` First pair: ${c.deciding.text}.` : ''}`,
        d.reference.span,
        { related: c.deciding?.related, fixes: allowFix(analysis, d, c) },
      );
    }
  },
};
