/**
 * legacy-networkpolicy-api: a NetworkPolicy written as extensions/v1beta1.
 * Kubernetes 1.16 stopped serving it, so `kubectl apply` fails on any current
 * cluster. The spec is the same in networking.k8s.io/v1: the fix rewrites the
 * apiVersion and nothing else.
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { replaceScalar } from '../edits';
import type { LintContext, LintRule } from '../lint-rule';

const ID: RuleId = 'legacy-networkpolicy-api';
const LEGACY = 'extensions/v1beta1';
const CURRENT = 'networking.k8s.io/v1';

export const legacyNetworkPolicyApi: LintRule = { id: ID, check };

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  for (const np of a.cluster.networkPolicies) {
    const meta = np.meta;
    if (meta.kind !== 'NetworkPolicy' || meta.apiVersion !== LEGACY) continue;
    const at = meta.apiVersionSpan ?? meta.nameSpan;
    sink.report(
      ID,
      'warning',
      `NetworkPolicy ${meta.namespace}/${meta.name} uses apiVersion ${LEGACY}, which Kubernetes stopped serving in 1.16: current clusters reject it. The spec is unchanged in ${CURRENT}.`,
      at,
      {
        tags: ['deprecated'],
        fixes: meta.apiVersionSpan
          ? [
              {
                title: `Change apiVersion to ${CURRENT}`,
                edits: [replaceScalar(meta.apiVersionSpan, CURRENT)],
                preferred: true,
              },
            ]
          : undefined,
      },
    );
  }
}
