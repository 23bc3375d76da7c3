/**
 * A small cluster for policy tests: namespaces x, y, z (label `ns: <name>`),
 * pods a and b in each (label `pod: <name>`), every pod on node-1 serving TCP
 * and UDP on 80 (named `http` on TCP) and TCP 81, with fixed IPs
 * 10.244.<ns>.<pod>. `extra` is appended as further YAML documents.
 */
import { yaml } from '../helpers';
import { docs, namespace, type PodOptions, pod } from '../manifests';

const NS = ['x', 'y', 'z'];
const PODS = ['a', 'b'];

/** What every pod of the world has; spread it into the options of a pod added to the world. */
export const WORLD_POD_OPTIONS: PodOptions = {
  node: 'node-1',
  ports: [{ name: 'http', port: 80 }, { port: 80, protocol: 'UDP' }, { port: 81 }],
};

export function world(...extra: string[]): string {
  const parts: string[] = NS.map((ns) => namespace(ns, { ns }));
  for (const [i, ns] of NS.entries())
    for (const [j, p] of PODS.entries())
      parts.push(
        pod(`${ns}/${p}`, { ...WORLD_POD_OPTIONS, labels: { pod: p }, podIPs: [`10.244.${i + 1}.${j + 10}`] }),
      );
  return docs(...parts, ...extra);
}

/** Every pod id of the world, in matrix order. */
export const PODS_OF_WORLD = NS.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

/** A GlobalNetworkPolicy `checked` on pods `a`, with `spec` (YAML) added to its spec after the selector. */
export const checkedPolicy = (spec: string) => yaml`
  apiVersion: projectcalico.org/v3
  kind: GlobalNetworkPolicy
  metadata:
    name: checked
  spec:
    selector: pod == "a"
    ${spec}`;
