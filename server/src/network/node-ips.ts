/**
 * Node addresses. A node's own addresses (what hostNetwork pods use and
 * ipBlocks match) are its status InternalIPs, else simulated ones:
 * 10.0.0.10, 10.0.0.11, … (fd00::10, … for IPv6) in node-name order, moved to
 * 172.16.0.10 or 192.168.0.10 when the pod network covers 10.0.0.0/24. The
 * public address flannel sends tunnelled packets to is the
 * `flannel.alpha.coreos.com/public-ip-overwrite` annotation, else
 * `…/public-ip`, else the InternalIP (flannel's default interface), else the
 * node's own address.
 */
import { type Cidr, cidrsOverlap, formatIp, type IpAddr, type IpFamily, makeCidr, parseIp } from '../common/ip';
import type { KubeNode } from '../model/kubernetes';

const ANNOTATION_PREFIX = 'flannel.alpha.coreos.com';

const SIMULATED_BASES: Record<IpFamily, readonly string[]> = {
  4: ['10.0.0.10', '172.16.0.10', '192.168.0.10'],
  6: ['fd00::10', 'fd01::10', 'fd02::10'],
};

function parsed(texts: readonly string[]): IpAddr[] {
  return texts.map(parseIp).filter((x): x is IpAddr => !!x);
}

/** Every address the node is known by: status addresses and flannel's annotations. */
export function nodeAddressCandidates(n: KubeNode): IpAddr[] {
  const a = n.annotations;
  return parsed([
    ...n.addresses.map((x) => x.address.value),
    ...['public-ip', 'public-ip-overwrite', 'public-ipv6', 'public-ipv6-overwrite'].map(
      (k) => a[`${ANNOTATION_PREFIX}/${k}`] ?? '',
    ),
  ]);
}

export function internalIPsOf(n: KubeNode): IpAddr[] {
  return parsed(n.internalIPs);
}

/** The address flannel advertises for the node in `family`, if the manifests say. */
export function declaredPublicIP(n: KubeNode, family: IpFamily): IpAddr | undefined {
  const a = n.annotations;
  const suffix = family === 4 ? 'ip' : 'ipv6';
  const ordered = [
    a[`${ANNOTATION_PREFIX}/public-${suffix}-overwrite`],
    a[`${ANNOTATION_PREFIX}/public-${suffix}`],
    ...n.internalIPs,
    ...n.addresses.filter((x) => x.type === 'ExternalIP').map((x) => x.address.value),
  ];
  return parsed(ordered.filter((x): x is string => !!x)).find((ip) => ip.family === family);
}

/** The first simulated node address of `family` outside `avoid` (the pod networks). */
export function simulatedNodeBase(family: IpFamily, avoid: readonly Cidr[]): IpAddr {
  const bases = SIMULATED_BASES[family].map((t) => parseIp(t)!);
  return (
    bases.find((b) => !avoid.some((n) => cidrsOverlap(n, makeCidr(family, b.value, family === 4 ? 24 : 120)))) ??
    bases[0]
  );
}

/** The simulated address of the `index`-th node, counting from `base`. */
export function simulatedNodeIP(base: IpAddr, index: number): IpAddr {
  const value = base.value + BigInt(index);
  return { family: base.family, value, text: formatIp(base.family, value) };
}
