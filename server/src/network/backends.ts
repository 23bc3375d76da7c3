/**
 * flannel's backends: how packets between nodes travel, what each costs in
 * MTU, and which options each reads from net-conf.json's `Backend` object.
 * Overheads are flannel's own constants (pkg/backend/*): vxlan 50 bytes
 * (`encapOverhead`), udp 28, wireguard 80, ipip 20, ipsec 77 (+8 with UDP
 * encapsulation), host-gw none.
 */
import type { IpFamily } from '../common/ip';

/** The MTU assumed for each node's external interface (flannel takes the real one from the interface). */
const DEFAULT_LINK_MTU = 1500;

export type OptionKind = 'int' | 'uint' | 'bool' | 'string';

export interface BackendOption {
  readonly name: string;
  readonly kind: OptionKind;
  readonly default?: number | boolean | string;
  readonly doc: string;
}

export interface BackendSpec {
  /** As flannel registers it (GetBackend lower-cases what net-conf.json says). */
  readonly type: string;
  readonly summary: string;
  /** Bytes each packet between nodes carries on top of the pod's packet. */
  readonly overhead: number;
  /** The encapsulation on the wire, if any. */
  readonly encapsulation?: string;
  /** The device the backend creates on each node. */
  device(options: BackendOptions, family: IpFamily): string | undefined;
  /** Supports IPv6 / dual-stack ("only supported for vxlan, wireguard or host-gw"). */
  readonly ipv6: boolean;
  readonly options: readonly BackendOption[];
  readonly status: 'recommended' | 'supported' | 'debugging only' | 'experimental';
  /** True when options are provider-specific and not checked here. */
  readonly freeOptions?: boolean;
}

export type BackendOptions = Readonly<Record<string, number | boolean | string>>;

const MTU_OPTION: BackendOption = {
  name: 'MTU',
  kind: 'int',
  doc: "the external interface's MTU to size the tunnel from (default: the interface's own)",
};

export const BACKENDS: readonly BackendSpec[] = [
  {
    type: 'vxlan',
    summary: 'in-kernel VXLAN: pod packets travel inside UDP between node addresses',
    overhead: 50,
    encapsulation: 'VXLAN',
    device: (o, f) => (f === 4 ? `flannel.${o.VNI}` : `flannel-v6.${o.VNI}`),
    ipv6: true,
    status: 'recommended',
    options: [
      {
        name: 'VNI',
        kind: 'int',
        default: 1,
        doc: 'VXLAN network identifier (Linux default 1; Windows needs 4096 or more)',
      },
      {
        name: 'Port',
        kind: 'int',
        default: 0,
        doc: 'UDP port for encapsulated packets (0: the kernel default, 8472; Windows must use 4789)',
      },
      { name: 'GBP', kind: 'bool', default: false, doc: 'VXLAN Group Based Policy' },
      { name: 'Learning', kind: 'bool', default: false, doc: 'let the kernel learn remote MACs' },
      {
        name: 'DirectRouting',
        kind: 'bool',
        default: false,
        doc: 'route directly (like host-gw) to nodes on the same subnet; VXLAN only across subnets',
      },
      MTU_OPTION,
      { name: 'MacPrefix', kind: 'string', doc: 'Windows only: MAC prefix (default 0E-2A)' },
    ],
  },
  {
    type: 'host-gw',
    summary:
      'plain routes to each node subnet via the node address; no encapsulation, needs layer-2 adjacency between nodes',
    overhead: 0,
    device: () => undefined,
    ipv6: true,
    status: 'recommended',
    options: [],
  },
  {
    type: 'wireguard',
    summary: 'in-kernel WireGuard tunnels between nodes (encrypted)',
    overhead: 80,
    encapsulation: 'WireGuard (UDP)',
    device: (o, f) => (f === 6 && o.Mode === 'separate' ? 'flannel-wg-v6' : 'flannel-wg'),
    ipv6: true,
    status: 'supported',
    options: [
      { name: 'PSK', kind: 'string', doc: 'optional pre-shared key (a base64 WireGuard key)' },
      { name: 'ListenPort', kind: 'int', default: 51820, doc: 'UDP port (IPv4 tunnel)' },
      { name: 'ListenPortV6', kind: 'int', default: 51821, doc: 'UDP port (IPv6 tunnel)' },
      { name: 'PersistentKeepaliveInterval', kind: 'int', default: 0, doc: 'keepalive in seconds (0: off)' },
      {
        name: 'Mode',
        kind: 'string',
        default: 'separate',
        doc: 'separate (a tunnel per family), auto, ipv4 or ipv6 (one tunnel over that family)',
      },
      MTU_OPTION,
    ],
  },
  {
    type: 'udp',
    summary: 'a userspace UDP tunnel (flannel0); for debugging or very old kernels only',
    overhead: 28,
    encapsulation: 'UDP',
    device: () => 'flannel0',
    ipv6: false,
    status: 'debugging only',
    options: [{ name: 'Port', kind: 'int', default: 8285, doc: 'UDP port for encapsulated packets' }],
  },
  {
    type: 'ipip',
    summary: 'in-kernel IP-in-IP tunnels (IPv4 only)',
    overhead: 20,
    encapsulation: 'IP-in-IP',
    device: () => 'flannel.ipip',
    ipv6: false,
    status: 'experimental',
    options: [
      { name: 'DirectRouting', kind: 'bool', default: false, doc: 'route directly to nodes on the same subnet' },
    ],
  },
  {
    type: 'ipsec',
    summary: 'IPsec (strongSwan) tunnels between nodes (IPv4 only)',
    overhead: 77,
    encapsulation: 'IPsec ESP',
    device: () => undefined,
    ipv6: false,
    status: 'experimental',
    options: [
      { name: 'PSK', kind: 'string', doc: 'pre-shared key, required, at least 96 characters' },
      { name: 'UDPEncap', kind: 'bool', default: false, doc: 'encapsulate ESP in UDP (8 more bytes)' },
      { name: 'ESPProposal', kind: 'string', default: 'aes128gcm16-sha256-prfsha256-ecp256', doc: 'ESP proposal' },
    ],
  },
  {
    type: 'alloc',
    summary: 'subnet allocation only: flannel forwards nothing, something else must route between nodes',
    overhead: 0,
    device: () => undefined,
    ipv6: false,
    status: 'experimental',
    options: [],
  },
  {
    type: 'extension',
    summary: 'shell commands run on subnet events',
    overhead: 0,
    device: () => undefined,
    ipv6: false,
    status: 'experimental',
    options: [
      { name: 'PreStartupCommand', kind: 'string', doc: 'run before startup' },
      { name: 'PostStartupCommand', kind: 'string', doc: 'run after startup' },
      { name: 'SubnetAddCommand', kind: 'string', doc: 'run when a subnet appears' },
      { name: 'SubnetRemoveCommand', kind: 'string', doc: 'run when a subnet goes' },
    ],
  },
  {
    type: 'tencent-vpc',
    summary: 'routes in a Tencent Cloud VPC route table',
    overhead: 0,
    device: () => undefined,
    ipv6: false,
    status: 'experimental',
    options: [],
    freeOptions: true,
  },
];

/** Backends older flannel releases had and current ones no longer build in. */
export const REMOVED_BACKENDS: Readonly<Record<string, string>> = {
  'aws-vpc': 'AWS VPC routes',
  gce: 'GCE routes',
  'ali-vpc': 'AliCloud VPC routes',
};

export function backendSpec(type: string): BackendSpec | undefined {
  const t = type.toLowerCase();
  return BACKENDS.find((b) => b.type === t);
}

/** The backend as the simulation uses it: type, options with defaults, MTU. */
export interface Backend {
  /** Lower case, as flannel runs it ('' when none could be read). */
  readonly type: string;
  readonly spec?: BackendSpec;
  readonly options: BackendOptions;
  /** The external interface MTU the tunnel is sized from. */
  readonly linkMtu: number;
  readonly overhead: number;
  /** The MTU pods get (flannel writes it to subnet.env as FLANNEL_MTU). */
  readonly mtu: number;
  /** Families the backend carries (a backend without IPv6 support drops the IPv6 network). */
  readonly families: readonly IpFamily[];
}

export function optionDefaults(spec: BackendSpec): Record<string, number | boolean | string> {
  const out: Record<string, number | boolean | string> = {};
  for (const o of spec.options) if (o.default !== undefined) out[o.name] = o.default;
  return out;
}

/** Bytes of overhead with these options (ipsec's UDP encapsulation adds 8). */
export function overheadOf(spec: BackendSpec | undefined, options: BackendOptions): number {
  if (!spec) return 0;
  return spec.overhead + (spec.type === 'ipsec' && options.UDPEncap === true ? 8 : 0);
}

export function makeBackend(
  type: string,
  options: BackendOptions,
  families: readonly IpFamily[],
  mtuOverride?: number,
): Backend {
  const spec = backendSpec(type);
  const overhead = overheadOf(spec, options);
  const linkMtu = typeof options.MTU === 'number' && options.MTU > 0 ? options.MTU : DEFAULT_LINK_MTU;
  return {
    type: type.toLowerCase(),
    spec,
    options,
    linkMtu,
    overhead,
    mtu: mtuOverride ?? linkMtu - overhead,
    families: spec && !spec.ipv6 ? families.filter((f) => f === 4) : families,
  };
}

/** vxlan with its defaults: what kube-flannel.yml and Canal configure. */
export function defaultBackend(families: readonly IpFamily[]): Backend {
  return makeBackend('vxlan', optionDefaults(backendSpec('vxlan')!), families);
}

/** The UDP port a backend sends on, if it uses one. */
export function backendPort(b: Backend): number | undefined {
  switch (b.type) {
    case 'vxlan':
      return typeof b.options.Port === 'number' && b.options.Port > 0 ? b.options.Port : 8472;
    case 'udp':
      return typeof b.options.Port === 'number' ? b.options.Port : 8285;
    case 'wireguard':
      return typeof b.options.ListenPort === 'number' ? b.options.ListenPort : 51820;
    default:
      return undefined;
  }
}
