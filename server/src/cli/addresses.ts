/** `netpol addresses`: node subnets and pod IPs as the simulation assigns them. */
import { Analysis } from '../engine/analysis';

export function addressesJson(a: Analysis): string {
  const nodes = [...a.addressing.nodes.values()].map((n) => {
    const v4 = n.subnets.find((s) => s.family === 4);
    return { name: n.node, subnet: (v4 ?? n.subnets[0])?.text ?? null, subnets: n.subnets.map((s) => s.text), ips: n.ips.map((ip) => ip.text), origin: n.subnetOrigin };
  });
  const pods = a.cluster.pods.map((p) => {
    const addr = a.addressing.pods.get(p.id);
    const ips = addr?.ips ?? [];
    const v4 = ips.find((ip) => ip.family === 4);
    return { id: p.id, node: p.node ?? null, ip: (v4 ?? ips[0])?.text ?? null, ips: ips.map((ip) => ip.text), origin: addr?.origin ?? 'none', hostNetwork: p.spec.hostNetwork };
  });
  return JSON.stringify({ network: a.addressing.config.network.text, nodes, pods }, null, 2) + '\n';
}

function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '));
}

export function addressesText(a: Analysis): string {
  const cfg = a.addressing.config;
  const origin = cfg.origin === 'default' ? 'the default; set --pod-network to change it' : cfg.origin;
  const lines = [`Pod network ${cfg.network.text} (${origin}), backend ${cfg.backendType}, node subnets /${cfg.subnetLen}`, ''];
  const nodeRows = [['NODE', 'POD SUBNET', 'NODE IP', 'SUBNET FROM']];
  for (const n of a.addressing.nodes.values()) nodeRows.push([n.node, n.subnets.map((s) => s.text).join(', ') || '(none left)', n.ips.map((i) => i.text).join(', '), n.subnetOrigin === 'podCIDR' ? 'spec.podCIDR' : n.subnetOrigin]);
  lines.push(...columns(nodeRows), '');
  const podRows = [['POD', 'NODE', 'IP', 'IP FROM']];
  for (const p of a.cluster.pods) {
    const addr = a.addressing.pods.get(p.id);
    podRows.push([p.id, p.node ?? '(pending)', addr?.ips.map((i) => i.text).join(', ') || '-', addr?.origin ?? 'none']);
  }
  lines.push(...columns(podRows));
  return lines.join('\n') + '\n';
}
