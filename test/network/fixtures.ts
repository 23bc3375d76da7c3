/** Manifests for network-stage tests: flannel's ConfigMaps, nodes, pods and workloads. */
import type { Finding } from '../../server/src/common/finding';
import { lint } from '../../server/src/lint';
import type { Analysis } from '../../server/src/engine/analysis';
import { spanned, where } from '../helpers';

const indent = (text: string, n: number) =>
  text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');

/** kube-flannel.yml's ConfigMap with `json` as its net-conf.json block (`|`), starting on line 8. */
export function flannelConfigMap(
  json: string,
  opts: { name?: string; namespace?: string; extra?: string } = {},
): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${opts.name ?? 'kube-flannel-cfg'}`,
    `  namespace: ${opts.namespace ?? 'kube-flannel'}`,
    'data:',
    ...(opts.extra ? [indent(opts.extra, 2)] : []),
    '  net-conf.json: |',
    indent(json, 4),
    '',
  ].join('\n');
}

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

export function pod(
  name: string,
  opts: { ns?: string; node?: string; hostNetwork?: boolean; podIPs?: string[] } = {},
): string {
  const lines = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${opts.ns ?? 'default'}`,
    `  labels: {app: ${name}}`,
    'spec:',
  ];
  if (opts.node) lines.push(`  nodeName: ${opts.node}`);
  if (opts.hostNetwork) lines.push('  hostNetwork: true');
  lines.push('  containers: [{name: c, image: x}]');
  if (opts.podIPs)
    lines.push(
      'status:',
      `  podIP: "${opts.podIPs[0]}"`,
      `  podIPs: [${opts.podIPs.map((ip) => `{ip: "${ip}"}`).join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

export function deployment(name: string, replicas: number, opts: { ns?: string; nodeName?: string } = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}, namespace: ${opts.ns ?? 'default'}}`,
    'spec:',
    `  replicas: ${replicas}`,
    `  selector: {matchLabels: {app: ${name}}}`,
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:',
    ...(opts.nodeName ? [`      nodeName: ${opts.nodeName}`] : []),
    '      containers: [{name: c, image: x}]',
    '',
  ].join('\n');
}

export const docs = (...parts: string[]) => parts.join('---\n');

/** Lint findings of one rule as `rule@line:col text`, the text being exactly what the range covers. */
export function located(a: Analysis, rule: string): string[] {
  return lint(a)
    .filter((f) => f.rule === rule)
    .map((f) => `${where(f)} ${spanned(f)}`);
}

export function only(a: Analysis, rule: string): Finding {
  const all = lint(a).filter((f) => f.rule === rule);
  if (all.length !== 1)
    throw new Error(
      `expected one ${rule} finding, got ${all.length}: ${all.map((f) => `${where(f)} ${f.message}`).join(' | ')}`,
    );
  return all[0];
}

export function flannelFindings(a: Analysis): string[] {
  return lint(a)
    .filter((f) => f.rule.startsWith('flannel-'))
    .map((f) => `${where(f)} ${f.message}`);
}

/**
 * The expected `located` entry for `token` on 1-based `line` of `text`: the
 * column is where the token is written on that line (its `nth` occurrence).
 */
export function at(rule: string, text: string, line: number, token: string, nth = 0): string {
  const l = text.split('\n')[line - 1] ?? '';
  let col = -1;
  for (let i = 0; i <= nth; i++) col = l.indexOf(token, col + 1);
  if (col < 0) throw new Error(`"${token}" is not on line ${line}: ${l}`);
  return `${rule}@${line}:${col + 1} ${token}`;
}
