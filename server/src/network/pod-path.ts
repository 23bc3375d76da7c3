/**
 * The way a packet travels between two pods: inside one pod, across one
 * node's bridge (or, in Canal, its routing table), or between nodes through
 * the backend, with the outer addresses of the tunnel and the MTU pods see.
 * The family is the engine's: IPv4 when both ends have an IPv4 address, else
 * IPv6.
 */
import type { IpAddr, IpFamily } from '../common/ip';
import type { Addressing, NodeAddressing } from './addressing';
import { type Backend, backendPort } from './backends';

export type PathKind =
  | 'same-pod'
  | 'same-node'
  | 'encapsulated'
  | 'routed'
  | 'host-to-host'
  | 'unroutable'
  | 'no-address';

export interface Encapsulation {
  /** "VXLAN", "WireGuard (UDP)", "IP-in-IP", … */
  readonly protocol: string;
  /** UDP port, for UDP-based encapsulations. */
  readonly port?: number;
  readonly vni?: number;
  readonly outerSrc?: IpAddr;
  readonly outerDst?: IpAddr;
  /** Bytes added to every packet. */
  readonly overhead: number;
  readonly device?: string;
}

export interface PodPath {
  readonly from: string;
  readonly to: string;
  readonly kind: PathKind;
  readonly family?: IpFamily;
  readonly src?: IpAddr;
  readonly dst?: IpAddr;
  readonly fromNode?: string;
  readonly toNode?: string;
  readonly backend: string;
  readonly encapsulation?: Encapsulation;
  /** The MTU pod interfaces get. */
  readonly mtu: number;
  /** The way, step by step, in words. */
  readonly hops: readonly string[];
  /** Assumptions and consequences worth knowing. */
  readonly notes: readonly string[];
}

function pickFamily(a: readonly IpAddr[], b: readonly IpAddr[]): IpFamily | undefined {
  for (const f of [4, 6] as const) if (a.some((x) => x.family === f) && b.some((x) => x.family === f)) return f;
  return undefined;
}

/** The path from pod `from` to pod `to` (ids `namespace/name`); undefined when either is unknown. */
export function podPath(addressing: Addressing, from: string, to: string): PodPath | undefined {
  const a = addressing.pods.get(from);
  const b = addressing.pods.get(to);
  if (!a || !b) return undefined;
  const backend = addressing.config.backend;
  const calico = addressing.config.cni === 'calico';
  const base = { from, to, backend: backend.type, mtu: backend.mtu, fromNode: a.node, toNode: b.node };
  const family = pickFamily(a.ips, b.ips);
  if (family === undefined) {
    const missing = a.ips.length === 0 ? from : b.ips.length === 0 ? to : undefined;
    const why = missing
      ? `${missing} has no address (${(missing === from ? a : b).reason ?? 'none'})`
      : `${from} and ${to} share no address family`;
    return { ...base, kind: 'no-address', hops: [], notes: [`No path: ${why}.`] };
  }
  const src = a.ips.find((x) => x.family === family)!;
  const dst = b.ips.find((x) => x.family === family)!;
  const withAddrs = { ...base, family, src, dst };
  const srcHost = a.origin === 'hostNetwork';
  const dstHost = b.origin === 'hostNetwork';
  const fromNode = a.node ? addressing.nodes.get(a.node) : undefined;
  const toNode = b.node ? addressing.nodes.get(b.node) : undefined;
  const bridge = calico
    ? 'the host routing table (Calico routes each pod over its own veth; Canal has no bridge)'
    : `the cni0 bridge${fromNode?.gateways[0] ? ` (gateway ${gatewayOf(fromNode, family)})` : ''}`;
  const leave = (who: string, host: boolean, node?: string) =>
    host
      ? `${who} sends from ${node}'s own network namespace (hostNetwork)`
      : `${who} sends from eth0 over its veth pair to ${bridge} on ${node}`;
  const arrive = (who: string, host: boolean, node?: string) =>
    host
      ? `delivered to ${node}'s own network namespace, where ${who} listens (hostNetwork)`
      : `delivered over ${calico ? `${who}'s veth` : 'cni0 and the veth pair'} to ${who}'s eth0 on ${node}`;

  if (from === to)
    return {
      ...withAddrs,
      kind: 'same-pod',
      hops: [`${from} to its own address ${src.text}: the packet never leaves the pod`],
      notes: [],
    };
  if (a.node && a.node === b.node) {
    if (srcHost && dstHost)
      return {
        ...withAddrs,
        kind: 'same-node',
        hops: [`both are hostNetwork pods on ${a.node}: the node's own network stack`],
        notes: [],
      };
    return {
      ...withAddrs,
      kind: 'same-node',
      hops: [leave(`${from} (${src.text})`, srcHost, a.node), arrive(`${to} (${dst.text})`, dstHost, b.node)],
      notes: [`Both pods run on ${a.node}: the packet never leaves the node and is not encapsulated.`],
    };
  }
  if (srcHost && dstHost) {
    return {
      ...withAddrs,
      kind: 'host-to-host',
      hops: [`${a.node} (${src.text}) to ${b.node} (${dst.text}) over the nodes' own network: flannel is not involved`],
      notes: [],
    };
  }
  const notes: string[] = [];
  if (dstHost)
    notes.push(
      `${to} uses its node's address, which is outside the pod network: the packet ` +
        `leaves ${a.node} over its own network, not through flannel; flannel's --ip-masq ` +
        `masquerades it to ${a.node}'s address, so ${to} sees ` +
        `${fromNode?.publicIPs.find((x) => x.family === family)?.text ?? `${a.node}'s address`} ` +
        `as the source.`,
    );
  const outerSrc = fromNode?.publicIPs.find((x) => x.family === family);
  const outerDst = toNode?.publicIPs.find((x) => x.family === family);
  const first = leave(`${from} (${src.text})`, srcHost, a.node);
  const last = arrive(`${to} (${dst.text})`, dstHost, b.node);
  if (dstHost)
    return {
      ...withAddrs,
      kind: 'routed',
      hops: [first, `${a.node} routes ${dst.text} out of its external interface to ${b.node}`, last],
      notes,
    };
  const remoteSubnet = toNode?.subnets.find((s) => s.family === family);
  return crossNode(
    withAddrs,
    backend,
    {
      first,
      last,
      remoteSubnet: remoteSubnet?.text ?? dst.text,
      outerSrc,
      outerDst,
      fromName: a.node ?? '?',
      toName: b.node ?? '?',
    },
    notes,
  );
}

function gatewayOf(n: NodeAddressing, family: IpFamily): string {
  return n.gateways.find((g) => g.family === family)?.text ?? '';
}

interface Ends {
  readonly first: string;
  readonly last: string;
  readonly remoteSubnet: string;
  readonly outerSrc?: IpAddr;
  readonly outerDst?: IpAddr;
  readonly fromName: string;
  readonly toName: string;
}

type Addressed = Omit<PodPath, 'kind' | 'hops' | 'notes' | 'encapsulation'>;

/** Between nodes: what the backend does. */
function crossNode(p: Addressed, backend: Backend, e: Ends, notes: string[]): PodPath {
  const outer = `${e.outerSrc?.text ?? e.fromName} -> ${e.outerDst?.text ?? e.toName}`;
  const device = backend.spec?.device(backend.options, p.family ?? 4);
  const encap = (protocol: string, extra: Partial<Encapsulation> = {}): Encapsulation => ({
    protocol,
    outerSrc: e.outerSrc,
    outerDst: e.outerDst,
    overhead: backend.overhead,
    device,
    ...extra,
  });
  const sized =
    `pod packets are at most ${backend.mtu} bytes (the pod MTU), so with ` +
    `${backend.overhead} bytes of ${backend.type} headers they fit the ` +
    `${backend.linkMtu}-byte link`;
  const sameL2 = e.outerSrc && e.outerDst && sameSegment(e.outerSrc, e.outerDst);
  switch (backend.type) {
    case 'vxlan':
    case 'ipip': {
      const direct = backend.options.DirectRouting === true;
      if (direct && sameL2) {
        notes.push(
          `DirectRouting: ${e.fromName} and ${e.toName} look like one layer-2 segment ` +
            `(their addresses share a /${p.family === 6 ? 64 : 24}; the manifests do not ` +
            `say), so flannel routes directly, like host-gw.`,
        );
        return {
          ...p,
          kind: 'routed',
          hops: [
            e.first,
            `${e.fromName} routes ${e.remoteSubnet} via ${e.outerDst?.text ?? e.toName} ` +
              `(direct route, no encapsulation)`,
            e.last,
          ],
          notes,
        };
      }
      if (direct)
        notes.push(
          `DirectRouting is on, but ${e.fromName} and ${e.toName} do not look like one ` +
            `layer-2 segment, so the packet is encapsulated.`,
        );
      notes.push(`${sized}.`);
      const vxlan = backend.type === 'vxlan';
      const port = vxlan ? backendPort(backend) : undefined;
      const vni = vxlan ? Number(backend.options.VNI) : undefined;
      const how = vxlan ? `VXLAN (VNI ${vni}) in UDP to port ${port}` : 'IP-in-IP (IP protocol 4)';
      return {
        ...p,
        kind: 'encapsulated',
        encapsulation: encap(vxlan ? 'VXLAN' : 'IP-in-IP', vxlan ? { port, vni } : {}),
        hops: [
          e.first,
          `${e.fromName} routes ${e.remoteSubnet} through ${device}`,
          `${device} wraps it in ${how}: outer ${outer}`,
          `${e.toName}'s ${device} unwraps it`,
          e.last,
        ],
        notes,
      };
    }
    case 'wireguard':
    case 'udp':
    case 'ipsec': {
      notes.push(`${sized}.`);
      const port = backendPort(backend);
      const how =
        backend.type === 'wireguard'
          ? `encrypts it with WireGuard, UDP to port ${port}`
          : backend.type === 'udp'
            ? `hands it to flanneld, which sends it in UDP to port ${port} (userspace, slow)`
            : `encrypts it with IPsec ESP${backend.options.UDPEncap === true ? ' in UDP (port 4500)' : ' (IP protocol 50)'}`;
      const via = device ? `${device}` : 'the IPsec policy';
      return {
        ...p,
        kind: 'encapsulated',
        encapsulation: encap(backend.spec?.encapsulation ?? backend.type, port ? { port } : {}),
        hops: [
          e.first,
          `${e.fromName} routes ${e.remoteSubnet} through ${via}`,
          `${via} ${how}: outer ${outer}`,
          `${e.toName} decrypts or unwraps it`,
          e.last,
        ],
        notes,
      };
    }
    case 'host-gw':
      notes.push(
        `host-gw sends pod packets unchanged to the next node, which works only when the ` +
          `nodes share a layer-2 segment${sameL2 === false ? `; ${e.fromName} and ${e.toName} do not look like they do` : ''}.`,
      );
      return {
        ...p,
        kind: 'routed',
        hops: [
          e.first,
          `${e.fromName} routes ${e.remoteSubnet} via ${e.outerDst?.text ?? e.toName} (no encapsulation)`,
          e.last,
        ],
        notes,
      };
    case 'alloc':
      notes.push(
        'The alloc backend only hands out subnets; flannel sets up no route between ' +
          'nodes, so something else (a cloud route table) must carry this.',
      );
      return {
        ...p,
        kind: 'unroutable',
        hops: [e.first, `${e.fromName} has no flannel route to ${e.remoteSubnet}`],
        notes,
      };
    default:
      notes.push(
        backend.spec
          ? `The ${backend.type} backend sets up routes its own way (${backend.spec.summary}).`
          : `The backend "${backend.type}" is not one flannel has; there is no route between nodes.`,
      );
      return {
        ...p,
        kind: backend.spec ? 'routed' : 'unroutable',
        hops: [e.first, `${e.fromName} -> ${e.toName} via ${backend.type || 'no backend'}`, e.last],
        notes,
      };
  }
}

/** Whether two node addresses look like one layer-2 segment: the same /24 (IPv4) or /64 (IPv6). */
function sameSegment(a: IpAddr, b: IpAddr): boolean {
  if (a.family !== b.family) return false;
  const host = BigInt(a.family === 4 ? 8 : 64);
  return a.value >> host === b.value >> host;
}
