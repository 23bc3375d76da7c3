/**
 * The CNI configuration flannel's DaemonSet installs on every node, checked
 * as far as it decides pod addresses: kube-flannel's `cni-conf.json` must run
 * the flannel plugin (which delegates to a bridge with host-local IPAM on the
 * node's flannel subnet); Canal's `cni_network_config` runs the calico plugin
 * with host-local IPAM on the node's podCIDR (`"subnet": "usePodCidr"`).
 */
import type { Finding } from '../common/finding';
import { type JsonNode, type JsonObject, lookup, parseJson } from '../yaml/json';
import { SYNTAX_RULE } from './netconf';
import type { EmbeddedText, FlannelSource } from './sources';

export const CNI_RULE = 'flannel-cni-config';

/** Canal's template has unquoted placeholders (`"mtu": __CNI_MTU__`) that install-cni fills in. */
function fillPlaceholders(text: string): string {
  return text.replace(/__[A-Z0-9_]+__/g, (m, offset: number) =>
    text[offset - 1] === '"' ? m : '0'.padEnd(m.length, ' '),
  );
}

export function checkCniConf(
  conf: EmbeddedText & { readonly key: string },
  flavour: FlannelSource['flavour'],
  findings: Finding[],
): void {
  const parsed = parseJson(fillPlaceholders(conf.text));
  const at = (n: { start: number; end: number }) => conf.spans(n.start, n.end);
  const report = (severity: Finding['severity'], message: string, n: { start: number; end: number }) =>
    findings.push({ rule: CNI_RULE, severity, message: `${conf.key}: ${message}`, span: at(n) });
  if (parsed.error) {
    findings.push({
      rule: SYNTAX_RULE,
      severity: 'error',
      message: `${conf.key} is not valid JSON: ${parsed.error.message}. The kubelet cannot load the CNI configuration, so no pod on the node gets a network.`,
      span: conf.spans(parsed.error.start, Math.max(parsed.error.end, parsed.error.start + 1)),
    });
    return;
  }
  const root = parsed.value;
  if (root.kind !== 'object') {
    report('error', 'a CNI configuration is a JSON object.', root);
    return;
  }
  if (!lookup(root, 'name'))
    report('error', 'a CNI network configuration needs a "name".', { start: root.start, end: root.start + 1 });
  const pluginsEntry = lookup(root, 'plugins');
  let plugins: JsonNode[];
  if (pluginsEntry) {
    if (pluginsEntry.value.kind !== 'array') {
      report('error', '"plugins" must be a list of plugin configurations.', pluginsEntry.value);
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
    report(
      'warning',
      `no "${want}" plugin${types.length ? ` (the plugins are ${types.join(', ')})` : ''}: pods would not get ${flavour === 'canal' ? 'Canal' : 'flannel'}'s addresses, and the simulated addresses may not match the cluster.`,
      pluginsEntry ? pluginsEntry.value : root,
    );
    return;
  }
  if (flavour === 'canal') checkCalicoIpam(main, report);
  else checkFlannelDelegate(main, report);
}

type Report = (severity: Finding['severity'], message: string, n: { start: number; end: number }) => void;

function checkCalicoIpam(plugin: JsonObject, report: Report): void {
  const ipam = lookup(plugin, 'ipam')?.value;
  if (ipam?.kind !== 'object') return;
  const type = lookup(ipam, 'type')?.value;
  if (type && type.kind === 'string' && type.value !== 'host-local') {
    report(
      'warning',
      `IPAM "${type.value}" hands out pod addresses from ${type.value === 'calico-ipam' ? "Calico's IP pools" : 'its own ranges'}, not from the nodes' podCIDRs that flannel routes; the simulated addresses (from node subnets) will not match, and flannel cannot route the pods' traffic between nodes.`,
      type,
    );
    return;
  }
  const subnet = lookup(ipam, 'subnet')?.value;
  if (subnet && subnet.kind === 'string' && subnet.value !== 'usePodCidr') {
    report(
      'warning',
      `host-local "subnet": "${subnet.value}" gives every node the same range instead of its podCIDR ("usePodCidr"); pods on different nodes get clashing addresses and flannel cannot route them.`,
      subnet,
    );
  }
}

function checkFlannelDelegate(plugin: JsonObject, report: Report): void {
  const delegate = lookup(plugin, 'delegate')?.value;
  if (delegate?.kind !== 'object') return;
  const type = lookup(delegate, 'type')?.value;
  if (type && type.kind === 'string' && type.value !== 'bridge') {
    report(
      'info',
      `the flannel plugin delegates to "${type.value}" instead of the default bridge (cni0); the simulation still assumes a bridge on each node.`,
      type,
    );
  }
  const ipam = lookup(delegate, 'ipam')?.value;
  const subnet = ipam && ipam.kind === 'object' ? lookup(ipam, 'subnet')?.value : undefined;
  if (subnet)
    report(
      'warning',
      'a fixed IPAM "subnet" in the delegate overrides the node\'s flannel subnet: every node hands out the same range.',
      subnet,
    );
}
