/**
 * Where flannel's configuration comes from. In a cluster: the ConfigMap that
 * kube-flannel.yml mounts (`kube-flannel-cfg` in `kube-flannel`, or in
 * `kube-system` for older manifests) or Canal's `canal-config` in
 * `kube-system` (its `net-conf.json` key). Beside the manifests: a standalone
 * `net-conf.json`, as etcd keeps it under /coreos.com/network/config. The
 * first found in that order is used; the others are reported as ignored.
 */
import { type SourceFile, type Span, span } from '../common/source';
import type { Located } from '../common/source';
import type { ConfigMap } from '../model/kubernetes';
import { fileValueSpans, scalarValueSpans, type ValueSpans } from '../yaml/scalar-map';

/** A JSON text inside a source, with the mapping of its offsets back to the source. */
export interface EmbeddedText {
  readonly text: string;
  readonly spans: ValueSpans;
  /** The whole text's span (a ConfigMap value, or the file). */
  readonly span: Span;
}

export interface FlannelSource {
  readonly kind: 'configmap' | 'file';
  /** For messages: "ConfigMap kube-flannel/kube-flannel-cfg", or the file path. */
  readonly name: string;
  /** Canal runs Calico's CNI plugin (routed veths) instead of flannel's (the cni0 bridge). */
  readonly flavour: 'flannel' | 'canal';
  /** Where findings about the source as a whole go. */
  readonly anchor: Span;
  readonly netConf?: EmbeddedText;
  /** The CNI configuration it installs: `cni-conf.json` (flannel) or `cni_network_config` (Canal). */
  readonly cniConf?: EmbeddedText & { readonly key: string };
  /** Canal's `veth_mtu` ("0": auto-detect). */
  readonly vethMtu?: Located<string>;
}

const CONFIGMAPS: readonly { name: string; namespace: string; flavour: FlannelSource['flavour']; cniKey: string }[] = [
  { name: 'kube-flannel-cfg', namespace: 'kube-flannel', flavour: 'flannel', cniKey: 'cni-conf.json' },
  { name: 'kube-flannel-cfg', namespace: 'kube-system', flavour: 'flannel', cniKey: 'cni-conf.json' },
  { name: 'canal-config', namespace: 'kube-system', flavour: 'canal', cniKey: 'cni_network_config' },
];

function embedded(loc: Located<string>): EmbeddedText {
  return { text: loc.value, spans: scalarValueSpans(loc), span: loc.span };
}

/** flannel's configurations in the workspace, the one flannel would use first. */
export function findFlannelSources(
  configMaps: readonly ConfigMap[],
  netConfFiles: readonly SourceFile[],
): FlannelSource[] {
  const out: FlannelSource[] = [];
  for (const want of CONFIGMAPS) {
    for (const cm of configMaps) {
      if (cm.meta.name !== want.name || cm.meta.namespace !== want.namespace) continue;
      const net = cm.data['net-conf.json'];
      const cni = cm.data[want.cniKey];
      out.push({
        kind: 'configmap',
        name: `ConfigMap ${want.namespace}/${want.name}`,
        flavour: want.flavour,
        anchor: cm.meta.nameSpan,
        netConf: net ? embedded(net) : undefined,
        cniConf: cni ? { ...embedded(cni), key: want.cniKey } : undefined,
        vethMtu: want.flavour === 'canal' ? cm.data.veth_mtu : undefined,
      });
    }
  }
  for (const file of [...netConfFiles].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    out.push({
      kind: 'file',
      name: file.path,
      flavour: 'flannel',
      anchor: span(file, 0, Math.min(1, file.text.length)),
      netConf: fileNetConf(file),
    });
  }
  return out;
}

/**
 * A standalone net-conf.json. `etcdctl get /coreos.com/network/config` prints
 * the key on the line before the value; such a first line is skipped.
 */
function fileNetConf(file: SourceFile): EmbeddedText {
  const m = /^\s*\/[^\n{]*\n/.exec(file.text);
  const offset = m ? m[0].length : 0;
  return {
    text: file.text.slice(offset),
    spans: fileValueSpans(file, offset),
    span: span(file, offset, file.text.length),
  };
}
