import { type JsonNode, type JsonObject, lookup, parseJson } from '../yaml/parse-json';
import type { EmbeddedText, FlannelSource } from './config-sources';
import type { FindingSink } from '../common/finding-sink';
import type { Span } from '../common/source';

/** Canal's template has unquoted placeholders (`"mtu": __CNI_MTU__`) that install-cni fills in. */
function fillPlaceholders(text: string): string {
  return text.replace(/__[A-Z0-9_]+__/g, (m, offset: number) =>
    text[offset - 1] === '"' ? m : '0'.padEnd(m.length, ' '),
  );
}

export function checkCniConf(
  conf: EmbeddedText & { readonly key: string },
  flavour: FlannelSource['flavour'],
  sink: FindingSink,
): void {
  const parsed = parseJson(fillPlaceholders(conf.text));
  const at = (n: { start: number; end: number }) => conf.spans(n.start, n.end);
  const cni: CniReport = { sink, key: conf.key, at };
  if (parsed.error) {
    sink.report(
      'flannel-config-syntax',
      'error',
      `${conf.key} is not valid JSON: ${parsed.error.message}. The kubelet cannot load ` +
        `the CNI configuration, so no pod on the node gets a network.`,
      conf.spans(parsed.error.start, Math.max(parsed.error.end, parsed.error.start + 1)),
    );
    return;
  }
  const root = parsed.value;
  if (root.kind !== 'object') {
    cni.sink.report('flannel-cni-config', 'error', `${cni.key}: a CNI configuration is a JSON object.`, cni.at(root));
    return;
  }
  if (!lookup(root, 'name'))
    cni.sink.report(
      'flannel-cni-config',
      'error',
      `${cni.key}: a CNI network configuration needs a "name".`,
      cni.at({ start: root.start, end: root.start + 1 }),
    );
  const pluginsEntry = lookup(root, 'plugins');
  let plugins: JsonNode[];
  if (pluginsEntry) {
    if (pluginsEntry.value.kind !== 'array') {
      cni.sink.report(
        'flannel-cni-config',
        'error',
        `${cni.key}: "plugins" must be a list of plugin configurations.`,
        cni.at(pluginsEntry.value),
      );
      return;
    }
    plugins = [...pluginsEntry.value.items];
  } else plugins = [root]; // a single-plugin .conf
  const typeOf = (p: JsonNode) => {
    const t = p.kind === 'object' ? lookup(p, 'type')?.value : undefined;
    return t && t.kind === 'string' ? t.value : undefined;
  };
  const want = flavour === 'canal' ? 'calico' : 'flannel';
  const main = plugins.find((p) => typeOf(p) === want);
  if (main?.kind !== 'object') {
    const types = plugins.map(typeOf).filter((t): t is string => !!t);
    cni.sink.report(
      'flannel-cni-config',
      'warning',
      `${cni.key}: no "${want}" ` +
        `plugin${types.length ? ` (the plugins are ${types.join(', ')})` : ''}: pods ` +
        `would not get ${flavour === 'canal' ? 'Canal' : 'flannel'}'s addresses, and the ` +
        `simulated addresses may not match the cluster.`,
      cni.at(pluginsEntry ? pluginsEntry.value : root),
    );
    return;
  }
  if (flavour === 'canal') checkCalicoIpam(main, cni);
  else checkFlannelDelegate(main, cni);
}

/** Where findings about the CNI configuration go: the sink, the ConfigMap key it came from, and its spans. */
interface CniReport {
  readonly sink: FindingSink;
  readonly key: string;
  at(n: { start: number; end: number }): Span;
}

function checkCalicoIpam(plugin: JsonObject, cni: CniReport): void {
  const ipam = lookup(plugin, 'ipam')?.value;
  if (ipam?.kind !== 'object') return;
  const type = lookup(ipam, 'type')?.value;
  if (type && type.kind === 'string' && type.value !== 'host-local') {
    cni.sink.report(
      'flannel-cni-config',
      'warning',
      `${cni.key}: IPAM "${type.value}" hands out pod addresses from ` +
        `${type.value === 'calico-ipam' ? "Calico's IP pools" : 'its own ranges'}, not ` +
        `from the nodes' podCIDRs that flannel routes; the simulated addresses (from ` +
        `node subnets) will not match, and flannel cannot route the pods' traffic ` +
        `between nodes.`,
      cni.at(type),
    );
    return;
  }
  const subnet = lookup(ipam, 'subnet')?.value;
  if (subnet && subnet.kind === 'string' && subnet.value !== 'usePodCidr') {
    cni.sink.report(
      'flannel-cni-config',
      'warning',
      `${cni.key}: host-local "subnet": "${subnet.value}" gives every node the same ` +
        `range instead of its podCIDR ("usePodCidr"); pods on different nodes get ` +
        `clashing addresses and flannel cannot route them.`,
      cni.at(subnet),
    );
  }
}

function checkFlannelDelegate(plugin: JsonObject, cni: CniReport): void {
  const delegate = lookup(plugin, 'delegate')?.value;
  if (delegate?.kind !== 'object') return;
  const type = lookup(delegate, 'type')?.value;
  if (type && type.kind === 'string' && type.value !== 'bridge') {
    cni.sink.report(
      'flannel-cni-config',
      'info',
      `${cni.key}: the flannel plugin delegates to "${type.value}" instead of the ` +
        `default bridge (cni0); the simulation still assumes a bridge on each node.`,
      cni.at(type),
    );
  }
  const ipam = lookup(delegate, 'ipam')?.value;
  const subnet = ipam && ipam.kind === 'object' ? lookup(ipam, 'subnet')?.value : undefined;
  if (subnet)
    cni.sink.report(
      'flannel-cni-config',
      'warning',
      `${cni.key}: a fixed IPAM "subnet" in the delegate overrides the node's flannel ` +
        `subnet: every node hands out the same range.`,
      cni.at(subnet),
    );
}
