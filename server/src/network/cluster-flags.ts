/**
 * What the rest of the cluster says about address ranges, where the workspace
 * shows it: kube-apiserver's --service-cluster-ip-range and
 * kube-controller-manager's --cluster-cidr / --node-cidr-mask-size (static
 * pod manifests), kubeadm's `kubeadm-config` ConfigMap (networking.podSubnet,
 * serviceSubnet), and flanneld's own --kube-subnet-mgr (or --etcd-endpoints)
 * flag (its DaemonSet).
 */
import { type Cidr, isCidr, parseCidr } from '../common/ip';
import type { Located, Span } from '../common/source';
import type { Cluster } from '../model/cluster';
import { scalarValueSpans } from '../yaml/scalar-map';
import { embeddedYamlString } from '../yaml/embedded-yaml';

export interface ClusterRange {
  readonly cidr: Cidr;
  readonly span: Span;
  /** For messages: "kube-apiserver --service-cluster-ip-range", "kubeadm-config serviceSubnet". */
  readonly what: string;
}

export interface ClusterFlags {
  readonly serviceRanges: readonly ClusterRange[];
  /** Where node podCIDRs are allocated from. */
  readonly clusterCidrs: readonly ClusterRange[];
  /** flanneld's --kube-subnet-mgr, when its DaemonSet is in the workspace. */
  readonly kubeSubnetMgr?: Located<boolean>;
}

interface Flag {
  readonly value: string;
  readonly span: Span;
}

/** `--name=value`, `-name=value`, or `--name value`; bare boolean flags read as "true". */
function flagValues(args: readonly Located<string>[], name: string, boolean = false): Flag[] {
  const out: Flag[] = [];
  args.forEach((a, i) => {
    const m = /^--?([\w-]+)(=(.*))?$/.exec(a.value);
    if (!m || m[1] !== name) return;
    if (m[2] !== undefined) {
      const start = a.value.indexOf('=') + 1;
      out.push({ value: m[3], span: scalarValueSpans(a)(start, a.value.length) });
    } else if (boolean) out.push({ value: 'true', span: a.span });
    else if (args[i + 1]) out.push({ value: args[i + 1].value, span: args[i + 1].span });
  });
  return out;
}

/** A comma-separated CIDR list inside a value, each with its span. */
function cidrList(value: string, spanOf: (s: number, e: number) => Span, what: string): ClusterRange[] {
  const out: ClusterRange[] = [];
  let offset = 0;
  for (const part of value.split(',')) {
    const lead = part.length - part.trimStart().length;
    const c = parseCidr(part.trim());
    if (isCidr(c)) out.push({ cidr: c, span: spanOf(offset + lead, offset + lead + part.trim().length), what });
    offset += part.length + 1;
  }
  return out;
}

export function readClusterFlags(cluster: Cluster): ClusterFlags {
  const serviceRanges: ClusterRange[] = [];
  const clusterCidrs: ClusterRange[] = [];
  let kubeSubnetMgr: Located<boolean> | undefined;
  const seen = new Set<object>();
  const pods = cluster.pods;
  for (let i = 0; i < pods.length; i++) {
    const args = pods[i].spec.args;
    if (args.length === 0 || seen.has(args)) continue;
    seen.add(args); // the pods of one workload share their spec
    for (const f of flagValues(args, 'service-cluster-ip-range'))
      serviceRanges.push(...cidrList(f.value, remap(f), 'kube-apiserver --service-cluster-ip-range'));
    for (const f of flagValues(args, 'cluster-cidr')) {
      // kube-proxy has a --cluster-cidr too; it names the same range.
      clusterCidrs.push(
        ...cidrList(
          f.value,
          remap(f),
          `${args.some((a) => a.value.includes('kube-proxy')) ? 'kube-proxy' : 'kube-controller-manager'} --cluster-cidr`,
        ),
      );
    }
    if (args.some((a) => /(^|\/)flanneld$/.test(a.value))) {
      // Positive evidence only: FLANNELD_KUBE_SUBNET_MGR in the environment would also turn it on.
      const f = flagValues(args, 'kube-subnet-mgr', true)[0];
      const etcd = flagValues(args, 'etcd-endpoints')[0];
      if (f) kubeSubnetMgr = { value: f.value !== 'false', span: f.span };
      else if (etcd) kubeSubnetMgr = { value: false, span: etcd.span };
    }
  }
  for (const cm of cluster.configMaps) {
    if (cm.meta.name !== 'kubeadm-config' || cm.meta.namespace !== 'kube-system') continue;
    const cc = cm.data.ClusterConfiguration;
    if (!cc) continue;
    for (const [key, list] of [
      ['serviceSubnet', serviceRanges],
      ['podSubnet', clusterCidrs],
    ] as const) {
      const value = embeddedYamlString(cc, ['networking', key]);
      if (value) list.push(...cidrList(value.value, (s, e) => value.span(s, e), `kubeadm-config ${key}`));
    }
  }
  return { serviceRanges, clusterCidrs, kubeSubnetMgr };
}

/** Offsets inside a flag value -> spans, given the value's own span. */
function remap(f: Flag): (s: number, e: number) => Span {
  return (s, e) => ({
    file: f.span.file,
    start: Math.min(f.span.end, f.span.start + s),
    end: Math.min(f.span.end, f.span.start + e),
  });
}
