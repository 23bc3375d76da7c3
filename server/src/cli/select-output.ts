/** `netpol select` output: the pods a Calico selector matches (DESIGN.md: a JSON array of `namespace/name`). */
import type { Analysis } from '../engine/analysis';
import type { Endpoint } from '../policy/endpoint';
import type { CalicoSelector } from '../policy/selector/calico-selector';
import { plural } from '../common/text';
import { hostNetworkPodCount } from '../ide/select-pods';

export function selectJson(matched: readonly Endpoint[]): string {
  return `${JSON.stringify(
    matched.map((e) => e.id),
    null,
    2,
  )}\n`;
}

export function selectText(
  a: Analysis,
  matched: readonly Endpoint[],
  selector: CalicoSelector,
  namespace?: string,
): string {
  const scope = namespace === undefined ? '' : ` in namespace ${namespace}`;
  const lines = [
    `${selector.canonical} selects ${plural(matched.length, 'pod')}${scope}${matched.length ? ':' : '.'}`,
    ...matched.map((e) => `  ${e.id}`),
  ];
  const hosts = hostNetworkPodCount(a, namespace);
  if (hosts)
    lines.push(
      `(${plural(hosts, 'hostNetwork pod')} not considered: Calico selectors match workload endpoints, and hostNetwork pods have none.)`,
    );
  lines.push(
    'Labels seen: pod labels, projectcalico.org/namespace, projectcalico.org/orchestrator, projectcalico.org/serviceaccount, pcns.<namespace label>, pcsa.<service account label>.',
  );
  return `${lines.join('\n')}\n`;
}
