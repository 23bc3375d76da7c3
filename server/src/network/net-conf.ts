import { type Cidr, type IpAddr, type IpFamily, isCidr, parseCidr, parseIp } from '../common/ip';
import type { Span } from '../common/source';
import { parseJson } from '../yaml/parse-json';
import { didYouMean, type JsonField, JsonObjectReader } from '../yaml/json-reader';
import type { ValueSpans } from '../yaml/scalar-map';
import type { Backend } from './backends';
import { readBackend } from './backend-config';
import type { FindingSink } from '../common/finding-sink';

/** The fields of flannel's Config struct that net-conf.json may set. */
const NET_CONF_FIELDS = [
  'Network',
  'IPv6Network',
  'EnableIPv4',
  'EnableIPv6',
  'EnableNFTables',
  'SubnetLen',
  'SubnetMin',
  'SubnetMax',
  'IPv6SubnetLen',
  'IPv6SubnetMin',
  'IPv6SubnetMax',
  'Backend',
] as const;

/** Config fields flannel fills itself: whatever net-conf.json says is overwritten. */
const OVERWRITTEN = ['Networks', 'IPv6Networks'];

/** flannel's names of each family's settings. */
export const FAMILY_FIELDS: Readonly<
  Record<
    IpFamily,
    {
      readonly network: string;
      readonly len: string;
      readonly min: string;
      readonly max: string;
      readonly enable: string;
    }
  >
> = {
  4: { network: 'Network', len: 'SubnetLen', min: 'SubnetMin', max: 'SubnetMax', enable: 'EnableIPv4' },
  6: { network: 'IPv6Network', len: 'IPv6SubnetLen', min: 'IPv6SubnetMin', max: 'IPv6SubnetMax', enable: 'EnableIPv6' },
};

/** One family's network and subnet settings as written; absent or rejected ones are undefined. */
export interface FamilySettings {
  readonly network?: JsonField<Cidr>;
  readonly subnetLen?: JsonField<number>;
  readonly subnetMin?: JsonField<IpAddr>;
  readonly subnetMax?: JsonField<IpAddr>;
}

/** net-conf.json as read: each field with its spans. */
export interface NetConf {
  readonly enableIPv4: boolean;
  readonly enableIPv6: boolean;
  readonly ipv4: FamilySettings;
  readonly ipv6: FamilySettings;
  readonly backend: Backend;
  /** The `{` that opens the configuration: where object-level findings go. */
  readonly openSpan: Span;
  /** False when flanneld would refuse the file at parse time (a wrong type, a bad CIDR). */
  readonly parses: boolean;
  /** Fields written (canonical names), including ones whose value was rejected. */
  readonly written: ReadonlySet<string>;
}

/**
 * Reads net-conf.json `text`; `spans` maps its offsets to the source.
 * Returns undefined when the text is not a JSON object (a finding says why).
 */
export function readNetConf(text: string, spans: ValueSpans, sink: FindingSink): NetConf | undefined {
  const parsed = parseJson(text);
  if (parsed.error) {
    sink.report(
      'flannel-config-syntax',
      'error',
      `net-conf.json is not valid JSON: ${parsed.error.message}. flanneld cannot start with it.`,
      spans(parsed.error.start, Math.max(parsed.error.end, parsed.error.start + 1)),
    );
    return undefined;
  }
  const root = parsed.value;
  if (root.kind !== 'object') {
    sink.report(
      'flannel-config-syntax',
      'error',
      `net-conf.json must be a JSON object such as {"Network": "10.244.0.0/16", ` +
        `"Backend": {"Type": "vxlan"}}, not ${root.kind === 'array' ? 'a list' : `a ${root.kind}`}.`,
      spans(root.start, root.end),
    );
    return undefined;
  }
  const before = sink.findings.filter((f) => f.severity === 'error').length;
  const r = new JsonObjectReader(
    root,
    spans,
    sink,
    { invalid: 'flannel-config-invalid', unknown: 'flannel-config-unknown-field' },
    'net-conf.json',
    'Config',
  );
  r.checkDuplicates();
  r.checkKeys(
    [...NET_CONF_FIELDS, ...OVERWRITTEN],
    (key, guess) => `net-conf.json: \`${key}\` is not a flannel setting${didYouMean(guess)} flannel ignores it.`,
  );
  for (const name of OVERWRITTEN) {
    const e = r.entry(name);
    if (e)
      r.sink.report(
        'flannel-config-unknown-field',
        'warning',
        `net-conf.json: flannel fills \`${name}\` itself (from ClusterCIDR objects) and ` +
          `discards this value; set \`${name === 'Networks' ? 'Network' : 'IPv6Network'}\` instead.`,
        r.keySpan(e),
      );
  }
  r.field('EnableNFTables', 'bool');
  const enableIPv4 = r.field('EnableIPv4', 'bool')?.value ?? true;
  const enableIPv6 = r.field('EnableIPv6', 'bool')?.value ?? false;
  const families: IpFamily[] = [...(enableIPv4 ? [4 as const] : []), ...(enableIPv6 ? [6 as const] : [])];
  const conf: NetConf = {
    enableIPv4,
    enableIPv6,
    ipv4: familySettings(r, 4),
    ipv6: familySettings(r, 6),
    backend: readBackend(r, families),
    openSpan: spans(root.start, root.start + 1),
    parses: true,
    written: new Set(NET_CONF_FIELDS.filter((name) => r.entry(name) !== undefined)),
  };
  const errors = sink.findings.filter(
    (f) => f.severity === 'error' && (f.rule === 'flannel-config-invalid' || f.rule === 'flannel-config-syntax'),
  ).length;
  return errors > before ? { ...conf, parses: false } : conf;
}

const familyName = (f: IpFamily) => (f === 4 ? 'IPv4' : 'IPv6');

function familySettings(r: JsonObjectReader, family: IpFamily): FamilySettings {
  const names = FAMILY_FIELDS[family];
  return {
    network: cidrField(r, names.network, family),
    subnetLen: r.field(names.len, 'uint'),
    subnetMin: ipField(r, names.min, family),
    subnetMax: ipField(r, names.max, family),
  };
}

/** A CIDR field (ip.IP4Net / ip.IP6Net): a string Go's net.ParseCIDR accepts, of the right family. */
function cidrField(r: JsonObjectReader, name: string, family: IpFamily): JsonField<Cidr> | undefined {
  const e = r.entry(name);
  if (!e) return undefined;
  const v = e.value;
  const at = r.spanOf(v);
  const base = { key: e.key, keySpan: r.keySpan(e), valueSpan: at, node: v };
  if (v.kind !== 'string') {
    const shown = v.kind === 'number' ? v.text : v.kind === 'boolean' ? String(v.value) : v.kind;
    r.sink.report(
      'flannel-config-invalid',
      'error',
      `net-conf.json: \`${e.key}\` must be a CIDR in double quotes, e.g. ` +
        `"${family === 4 ? '10.244.0.0/16' : 'fd00:10:244::/56'}"; flanneld fails with ` +
        `"invalid CIDR address: ${shown}".`,
      at,
    );
    return undefined;
  }
  const c = parseCidr(v.value);
  if (!isCidr(c)) {
    r.sink.report(
      'flannel-config-invalid',
      'error',
      `net-conf.json: \`${e.key}\`: ${c.error}; flanneld fails with "invalid CIDR address".`,
      at,
    );
    return undefined;
  }
  if (c.family !== family) {
    const other = family === 4 ? 'IPv6Network' : 'Network';
    r.sink.report(
      'flannel-config-invalid',
      'error',
      `net-conf.json: \`${e.key}\` takes the ${familyName(family)} network, and ` +
        `${c.text} is ` +
        `${familyName(c.family)}${family === 4 ? ' (flanneld panics: "Address is not an IPv4 address")' : ''}; ` +
        `put it in \`${other}\`${c.family === 6 ? ' with "EnableIPv6": true' : ''}.`,
      at,
    );
    return undefined;
  }
  if (c.hostBitsSet)
    r.sink.report(
      'flannel-config-invalid',
      'info',
      `net-conf.json: \`${e.key}\` "${v.value}" has host bits set; flannel uses ${c.text}.`,
      at,
    );
  return { ...base, value: c };
}

/** An address field (SubnetMin and friends): a string holding one address of the right family. */
function ipField(r: JsonObjectReader, name: string, family: IpFamily): JsonField<IpAddr> | undefined {
  const e = r.entry(name);
  if (!e) return undefined;
  const v = e.value;
  if (v.kind === 'null' && family === 6) return undefined; // *ip.IP6: null leaves it unset
  const at = r.spanOf(v);
  const ip = v.kind === 'string' ? parseIp(v.value) : undefined;
  if (!ip || ip.family !== family) {
    const got = v.kind === 'string' ? `"${v.value}"` : v.kind === 'number' ? v.text : v.kind;
    const cidrHint = v.kind === 'string' && v.value.includes('/') ? ' (an address, without the /prefix)' : '';
    r.sink.report(
      'flannel-config-invalid',
      'error',
      `net-conf.json: \`${e.key}\` must be an ${familyName(family)} address in double ` +
        `quotes${cidrHint}, not ${got}; flanneld fails to parse it.`,
      at,
    );
    return undefined;
  }
  return { key: e.key, keySpan: r.keySpan(e), valueSpan: at, node: v, value: ip };
}
