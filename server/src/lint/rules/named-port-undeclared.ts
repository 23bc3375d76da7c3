/**
 * named-port-undeclared: a rule's named port that none of its destination pods
 * declares. A named port resolves on the destination pod only: for an ingress
 * rule the policy's own pods, for an egress rule the peers it selects. When
 * none of them declares the name the rule admits nothing through it, usually a
 * typo or a port renamed in the Deployment but not in the policy. Rules whose
 * pods or peers are no pod at all are selector-matches-nothing's finding.
 *
 * An egress rule's admitted peers already exclude pods without the name (the
 * port condition reads the peer), so its peers are taken from the rule with its
 * protocol and port conditions left out, once per group of endpoint classes, and
 * only the classes that declare the name are asked whether they are peers.
 */
import { plural } from '../../common/text';
import { classIndex, ruleAdmission } from '../../engine/admission';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { describePods, membersOf } from '../../engine/describe';
import { conditionMatches } from '../../engine/evaluate';
import { sideAtoms } from '../../engine/peer-groups';
import { NamedPortAtom } from '../../policy/atoms';
import { type CompiledPolicy, type CompiledRule, type Condition, policyName } from '../../policy/rule-model';
import type { LintRule } from '../lint-rule';

/** Whether the condition names a port by name on the destination (most rules do not). */
function namesPorts(c: Condition): boolean {
  if (c.type === 'all' || c.type === 'any') return c.of.some(namesPorts);
  return c.type === 'ports' && c.side === 'destination' && !c.negate && c.named.length > 0;
}

function namedAtoms(c: Condition, out: Set<number>): Set<number> {
  if (c.type === 'all' || c.type === 'any') for (const x of c.of) namedAtoms(x, out);
  else if (c.type === 'ports' && c.side === 'destination' && !c.negate) for (const id of c.named) out.add(id);
  return out;
}

const TRUE: Condition = { type: 'all', of: [] };

/** The condition with what the packet decides (protocol, destination ports) taken as matching. */
function withoutPorts(c: Condition): Condition {
  if (c.type === 'all' || c.type === 'any') return { type: c.type, of: c.of.map(withoutPorts) };
  if (c.type === 'protocol' || (c.type === 'ports' && c.side === 'destination')) return TRUE;
  return c;
}

/**
 * Whether an egress rule selects a pod class as a destination, whatever the port. The condition
 * reads a peer only through its destination-side atoms (and the family) and a subject through its
 * source-side ones: each group of classes that answer those alike is decided once, so asking about
 * a class costs a set lookup.
 */
function egressSelection(a: Analysis, subjects: readonly EndpointClass[], rule: CompiledRule) {
  const condition = withoutPorts(rule.condition);
  const index = classIndex(a);
  const sources = index.representatives(subjects, sideAtoms(condition, 'source', new Set()));
  const selects = (peer: EndpointClass) =>
    sources.some((s) =>
      ([4, 6] as const).some(
        (family) =>
          s.families.includes(family) &&
          peer.families.includes(family) &&
          conditionMatches(condition, { protocol: 'TCP', port: 1, family, src: s.values, dst: peer.values }),
      ),
    );
  const groups = index.groups(sideAtoms(condition, 'destination', new Set()));
  const usual = groups.usual !== undefined && selects(groups.usual);
  const chosen = new Set<EndpointClass>();
  for (const g of groups.others)
    if (g.representative.kind === 'pod' && selects(g.representative)) for (const c of g.classes) chosen.add(c);
  return (c: EndpointClass) => c.kind === 'pod' && (chosen.has(c) || (usual && groups.isUsual(c)));
}

/**
 * Whether some class an egress rule selects declares the port a named-port atom names: its answer
 * is the class's ports of that name, not empty exactly for the classes that answer it unusually
 * (the usual answer is ''), so only those classes are asked whether they are peers.
 */
function somePeerDeclares(a: Analysis, id: number, selects: (c: EndpointClass) => boolean): boolean {
  for (const c of a.engine.unusualClasses(id)) if (selects(a.engine.classes[c])) return true;
  return false;
}

function check(a: Analysis, policy: CompiledPolicy, rule: CompiledRule, report: (message: string) => void): void {
  if (!namesPorts(rule.condition)) return;
  const ids = namedAtoms(rule.condition, new Set());
  const adm = ruleAdmission(a, policy, rule);
  const subjects = adm.subjectClasses.filter((c) => c.kind === 'pod');
  if (subjects.length === 0) return;
  const ingress = rule.direction === 'ingress';
  const selects = ingress ? undefined : egressSelection(a, subjects, rule);
  // The destination classes in id order, listed only for a report (or to find there are none).
  let listed: readonly EndpointClass[] | undefined = selects ? undefined : subjects;
  for (const id of ids) {
    const atom = a.policies.atoms[id];
    if (!(atom instanceof NamedPortAtom)) continue;
    const declared = selects ? somePeerDeclares(a, id, selects) : subjects.some((c) => c.values.get(id) !== '');
    if (declared) continue;
    listed ??= classIndex(a).pods.filter(selects!);
    if (listed.length === 0) return;
    const pods = membersOf(listed);
    const where = `${ingress ? 'Ingress' : 'Egress'} rule ${rule.index + 1} of ${policyName(policy.ref)}`;
    const whose = ingress
      ? `the pods it applies to (${plural(pods.length, 'pod')})`
      : `the pods it allows connecting to (${describePods(a, pods, 3)})`;
    report(
      `${where} names port "${atom.name}", but none of ${whose} declares a container port with that name, so the rule admits nothing on it.`,
    );
  }
}

export const namedPortUndeclared: LintRule = {
  id: 'named-port-undeclared',
  scope: 'policy',
  check({ analysis: a, checkpoint, tiers }, sink) {
    for (const tier of tiers)
      for (const policy of tier.policies) {
        checkpoint();
        for (const rules of [policy.ingress, policy.egress])
          for (const rule of rules ?? [])
            check(a, policy, rule, (message) => sink.report('named-port-undeclared', 'warning', message, rule.span));
      }
  },
};
