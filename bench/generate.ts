/**
 * A synthetic cluster for the benchmark, written the way platform teams write
 * manifests: block style, comments, one folder per namespace with its
 * workloads, Services and policies. A tenth as many policies as pods, 30% of
 * them Calico (namespaced NetworkPolicies in tiers, plus a few global guard
 * rails); default-deny, DNS, pod and namespace selectors, named ports,
 * ipBlocks with excepts, Calico selectors, nets and Deny rules.
 *
 * Each namespace holds 100 pods (ten workloads of ten replicas) and ten
 * policies (seven Kubernetes NetworkPolicies, three Calico ones), so the
 * cluster has `pods / 100` namespaces and as many nodes.
 */

export interface GeneratedFile {
  /** A path relative to the cluster's root folder. */
  readonly path: string;
  readonly text: string;
}

interface App {
  readonly name: string;
  readonly tier: 'web' | 'backend' | 'data' | 'ops';
  readonly port: number;
  readonly portName: string;
  readonly kind: 'Deployment' | 'StatefulSet';
}

const APPS: readonly App[] = [
  { name: 'frontend', tier: 'web', port: 8080, portName: 'http', kind: 'Deployment' },
  { name: 'api', tier: 'backend', port: 8000, portName: 'http', kind: 'Deployment' },
  { name: 'auth', tier: 'backend', port: 8443, portName: 'https', kind: 'Deployment' },
  { name: 'search', tier: 'backend', port: 9200, portName: 'rest', kind: 'Deployment' },
  { name: 'billing', tier: 'backend', port: 8001, portName: 'http', kind: 'Deployment' },
  { name: 'worker', tier: 'backend', port: 8002, portName: 'jobs', kind: 'Deployment' },
  { name: 'notifier', tier: 'backend', port: 8003, portName: 'http', kind: 'Deployment' },
  { name: 'db', tier: 'data', port: 5432, portName: 'pg', kind: 'StatefulSet' },
  { name: 'cache', tier: 'data', port: 6379, portName: 'redis', kind: 'StatefulSet' },
  { name: 'queue', tier: 'data', port: 5672, portName: 'amqp', kind: 'StatefulSet' },
];

/** Pods and policies per namespace. */
export const PODS_PER_NAMESPACE = 100;
export const POLICIES_PER_NAMESPACE = 10;
const REPLICAS = PODS_PER_NAMESPACE / APPS.length;

function workload(ns: string, n: number, app: App): string {
  return `# ${app.name}: ${app.tier} tier of team ${n}.
apiVersion: apps/v1
kind: ${app.kind}
metadata:
  name: ${app.name}
  namespace: ${ns}
  labels:
    app: ${app.name}
spec:
  replicas: ${REPLICAS}${app.kind === 'StatefulSet' ? `\n  serviceName: ${app.name}` : ''}
  selector:
    matchLabels:
      app: ${app.name}
  template:
    metadata:
      labels:
        app: ${app.name}
        tier: ${app.tier}
        version: v${(n % 3) + 1}
        team: t${n}
    spec:
      containers:
      - name: main
        image: registry.example.com/team-${n}/${app.name}:1.${n % 7}.0
        ports:
        - name: ${app.portName}
          containerPort: ${app.port}
        - name: metrics
          containerPort: 9090
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: ${app.name}
  namespace: ${ns}
spec:
  selector:
    app: ${app.name}
  ports:
  - name: ${app.portName}
    port: ${app.port}
    targetPort: ${app.portName}
`;
}

/** The labels Helm charts put on every object they render. */
function chartLabels(ns: string, n: number, app: App, indent: string): string {
  return [
    `app: ${app.name}`,
    `app.kubernetes.io/name: ${app.name}`,
    `app.kubernetes.io/instance: ${ns}-${app.name}`,
    `app.kubernetes.io/version: "1.${n % 7}.0"`,
    `app.kubernetes.io/component: ${app.tier}`,
    `app.kubernetes.io/part-of: ${ns}`,
    'app.kubernetes.io/managed-by: Helm',
    `helm.sh/chart: ${app.name}-0.${n % 7}.0`,
  ]
    .map((l) => `${indent}${l}`)
    .join('\n');
}

function chartAnnotations(ns: string, app: App, indent: string): string {
  return `${indent}meta.helm.sh/release-name: ${ns}-${app.name}\n${indent}meta.helm.sh/release-namespace: ${ns}`;
}

/** The services each app calls, as environment variables (the dependency inference reads them). */
function dependencies(ns: string, app: App): [string, string][] {
  const svc = (name: string) => `${name}.${ns}.svc.cluster.local`;
  switch (app.name) {
    case 'frontend':
      return [['API_URL', `http://${svc('api')}:8000`]];
    case 'api':
      return [
        ['DATABASE_URL', `postgres://app@${svc('db')}:5432/app`],
        ['REDIS_ADDR', `${svc('cache')}:6379`],
        ['SEARCH_URL', 'http://search:9200'],
        ['AUTH_URL', 'https://auth:8443'],
      ];
    case 'billing':
      return [['PAYMENTS_URL', 'https://payments.example.com/v2']];
    case 'worker':
      // The team's policies give the worker no way to the queue: the rule they forgot.
      return [['AMQP_URL', `amqp://worker@${svc('queue')}:5672/`]];
    default:
      return [];
  }
}

/** A stable hex digest standing for the checksum Helm charts annotate pods with. */
function checksum(text: string): string {
  let h = 2166136261;
  const out: string[] = [];
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
    h = Math.imul(h ^ round, 16777619) >>> 0;
    out.push(h.toString(16).padStart(8, '0'));
  }
  return out.join('');
}

/**
 * One app as `helm template` renders a typical chart: a ServiceAccount, a ConfigMap, the
 * Service, and the Deployment or StatefulSet with what production pod specs carry (security
 * contexts, probes, resources, environment, volumes). Charts' other objects (autoscalers,
 * disruption budgets) are left out: the analysis has nothing to read in them.
 */
function renderedApp(ns: string, n: number, app: App): string {
  const labels = (indent: string) => chartLabels(ns, n, app, indent);
  const annotations = (indent: string) => chartAnnotations(ns, app, indent);
  const data = app.tier === 'data';
  const probe = (path: string) =>
    data
      ? `          tcpSocket:\n            port: ${app.portName}`
      : `          httpGet:\n            path: ${path}\n            port: ${app.portName}${app.portName === 'https' ? '\n            scheme: HTTPS' : ''}`;
  const env = dependencies(ns, app)
    .map(([k, v]) => `        - name: ${k}\n          value: "${v}"`)
    .join('\n');
  const config = `    server:
      port: ${app.port}
      metricsPort: 9090
      shutdownTimeout: 25s
    logging:
      level: info
      format: json
    tracing:
      enabled: true
      endpoint: otel-collector.monitoring.svc.cluster.local:4317
      sampleRate: 0.1`;
  return [
    `# Source: ${app.name}/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${app.name}
  namespace: ${ns}
  labels:
${labels('    ')}
automountServiceAccountToken: false
`,
    `# Source: ${app.name}/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app.name}-config
  namespace: ${ns}
  labels:
${labels('    ')}
data:
  LOG_LEVEL: info
  LOG_FORMAT: json
  config.yaml: |
${config}
`,
    `# Source: ${app.name}/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${app.name}
  namespace: ${ns}
  labels:
${labels('    ')}
  annotations:
${annotations('    ')}
spec:
  type: ClusterIP
  selector:
    app: ${app.name}
  ports:
  - name: ${app.portName}
    port: ${app.port}
    targetPort: ${app.portName}
    protocol: TCP
`,
    `# Source: ${app.name}/templates/${app.kind.toLowerCase()}.yaml
# ${app.name}: ${app.tier} tier of team ${n}.
apiVersion: apps/v1
kind: ${app.kind}
metadata:
  name: ${app.name}
  namespace: ${ns}
  labels:
${labels('    ')}
  annotations:
${annotations('    ')}
spec:
  replicas: ${REPLICAS}
  revisionHistoryLimit: 5${app.kind === 'StatefulSet' ? `\n  serviceName: ${app.name}\n  podManagementPolicy: Parallel\n  updateStrategy:\n    type: RollingUpdate` : '\n  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 25%\n      maxUnavailable: 0'}
  selector:
    matchLabels:
      app: ${app.name}
  template:
    metadata:
      labels:
        app: ${app.name}
        tier: ${app.tier}
        version: v${(n % 3) + 1}
        team: t${n}
        app.kubernetes.io/name: ${app.name}
        app.kubernetes.io/instance: ${ns}-${app.name}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
        checksum/config: ${checksum(ns + app.name + config)}
    spec:
      serviceAccountName: ${app.name}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      terminationGracePeriodSeconds: 30
      containers:
      - name: main
        image: registry.example.com/team-${n}/${app.name}:1.${n % 7}.0
        imagePullPolicy: IfNotPresent
        args:
        - --config=/etc/${app.name}/config.yaml
        envFrom:
        - configMapRef:
            name: ${app.name}-config
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace${env ? `\n${env}` : ''}
        ports:
        - name: ${app.portName}
          containerPort: ${app.port}
          protocol: TCP
        - name: metrics
          containerPort: 9090
          protocol: TCP
        livenessProbe:
${probe('/healthz')}
          initialDelaySeconds: 10
          periodSeconds: 10
          failureThreshold: 3
        readinessProbe:
${probe('/ready')}
          periodSeconds: 5
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            cpu: "1"
            memory: 512Mi
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          capabilities:
            drop:
            - ALL
        volumeMounts:
        - name: config
          mountPath: /etc/${app.name}
          readOnly: true
        - name: tmp
          mountPath: /tmp${data ? `\n        - name: data\n          mountPath: /var/lib/${app.name}` : ''}
      volumes:
      - name: config
        configMap:
          name: ${app.name}-config
      - name: tmp
        emptyDir: {}${
          data
            ? `
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes:
      - ReadWriteOnce
      resources:
        requests:
          storage: 20Gi`
            : ''
        }
`,
  ].join('---\n');
}

function kubePolicies(ns: string, n: number, namespaces: number): string {
  const next = `t${(n + 1) % namespaces}`;
  return `# Team ${n}'s NetworkPolicies: deny by default, then open what each tier needs.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
---
# Every pod may resolve names.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: ${ns}
spec:
  podSelector: {}
  policyTypes:
  - Egress
  egress:
  - ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
---
# The frontend is public, except from the private ranges; it calls the API.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: frontend
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app: frontend
  ingress:
  - from:
    - ipBlock:
        cidr: 0.0.0.0/0
        except:
        - 10.0.0.0/8
    ports:
    - port: http
  egress:
  - to:
    - podSelector:
        matchLabels:
          app: api
    ports:
    - port: http
---
# The API: called by the web tier and by the next team's API.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
  - from:
    - podSelector:
        matchLabels:
          tier: web
    - namespaceSelector:
        matchLabels:
          team: ${next}
      podSelector:
        matchLabels:
          app: api
    ports:
    - port: http
  egress:
  - to:
    - podSelector:
        matchExpressions:
        - key: tier
          operator: In
          values:
          - data
          - backend
  - to:
    - namespaceSelector:
        matchLabels:
          team: ${next}
---
# Data stores take connections from the backend tier only.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: data
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      tier: data
  ingress:
  - from:
    - podSelector:
        matchLabels:
          tier: backend
    ports:
    - port: pg
    - port: redis
    - port: amqp
---
# Prometheus scrapes every pod's metrics port.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: metrics
  namespace: ${ns}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: platform
      podSelector:
        matchLabels:
          app: prometheus
    ports:
    - port: metrics
---
# Backend services call each other inside the namespace.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: backend-mesh
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      tier: backend
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - podSelector:
        matchExpressions:
        - key: tier
          operator: In
          values:
          - backend
          - web
  egress:
  - to:
    - podSelector:
        matchLabels:
          tier: backend
    ports:
    - port: 8000
      endPort: 8003
      protocol: TCP
`;
}

function calicoPolicies(ns: string, n: number): string {
  return `# Team ${n}'s Calico policies, in the application tier.
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: application.search-from-api
  namespace: ${ns}
spec:
  tier: application
  order: 100
  selector: app == 'search'
  types:
  - Ingress
  ingress:
  - action: Allow
    protocol: TCP
    source:
      selector: app in {'api', 'worker'}
    destination:
      ports:
      - 9200
  - action: Pass
---
# Billing may reach the payment processor and nothing else outside.
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: application.billing-egress
  namespace: ${ns}
spec:
  tier: application
  order: 200
  selector: app == 'billing'
  types:
  - Egress
  egress:
  - action: Allow
    protocol: TCP
    destination:
      nets:
      - 203.0.113.0/24
      ports:
      - 443
  - action: Deny
    destination:
      notNets:
      - 10.0.0.0/8
  - action: Pass
---
# The notifier sends mail through the relay, and is logged when it tries anything else.
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: application.notifier-smtp
  namespace: ${ns}
spec:
  tier: application
  order: 300
  selector: app == 'notifier' && team == 't${n}'
  types:
  - Egress
  egress:
  - action: Allow
    protocol: TCP
    destination:
      selector: role == 'smtp-relay'
      namespaceSelector: all()
      ports:
      - 25
      - 587
  - action: Log
    protocol: TCP
  - action: Pass
`;
}

function namespace(ns: string, n: number): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    team: t${n}
    env: ${n % 2 ? 'prod' : 'staging'}
`;
}

function platform(nodes: number): string {
  const nodeDocs = Array.from(
    { length: nodes },
    (_, i) => `apiVersion: v1
kind: Node
metadata:
  name: node-${i + 1}
  labels:
    kubernetes.io/hostname: node-${i + 1}
    topology.kubernetes.io/zone: zone-${(i % 3) + 1}
`,
  );
  return [
    `# flannel's configuration: a /12, so that every node's /24 fits.
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: kube-flannel
data:
  net-conf.json: |
    {
      "Network": "10.64.0.0/12",
      "Backend": {
        "Type": "vxlan"
      }
    }
`,
    ...nodeDocs,
  ].join('---\n');
}

function guardRails(): string {
  return `# Platform guard rails: the security tier runs first, then the application tier,
# then the teams' NetworkPolicies in the default tier.
apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: security
spec:
  order: 100
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata:
  name: application
spec:
  order: 500
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: security.guard-rails
spec:
  tier: security
  order: 10
  selector: all()
  types:
  - Ingress
  - Egress
  ingress:
  - action: Deny
    source:
      selector: feed == 'blocked'
  - action: Pass
  egress:
  # Pods must not read the node's cloud credentials, nor reach the threat feed.
  - action: Deny
    protocol: TCP
    destination:
      nets:
      - 169.254.169.254/32
  - action: Deny
    destination:
      selector: feed == 'blocked'
  - action: Pass
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata:
  name: threat-feed
  labels:
    feed: blocked
spec:
  nets:
  - 198.51.100.0/24
  - 192.0.2.0/24
---
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
  labels:
    team: platform
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: prometheus
  namespace: monitoring
spec:
  replicas: 1
  selector:
    matchLabels:
      app: prometheus
  template:
    metadata:
      labels:
        app: prometheus
    spec:
      containers:
      - name: prometheus
        image: prom/prometheus:v2.53.0
        ports:
        - name: web
          containerPort: 9090
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: smtp-relay
  namespace: monitoring
spec:
  replicas: 2
  selector:
    matchLabels:
      app: smtp-relay
  template:
    metadata:
      labels:
        app: smtp-relay
        role: smtp-relay
    spec:
      containers:
      - name: postfix
        image: registry.example.com/platform/postfix:3.8
        ports:
        - name: smtp
          containerPort: 25
        - name: submission
          containerPort: 587
---
# Prometheus reaches every pod's metrics port and serves its UI inside the cluster.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: prometheus
  namespace: monitoring
spec:
  podSelector:
    matchLabels:
      app: prometheus
  policyTypes:
  - Ingress
  - Egress
  ingress:
  - from:
    - namespaceSelector: {}
    ports:
    - port: web
  egress:
  - to:
    - namespaceSelector: {}
    ports:
    - port: 9090
  - ports:
    - port: 53
      protocol: UDP
`;
}

/**
 * How the workloads are written: `compact` as a hand-written manifest with only what the analysis
 * reads (0.13 MB per 1,000 pods), `rendered` as `helm template` output of typical charts, with what
 * production manifests carry besides (0.5 MB per 1,000 pods, the density of the issue's clusters).
 * The policies are the same in both.
 */
export type ClusterStyle = 'compact' | 'rendered';

/**
 * A cluster of about `pods` pods (a multiple of 100, plus Prometheus) and a tenth as
 * many policies, as files under one folder.
 */
export function generateCluster(pods: number, style: ClusterStyle = 'compact'): GeneratedFile[] {
  const namespaces = Math.max(1, Math.round(pods / PODS_PER_NAMESPACE));
  const files: GeneratedFile[] = [
    { path: 'platform/nodes.yaml', text: platform(namespaces) },
    { path: 'platform/guard-rails.yaml', text: guardRails() },
  ];
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${n}`;
    const workloads =
      style === 'rendered' ? APPS.map((app) => renderedApp(ns, n, app)) : APPS.map((app) => workload(ns, n, app));
    files.push({ path: `${ns}/namespace.yaml`, text: namespace(ns, n) });
    files.push({ path: `${ns}/workloads.yaml`, text: workloads.join('---\n') });
    files.push({ path: `${ns}/network-policies.yaml`, text: kubePolicies(ns, n, namespaces) });
    files.push({ path: `${ns}/calico-policies.yaml`, text: calicoPolicies(ns, n) });
  }
  return files;
}

/*
 * The compact cluster of the first benchmark (flow style, six policies and five Deployments per
 * namespace). Only the output-at-scale checks (test/reliability/scale-workspace.ts) still use it:
 * their expected verdicts are written for its policies. The benchmarks use generateCluster.
 */

export interface Size {
  readonly namespaces: number;
  /** Replicas per Deployment (five Deployments per namespace). */
  readonly replicas: number;
}

const compactApp = (
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

const compactPolicy = (ns: string, name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec.replace(/^/gm, '  ')}`;

export function generate(size: Size): string[] {
  const files: string[] = [];
  files.push(
    [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring, labels: {team: platform}}',
      compactApp('monitoring', 'prometheus', 1, 9090, 'web', 'ops'),
      ...[1, 2, 3, 4, 5, 6].map((i) => `apiVersion: v1\nkind: Node\nmetadata: {name: node-${i}}`),
    ].join('\n---\n'),
  );
  for (let n = 0; n < size.namespaces; n++) {
    const ns = `team-${n}`;
    const docs = [
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {team: t${n}, env: ${n % 2 ? 'prod' : 'staging'}}}`,
      compactApp(ns, 'frontend', size.replicas, 8080, 'http', 'web'),
      compactApp(ns, 'api', size.replicas, 8000, 'http', 'backend'),
      compactApp(ns, 'worker', size.replicas, 8001, 'jobs', 'backend'),
      compactApp(ns, 'db', size.replicas, 5432, 'pg', 'data'),
      compactApp(ns, 'cache', size.replicas, 6379, 'redis', 'data'),
      compactPolicy(ns, 'default-deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
      compactPolicy(
        ns,
        'dns',
        'podSelector: {}\npolicyTypes: [Egress]\negress:\n- ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]',
      ),
      compactPolicy(
        ns,
        'frontend',
        'podSelector: {matchLabels: {app: frontend}}\ningress:\n- from: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]\n  ports: [{port: http}]\negress:\n- to: [{podSelector: {matchLabels: {app: api}}}]',
      ),
      compactPolicy(
        ns,
        'api',
        `podSelector: {matchLabels: {app: api}}\ningress:\n- from: [{podSelector: {matchLabels: {tier: web}}}, {namespaceSelector: {matchLabels: {team: t${(n + 1) % size.namespaces}}}, podSelector: {matchLabels: {app: api}}}]\n  ports: [{port: http}]\negress:\n- to: [{podSelector: {matchExpressions: [{key: tier, operator: In, values: [data, backend]}]}}]\n- to: [{namespaceSelector: {matchLabels: {team: t${(n + 1) % size.namespaces}}}}]`,
      ),
      compactPolicy(
        ns,
        'data',
        'podSelector: {matchLabels: {tier: data}}\ningress:\n- from: [{podSelector: {matchLabels: {tier: backend}}}]\n  ports: [{port: pg}, {port: redis}]',
      ),
      compactPolicy(
        ns,
        'metrics',
        'podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: platform}}, podSelector: {matchLabels: {app: prometheus}}}]\n  ports: [{port: metrics}]',
      ),
    ];
    files.push(`${docs.join('\n---\n')}\n`);
  }
  return files;
}
