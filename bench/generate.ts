/**
 * A synthetic but realistic cluster for the benchmark: namespaces with a
 * frontend/api/worker/db/cache stack each, a default deny, allow rules with pod
 * and namespace selectors, named ports, ipBlocks, and a shared monitoring namespace.
 */

export interface Size {
  readonly namespaces: number;
  /** Replicas per Deployment (five Deployments per namespace). */
  readonly replicas: number;
}

const app = (
  ns: string,
  name: string,
  replicas: number,
  port: number,
  portName: string,
  tier: string,
) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, tier: ${tier}, version: v${replicas % 3}}}
    spec:
      containers:
      - name: main
        image: example/${name}
        ports: [{name: ${portName}, containerPort: ${port}}, {name: metrics, containerPort: 9090}]`;

const policy = (ns: string, name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec.replace(/^/gm, '  ')}`;

export function generate(size: Size): string[] {
  const files: string[] = [];
  files.push(
    [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring, labels: {team: platform}}',
      app('monitoring', 'prometheus', 1, 9090, 'web', 'ops'),
      ...[1, 2, 3, 4, 5, 6].map((i) => `apiVersion: v1\nkind: Node\nmetadata: {name: node-${i}}`),
    ].join('\n---\n'),
  );
  for (let n = 0; n < size.namespaces; n++) {
    const ns = `team-${n}`;
    const docs = [
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {team: t${n}, env: ${n % 2 ? 'prod' : 'staging'}}}`,
      app(ns, 'frontend', size.replicas, 8080, 'http', 'web'),
      app(ns, 'api', size.replicas, 8000, 'http', 'backend'),
      app(ns, 'worker', size.replicas, 8001, 'jobs', 'backend'),
      app(ns, 'db', size.replicas, 5432, 'pg', 'data'),
      app(ns, 'cache', size.replicas, 6379, 'redis', 'data'),
      policy(ns, 'default-deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
      policy(
        ns,
        'dns',
        'podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]',
      ),
      policy(
        ns,
        'frontend',
        'podSelector: {matchLabels: {app: frontend}}\ningress:\n- from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]\n  ports: [{port: http}]\negress:\n- to: [{podSelector: {matchLabels: {app: api}}}]',
      ),
      policy(
        ns,
        'api',
        `podSelector: {matchLabels: {app: api}}\ningress:\n- from: [{podSelector: {matchLabels: {tier: web}}}, {namespaceSelector: {matchLabels: {team: t${(n + 1) % size.namespaces}}}, podSelector: {matchLabels: {app: api}}}]\n  ports: [{port: http}]\negress:\n- to: [{podSelector: {matchExpressions: [{key: tier, operator: In, values: [data, backend]}]}}]\n- to: [{namespaceSelector: {matchLabels: {team: t${(n + 1) % size.namespaces}}}}]`,
      ),
      policy(
        ns,
        'data',
        'podSelector: {matchLabels: {tier: data}}\ningress:\n- from: [{podSelector: {matchLabels: {tier: backend}}}]\n  ports: [{port: pg}, {port: redis}]',
      ),
      policy(
        ns,
        'metrics',
        'podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: platform}}, podSelector: {matchLabels: {app: prometheus}}}]\n  ports: [{port: metrics}]',
      ),
    ];
    files.push(`${docs.join('\n---\n')}\n`);
  }
  return files;
}
