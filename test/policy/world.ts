/**
 * A small cluster for policy tests: namespaces x, y, z (label `ns: <name>`),
 * pods a and b in each (label `pod: <name>`), every pod serving TCP and UDP
 * on 80 (named `http` on TCP) and TCP 81, with fixed IPs 10.244.<ns>.<pod>.
 * `extra` is appended as further YAML documents.
 */
import { yaml } from '../helpers';

const NS = ['x', 'y', 'z'];
const PODS = ['a', 'b'];

export function pod(
  ns: string,
  name: string,
  opts: { labels?: Record<string, string>; ip?: string; sa?: string; hostNetwork?: boolean } = {},
): string {
  const labels = opts.labels ?? { pod: name };
  const labelLines = Object.entries(labels).map(([k, v]) => `    ${k}: "${v}"`);
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${ns}`,
    ...(labelLines.length ? ['  labels:', ...labelLines] : []),
    'spec:',
    '  nodeName: node-1',
    ...(opts.sa ? [`  serviceAccountName: ${opts.sa}`] : []),
    ...(opts.hostNetwork ? ['  hostNetwork: true'] : []),
    '  containers:',
    '  - name: c',
    '    image: nginx',
    '    ports:',
    '    - {name: http, containerPort: 80, protocol: TCP}',
    '    - {containerPort: 80, protocol: UDP}',
    '    - {containerPort: 81, protocol: TCP}',
    ...(opts.ip ? ['status:', `  podIP: ${opts.ip}`] : []),
  ].join('\n');
}

export function world(...extra: string[]): string {
  const docs: string[] = [];
  for (const ns of NS) docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    ns: ${ns}`);
  for (const [i, ns] of NS.entries())
    for (const [j, p] of PODS.entries()) docs.push(pod(ns, p, { ip: `10.244.${i + 1}.${j + 10}` }));
  return `${[...docs, ...extra].join('\n---\n')}\n`;
}

/** Every pod id of the world, in matrix order. */
export const PODS_OF_WORLD = NS.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

/** A GlobalNetworkPolicy `checked` on pods `a`, with `body` (spec fields indented by 4) appended to its spec. */
export const checkedPolicy = (body: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata:
    name: checked
  spec:
    selector: pod == "a"
${body}`;
