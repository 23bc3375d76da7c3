/** Small manifest builders for engine tests. */

export interface PodOptions {
  labels?: Record<string, string>;
  node?: string;
  ip?: string;
  hostNetwork?: boolean;
  ports?: { name?: string; port: number; protocol?: string }[];
  serviceAccount?: string;
}

export function pod(id: string, o: PodOptions = {}): string {
  const [ns, name] = id.split('/');
  const labels = o.labels ?? { app: name };
  const ports = (o.ports ?? [{ name: 'http', port: 80 }]).map(
    (p) => `{${p.name ? `name: ${p.name}, ` : ''}containerPort: ${p.port}, protocol: ${p.protocol ?? 'TCP'}}`,
  );
  return [
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}`,
    'spec:',
    o.node ? `  nodeName: ${o.node}` : '',
    o.hostNetwork ? '  hostNetwork: true' : '',
    o.serviceAccount ? `  serviceAccountName: ${o.serviceAccount}` : '',
    `  containers: [{name: c, ports: [${ports.join(', ')}]}]`,
    o.ip ? `status: {podIP: ${o.ip}}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function namespace(name: string, labels: Record<string, string> = {}): string {
  return `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${JSON.stringify(labels)}}`;
}

/** A NetworkPolicy from its spec, written as YAML (indented by the caller or flow style). */
export function policy(id: string, spec: string): string {
  const [ns, name] = id.split('/');
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}`;
}

export const docs = (...parts: string[]) => `${parts.join('\n---\n')}\n`;
