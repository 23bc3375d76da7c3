import type { Cidr } from '../common/ip';
import type { Located } from '../common/source';
import { makeBackend } from './backends';
import type { ClusterFlags } from './cluster-flags';
import { checkCniConf } from './cni-config';
import { defaultFlannelConfig, type FlannelConfig, type SubnetManager } from './flannel-config';
import { readNetConf } from './net-conf';
import type { FlannelSource } from './config-sources';
import { resolveNetworks } from './subnet-config';
import type { FindingSink } from '../common/finding-sink';

export interface ConfigInputs {
  readonly sources: readonly FlannelSource[];
  readonly flags: ClusterFlags;
  /** A lease export is in the workspace (so flannel keeps its state in etcd). */
  readonly hasLeases: boolean;
  /** `--pod-network` or the editor setting, already parsed. */
  readonly override?: readonly Cidr[];
}

export function resolveConfiguration(inputs: ConfigInputs, sink: FindingSink): FlannelConfig {
  const [chosen, ...ignored] = inputs.sources;
  for (const other of ignored) {
    sink.report(
      'flannel-config-conflict',
      'warning',
      `flannel's configuration is also in ${chosen.name}, which comes first; the ` +
        `simulation uses that one and ignores this one (a cluster runs one flannel).`,
      other.anchor,
      { related: [{ span: chosen.anchor, message: 'the configuration that is used' }] },
    );
  }
  const mode = subnetManager(chosen, inputs);
  if (!chosen) {
    if (inputs.override) return { ...defaultFlannelConfig(inputs.override, 'override'), subnetManager: mode };
    const named = clusterNetworks(inputs.flags);
    if (named) return { ...defaultFlannelConfig(named.cidrs, 'cluster', named.what), subnetManager: mode };
    return { ...defaultFlannelConfig(), subnetManager: mode };
  }
  const cni = chosen.flavour === 'canal' ? 'calico' : 'flannel';
  if (chosen.cniConf) checkCniConf(chosen.cniConf, chosen.flavour, sink);
  const origin = chosen.kind === 'configmap' ? 'configmap' : 'file';
  if (!chosen.netConf) {
    sink.report(
      'flannel-config-invalid',
      'error',
      `${chosen.name} has no \`net-conf.json\` key; flanneld reads its configuration ` +
        `from it (mounted at /etc/kube-flannel/net-conf.json) and fails without it. The ` +
        `simulation uses the default ${defaultFlannelConfig().networks[0].network.text} ` +
        `with vxlan.`,
      chosen.anchor,
    );
    return { ...defaultFlannelConfig(), subnetManager: mode, cni, origin, sourceName: chosen.name };
  }
  const conf = readNetConf(chosen.netConf.text, chosen.netConf.spans, sink);
  if (!conf) {
    return {
      ...defaultFlannelConfig(),
      subnetManager: mode,
      cni,
      origin,
      sourceName: chosen.name,
      sourceSpan: chosen.netConf.span,
    };
  }
  const networks = resolveNetworks(conf, mode, sink);
  const families = networks.map((n) => n.family);
  const vethMtu = canalMtu(chosen.vethMtu, conf.backend.linkMtu - conf.backend.overhead, conf.backend.type, sink);
  const backend = makeBackend(conf.backend.type, conf.backend.options, families, vethMtu);
  return {
    networks,
    ipv4: networks.find((n) => n.family === 4),
    ipv6: networks.find((n) => n.family === 6),
    backend,
    subnetManager: mode,
    cni,
    origin,
    sourceName: chosen.name,
    sourceSpan: chosen.netConf.span,
  };
}

/** The pod network the cluster's own configuration names (one per family), if it does. */
function clusterNetworks(flags: ClusterFlags): { cidrs: Cidr[]; what: string } | undefined {
  const v4 = flags.clusterCidrs.find((r) => r.cidr.family === 4);
  const v6 = flags.clusterCidrs.find((r) => r.cidr.family === 6);
  const picked = [v4, v6].filter((r) => r !== undefined);
  if (picked.length === 0) return undefined;
  return { cidrs: picked.map((r) => r.cidr), what: picked[0].what };
}

/**
 * etcd when flannel's state evidently lives in etcd (a standalone
 * net-conf.json, a lease export, flanneld without --kube-subnet-mgr); else the
 * kube subnet manager, as kube-flannel.yml and Canal run it.
 */
function subnetManager(chosen: FlannelSource | undefined, inputs: ConfigInputs): SubnetManager {
  if (inputs.flags.kubeSubnetMgr) return inputs.flags.kubeSubnetMgr.value ? 'kube' : 'etcd';
  if (chosen) return chosen.kind === 'configmap' ? 'kube' : 'etcd';
  return inputs.hasLeases ? 'etcd' : 'kube';
}

/** Canal's veth_mtu: "0" lets Calico detect it; a number sets the pods' MTU. */
function canalMtu(
  veth: Located<string> | undefined,
  carried: number,
  backend: string,
  sink: FindingSink,
): number | undefined {
  if (!veth) return undefined;
  const text = veth.value.trim();
  if (!/^\d+$/.test(text)) {
    sink.report(
      'flannel-backend',
      'error',
      `canal-config veth_mtu must be a number ("0" to auto-detect), not "${veth.value}".`,
      veth.span,
    );
    return undefined;
  }
  const mtu = Number(text);
  if (mtu === 0) return undefined;
  if (mtu > carried) {
    sink.report(
      'flannel-backend',
      'warning',
      `veth_mtu ${mtu} is more than the ${backend} path carries (${carried}, assuming ` +
        `1500-byte node interfaces): full-size packets between nodes are dropped or ` +
        `fragmented. Use ${carried} or "0" to auto-detect.`,
      veth.span,
    );
  }
  return mtu;
}
