/**
 * Builders for the Kubernetes manifests tests analyse. Each returns one YAML
 * document ending in a newline; `docs` joins documents into one file. Ids are
 * `namespace/name`, as the analysis names pods.
 */
import { yaml } from './helpers';

export interface ContainerPortOptions {
  name?: string;
  port: number;
  /** TCP when not given. */
  protocol?: string;
}

export interface PodOptions {
  /** `{app: <name>}` when not given. */
  labels?: Record<string, string>;
  /** spec.nodeName */
  node?: string;
  hostNetwork?: boolean;
  /** spec.serviceAccountName */
  serviceAccount?: string;
  /** The ports of the pod's one container; one port `http`, TCP 80, when not given. */
  ports?: readonly ContainerPortOptions[];
  /** The addresses the kubelet recorded: status.podIP (the first) and status.podIPs. */
  podIPs?: readonly string[];
}

/** Splits `namespace/name`; the builders take ids in the form the analysis reports them. */
function splitId(id: string): [namespace: string, name: string] {
  const [namespace, name, ...rest] = id.split('/');
  if (!name || rest.length) throw new Error(`"${id}" is not namespace/name`);
  return [namespace, name];
}

/** A Pod with one container, `c`. */
export function pod(id: string, opts: PodOptions = {}): string {
  const [ns, name] = splitId(id);
  const labels = opts.labels ?? { app: name };
  const ports = (opts.ports ?? [{ name: 'http', port: 80 }]).map(
    (p) => `{${p.name ? `name: ${p.name}, ` : ''}containerPort: ${p.port}, protocol: ${p.protocol ?? 'TCP'}}`,
  );
  const ips = (opts.podIPs ?? []).map((ip) => JSON.stringify(ip));
  const lines = [
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${name}, namespace: ${ns}, labels: ${JSON.stringify(labels)}}`,
    'spec:',
    ...(opts.node ? [`  nodeName: ${opts.node}`] : []),
    ...(opts.hostNetwork ? ['  hostNetwork: true'] : []),
    ...(opts.serviceAccount ? [`  serviceAccountName: ${opts.serviceAccount}`] : []),
    `  containers: [{name: c, ports: [${ports.join(', ')}], image: nginx}]`,
    ...(ips.length ? [`status: {podIP: ${ips[0]}, podIPs: [${ips.map((ip) => `{ip: ${ip}}`).join(', ')}]}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

export function namespace(name: string, labels: Record<string, string> = {}): string {
  return yaml`
    apiVersion: v1
    kind: Namespace
    metadata: {name: ${name}, labels: ${JSON.stringify(labels)}}
  `;
}

/** A Node; `ips` are its InternalIP addresses. */
export function node(
  name: string,
  opts: { podCIDRs?: string[]; ips?: string[]; annotations?: Record<string, string> } = {},
): string {
  const lines = ['apiVersion: v1', 'kind: Node', 'metadata:', `  name: ${name}`];
  if (opts.annotations) {
    lines.push('  annotations:');
    for (const [k, v] of Object.entries(opts.annotations)) lines.push(`    ${k}: "${v}"`);
  }
  if (opts.podCIDRs) lines.push('spec:', `  podCIDR: ${opts.podCIDRs[0]}`, `  podCIDRs: [${opts.podCIDRs.join(', ')}]`);
  if (opts.ips)
    lines.push('status:', '  addresses:', ...opts.ips.map((ip) => `  - {type: InternalIP, address: "${ip}"}`));
  return `${lines.join('\n')}\n`;
}

/** A Deployment of `replicas` pods labelled `{app: <name>}`, placed on `node` when given, serving `ports`. */
export function deployment(
  id: string,
  replicas: number,
  opts: { node?: string; ports?: readonly ContainerPortOptions[] } = {},
): string {
  const [ns, name] = splitId(id);
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}, namespace: ${ns}}`,
    'spec:',
    `  replicas: ${replicas}`,
    `  selector: {matchLabels: {app: ${name}}}`,
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:',
    ...(opts.node ? [`      nodeName: ${opts.node}`] : []),
    opts.ports
      ? `      containers: [{name: c, image: x, ports: [${opts.ports.map((p) => `{${p.name ? `name: ${p.name}, ` : ''}containerPort: ${p.port}, protocol: ${p.protocol ?? 'TCP'}}`).join(', ')}]}]`
      : '      containers: [{name: c, image: x}]',
  ];
  return `${lines.join('\n')}\n`;
}

/** A NetworkPolicy with `spec` (YAML) as its spec. */
export function policy(id: string, spec: string): string {
  const [ns, name] = splitId(id);
  return yaml`
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: ${name}, namespace: ${ns}}
    spec:
      ${spec.trim()}
  `;
}

/** Joins YAML documents into one file: each ends in a newline, `---` between them. */
export const docs = (...parts: string[]) => parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('---\n');
