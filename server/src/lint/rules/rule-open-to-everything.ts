/**
 * rule-open-to-everything: an allow rule whose peers amount to the whole
 * cluster (`namespaceSelector: {}`, a Calico rule without a source, `all()`),
 * or to the internet (`0.0.0.0/0`, `::/0`). Read from what the rule admits on
 * its own (engine/admission.ts). Ingress rules are reported whatever their
 * ports (the pods are exposed to everyone on those ports); egress rules only
 * when they also match every port, since "to anywhere on 443" or "to every
 * namespace on 53" is a normal thing to allow.
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { type Admission, admitsEveryPort } from '../../engine/admission';
import type { Analysis } from '../../engine/analysis';
import type { EndpointClass } from '../../engine/classes';
import { describeAdmission, describePods, membersOf } from '../../engine/describe';
import { externalClasses } from '../../engine/address-classes';
import { policyName } from '../../policy/rule-model';
import { admissionsOf, type LintContext, type LintRule } from '../lint-rule';
import { memoized } from '../../common/memo';

const ID: RuleId = 'rule-open-to-everything';

export const ruleOpenToEverything: LintRule = { id: ID, scope: 'policy', check };

/** True when the rule's peers include every pod of the cluster, spread over more than one namespace. */
function admitsWholeCluster(a: Analysis, adm: Admission): boolean {
  const cluster = podClassesOf(a);
  // Fewer peer classes than the cluster has pod classes cannot hold them all (a class is listed once).
  if (!cluster.namespaces || adm.peerClasses.length < cluster.classes.length) return false;
  let whole = wholeCluster.get(adm.peerClasses);
  if (whole === undefined) {
    const admitted = new Uint8Array(a.engine.classes.length);
    for (const c of adm.peerClasses) admitted[c.id] = 1;
    whole = true;
    for (const id of cluster.classes)
      if (admitted[id] !== 1) {
        whole = false;
        break;
      }
    wholeCluster.set(adm.peerClasses, whole);
  }
  return whole;
}

/**
 * Whether a list of peer classes holds every pod class, decided once per list: rules that admit
 * every class share one list, so the check is not a pass over the classes per rule.
 */
const wholeCluster = new WeakMap<readonly EndpointClass[], boolean>();

const podClasses = new WeakMap<Analysis, { namespaces: boolean; classes: readonly number[] }>();

/** Whether the pods span more than one namespace, and the classes of the pods (each pod as its id finds it). */
function podClassesOf(a: Analysis): { namespaces: boolean; classes: readonly number[] } {
  return memoized(podClasses, a, () => {
    const pods = a.endpoints.filter((e) => e.kind === 'pod');
    const classes = new Set(pods.map((e) => a.engine.classIdOf(a.engine.indexOf(e.id)!)));
    return { namespaces: new Set(pods.map((e) => e.namespace)).size >= 2, classes: [...classes] };
  });
}

/** True when the rule's peers include every internet address of the families its pods have. */
function admitsInternet(a: Analysis, adm: Admission): boolean {
  const internet = externalClasses(a).filter((c) => c.tags.has('internet') && adm.families.includes(c.family));
  return internet.length > 0 && internet.every((c) => adm.externalClasses.includes(c));
}

function check({ analysis: a, tiers }: LintContext, sink: FindingSink): void {
  for (const adm of admissionsOf(a, tiers)) {
    if (adm.rule.action !== 'Allow' || adm.ports.length === 0) continue;
    const cluster = admitsWholeCluster(a, adm);
    const internet = admitsInternet(a, adm);
    if (!cluster && !internet) continue;
    const everyPort = admitsEveryPort(adm);
    if (adm.rule.direction === 'egress' && !everyPort) continue;
    const what = [cluster ? 'the whole cluster' : '', internet ? 'the internet' : ''].filter(Boolean).join(' and ');
    const subject = describePods(a, membersOf(adm.subjectClasses), 5);
    const where = `${adm.rule.direction}[${adm.rule.index}] of ${policyName(adm.policy.ref)}`;
    const advice =
      adm.rule.direction === 'ingress'
        ? 'Name the namespaces and pods that need it (a namespaceSelector with matchLabels, a podSelector, narrower CIDRs)'
        : 'Name the destinations and ports the pods need';
    sink.report(
      ID,
      'warning',
      `Rule ${where} is open to ${what}: it ${describeAdmission(a, adm)} (for ${subject}). ${advice}${everyPort ? ', and list the ports' : ''}.`,
      adm.rule.span,
      { related: [{ span: adm.policy.ref.span, message: `the policy: ${policyName(adm.policy.ref)}` }] },
    );
  }
}
