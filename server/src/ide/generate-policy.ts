/**
 * New policies as YAML text: a namespace's default-deny, and a least-privilege
 * policy for one workload that admits exactly the connections it has now.
 *
 * Note: the "required" connections are derived from the current analysis'
 * allowed pairs on the ports the pods declare. When intents and inferred
 * dependencies (NetworkIntent, issue 9) offer their own least-privilege
 * inputs, they should replace `requiredConnections` here.
 */
import type { Analysis } from '../engine/analysis';
import { ownerName } from '../engine/describe';
import { DNS_EGRESS_RULE } from '../lint/fixes/dns-rule';
import type { Labels } from '../model/kubernetes';
import { servedPorts } from './port-matrix';

/** A connection a workload needs: from a pod to a pod, on a port it declares. */
export interface RequiredConnection {
  readonly from: number;
  readonly to: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly port: number;
}

function q(s: string): string {
  return /^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(s) && !/^(true|false|yes|no|on|off|null|~|\d.*)$/i.test(s)
    ? s
    : JSON.stringify(s);
}

function labelsYaml(labels: Labels, indent: string): string {
  const entries = Object.entries(labels).sort(([x], [y]) => (x < y ? -1 : 1));
  return entries.length ? entries.map(([k, v]) => `${indent}${q(k)}: ${q(v)}`).join('\n') : '';
}

export function defaultDenyYaml(namespace: string, existingNames: readonly string[]): string {
  const name = existingNames.includes('default-deny') ? 'default-deny-all' : 'default-deny';
  return `# Default deny for namespace ${namespace}: every pod is isolated for ingress and egress,
# but may still look names up (DNS); add policies that allow what each workload needs.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${q(name)}
  namespace: ${q(namespace)}
spec:
  podSelector: {}
  policyTypes:
  - Ingress
  - Egress
  egress:
${DNS_EGRESS_RULE.map((l) => `  ${l}`).join('\n')}
`;
}

/** Connections the workload's pods take part in today, on ports the destination declares. */
export function requiredConnections(a: Analysis, pods: readonly number[]): RequiredConnection[] {
  const mine = new Set(pods);
  const out: RequiredConnection[] = [];
  a.endpoints.forEach((_, other) => {
    if (mine.has(other)) return;
    for (const p of pods) {
      for (const s of servedPorts(a, p))
        if (a.engine.allowed(other, p, s.protocol, s.port))
          out.push({ from: other, to: p, protocol: s.protocol, port: s.port });
      for (const s of servedPorts(a, other))
        if (a.engine.allowed(p, other, s.protocol, s.port))
          out.push({ from: p, to: other, protocol: s.protocol, port: s.port });
    }
  });
  return out;
}

/** Labels every pod of a group has in common (a selector for exactly those pods, in practice). */
function commonLabels(a: Analysis, pods: readonly number[]): Labels {
  const [first, ...rest] = pods.map((i) => a.endpoints[i].labels);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first ?? {}))
    if (rest.every((l) => l[k] === v) && !k.startsWith('pod-template-hash') && !k.includes('controller-revision-hash'))
      out[k] = v;
  return out;
}

/** A NetworkPolicy (or Calico NetworkPolicy) for the workload's pods allowing exactly `required`. */
export function leastPrivilegeYaml(
  a: Analysis,
  pods: readonly number[],
  required: readonly RequiredConnection[],
  kind: 'kubernetes' | 'calico',
): string {
  const subject = a.endpoints[pods[0]];
  const ns = subject.namespace ?? 'default';
  const owner = ownerName(subject);
  const base = (subject.pod?.workload?.name ?? subject.pod?.name ?? 'workload').slice(0, 40);
  const mine = new Set(pods);
  type Peer = { pods: number[]; ports: Set<string> };
  const peers = (dir: 'in' | 'out') => {
    const groups = new Map<string, Peer>();
    for (const c of required) {
      const other = dir === 'in' ? c.from : c.to;
      if (mine.has(dir === 'in' ? c.from : c.to) || !mine.has(dir === 'in' ? c.to : c.from)) continue;
      const key = ownerName(a.endpoints[other]);
      const g = groups.get(key) ?? { pods: [], ports: new Set<string>() };
      if (!g.pods.includes(other)) g.pods.push(other);
      g.ports.add(`${c.protocol}/${c.port}`);
      groups.set(key, g);
    }
    return [...groups.entries()].sort(([x], [y]) => (x < y ? -1 : 1));
  };
  const ingress = peers('in');
  const egress = peers('out');
  const head = `# Least privilege for ${owner}: allows exactly the connections it has today
# (${ingress.length} source and ${egress.length} destination workloads, on the ports their pods declare).
# Derived from the current analysis' allowed pairs; review before applying.
`;
  const portsOf = (ports: Set<string>) => [...ports].sort().map((p) => p.split('/') as [string, string]);
  if (kind === 'calico') {
    const sel = (labels: Labels) =>
      Object.entries(labels)
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([k, v]) => `${k} == '${v}'`)
        .join(' && ') || 'all()';
    const rule = (dir: 'source' | 'destination', [, g]: [string, Peer]) => {
      const e = a.endpoints[g.pods[0]];
      const byProto = new Map<string, string[]>();
      for (const [proto, port] of portsOf(g.ports)) byProto.set(proto, [...(byProto.get(proto) ?? []), port]);
      return [...byProto.entries()]
        .map(
          ([proto, ports]) => `  - action: Allow
    protocol: ${proto}
    ${dir === 'source' ? `source:\n      selector: ${JSON.stringify(sel(commonLabels(a, g.pods)))}\n      namespaceSelector: ${JSON.stringify(`projectcalico.org/name == '${e.namespace}'`)}\n    destination:\n      ports: [${ports.join(', ')}]` : `destination:\n      selector: ${JSON.stringify(sel(commonLabels(a, g.pods)))}\n      namespaceSelector: ${JSON.stringify(`projectcalico.org/name == '${e.namespace}'`)}\n      ports: [${ports.join(', ')}]`}`,
        )
        .join('\n');
    };
    return `${head}apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata:
  name: ${q(`${base}-least-privilege`)}
  namespace: ${q(ns)}
spec:
  selector: ${JSON.stringify(sel(commonLabels(a, pods)))}
  types:
  - Ingress
  - Egress
  ingress:${ingress.length ? `\n${ingress.map((g) => rule('source', g)).join('\n')}` : ' []'}
  egress:${egress.length ? `\n${egress.map((g) => rule('destination', g)).join('\n')}` : ' []'}
`;
  }
  const peerYaml = (key: 'from' | 'to', [, g]: [string, Peer]) => {
    const e = a.endpoints[g.pods[0]];
    const lines = [`  - ${key}:`];
    if (e.kind === 'host') {
      lines.push(
        ...[...new Set(g.pods.flatMap((i) => a.endpoints[i].ips.map((ip) => ip.text)))].map(
          (ip) => `    - ipBlock:\n        cidr: ${ip}/${ip.includes(':') ? 128 : 32}`,
        ),
      );
    } else {
      const labels = labelsYaml(commonLabels(a, g.pods), '          ');
      const podSel = labels ? `podSelector:\n        matchLabels:\n${labels}` : 'podSelector: {}';
      if (e.namespace !== ns)
        lines.push(
          `    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: ${q(e.namespace ?? 'default')}\n      ${podSel}`,
        );
      else lines.push(`    - ${podSel}`);
    }
    lines.push('    ports:');
    for (const [proto, port] of portsOf(g.ports)) lines.push(`    - protocol: ${proto}\n      port: ${port}`);
    return lines.join('\n');
  };
  const subjectLabels = labelsYaml(commonLabels(a, pods), '      ');
  return `${head}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${q(`${base}-least-privilege`)}
  namespace: ${q(ns)}
spec:
  podSelector:${subjectLabels ? `\n    matchLabels:\n${subjectLabels}` : ' {}'}
  policyTypes:
  - Ingress
  - Egress
  ingress:${ingress.length ? `\n${ingress.map((g) => peerYaml('from', g)).join('\n')}` : ' []'}
  egress:${egress.length ? `\n${egress.map((g) => peerYaml('to', g)).join('\n')}` : ' []'}
`;
}
