/**
 * flannel's network configuration (net-conf.json) as the simulation uses it.
 * Defaults follow flannel's pkg/subnet/config.go: SubnetLen 24 (or the
 * network's prefix + 2 when the network is smaller than /22), SubnetMin the
 * second subnet, SubnetMax the last one, backend vxlan.
 */
import { Cidr, cidrLast, isCidr, makeCidr, parseCidr } from '../common/ip';

export interface FlannelConfig {
  readonly network: Cidr;
  readonly subnetLen: number;
  /** First and last subnet base addresses that may be leased. */
  readonly subnetMin: bigint;
  readonly subnetMax: bigint;
  readonly backendType: string;
  /** Where the configuration came from, for explanations. */
  readonly origin: 'default' | 'override' | 'configmap' | 'file';
}

/** The kube-flannel.yml and Canal default. */
export const DEFAULT_POD_NETWORK = '10.244.0.0/16';

export function defaultSubnetLen(network: Cidr): number {
  return network.prefix < 22 ? 24 : network.prefix + 2;
}

export function flannelConfig(networkText: string = DEFAULT_POD_NETWORK, origin: FlannelConfig['origin'] = 'default'): FlannelConfig {
  const parsed = parseCidr(networkText);
  const network = isCidr(parsed) && parsed.family === 4 ? parsed : (parseCidr(DEFAULT_POD_NETWORK) as Cidr);
  const subnetLen = defaultSubnetLen(network);
  const size = 1n << BigInt(32 - subnetLen);
  return {
    network,
    subnetLen,
    subnetMin: network.base + size,
    subnetMax: cidrLast(network) + 1n - size,
    backendType: 'vxlan',
    origin,
  };
}

/** The subnets flannel may lease, in order from SubnetMin to SubnetMax. */
export function* leasableSubnets(cfg: FlannelConfig): Generator<Cidr> {
  const size = 1n << BigInt(32 - cfg.subnetLen);
  for (let base = cfg.subnetMin; base <= cfg.subnetMax; base += size) yield makeCidr(4, base, cfg.subnetLen);
}
