/**
 * named-port-undeclared: an ingress rule's named port that none of the policy's
 * pods (its destinations) declares. A named port resolves on the destination
 * pod only, so on those
 * pods the rule admits nothing through that name: usually a typo or a port
 * renamed in the Deployment but not in the policy. Rules whose destination
 * selects no pod are selector-matches-nothing's finding. Egress rules are not
 * checked yet: their admitted peers already exclude pods without the name, so
 * they need the peers before the port condition.
 */
import { plural } from '../../common/text';
import { ruleAdmission } from '../../engine/admission';
import { membersOf } from '../../engine/describe';
import { NamedPortAtom } from '../../policy/atoms';
import { type Condition, policyName } from '../../policy/rule-model';
import type { LintRule } from '../lint-rule';

function namedAtoms(c: Condition, out: Set<number>): Set<number> {
  if (c.type === 'all' || c.type === 'any') for (const x of c.of) namedAtoms(x, out);
  else if (c.type === 'ports' && c.side === 'destination' && !c.negate) for (const id of c.named) out.add(id);
  return out;
}

export const namedPortUndeclared: LintRule = {
  id: 'named-port-undeclared',
  check({ analysis: a }, sink) {
    for (const tier of a.policies.tiers)
      for (const policy of tier.policies)
        for (const rule of policy.ingress ?? []) {
          const ids = namedAtoms(rule.condition, new Set());
          if (ids.size === 0) continue;
          const adm = ruleAdmission(a, policy, rule);
          const classes = adm.subjectClasses.filter((c) => c.kind === 'pod');
          const pods = membersOf(classes).map((i) => a.endpoints[i]);
          if (pods.length === 0) continue;
          for (const id of ids) {
            const atom = a.policies.atoms[id];
            if (!(atom instanceof NamedPortAtom)) continue;
            if (pods.some((p) => p.namedPorts.has(atom.name))) continue;
            const where = `Ingress rule ${rule.index + 1} of ${policyName(policy.ref)}`;
            const whose = 'the pods it applies to';
            sink.report(
              'named-port-undeclared',
              'warning',
              `${where} names port "${atom.name}", but none of ${whose} (${plural(pods.length, 'pod')}) declares a container port with that name, so the rule admits nothing on it.`,
              rule.span,
            );
          }
        }
  },
};
