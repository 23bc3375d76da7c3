/**
 * Reading net-conf.json's `Backend` object: the type (flannel lower-cases it
 * and fails on unknown ones), then the options the chosen backend decodes
 * (pkg/backend/<type>), with the checks that decide whether flanneld starts.
 */
import type { Finding } from '../common/finding';
import type { IpFamily } from '../common/ip';
import { closest } from '../common/text';
import { didYouMean, type JsonObjectReader } from '../yaml/json-reader';
import {
  type Backend,
  BACKENDS,
  type BackendSpec,
  backendSpec,
  makeBackend,
  optionDefaults,
  overheadOf,
  REMOVED_BACKENDS,
} from './backends';

/** The smallest MTU IPv4 requires of every link, and IPv6's. */
const MIN_MTU: Record<IpFamily, number> = { 4: 68, 6: 1280 };

/**
 * The backend a net-conf.json configures. `top` reads the whole net-conf
 * object; `families` are the enabled address families.
 */
export function readBackend(top: JsonObjectReader, families: readonly IpFamily[]): Backend {
  const entry = top.entry('Backend');
  if (!entry) {
    // pkg/subnet/config.go parseBackendType: `if len(be) == 0 { return "udp", nil }`.
    top.sink.report(
      'flannel-backend',
      'warning',
      'net-conf.json has no `Backend`: flannel then runs the udp backend ' +
        '(pkg/subnet/config.go falls back to "udp", although the documentation says ' +
        'vxlan), a userspace tunnel meant for debugging. Add "Backend": {"Type": "vxlan"}.',
      top.at(top.obj.start, top.obj.start + 1),
    );
    return makeBackend('udp', optionDefaults(backendSpec('udp')!), families);
  }
  const v = entry.value;
  if (v.kind !== 'object') {
    const got = v.kind === 'null' ? 'null' : v.kind === 'string' ? `the string "${v.value}"` : `a ${v.kind}`;
    top.sink.report(
      'flannel-backend',
      'error',
      `net-conf.json: \`Backend\` must be an object such as {"Type": "vxlan"}, not ` +
        `${got}; flanneld fails with "error decoding Backend property of config".`,
      top.spanOf(v),
    );
    return makeBackend('', {}, families);
  }
  const r = top.child(v, 'Backend', '', { invalid: 'flannel-backend', unknown: 'flannel-backend' });
  r.checkDuplicates();
  const typeEntry = r.entry('Type');
  if (!typeEntry) {
    r.sink.report(
      'flannel-backend',
      'error',
      'Backend has no `Type`; flanneld fails with "unknown backend type". Use "vxlan" (recommended) or "host-gw".',
      r.at(v.start, v.start + 1),
    );
    return makeBackend('', {}, families);
  }
  const typeField = r.field('Type', 'string');
  if (!typeField) return makeBackend('', {}, families);
  const type = typeField.value.toLowerCase();
  const spec = backendSpec(type);
  if (!spec) {
    const removed = REMOVED_BACKENDS[type];
    const guess = closest(
      type,
      BACKENDS.map((b) => b.type),
    );
    r.sink.report(
      'flannel-backend',
      'error',
      removed
        ? `Backend type "${typeField.value}" (${removed}) is no longer built into flannel; ` +
            `flanneld fails with "unknown backend type". Use "vxlan" or "host-gw".`
        : `"${typeField.value}" is not a flannel ` +
            `backend${guess ? `; did you mean "${guess}"?` : ''} flanneld fails with ` +
            `"unknown backend type". The backends are ${BACKENDS.map((b) => b.type).join(', ')}.`,
      typeField.valueSpan,
    );
    return makeBackend(type, {}, families);
  }
  if (spec.status === 'debugging only' || spec.status === 'experimental') {
    r.sink.report(
      'flannel-backend',
      spec.status === 'debugging only' ? 'warning' : 'info',
      `The ${spec.type} backend is ${spec.status} in flannel (${spec.summary}); vxlan is the recommended choice.`,
      typeField.valueSpan,
    );
  }
  const options = readOptions(r, spec);
  checkOptions(r, spec, options, families, typeField.valueSpan);
  if (!spec.ipv6 && families.includes(6)) {
    r.sink.report(
      'flannel-backend',
      'error',
      `The ${spec.type} backend carries IPv4 only ("dual-stack is only supported for ` +
        `vxlan, wireguard or host-gw"), so EnableIPv6 has no effect: flannel leases IPv4 ` +
        `subnets only.`,
      typeField.valueSpan,
    );
  }
  return makeBackend(type, options, families);
}

function readOptions(r: JsonObjectReader, spec: BackendSpec): Record<string, number | boolean | string> {
  const options = optionDefaults(spec);
  if (spec.freeOptions) return options;
  const names = ['Type', ...spec.options.map((o) => o.name)];
  r.checkKeys(names, (key, guess) => {
    const elsewhere = BACKENDS.find(
      (b) => b !== spec && b.options.some((o) => o.name.toLowerCase() === key.toLowerCase()),
    );
    if (elsewhere && !guess)
      return (
        `Backend: \`${key}\` is an option of the ${elsewhere.type} backend, not of ` +
        `${spec.type}; it is ignored.${spec.options.length ? ` ${spec.type} reads ${spec.options.map((o) => o.name).join(', ')}.` : ` ${spec.type} has no options.`}`
      );
    return `Backend: ${spec.type} has no option \`${key}\`${didYouMean(guess)} flannel ignores it.`;
  });
  for (const o of spec.options) {
    const f =
      o.kind === 'bool'
        ? r.field(o.name, 'bool')
        : o.kind === 'string'
          ? r.field(o.name, 'string')
          : r.field(o.name, o.kind);
    if (f) options[o.name] = f.value;
  }
  return options;
}

function checkOptions(
  r: JsonObjectReader,
  spec: BackendSpec,
  options: Record<string, number | boolean | string>,
  families: readonly IpFamily[],
  typeSpan: Finding['span'],
): void {
  const at = (name: string) => {
    const e = r.entry(name);
    return e ? r.spanOf(e.value) : typeSpan;
  };
  const bad = (name: string, message: string, severity: Finding['severity'] = 'error') =>
    r.sink.report('flannel-backend', severity, `Backend ${name}: ${message}`, at(name));
  const set = (name: string) => r.entry(name) !== undefined && r.entry(name)!.value.kind !== 'null';
  const port = (name: string, min: number) => {
    const p = options[name];
    if (set(name) && typeof p === 'number' && (p < min || p > 65535))
      bad(name, `${p} is not a UDP port (${min} to 65535).`);
  };
  switch (spec.type) {
    case 'vxlan': {
      const vni = options.VNI as number;
      if (set('VNI') && (vni < 0 || vni > 0xffffff))
        bad('VNI', `${vni} is out of range; a VXLAN network identifier has 24 bits (0 to 16777215).`);
      port('Port', 0);
      break;
    }
    case 'udp':
      port('Port', 1);
      break;
    case 'wireguard': {
      port('ListenPort', 1);
      port('ListenPortV6', 1);
      const mode = options.Mode as string;
      if (!['separate', 'auto', 'ipv4', 'ipv6'].includes(mode))
        bad(
          'Mode',
          `"${mode}" is not a mode; flanneld fails with "No valid Mode configured". Use ` +
            `separate, auto, ipv4 or ipv6 (lower case).`,
        );
      if (mode === 'separate' && families.length === 2 && options.ListenPort === options.ListenPortV6) {
        bad(
          'ListenPortV6',
          `the IPv4 and IPv6 tunnels both listen on ${options.ListenPort}; in separate mode each needs its own port.`,
        );
      }
      if ((mode === 'ipv6' && !families.includes(6)) || (mode === 'ipv4' && !families.includes(4))) {
        bad('Mode', `${mode} runs the single tunnel over ${mode === 'ipv6' ? 'IPv6' : 'IPv4'}, which is not enabled.`);
      }
      const psk = options.PSK;
      if (typeof psk === 'string' && psk !== '' && !isWireguardKey(psk))
        bad(
          'PSK',
          'not a WireGuard key (32 bytes, base64-encoded, e.g. from `wg genpsk`); flanneld fails to set up the device.',
        );
      const keepalive = options.PersistentKeepaliveInterval as number;
      if (keepalive < 0)
        bad(
          'PersistentKeepaliveInterval',
          `${keepalive} is negative; use 0 to turn keepalives off or a number of seconds.`,
        );
      break;
    }
    case 'ipsec': {
      const psk = options.PSK;
      if (typeof psk !== 'string' || psk.length < 96) {
        r.sink.report(
          'flannel-backend',
          'error',
          `Backend PSK: the ipsec backend requires a pre-shared key of at least 96 ` +
            `characters${typeof psk === 'string' ? ` (this one has ${psk.length})` : ''}; ` +
            `flanneld refuses to start without one.`,
          set('PSK') ? at('PSK') : typeSpan,
        );
      }
      break;
    }
  }
  if (set('MTU') && typeof options.MTU === 'number') {
    const mtu = options.MTU;
    const inner = mtu - overheadOf(spec, options);
    if (mtu > 65535 || mtu <= 0) bad('MTU', `${mtu} is not an interface MTU.`);
    else {
      for (const f of families) {
        if (inner < MIN_MTU[f]) {
          bad(
            'MTU',
            `${mtu} leaves pods an MTU of ${inner} after ${spec.type}'s ` +
              `${overheadOf(spec, options)} bytes; ${f === 4 ? 'IPv4' : 'IPv6'} needs at least ${MIN_MTU[f]}.`,
          );
          break;
        }
      }
    }
  }
}

function isWireguardKey(s: string): boolean {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(s)) return false;
  return Buffer.from(s, 'base64').length === 32;
}
