/**
 * split-ports-rule: the YAML `- ports` trap. One dash too many turns
 *
 *     - from: [...]
 *     - ports: [...]
 *
 * into two rules: the peers of the first are admitted on every port, and the
 * second opens its ports to every source. Almost always one rule was meant:
 * the fix removes the dash, so `ports` restricts the peers' rule.
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import type { KubeNetworkPolicy, NetworkPolicyRule } from '../../model/kubernetes';
import { joinWithPreviousItem } from '../edits';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'split-ports-rule';

export const splitPortsRule: LintRule = { id: ID, check };

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  for (const np of a.cluster.networkPolicies) {
    if (!np.valid) continue;
    checkList(np, np.ingress, 'ingress', 'from', sink);
    checkList(np, np.egress, 'egress', 'to', sink);
  }
}

function checkList(
  np: KubeNetworkPolicy,
  rules: readonly NetworkPolicyRule[] | undefined,
  direction: 'ingress' | 'egress',
  peersKey: 'from' | 'to',
  sink: FindingSink,
): void {
  if (!rules) return;
  for (let i = 1; i < rules.length; i++) {
    const prev = rules[i - 1];
    const rule = rules[i];
    if (!prev.peers?.length || prev.ports !== undefined) continue;
    if (rule.peers !== undefined || !rule.ports?.length) continue;
    const edit = joinWithPreviousItem(prev.span, rule.span);
    const sources = direction === 'ingress' ? 'every source' : 'every destination';
    sink.report(
      ID,
      'warning',
      `This \`- ports\` item starts a new ${direction} rule of NetworkPolicy ${np.meta.namespace}/${np.meta.name}: it opens these ports to ${sources}, and the \`${peersKey}\` peers of the rule before it are admitted on every port. Without the dash, \`ports\` would belong to the rule before.`,
      rule.span,
      {
        related: [{ span: prev.span, message: `the rule whose peers are now admitted on every port` }],
        fixes: edit
          ? [{ title: `Merge the ports into the ${peersKey} rule above`, edits: [edit], preferred: true }]
          : undefined,
      },
    );
  }
}
