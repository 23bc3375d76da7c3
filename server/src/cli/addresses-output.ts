/** `netpol addresses`: the flannel configuration, node subnets and pod IPs as the simulation assigns them. */
import { type Cidr, formatIp, type IpAddr } from '../common/ip';
import type { Analysis } from '../engine/analysis';
import { backendPort } from '../network/backends';
import type { FlannelConfig } from '../network/flannel-config';

/** IPv4 where there is one, else the first. */
function preferV4<T extends Cidr | IpAddr>(items: readonly T[]): T | undefined {
  return items.find((x) => x.family === 4) ?? items[0];
}

const texts = (items: readonly (Cidr | IpAddr)[]) => items.map((x) => x.text);

/** A bigint count for JSON: a number while it is exact, else a decimal string. */
function count(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

export function addressesJson(a: Analysis): string {
  const cfg = a.addressing.config;
  const nodes = [...a.addressing.nodes.values()].map((n) => ({
    name: n.node,
    subnet: preferV4(n.subnets)?.text ?? null,
    subnets: texts(n.subnets),
    origin: n.subnetOrigin,
    ips: texts(n.ips),
    ipOrigin: n.ipOrigin,
    publicIPs: texts(n.publicIPs),
    gateways: texts(n.gateways),
    tunnelIPs: texts(n.tunnelIPs),
    capacity: count(n.capacity),
    pods: n.podCount,
  }));
  const pods = a.cluster.pods.map((p) => {
    const addr = a.addressing.pods.get(p.id);
    const ips = addr?.ips ?? [];
    return {
      id: p.id,
      node: p.node ?? null,
      ip: preferV4(ips)?.text ?? null,
      ips: texts(ips),
      origin: addr?.origin ?? 'none',
      hostNetwork: p.spec.hostNetwork,
      ...(addr?.reason ? { reason: addr.reason } : {}),
    };
  });
  const b = cfg.backend;
  return `${JSON.stringify(
    {
      network: preferV4(cfg.networks.map((n) => n.network))?.text ?? null,
      networks: cfg.networks.map((n) => ({
        family: n.family === 4 ? 'IPv4' : 'IPv6',
        network: n.network.text,
        subnetLen: n.subnetLen,
        subnetMin: formatIp(n.family, n.subnetMin),
        subnetMax: formatIp(n.family, n.subnetMax),
      })),
      source: { name: cfg.sourceName, origin: cfg.origin, subnetManager: cfg.subnetManager, cni: cfg.cni },
      backend: {
        type: b.type,
        options: b.options,
        port: backendPort(b) ?? null,
        overhead: b.overhead,
        linkMtu: b.linkMtu,
        mtu: b.mtu,
      },
      nodes,
      pods,
    },
    null,
    2,
  )}\n`;
}

function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

const ORIGIN_WORDS: Record<string, string> = {
  podCIDR: 'spec.podCIDR',
  lease: 'etcd lease',
  inferred: 'pod IPs',
  allocated: 'simulated',
  none: '-',
};

function describeSource(cfg: FlannelConfig): string {
  switch (cfg.origin) {
    case 'default':
      return 'the default; no flannel configuration in the manifests, --pod-network changes it';
    case 'override':
      return 'from --pod-network';
    case 'cluster':
      return `from ${cfg.sourceName}; no flannel configuration in the manifests`;
    default:
      return `from ${cfg.sourceName}`;
  }
}

/** "vxlan (VNI 1, UDP 8472)", "wireguard (UDP 51820)", "host-gw". */
function describeBackend(cfg: FlannelConfig): string {
  const b = cfg.backend;
  const parts: string[] = [];
  if (b.type === 'vxlan') parts.push(`VNI ${b.options.VNI}`);
  const port = backendPort(b);
  if (port !== undefined) parts.push(`UDP ${port}`);
  if (b.options.DirectRouting === true) parts.push('DirectRouting');
  return `${b.type || '(none)'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

export function addressesText(a: Analysis): string {
  const cfg = a.addressing.config;
  const nets =
    cfg.networks.map((n) => `${n.network.text} (node subnets /${n.subnetLen})`).join(' and ') ||
    'none (IPv4 and IPv6 both disabled)';
  const manager =
    cfg.subnetManager === 'kube'
      ? 'kube subnet manager (node subnets are spec.podCIDR)'
      : 'etcd (flannel leases node subnets)';
  const b = cfg.backend;
  const lines = [
    `Pod network ${nets}, ${describeSource(cfg)}`,
    `Subnets: ${manager}; pods wired by ${cfg.cni === 'calico' ? "Calico's CNI (Canal)" : "flannel's CNI (cni0 bridge)"}`,
    `Backend ${describeBackend(cfg)}, pod MTU ${b.mtu} (${b.linkMtu} - ${b.overhead} bytes of ${b.type || 'backend'} headers)`,
    '',
  ];
  const nodeRows = [['NODE', 'POD SUBNET', 'NODE IP', 'PUBLIC IP', 'SUBNET FROM', 'PODS']];
  for (const n of a.addressing.nodes.values()) {
    nodeRows.push([
      n.node,
      texts(n.subnets).join(', ') || '(none left)',
      `${texts(n.ips).join(', ')}${n.ipOrigin === 'simulated' ? ' (simulated)' : ''}`,
      texts(n.publicIPs).join(', ') || '-',
      ORIGIN_WORDS[n.subnetOrigin] ?? n.subnetOrigin,
      `${n.podCount}/${n.capacity}`,
    ]);
  }
  lines.push(...columns(nodeRows), '');
  const podRows = [['POD', 'NODE', 'IP', 'IP FROM']];
  for (const p of a.cluster.pods) {
    const addr = a.addressing.pods.get(p.id);
    const from = addr?.origin === 'none' ? `none (${addr.reason ?? 'no address'})` : (addr?.origin ?? 'none');
    podRows.push([p.id, p.node ?? '(pending)', texts(addr?.ips ?? []).join(', ') || '-', from]);
  }
  lines.push(...columns(podRows));
  return `${lines.join('\n')}\n`;
}
