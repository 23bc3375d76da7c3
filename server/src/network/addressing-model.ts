/**
 * The network stage's output: each node's subnets and addresses, each pod's
 * addresses, and flannel's configuration as resolved. Computed by
 * addressing.ts, checked by addressing-checks.ts.
 */
import type { Finding } from '../common/finding';
import type { Cidr, IpAddr } from '../common/ip';
import type { ClusterFlags } from './cluster-flags';
import type { FlannelConfig } from './flannel-config';
import type { NodeSubnet, SubnetOrigin } from './node-subnets';
import type { PodAddressing } from './pod-ips';

export interface NodeAddressing {
  readonly node: string;
  /** Pod subnets, IPv4 first. Empty when the network has no room left. */
  readonly subnets: readonly Cidr[];
  /** How the first subnet was decided ('none' without subnets). */
  readonly subnetOrigin: SubnetOrigin | 'none';
  /** Per subnet: how it was decided and where it was written. */
  readonly subnetDetails: readonly NodeSubnet[];
  /** The node's own addresses (InternalIP, or simulated), one or more per family. */
  readonly ips: readonly IpAddr[];
  readonly ipOrigin: 'status' | 'simulated';
  /** The outer addresses tunnelled packets travel between, per family. */
  readonly publicIPs: readonly IpAddr[];
  /** `.1` of each subnet: the pods' gateway (cni0, or Calico's routing in Canal). */
  readonly gateways: readonly IpAddr[];
  /** `.0` of each subnet, on the backend's device (flannel.1, flannel-wg, …), when the backend has one. */
  readonly tunnelIPs: readonly IpAddr[];
  /** Pod addresses the node's subnets hold (the smallest family's). */
  readonly capacity: bigint;
  /** Pods placed on the node that need a pod address (hostNetwork pods excluded). */
  readonly podCount: number;
}

export interface Addressing {
  readonly config: FlannelConfig;
  readonly nodes: ReadonlyMap<string, NodeAddressing>;
  readonly pods: ReadonlyMap<string, PodAddressing>;
  /** Service ranges and cluster CIDRs the workspace shows (kube-apiserver flags, kubeadm-config). */
  readonly flags: ClusterFlags;
  readonly findings: readonly Finding[];
}

export interface AddressingOptions {
  /**
   * `--pod-network` (or the editor setting): the flannel network when the
   * workspace has no configuration; an IPv4 CIDR, an IPv6 one, or both
   * separated by a comma. Invalid values are ignored (the adapters check them).
   */
  readonly podNetwork?: string;
}
