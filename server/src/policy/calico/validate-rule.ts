/**
 * Calico's validator for one rule (libcalico-go/lib/validator/v3 validateRule,
 * validateEntityRule, validateICMPFields, and the policy-level services and
 * HTTP checks) plus the CRD's CEL rules, each finding at the offending node.
 */
import { isCidr, parseCidrOrIp } from '../../common/ip';
import type { Located, Span } from '../../common/source';
import type { CalicoRule, EntityRule, LocatedList } from '../../model/calico/calico-resources';
import type { Direction } from '../rule-model';
import type { FindingSink } from '../../common/finding-sink';
import { protocolName } from './compile-calico-rule';
import { checkSelector } from './selector-check';

const PORTS_MESSAGE = 'rules that specify ports must set protocol to TCP or UDP or SCTP';
const PORT_PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

function side(key: 'source' | 'destination', field: string): string {
  return `${key}.${field}`;
}

function checkEntity(
  e: EntityRule,
  key: 'source' | 'destination',
  direction: Direction,
  global: boolean,
  path: string,
  out: FindingSink,
): void {
  const at = (field: string) => `${path}.${side(key, field)}`;
  checkSelector(e.selector, at('selector'), 'policy', out);
  checkSelector(e.notSelector, at('notSelector'), 'policy', out);
  checkSelector(e.namespaceSelector, at('namespaceSelector'), 'namespaceSelector', out);
  checkSelector(e.serviceAccounts?.selector, at('serviceAccounts.selector'), 'policy', out);
  for (const n of e.notNets?.items ?? []) {
    const c = parseCidrOrIp(n.value);
    if (isCidr(c) && c.prefix === 0) {
      out.report(
        'invalid-field',
        'error',
        `${at('notNets')}: ${n.value} is a catch-all CIDR; in a negation it creates a ` +
          `logical contradiction (the rule matches no ${c.family === 4 ? 'IPv4' : 'IPv6'} traffic).`,
        n.span,
      );
    }
  }
  const svc = e.services;
  if (!svc) return;
  if (!svc.name || svc.name.value === '')
    out.report('invalid-field', 'error', `${at('services')}: services must specify a service name.`, svc.keySpan);
  const others: [string, boolean][] = [
    ['namespaceSelector', !!e.namespaceSelector?.value],
    ['selector', !!e.selector?.value],
    ['notSelector', !!e.notSelector?.value],
    ['serviceAccounts', !!e.serviceAccounts],
    ['nets', (e.nets?.items.length ?? 0) > 0],
    ['notNets', (e.notNets?.items.length ?? 0) > 0],
  ];
  const clash = others.filter(([, set]) => set).map(([f]) => f);
  if (clash.length)
    out.report(
      'invalid-field',
      'error',
      `${at('services')}: cannot specify ${clash.join(', ')} and services on the same ` +
        `rule side; a services match selects the service's endpoints by itself.`,
      svc.keySpan,
    );
  if (key === 'destination') {
    for (const [name, list] of [
      ['ports', e.ports],
      ['notPorts', e.notPorts],
    ] as const) {
      if (list?.items.length)
        out.report(
          'invalid-field',
          'error',
          `${at(name)}: ports and notPorts cannot be specified with services (a ` +
            `destination services match uses the service's own target ports).`,
          list.keySpan,
        );
    }
  }
  if (direction === 'egress' && key === 'source')
    out.report(
      'invalid-field',
      'error',
      `${at('services')}: services are not allowed in an egress rule's source.`,
      svc.keySpan,
    );
  if (direction === 'ingress' && key === 'destination')
    out.report(
      'invalid-field',
      'error',
      `${at('services')}: services are not allowed in an ingress rule's destination.`,
      svc.keySpan,
    );
  const peerSide = direction === 'egress' ? 'destination' : 'source';
  if (global && key === peerSide && !svc.namespace?.value)
    out.report(
      'invalid-field',
      'error',
      `${at('services')}: must specify a namespace (a GlobalNetworkPolicy has no namespace of its own).`,
      svc.keySpan,
    );
}

function checkPorts(rule: CalicoRule, path: string, out: FindingSink): void {
  const proto = rule.protocol ? protocolName(rule.protocol.value) : undefined;
  if (proto && PORT_PROTOCOLS.includes(proto)) return;
  const related = rule.protocol ? [{ span: rule.protocol.span, message: `protocol ${proto} has no ports` }] : undefined;
  for (const key of ['source', 'destination'] as const) {
    for (const field of ['ports', 'notPorts'] as const) {
      const list = rule[key][field];
      if (!list || list.items.length === 0) continue;
      const fix = proto ? '' : ' Add `protocol: TCP` (or UDP, SCTP) to the rule.';
      out.report(
        'invalid-field',
        'error',
        `${path}.${side(key, field)}: ${PORTS_MESSAGE}${proto ? ` (this rule's protocol is ${proto})` : ''}.${fix}`,
        list.keySpan,
        { related: related },
      );
    }
  }
}

function checkIcmp(rule: CalicoRule, path: string, out: FindingSink): void {
  for (const [field, icmp] of [
    ['icmp', rule.icmp],
    ['notICMP', rule.notICMP],
  ] as const) {
    if (icmp?.code && !icmp.type)
      out.report(
        'invalid-field',
        'error',
        `${path}.${field}.code: ICMP code specified without an ICMP type.`,
        icmp.code.span,
      );
  }
  const proto = rule.protocol ? protocolName(rule.protocol.value) : undefined;
  if (rule.icmp && proto !== 'ICMP' && proto !== 'ICMPv6') {
    out.report(
      'invalid-field',
      'error',
      `${path}.icmp: ICMP fields require protocol to be ICMP or ICMPv6${proto ? ` (it is ${proto})` : ''}.`,
      rule.icmp.keySpan,
    );
  }
  for (const p of [rule.protocol, rule.notProtocol]) {
    const name = p ? protocolName(p.value) : undefined;
    if (!rule.ipVersion) continue;
    if (name === 'ICMP' && rule.ipVersion.value !== 4)
      out.report(
        'invalid-field',
        'error',
        `${path}.ipVersion: protocol ICMP requires ipVersion 4.`,
        rule.ipVersion.span,
      );
    if (name === 'ICMPv6' && rule.ipVersion.value !== 6)
      out.report(
        'invalid-field',
        'error',
        `${path}.ipVersion: protocol ICMPv6 requires ipVersion 6.`,
        rule.ipVersion.span,
      );
  }
}

/** IPv4 and IPv6 CIDRs must not be mixed in one rule, and must agree with ipVersion (Calico's scanNets). */
function checkFamilies(rule: CalicoRule, path: string, out: FindingSink): void {
  let seen4 = false;
  let seen6 = false;
  const lists: [string, LocatedList<Located<string>> | undefined][] = [
    ['source.nets', rule.source.nets],
    ['source.notNets', rule.source.notNets],
    ['destination.nets', rule.destination.nets],
    ['destination.notNets', rule.destination.notNets],
  ];
  for (const [field, list] of lists) {
    if (!list) continue;
    let v4 = false;
    let v6 = false;
    for (const n of list.items) {
      const c = parseCidrOrIp(n.value);
      if (!isCidr(c)) continue;
      if (c.family === 4) v4 = true;
      else v6 = true;
    }
    const span: Span = list.keySpan;
    if (rule.ipVersion && ((v4 && rule.ipVersion.value !== 4) || (v6 && rule.ipVersion.value !== 6))) {
      out.report(
        'invalid-field',
        'error',
        `${path}.${field}: rule IP version doesn't match CIDR version (ipVersion is ${rule.ipVersion.value}).`,
        span,
        { related: [{ span: rule.ipVersion.span, message: "the rule's ipVersion" }] },
      );
    }
    if ((v4 && seen6) || (v6 && seen4) || (v4 && v6))
      out.report(
        'invalid-field',
        'error',
        `${path}.${field}: rule contains both IPv4 and IPv6 CIDRs; a rule matches one ` +
          `address family, so split it into one rule per family.`,
        span,
      );
    seen4 ||= v4;
    seen6 ||= v6;
  }
}

function checkHttp(rule: CalicoRule, direction: Direction, path: string, out: FindingSink): void {
  if (!rule.http) return;
  const proto = rule.protocol ? protocolName(rule.protocol.value) : undefined;
  if (proto && proto !== 'TCP')
    out.report(
      'invalid-field',
      'error',
      `${path}.protocol: rules with HTTP match must have protocol TCP or unset.`,
      rule.protocol!.span,
    );
  if (rule.action && rule.action.value !== 'Allow')
    out.report('invalid-field', 'error', `${path}.http: HTTP match is only valid on Allow rules.`, rule.http.keySpan);
  if (direction === 'egress')
    out.report(
      'invalid-field',
      'error',
      `${path}.http: HTTP match is not allowed in egress rules (application-layer policy is ingress only).`,
      rule.http.keySpan,
    );
  out.report(
    'field-not-simulated',
    'info',
    `${path}.http: HTTP matching (application layer policy) is not simulated; the ` +
      `rule is evaluated on its other criteria, as if every request matched.`,
    rule.http.keySpan,
  );
}

export function checkRule(rule: CalicoRule, direction: Direction, global: boolean, out: FindingSink): void {
  const path = `spec.${direction}[${rule.index}]`;
  checkPorts(rule, path, out);
  checkIcmp(rule, path, out);
  checkFamilies(rule, path, out);
  checkHttp(rule, direction, path, out);
  checkEntity(rule.source, 'source', direction, global, path, out);
  checkEntity(rule.destination, 'destination', direction, global, path, out);
  for (const field of ['ports', 'notPorts'] as const) {
    const list = rule.source[field];
    if (list?.items.length) {
      out.report(
        'field-not-simulated',
        'info',
        `${path}.source.${field}: a client connects from an ephemeral source port; the ` +
          `simulation takes it to be any port of Linux's ephemeral range 32768-60999, so ` +
          `this condition holds only if it holds for that whole range.`,
        list.keySpan,
      );
    }
  }
}
