/**
 * The flannel configuration a workspace describes: which source wins, which
 * subnet manager runs, the networks and the backend. Without any source the
 * default (10.244.0.0/16, vxlan, kube subnet manager) applies, or what
 * `--pod-network` / the `netpolStudio.podNetwork` setting says.
 */
import type { Finding } from '../common/finding';
import type { Cidr } from '../common/ip';
import type { Located } from '../common/source';
import { makeBackend } from './backends';
import { BACKEND_RULE } from './backendconf';
import type { ClusterFlags } from './clusterflags';
import { checkCniConf } from './cniconf';
import { defaultFlannelConfig, type FlannelConfig, type SubnetManager } from './flannel';
import { INVALID_RULE, readNetConf } from './netconf';
import type { FlannelSource } from './sources';
import { resolveNetworks } from './subnetconfig';

export const CONFLICT_RULE = 'flannel-config-conflict';

export interface ConfigInputs {
  readonly sources: readonly FlannelSource[];
  readonly flags: ClusterFlags;
  /** A lease export is in the workspace (so flannel keeps its state in etcd). */
  readonly hasLeases: boolean;
  /** `--pod-network` or the editor setting, already parsed. */
  readonly override?: readonly Cidr[];
}

export function resolveConfiguration(inputs: ConfigInputs, findings: Finding[]): FlannelConfig {
  const [chosen, ...ignored] = inputs.sources;
  for (const other of ignored) {
    findings.push({
      rule: CONFLICT_RULE,
      severity: 'warning',
      message: `flannel's configuration is also in ${chosen.name}, which comes first; the simulation uses that one and ignores this one (a cluster runs one flannel).`,
      span: other.anchor,
      related: [{ span: chosen.anchor, message: 'the configuration that is used' }],
    });
  }
  const mode = subnetManager(chosen, inputs);
  if (!chosen) {
    if (inputs.override) return { ...defaultFlannelConfig(inputs.override, 'override'), subnetManager: mode };
    const named = clusterNetworks(inputs.flags);
    if (named) return { ...defaultFlannelConfig(named.cidrs, 'cluster', named.what), subnetManager: mode };
    return { ...defaultFlannelConfig(), subnetManager: mode };
  }
  const cni = chosen.flavour === 'canal' ? 'calico' : 'flannel';
  if (chosen.cniConf) checkCniConf(chosen.cniConf, chosen.flavour, findings);
  const origin = chosen.kind === 'configmap' ? 'configmap' : 'file';
  if (!chosen.netConf) {
    findings.push({
      rule: INVALID_RULE,
      severity: 'error',
      message: `${chosen.name} has no \`net-conf.json\` key; flanneld reads its configuration from it (mounted at /etc/kube-flannel/net-conf.json) and fails without it. The simulation uses the default ${defaultFlannelConfig().networks[0].network.text} with vxlan.`,
      span: chosen.anchor,
    });
    return { ...defaultFlannelConfig(), subnetManager: mode, cni, origin, sourceName: chosen.name };
  }
  const conf = readNetConf(chosen.netConf.text, chosen.netConf.spans, findings);
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
  const networks = resolveNetworks(conf, mode, findings);
  const families = networks.map((n) => n.family);
  const vethMtu = canalMtu(chosen.vethMtu, conf.backend.linkMtu - conf.backend.overhead, conf.backend.type, findings);
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
  findings: Finding[],
): number | undefined {
  if (!veth) return undefined;
  const text = veth.value.trim();
  if (!/^\d+$/.test(text)) {
    findings.push({
      rule: BACKEND_RULE,
      severity: 'error',
      message: `canal-config veth_mtu must be a number ("0" to auto-detect), not "${veth.value}".`,
      span: veth.span,
    });
    return undefined;
  }
  const mtu = Number(text);
  if (mtu === 0) return undefined;
  if (mtu > carried) {
    findings.push({
      rule: BACKEND_RULE,
      severity: 'warning',
      message: `veth_mtu ${mtu} is more than the ${backend} path carries (${carried}, assuming 1500-byte node interfaces): full-size packets between nodes are dropped or fragmented. Use ${carried} or "0" to auto-detect.`,
      span: veth.span,
    });
  }
  return mtu;
}
