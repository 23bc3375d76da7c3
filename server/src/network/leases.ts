import { type Cidr, type IpAddr, isCidr, makeCidr, parseCidr, parseIp } from '../common/ip';
import { type SourceFile, type Span, span } from '../common/source';
import { type JsonNode, type JsonObject, lookup, parseJson } from '../yaml/parse-json';
import type { FindingSink } from '../common/finding-sink';

export interface Lease {
  /** IPv4 subnet first, then IPv6 (a dual-stack lease has both). */
  readonly subnets: readonly Cidr[];
  readonly publicIPs: readonly IpAddr[];
  readonly node?: string;
  readonly backendType?: string;
  /** Where the lease was written (its key, or its list item). */
  readonly span: Span;
}

/** flannel's subnet key (pkg/subnet MakeSubnetKey): `10.244.1.0-24`, optionally `&fd00::-64`. */
const SUBNET_KEY = /(\d+\.\d+\.\d+\.\d+)-(\d+)(?:&([a-fA-F\d:]+)-(\d+))?$/;

function parseSubnetKey(key: string): Cidr[] | undefined {
  const m = SUBNET_KEY.exec(key);
  if (!m) return undefined;
  const out: Cidr[] = [];
  const v4 = parseCidr(`${m[1]}/${m[2]}`);
  if (!isCidr(v4) || v4.family !== 4) return undefined;
  out.push(v4);
  if (m[3]) {
    const v6 = parseCidr(`${m[3]}/${m[4]}`);
    if (!isCidr(v6) || v6.family !== 6) return undefined;
    out.push(v6);
  }
  return out.map((c) => makeCidr(c.family, c.base, c.prefix));
}

export function readLeases(files: readonly SourceFile[], sink: FindingSink): Lease[] {
  const out: Lease[] = [];
  for (const file of files) {
    const t = file.text.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) readJsonLeases(file, out, sink);
    else readEtcdctlText(file, out, sink);
  }
  return out;
}

/** `etcdctl get --prefix` text: key line, value line, key line, … */
function readEtcdctlText(file: SourceFile, out: Lease[], sink: FindingSink): void {
  const lines: { text: string; start: number }[] = [];
  let pos = 0;
  for (const raw of file.text.split('\n')) {
    const text = raw.replace(/\r$/, '');
    if (text.trim()) lines.push({ text, start: pos });
    pos += raw.length + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const key = lines[i];
    const keySpan = span(file, key.start, key.start + key.text.length);
    const subnets = key.text.trim().startsWith('/') ? parseSubnetKey(key.text.trim()) : undefined;
    if (!subnets) {
      sink.report(
        'flannel-lease',
        'warning',
        `Not a flannel lease key: expected a line such as ` +
          `/coreos.com/network/subnets/10.244.1.0-24 (the output of \`etcdctl get --prefix ` +
          `/coreos.com/network/subnets/\`), followed by the lease JSON.`,
        keySpan,
      );
      continue;
    }
    const value = lines[i + 1];
    if (!value || value.text.trim().startsWith('/')) {
      sink.report(
        'flannel-lease',
        'warning',
        `The lease ${subnets.map((s) => s.text).join(' & ')} has no value line after its key.`,
        keySpan,
      );
      continue;
    }
    i++;
    const parsed = parseJson(value.text);
    if (parsed.error) {
      sink.report(
        'flannel-lease',
        'warning',
        `The lease value is not valid JSON: ${parsed.error.message}.`,
        span(file, value.start + parsed.error.start, value.start + Math.max(parsed.error.end, parsed.error.start + 1)),
      );
      continue;
    }
    const attrs = leaseAttrs(parsed.value, (n) => span(file, value.start + n.start, value.start + n.end), sink);
    out.push({ subnets, ...attrs, span: keySpan });
  }
}

/** PublicIP, PublicIPv6 and BackendType of a lease value. */
function leaseAttrs(
  v: JsonNode,
  at: (n: JsonNode) => Span,
  sink: FindingSink,
): { publicIPs: IpAddr[]; backendType?: string } {
  const publicIPs: IpAddr[] = [];
  if (v.kind !== 'object') {
    sink.report(
      'flannel-lease',
      'warning',
      'A lease value is a JSON object such as {"PublicIP": "192.168.1.11", "BackendType": "vxlan"}.',
      at(v),
    );
    return { publicIPs };
  }
  for (const name of ['PublicIP', 'PublicIPv6']) {
    const e = lookup(v, name);
    if (!e || e.value.kind === 'null') continue;
    const ip = e.value.kind === 'string' ? parseIp(e.value.value) : undefined;
    if (ip) publicIPs.push(ip);
    else sink.report('flannel-lease', 'warning', `${name} must be an address in double quotes.`, at(e.value));
  }
  const bt = lookup(v, 'BackendType')?.value;
  return { publicIPs, backendType: bt?.kind === 'string' ? bt.value : undefined };
}

function readJsonLeases(file: SourceFile, out: Lease[], sink: FindingSink): void {
  const parsed = parseJson(file.text);
  const at = (n: { start: number; end: number }) => span(file, n.start, n.end);
  if (parsed.error) {
    sink.report(
      'flannel-lease',
      'error',
      `The lease export is not valid JSON: ${parsed.error.message}.`,
      span(file, parsed.error.start, Math.max(parsed.error.end, parsed.error.start + 1)),
    );
    return;
  }
  const root = parsed.value;
  const kvs = root.kind === 'object' ? lookup(root, 'kvs')?.value : undefined;
  if (kvs && kvs.kind === 'array') {
    for (const kv of kvs.items) readEtcdKv(kv, at, out, sink);
    return;
  }
  const list = root.kind === 'array' ? root : root.kind === 'object' ? lookup(root, 'leases')?.value : undefined;
  if (list?.kind !== 'array') {
    sink.report(
      'flannel-lease',
      'warning',
      'A lease export in JSON is `etcdctl get --prefix -w json` output ({"kvs": […]}) ' +
        'or a list of leases: [{"subnet": "10.244.1.0/24", "node": "worker-a"}].',
      at(root),
    );
    return;
  }
  for (const item of list.items) readListedLease(item, at, out, sink);
}

/** One `kvs` entry of `etcdctl -w json`: key and value are base64. */
function readEtcdKv(kv: JsonNode, at: (n: JsonNode) => Span, out: Lease[], sink: FindingSink): void {
  if (kv.kind !== 'object') return;
  const key = lookup(kv, 'key')?.value;
  const value = lookup(kv, 'value')?.value;
  if (key?.kind !== 'string') return;
  const keyText = Buffer.from(key.value, 'base64').toString('utf8');
  const subnets = parseSubnetKey(keyText);
  if (!subnets) {
    if (keyText.includes('/subnets/'))
      sink.report('flannel-lease', 'warning', `"${keyText}" is not a flannel subnet key.`, at(key));
    return; // other keys (the network config) are not leases
  }
  let attrs: { publicIPs: IpAddr[]; backendType?: string } = { publicIPs: [] };
  if (value && value.kind === 'string') {
    const parsed = parseJson(Buffer.from(value.value, 'base64').toString('utf8'));
    if (parsed.error)
      sink.report(
        'flannel-lease',
        'warning',
        `The value of ${keyText} is not valid JSON: ${parsed.error.message}.`,
        at(value),
      );
    else attrs = leaseAttrs(parsed.value, () => at(value), sink);
  }
  out.push({ subnets, ...attrs, span: at(key) });
}

/** A hand-written lease: {"subnet", "ipv6Subnet", "node", "publicIP", "publicIPv6"}. */
function readListedLease(item: JsonNode, at: (n: JsonNode) => Span, out: Lease[], sink: FindingSink): void {
  if (item.kind !== 'object') {
    sink.report(
      'flannel-lease',
      'warning',
      'A lease is an object such as {"subnet": "10.244.1.0/24", "node": "worker-a"}.',
      at(item),
    );
    return;
  }
  const obj: JsonObject = item;
  const subnets: Cidr[] = [];
  for (const [name, family] of [
    ['subnet', 4],
    ['ipv6Subnet', 6],
  ] as const) {
    const e = lookup(obj, name);
    if (!e || e.value.kind === 'null') continue;
    const c =
      e.value.kind === 'string' ? parseCidr(e.value.value) : { error: `"${name}" must be a CIDR in double quotes` };
    if (!isCidr(c) || c.family !== family) {
      sink.report(
        'flannel-lease',
        'warning',
        isCidr(c) ? `"${name}" must be an IPv${family} CIDR.` : `${c.error}.`,
        at(e.value),
      );
      continue;
    }
    if (c.hostBitsSet)
      sink.report(
        'flannel-lease',
        'info',
        `"${name}" ${(e.value as { value: string }).value} has host bits set; the lease is ${c.text}.`,
        at(e.value),
      );
    subnets.push(c);
  }
  if (subnets.length === 0) {
    sink.report('flannel-lease', 'warning', 'This lease has no "subnet" (or "ipv6Subnet").', at(item));
    return;
  }
  const node = lookup(obj, 'node')?.value;
  const attrs = leaseAttrs(obj, at, sink);
  if (!(node && node.kind === 'string') && attrs.publicIPs.length === 0) {
    sink.report(
      'flannel-lease',
      'warning',
      'This lease names neither a "node" nor a "publicIP", so it cannot be matched to a node.',
      at(item),
    );
  }
  out.push({
    subnets,
    publicIPs: attrs.publicIPs,
    node: node && node.kind === 'string' ? node.value : undefined,
    backendType: attrs.backendType,
    span: at(item),
  });
}
