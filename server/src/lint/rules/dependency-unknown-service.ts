/**
 * dependency-unknown-service: a workload (or an Ingress) names a Service the
 * workspace does not have: a typo, a namespace missing from the host name, or
 * a Service kept in another repository. Reported at the reference, as an info.
 */
import { closest } from '../../common/text';
import { inferDependencies } from '../../engine/dependencies';
import type { LintRule } from '../lint-rule';

export const dependencyUnknownService: LintRule = {
  id: 'dependency-unknown-service',
  check({ analysis, config }, sink) {
    for (const d of inferDependencies(analysis, config.ingressControllers)) {
      if (d.target) continue;
      const { service, namespace } = d.reference;
      const here = analysis.cluster.services.filter((s) => s.meta.namespace === namespace).map((s) => s.meta.name);
      const guess = closest(service, here);
      const elsewhere = analysis.cluster.services.find((s) => s.meta.name === service);
      const hint = guess
        ? ` Did you mean ${guess}?`
        : elsewhere
          ? ` A Service ${service} is in namespace ${elsewhere.meta.namespace}: write ${service}.${elsewhere.meta.namespace}.`
          : '';
      sink.report(
        'dependency-unknown-service',
        'info',
        `${d.client} names Service ${namespace}/${service} (${d.reference.via}), which is not in the workspace, so its connection cannot be checked.${hint}`,
        d.reference.span,
      );
    }
  },
};
