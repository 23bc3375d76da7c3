/**
 * Dependencies inferred from the manifests: who talks to which Service,
 * without any intent. A workload names a Service in a container's `env` value,
 * its `command`/`args` words, or the ConfigMap data it reads (`envFrom`,
 * `valueFrom.configMapKeyRef`), as `api`, `api.shop`, `api.shop.svc`,
 * `api.shop.svc.cluster.local`, with or without a scheme, port and path; or as
 * a host and a port in two variables with a shared prefix (`DATABASE_HOST` +
 * `DATABASE_PORT`). An Ingress backend makes the ingress controller's pods
 * clients of its Service. The Service's selector gives the destination pods,
 * its port and targetPort the destination port on each.
 *
 * Plain functions over an analysis: the lint rules, `netpol deps` and the
 * editor's "Generate Least-Privilege Policy" call `inferDependencies`.
 */
import type { Span } from '../common/source';
import type { ConfigMap, Labels, Protocol, Service, ServicePort, Workload } from '../model/kubernetes';
import type { Analysis } from './analysis';
import { type Deciding, decidingStep, type Party, partiesConnect, podParty } from './connections';
import { ownerName } from './describe';
import type { Endpoint } from '../policy/endpoint';
import { ServiceIndex } from '../policy/service-index';
import { memoized } from '../common/memo';

/** Where a dependency was read. */
export type ReferenceSource = 'env' | 'configmap' | 'args' | 'host-port' | 'ingress';

/** A Service named somewhere in the manifests. */
export interface ServiceReference {
  readonly source: ReferenceSource;
  /** Where the name is written (the env value, the ConfigMap value, the argument, the Ingress backend). */
  readonly span: Span;
  /** How it was found, for messages: `env API_URL`, `ConfigMap shop/cfg key DB (env DATABASE_HOST)`. */
  readonly via: string;
  /** The text as written. */
  readonly text: string;
  /** The Service's name and namespace as the reference resolves them. */
  readonly service: string;
  readonly namespace: string;
  /** The Service port the client uses: a number, a name (Ingress), or undefined (not said). */
  readonly port?: number | string;
  /** The port came from the URL scheme's default (`postgres://` -> 5432). */
  readonly schemeDefault?: boolean;
}

/** A pod (of the destination) on one port: what the client reaches through the Service port. */
export interface DestinationPort {
  readonly index: number;
  readonly protocol: Protocol;
  readonly port: number;
  readonly servicePort: ServicePort;
}

export interface Dependency {
  readonly reference: ServiceReference;
  /** `Deployment shop/frontend`, `Pod shop/debug`, or the ingress controller for Ingress backends. */
  readonly client: string;
  /** Indices into analysis.endpoints of the client's pods. */
  readonly clients: readonly number[];
  /** The Service, when the workspace has it. */
  readonly target?: Service;
  /** The Service ports the client may use: every one when the reference does not say. */
  readonly servicePorts: readonly ServicePort[];
  /** Destination pods on their target ports. */
  readonly destinations: readonly DestinationPort[];
}

export interface BlockedPair {
  readonly from: string;
  readonly to: string;
  readonly port: string;
}

export interface DependencyCheck {
  readonly dependency: Dependency;
  /** Client-destination pairs tested. */
  readonly pairs: number;
  /** Pairs the policy blocks on every port the dependency may use (listed up to a limit). */
  readonly blocked: readonly BlockedPair[];
  readonly blockedCount: number;
  readonly deciding?: Deciding;
}

/** Pods that run an ingress controller. */
export interface IngressControllerSelector {
  readonly namespace?: string;
  readonly labels: Labels;
}

/** ingress-nginx as its Helm chart and manifests label it. */
const INGRESS_NGINX: readonly IngressControllerSelector[] = [
  { labels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  { labels: { app: 'ingress-nginx' } },
  { labels: { app: 'nginx-ingress' } },
];

const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  grpc: 80,
  postgres: 5432,
  postgresql: 5432,
  mysql: 3306,
  mariadb: 3306,
  redis: 6379,
  rediss: 6379,
  amqp: 5672,
  amqps: 5671,
  mongodb: 27017,
  nats: 4222,
  kafka: 9092,
  memcached: 11211,
  ldap: 389,
  ldaps: 636,
  smtp: 25,
};

/** Variable names whose value is an address even when it is one bare word. */
const ADDRESS_NAME =
  /(HOST|HOSTNAME|ADDR|ADDRESS|SERVER|SERVICE|URL|URI|ENDPOINT|DSN|BROKER|BROKERS|UPSTREAM|BACKEND)S?$/i;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

interface ParsedAddress {
  readonly host: string;
  readonly port?: number;
  readonly scheme?: string;
  /** Offset of the host inside the text. */
  readonly offset: number;
}

/** `postgres://user:pw@db.shop:5432/app`, `api:8080`, `api.shop.svc.cluster.local` -> host and port. */
export function parseAddress(text: string): ParsedAddress | undefined {
  const m =
    /^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:[^@/\s]*@)?([a-z0-9][-a-z0-9.]*[a-z0-9]|[a-z0-9])(?::(\d{1,5}))?(?:[/?#]\S*)?$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const lead = text.length - text.trimStart().length;
  const host = m[2].toLowerCase();
  const offset = lead + text.trim().indexOf(m[2], m[1] ? m[1].length + 3 : 0);
  const port = m[3] ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { host, port, scheme: m[1]?.toLowerCase(), offset };
}

/** `api` / `api.shop` / `api.shop.svc` / `api.shop.svc.cluster.local` -> Service name and namespace. */
export function serviceOfHost(
  host: string,
  clientNamespace: string,
  namespaces: ReadonlySet<string>,
): { name: string; namespace: string; explicit: boolean } | undefined {
  const parts = host.split('.');
  if (!parts.every((p) => LABEL.test(p))) return undefined;
  if (parts.length === 1) return { name: parts[0], namespace: clientNamespace, explicit: false };
  if (parts.length === 2 && namespaces.has(parts[1])) return { name: parts[0], namespace: parts[1], explicit: true };
  if (parts.length === 3 && parts[2] === 'svc') return { name: parts[0], namespace: parts[1], explicit: true };
  if (parts.length === 5 && parts.slice(2).join('.') === 'svc.cluster.local')
    return { name: parts[0], namespace: parts[1], explicit: true };
  return undefined;
}

interface Variable {
  readonly name: string;
  readonly value: string;
  readonly span: Span;
  readonly via: string;
  readonly source: 'env' | 'configmap';
}

interface Client {
  readonly name: string;
  readonly namespace: string;
  readonly indices: readonly number[];
  readonly containers: Workload['spec']['containers'];
}

function clientsOf(a: Analysis): Client[] {
  const byOwner = new Map<string, number[]>();
  const endpoints = a.endpoints;
  // Replicas come one after another: a pod of the same workload and namespace as the pod before it
  // joins that pod's list without looking its owner up.
  let previous: Endpoint | undefined;
  let list: number[] | undefined;
  for (let i = 0; i < endpoints.length; i++) {
    const e = endpoints[i];
    const pod = e.pod;
    if (!pod) continue;
    const workload = pod.workload;
    if (workload && list && workload === previous!.pod!.workload && e.namespace === previous!.namespace) {
      list.push(i);
      previous = e;
      continue;
    }
    const key = ownerName(e);
    list = byOwner.get(key);
    if (list) list.push(i);
    else {
      list = [i];
      byOwner.set(key, list);
    }
    previous = e;
  }
  const out: Client[] = [];
  for (const [name, indices] of byOwner) {
    const pod = a.endpoints[indices[0]].pod!;
    out.push({ name, namespace: pod.namespace, indices, containers: pod.spec.containers });
  }
  return out;
}

/** The snapshot's ConfigMaps by namespace and name (the first of each name), once per analysis. */
const configMapsCache = new WeakMap<Analysis, Map<string, Map<string, ConfigMap>>>();

/**
 * The ConfigMap a client's envFrom or configMapKeyRef names: each client looked every ConfigMap
 * up by scanning them all, which grew with workloads x ConfigMaps (a chart renders one per app).
 */
function configMapNamed(a: Analysis, namespace: string, name: string): ConfigMap | undefined {
  const byNamespace = memoized(configMapsCache, a, () => {
    const found = new Map<string, Map<string, ConfigMap>>();
    for (const c of a.cluster.configMaps) {
      const ns = c.meta.namespace;
      if (ns === undefined) continue;
      let names = found.get(ns);
      if (!names) {
        names = new Map();
        found.set(ns, names);
      }
      if (!names.has(c.meta.name)) names.set(c.meta.name, c);
    }
    return found;
  });
  return byNamespace.get(namespace)?.get(name);
}

const servicesCache = new WeakMap<Analysis, ServiceIndex>();

/** The snapshot's Services by namespace, once per analysis (each reference scanned every Service before). */
function serviceIndex(a: Analysis): ServiceIndex {
  return memoized(servicesCache, a, () => new ServiceIndex(a.cluster.services));
}

function variablesOf(a: Analysis, client: Client, container: Client['containers'][number]): Variable[] {
  const out: Variable[] = [];
  const configMap = (name: string) => configMapNamed(a, client.namespace, name);
  for (const from of container.envFrom) {
    const cm = configMap(from.name.value);
    for (const [key, value] of Object.entries(cm?.data ?? {}))
      out.push({
        name: from.prefix + key,
        value: value.value,
        span: value.span,
        via: `ConfigMap ${client.namespace}/${from.name.value} key ${key} via envFrom`,
        source: 'configmap',
      });
  }
  for (const env of container.env) {
    if (env.value) {
      out.push({
        name: env.name.value,
        value: env.value.value,
        span: env.value.span,
        via: `env ${env.name.value}`,
        source: 'env',
      });
    } else if (env.configMapKeyRef) {
      const value = configMap(env.configMapKeyRef.name.value)?.data[env.configMapKeyRef.key.value];
      if (value)
        out.push({
          name: env.name.value,
          value: value.value,
          span: value.span,
          via: `ConfigMap ${client.namespace}/${env.configMapKeyRef.name.value} key ${env.configMapKeyRef.key.value} via env ${env.name.value}`,
          source: 'configmap',
        });
    }
  }
  return out;
}

/** The cluster's namespaces and `namespace/name` of its Services, found once per analysis (not once per client). */
const namesCache = new WeakMap<Analysis, { namespaces: Set<string>; services: Set<string> }>();

function clusterNames(a: Analysis): { namespaces: Set<string>; services: Set<string> } {
  return memoized(namesCache, a, () => ({
    namespaces: new Set(a.cluster.namespaces.keys()),
    services: new Set(a.cluster.services.map((s) => `${s.meta.namespace}/${s.meta.name}`)),
  }));
}

const NO_REFERENCES: ServiceReference[] = [];

/** The references of one client: env and ConfigMap values, HOST+PORT pairs, command-line words. */
function referencesOf(a: Analysis, client: Client): ServiceReference[] {
  // Most containers name nothing (no env, envFrom or command line): nothing to read.
  if (client.containers.every((c) => c.env.length === 0 && c.envFrom.length === 0 && c.commandLine.length === 0))
    return NO_REFERENCES;
  const { namespaces, services } = clusterNames(a);
  const out: ServiceReference[] = [];
  const consider = (
    text: string,
    span: Span,
    via: string,
    source: ReferenceSource,
    addressLike: boolean,
    port?: number,
  ) => {
    const parsed = parseAddress(text);
    if (!parsed) return;
    const svc = serviceOfHost(parsed.host, client.namespace, namespaces);
    if (!svc || svc.name === 'localhost') return;
    const exists = services.has(`${svc.namespace}/${svc.name}`);
    // A bare word is a reference only where it names a Service, or where the variable says it is an address.
    const strong = svc.explicit || parsed.scheme !== undefined || parsed.port !== undefined || port !== undefined;
    if (!exists && !(strong && (addressLike || parsed.scheme !== undefined || svc.explicit))) return;
    if (exists && !strong && !addressLike) return;
    const schemePort = parsed.scheme ? SCHEME_PORTS[parsed.scheme] : undefined;
    out.push({
      source,
      span,
      via,
      text,
      service: svc.name,
      namespace: svc.namespace,
      port: parsed.port ?? port ?? schemePort,
      schemeDefault: parsed.port === undefined && port === undefined && schemePort !== undefined,
    });
  };
  for (const container of client.containers) {
    const vars = variablesOf(a, client, container);
    const paired = new Set<Variable>();
    for (const v of vars) {
      const m = /^(.*?)_?(HOST|HOSTNAME|ADDR|ADDRESS|SERVER)$/i.exec(v.name);
      if (!m) continue;
      const portVar = vars.find((p) => new RegExp(`^${m[1]}_?PORT$`, 'i').test(p.name));
      const port = portVar && /^\d{1,5}$/.test(portVar.value.trim()) ? Number(portVar.value.trim()) : undefined;
      if (port === undefined || port < 1 || port > 65535) continue;
      paired.add(v);
      consider(v.value, v.span, `${v.via} with ${portVar!.name}=${port}`, 'host-port', true, port);
    }
    for (const v of vars) if (!paired.has(v)) consider(v.value, v.span, v.via, v.source, ADDRESS_NAME.test(v.name));
    container.commandLine.forEach((word, i) => {
      const eq = word.value.indexOf('=');
      const value = word.value.startsWith('-') && eq > 0 ? word.value.slice(eq + 1) : word.value;
      if (value.startsWith('-')) return;
      const flag = eq > 0 ? word.value.slice(0, eq) : (container.commandLine[i - 1]?.value ?? '');
      const addressFlag =
        flag === '-h' ||
        (flag.startsWith('-') && /host|addr|server|url|uri|endpoint|upstream|backend|broker/i.test(flag));
      consider(
        value,
        word.span,
        `${container.init ? 'init container' : 'container'} ${container.name} argument`,
        'args',
        addressFlag,
      );
    });
  }
  return out;
}

function controllerIndices(a: Analysis, controllers: readonly IngressControllerSelector[]): number[] {
  const wanted = controllers.map((c) => ({ namespace: c.namespace, labels: Object.entries(c.labels) }));
  // Replicas share their template's labels: each labels object is matched once per namespace.
  const matched = new Map<Labels, { namespace: string | undefined; match: boolean }>();
  const out: number[] = [];
  const endpoints = a.endpoints;
  let m: { namespace: string | undefined; match: boolean } | undefined;
  let labels: Labels | undefined;
  for (let i = 0; i < endpoints.length; i++) {
    const e = endpoints[i];
    if (!e.pod) continue;
    // Replicas come one after another: the pod before's answer holds for the same labels and namespace.
    if (e.labels === labels && m!.namespace === e.namespace) {
      if (m!.match) out.push(i);
      continue;
    }
    labels = e.labels;
    m = matched.get(e.labels);
    if (!m || m.namespace !== e.namespace) {
      m = {
        namespace: e.namespace,
        match: wanted.some(
          (c) =>
            (c.namespace === undefined || c.namespace === e.namespace) && c.labels.every(([k, v]) => e.labels[k] === v),
        ),
      };
      matched.set(e.labels, m);
    }
    if (m.match) out.push(i);
  }
  return out;
}

/** The destination pods of a Service on the target ports of `ports`. */
function serviceDestinations(a: Analysis, service: Service, ports: readonly ServicePort[]): DestinationPort[] {
  const selector = service.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const out: DestinationPort[] = [];
  const wanted = Object.entries(selector);
  for (const index of podsByNamespace(a).get(service.meta.namespace) ?? []) {
    const e = a.endpoints[index];
    if (!wanted.every(([k, v]) => e.labels[k] === v)) continue;
    for (const sp of ports) {
      const target = sp.targetPort ?? sp.port;
      if (typeof target === 'number') out.push({ index, protocol: sp.protocol, port: target, servicePort: sp });
      else {
        const key = (e.namedPorts.get(target) ?? []).find((k) => k.startsWith(`${sp.protocol}/`));
        if (key) out.push({ index, protocol: sp.protocol, port: Number(key.split('/')[1]), servicePort: sp });
      }
    }
  }
  return out;
}

const podsCache = new WeakMap<Analysis, Map<string | undefined, number[]>>();

/** The pods (indices, ascending) of each namespace, found once per analysis: a Service selects only its own namespace's. */
function podsByNamespace(a: Analysis): Map<string | undefined, number[]> {
  return memoized(podsCache, a, () => {
    const found = new Map<string | undefined, number[]>();
    for (const [i, e] of a.endpoints.entries()) {
      if (!e.pod) continue;
      const list = found.get(e.namespace);
      if (list) list.push(i);
      else found.set(e.namespace, [i]);
    }
    return found;
  });
}

function dependencyOf(
  a: Analysis,
  reference: ServiceReference,
  client: string,
  clients: readonly number[],
): Dependency {
  const target = serviceIndex(a).named(reference.namespace, reference.service);
  if (!target) return { reference, client, clients, servicePorts: [], destinations: [] };
  let servicePorts: readonly ServicePort[] = target.ports;
  if (typeof reference.port === 'number') {
    const exact = target.ports.filter((p) => p.port === reference.port);
    // A scheme's default port the Service does not use says nothing: the Service's ports then.
    servicePorts = exact.length || !reference.schemeDefault ? exact : target.ports;
  } else if (typeof reference.port === 'string') servicePorts = target.ports.filter((p) => p.name === reference.port);
  return {
    reference,
    client,
    clients,
    target,
    servicePorts,
    destinations: serviceDestinations(a, target, servicePorts),
  };
}

const cache = new WeakMap<Analysis, Map<string, readonly Dependency[]>>();

/**
 * Every dependency the manifests show, in reading order: workloads' references
 * first, then Ingress backends (clients: the ingress controllers' pods,
 * ingress-nginx by its labels plus `controllers`).
 */
export function inferDependencies(
  a: Analysis,
  controllers: readonly IngressControllerSelector[] = [],
): readonly Dependency[] {
  const key = JSON.stringify(controllers);
  const perKey = memoized(cache, a, () => new Map<string, readonly Dependency[]>());
  const found = perKey.get(key);
  if (found) return found;
  const out: Dependency[] = [];
  for (const client of clientsOf(a))
    for (const ref of referencesOf(a, client)) out.push(dependencyOf(a, ref, client.name, client.indices));
  const ingressClients = controllerIndices(a, [...INGRESS_NGINX, ...controllers]);
  if (ingressClients.length) {
    const names = [...new Set(ingressClients.map((i) => a.endpoints[i].pod!.workload?.name ?? a.endpoints[i].id))];
    const client = `ingress controller ${names.join(', ')}`;
    for (const ing of a.cluster.ingresses)
      for (const b of ing.backends)
        out.push(
          dependencyOf(
            a,
            {
              source: 'ingress',
              span: b.service.span,
              via: `Ingress ${ing.meta.namespace}/${ing.meta.name} backend`,
              text: b.service.value,
              service: b.service.value,
              namespace: ing.meta.namespace,
              port: b.port?.value,
            },
            client,
            ingressClients,
          ),
        );
  }
  perKey.set(key, out);
  return out;
}

const MAX_LISTED = 20;

/** Which client-destination pairs the policies block on every port the dependency may use. */
export function checkDependency(a: Analysis, d: Dependency): DependencyCheck {
  const byPod = new Map<number, DestinationPort[]>();
  for (const dp of d.destinations) byPod.set(dp.index, [...(byPod.get(dp.index) ?? []), dp]);
  const blocked: BlockedPair[] = [];
  let blockedCount = 0;
  let pairs = 0;
  let deciding: Deciding | undefined;
  for (const c of d.clients) {
    const s: Party = podParty(a, c);
    for (const [index, ports] of byPod) {
      if (index === c) continue;
      pairs++;
      const t = podParty(a, index);
      if (ports.some((p) => partiesConnect(a, s, t, p.protocol, p.port))) continue;
      blockedCount++;
      const first = ports[0];
      if (blocked.length < MAX_LISTED)
        blocked.push({ from: s.endpoint.id, to: t.endpoint.id, port: `${first.protocol}/${first.port}` });
      if (!deciding) {
        const v = a.engine.explainEndpoints(s.endpoint, t.endpoint, first.protocol, first.port);
        deciding = decidingStep(a, v, s.endpoint.id, t.endpoint.id);
      }
    }
  }
  return { dependency: d, pairs, blocked, blockedCount, deciding };
}

/** `Service shop/api port 80`. */
export function describeDependencyTarget(d: Dependency): string {
  const svc = `Service ${d.reference.namespace}/${d.reference.service}`;
  const ports = d.servicePorts.map((p) => String(p.port));
  return `${svc}${d.target && ports.length ? ` port ${ports.join(', ')}` : ''}`;
}

/** `TCP/8000` for every destination port the dependency reaches through its Service ports. */
export function destinationPortsText(d: Dependency): string[] {
  return [...new Set(d.destinations.map((p) => `${p.protocol}/${p.port}`))];
}
