/**
 * Reading a Calico Rule and its source/destination EntityRules with the
 * schema checks (types, enums, port and CIDR syntax). Cross-field checks that
 * Calico's validator makes (ports need a protocol, services exclusivity,
 * selectors that parse …) are the policy stage's (policy/calico/validate-policy.ts).
 */
import { isCidr, parseCidrOrIp } from '../../common/ip';
import type { Located, Span } from '../../common/source';
import type { RMap } from '../../yaml/yaml-reader';
import { readEnum } from '../enums';
import { portNameProblem } from '../label-syntax';
import {
  CALICO_ACTIONS,
  type CalicoPort,
  type CalicoRule,
  type EntityRule,
  type IcmpMatch,
  type LocatedList,
  type ServiceAccountMatch,
  type ServiceMatch,
} from './calico-resources';

const RULE_KEYS = [
  'action',
  'ipVersion',
  'protocol',
  'notProtocol',
  'icmp',
  'notICMP',
  'source',
  'destination',
  'http',
  'metadata',
];
const ENTITY_KEYS = [
  'nets',
  'notNets',
  'selector',
  'notSelector',
  'namespaceSelector',
  'serviceAccounts',
  'services',
  'ports',
  'notPorts',
];
const PROTOCOL_NAMES = ['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite'];

/** Reads `spec[key]` as a list of rules; undefined when absent. */
export function readRules(spec: RMap, key: 'ingress' | 'egress'): LocatedList<CalicoRule> | undefined {
  const entry = spec.entry(key);
  const seq = spec.seq(key);
  if (!entry || !seq) return undefined;
  const items: CalicoRule[] = [];
  for (let i = 0; i < seq.length; i++) {
    const m = seq.mapAt(i);
    if (!m) {
      if (spec.ctx.kindOf(seq.nodeAt(i)) === 'null')
        spec.ctx.sink.report(
          'invalid-field',
          'error',
          `${seq.pathAt(i)}: a rule needs at least an \`action\`.`,
          seq.spanAt(i),
        );
      continue;
    }
    items.push(readRule(m, i));
  }
  return { items, span: seq.span, keySpan: entry.keySpan };
}

function readRule(m: RMap, index: number): CalicoRule {
  m.checkKeys(RULE_KEYS, 'a Calico rule');
  const action = readEnum(m, 'action', CALICO_ACTIONS, { required: true });
  const ipVersion = m.int('ipVersion');
  if (ipVersion && ipVersion.value !== 4 && ipVersion.value !== 6)
    m.ctx.sink.report(
      'invalid-field',
      'error',
      `${m.child('ipVersion')}: must be 4 or 6, not ${ipVersion.value}.`,
      ipVersion.span,
    );
  const http = m.map('http');
  if (http) {
    http.checkKeys(['methods', 'paths'], 'an HTTP match');
    http.strings('methods');
    for (const p of http.seq('paths')?.maps() ?? []) p.checkKeys(['exact', 'prefix'], 'an HTTP path match');
  }
  m.map('metadata')?.stringMap('annotations');
  return {
    index,
    span: m.span,
    action,
    ipVersion: ipVersion && (ipVersion.value === 4 || ipVersion.value === 6) ? ipVersion : undefined,
    protocol: readProtocolField(m, 'protocol'),
    notProtocol: readProtocolField(m, 'notProtocol'),
    icmp: readIcmp(m, 'icmp'),
    notICMP: readIcmp(m, 'notICMP'),
    source: readEntityRule(m, 'source'),
    destination: readEntityRule(m, 'destination'),
    http: http ? { span: m.pairSpan('http')!, keySpan: m.keySpan('http')! } : undefined,
  };
}

/** A protocol name or number 1-255 (numbers may be written as strings). */
function readProtocolField(m: RMap, key: string): Located<string | number> | undefined {
  const v = m.intOrString(key);
  if (!v) return undefined;
  const num = typeof v.value === 'number' ? v.value : /^\d+$/.test(v.value) ? Number(v.value) : undefined;
  if (num !== undefined) {
    if (num < 1 || num > 255) {
      m.ctx.sink.report(
        'invalid-field',
        'error',
        `${m.child(key)}: protocol number ${num} is out of range; it must be 1-255.`,
        v.span,
      );
      return undefined;
    }
    return { value: num, span: v.span };
  }
  const name = v.value as string;
  if (PROTOCOL_NAMES.includes(name)) return v;
  const loose = PROTOCOL_NAMES.find((p) => p.toLowerCase() === name.toLowerCase());
  m.ctx.sink.report(
    'invalid-field',
    'error',
    `${m.child(key)}: "${name}" is not a protocol; use ${loose ? `"${loose}" (protocol names are case-sensitive)` : 'TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or a number 1-255'}.`,
    v.span,
  );
  return undefined;
}

function readIcmp(m: RMap, key: string): IcmpMatch | undefined {
  const im = m.map(key);
  if (!im) return undefined;
  im.checkKeys(['type', 'code'], 'an ICMP match');
  return {
    type: im.int('type', { min: 0, max: 254 }),
    code: im.int('code', { min: 0, max: 255 }),
    span: im.span,
    keySpan: m.keySpan(key)!,
  };
}

function readEntityRule(rule: RMap, key: 'source' | 'destination'): EntityRule {
  const em = rule.map(key);
  if (!em) return { span: rule.pairSpan(key) ?? rule.span };
  em.checkKeys(ENTITY_KEYS, `a rule ${key}`);
  return {
    span: em.span,
    nets: readNets(em, 'nets'),
    notNets: readNets(em, 'notNets'),
    selector: em.str('selector', { coerce: false }),
    notSelector: em.str('notSelector', { coerce: false }),
    namespaceSelector: em.str('namespaceSelector', { coerce: false }),
    serviceAccounts: readServiceAccounts(em),
    services: readServices(em),
    ports: readPorts(em, 'ports'),
    notPorts: readPorts(em, 'notPorts'),
  };
}

function list<T>(m: RMap, key: string, items: T[]): LocatedList<T> {
  const e = m.entry(key)!;
  return { items, span: e.valueSpan, keySpan: e.keySpan };
}

/** CIDRs or bare IP addresses (Calico accepts both, and host bits). */
export function readNets(m: RMap, key: string): LocatedList<Located<string>> | undefined {
  const values = m.strings(key);
  if (!values) return undefined;
  const items: Located<string>[] = [];
  for (const v of values) {
    const c = parseCidrOrIp(v.value);
    if (!isCidr(c)) m.ctx.sink.report('invalid-field', 'error', `${m.child(key)}: ${c.error}.`, v.span);
    else items.push(v);
  }
  return list(m, key, items);
}

function readServiceAccounts(em: RMap): ServiceAccountMatch | undefined {
  const sm = em.map('serviceAccounts');
  if (!sm) return undefined;
  sm.checkKeys(['names', 'selector'], 'a serviceAccounts match');
  return {
    names: sm.strings('names') ?? [],
    selector: sm.str('selector', { coerce: false }),
    span: sm.span,
    keySpan: em.keySpan('serviceAccounts')!,
  };
}

function readServices(em: RMap): ServiceMatch | undefined {
  const sm = em.map('services');
  if (!sm) return undefined;
  sm.checkKeys(['name', 'namespace'], 'a services match');
  return { name: sm.str('name'), namespace: sm.str('namespace'), span: sm.span, keySpan: em.keySpan('services')! };
}

const RANGE = /^(\d+):(\d+)$/;

function portNumberProblem(n: number): string | undefined {
  return n < 1 || n > 65535 ? `port ${n} is out of range; ports are 1-65535` : undefined;
}

/** `ports` entries: an integer, a string holding an integer, a range "from:to", or a port name. */
function readPorts(m: RMap, key: string): LocatedList<CalicoPort> | undefined {
  const seq = m.seq(key);
  if (!seq) return undefined;
  const items: CalicoPort[] = [];
  const bad = (span: Span, problem: string) =>
    m.ctx.sink.report('invalid-field', 'error', `${m.child(key)}: ${problem}.`, span);
  for (const item of seq.items()) {
    const k = m.ctx.kindOf(item.node);
    const raw = item.node && 'value' in item.node ? (item.node as { value: unknown }).value : undefined;
    if (k === 'number') {
      const n = Number(raw);
      const problem = Number.isInteger(n) ? portNumberProblem(n) : `${n} is not a port number`;
      if (problem) bad(item.span, problem);
      else items.push({ kind: 'range', from: n, to: n, span: item.span });
      continue;
    }
    if (k !== 'string') {
      m.ctx.typeError(
        `${seq.path}[${item.index}]`,
        'a port number, a range "from:to" or a port name',
        item.node,
        item.span,
      );
      continue;
    }
    const text = String(raw);
    const range = RANGE.exec(text);
    if (/^\d+$/.test(text)) {
      const problem = portNumberProblem(Number(text));
      if (problem) bad(item.span, problem);
      else items.push({ kind: 'range', from: Number(text), to: Number(text), span: item.span });
    } else if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      const problem =
        portNumberProblem(from) ??
        portNumberProblem(to) ??
        (from > to ? `port range "${text}" is invalid: ${from} is greater than ${to}` : undefined);
      if (problem) bad(item.span, problem);
      else items.push({ kind: 'range', from, to, span: item.span });
    } else {
      const problem = portNameProblem(text);
      const hint = /^\d+-\d+$/.test(text)
        ? ` (Calico writes port ranges with a colon: "${text.replace('-', ':')}")`
        : '';
      if (problem) bad(item.span, `${problem}${hint}`);
      else items.push({ kind: 'named', name: text, span: item.span });
    }
  }
  return list(m, key, items);
}
