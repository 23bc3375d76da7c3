/**
 * A Calico rule -> a CompiledRule. Every criterion that is set must match:
 * protocol / notProtocol, ipVersion, and on each side nets / notNets,
 * selector / notSelector (address sets, so notSelector also matches addresses
 * outside the cluster), services, ports / notPorts. ICMP fields never match
 * TCP, UDP or SCTP traffic (their protocol condition already excludes it);
 * HTTP matches are not simulated (the rule's L3/L4 criteria are).
 */
import { isCidr, parseCidrOrIp } from '../../common/ip';
import type { CalicoPort, CalicoRule, EntityRule, LocatedList } from '../../model/calico/calico-resources';
import type { AtomTable } from '../atoms';
import type { CompiledRule, Condition, Direction, Side } from '../rule-model';
import type { ServiceIndex } from '../service-index';
import { CalicoSelector } from '../selector/calico-selector';
import { entitySelector, parsed } from './scopes';
import { canonicalSelectorText, composedMatcher } from './selector-parses';

const PROTOCOL_NUMBERS: Record<number, string> = {
  1: 'ICMP',
  6: 'TCP',
  17: 'UDP',
  58: 'ICMPv6',
  132: 'SCTP',
  136: 'UDPLite',
};

export function protocolName(p: string | number): string {
  return typeof p === 'number' ? (PROTOCOL_NUMBERS[p] ?? String(p)) : p;
}

export interface RuleContext {
  readonly atoms: AtomTable;
  /** The policy's namespace; undefined for global policies. */
  readonly namespace: string | undefined;
  readonly services: ServiceIndex;
}

function portsCondition(list: LocatedList<CalicoPort>, side: Side, negate: boolean, atoms: AtomTable): Condition {
  const ranges: [number, number][] = [];
  const named: number[] = [];
  for (const p of list.items) {
    if (p.kind === 'range') ranges.push([p.from, p.to]);
    else named.push(atoms.namedPort(p.name).id);
  }
  return { type: 'ports', side, ranges, named, negate };
}

function netsCondition(list: LocatedList<{ value: string }>, side: Side, negate: boolean, atoms: AtomTable): Condition {
  const cidrs = list.items.map((n) => parseCidrOrIp(n.value)).filter(isCidr);
  return { type: 'nets', side, atom: atoms.nets(cidrs).id, negate };
}

function entityConditions(e: EntityRule, side: Side, ctx: RuleContext): Condition[] {
  const out: Condition[] = [];
  const { atoms } = ctx;
  if (e.nets) out.push(netsCondition(e.nets, side, false, atoms));
  if (e.notNets) out.push(netsCondition(e.notNets, side, true, atoms));
  const sel = composedMatcher(e, ctx.namespace, () => entitySelector(e, ctx.namespace));
  if (sel) out.push({ type: 'nets', side, atom: atoms.selectorAddresses(sel).id, negate: false });
  const not = parsed(e.notSelector);
  if (not) out.push({ type: 'nets', side, atom: atoms.selectorAddresses(new CalicoSelector(not)).id, negate: true });
  if (e.services?.name) {
    const ns = e.services.namespace?.value || ctx.namespace || 'default';
    const name = e.services.name.value;
    const svc = ctx.services.named(ns, name);
    if (side === 'destination')
      out.push({ type: 'ports', side, ranges: [], named: [atoms.service(ns, name, svc, 'ports').id], negate: false });
    else out.push({ type: 'endpoint', side, atom: atoms.service(ns, name, svc, 'members').id, negate: false });
  }
  if (e.ports) out.push(portsCondition(e.ports, side, false, atoms));
  if (e.notPorts) out.push(portsCondition(e.notPorts, side, true, atoms));
  return out;
}

export function compileCalicoRule(rule: CalicoRule, direction: Direction, ctx: RuleContext): CompiledRule {
  const parts: Condition[] = [];
  if (rule.protocol) parts.push({ type: 'protocol', protocols: [protocolName(rule.protocol.value)], negate: false });
  if (rule.notProtocol)
    parts.push({ type: 'protocol', protocols: [protocolName(rule.notProtocol.value)], negate: true });
  if (rule.ipVersion) {
    const all = parseCidrOrIp(rule.ipVersion.value === 4 ? '0.0.0.0/0' : '::/0');
    if (isCidr(all)) parts.push({ type: 'nets', side: 'source', atom: ctx.atoms.nets([all]).id, negate: false });
  }
  parts.push(...entityConditions(rule.source, 'source', ctx));
  parts.push(...entityConditions(rule.destination, 'destination', ctx));
  return {
    index: rule.index,
    direction,
    action: rule.action!.value,
    condition: { type: 'all', of: parts },
    span: rule.span,
    summary: describeRule(rule),
  };
}

function describePorts(list: LocatedList<CalicoPort>): string {
  return list.items
    .map((p) => (p.kind === 'named' ? p.name : p.from === p.to ? String(p.from) : `${p.from}:${p.to}`))
    .join(', ');
}

export function describeEntity(e: EntityRule): string[] {
  const parts: string[] = [];
  if (e.namespaceSelector?.value.trim())
    parts.push(`namespaceSelector ${canonicalSelectorText(e.namespaceSelector.value)}`);
  if (e.selector?.value.trim()) parts.push(`selector ${canonicalSelectorText(e.selector.value)}`);
  if (e.notSelector?.value.trim()) parts.push(`notSelector ${canonicalSelectorText(e.notSelector.value)}`);
  if (e.serviceAccounts) {
    const sa: string[] = [];
    if (e.serviceAccounts.names.length) sa.push(`names ${e.serviceAccounts.names.map((n) => n.value).join(', ')}`);
    if (e.serviceAccounts.selector?.value.trim())
      sa.push(`selector ${canonicalSelectorText(e.serviceAccounts.selector.value)}`);
    parts.push(`serviceAccounts ${sa.join(' and ') || '(any)'}`);
  }
  if (e.services?.name)
    parts.push(`service ${e.services.namespace ? `${e.services.namespace.value}/` : ''}${e.services.name.value}`);
  if (e.nets) parts.push(`nets ${e.nets.items.map((n) => n.value).join(', ')}`);
  if (e.notNets) parts.push(`notNets ${e.notNets.items.map((n) => n.value).join(', ')}`);
  if (e.ports) parts.push(`ports ${describePorts(e.ports)}`);
  if (e.notPorts) parts.push(`notPorts ${describePorts(e.notPorts)}`);
  return parts;
}

/** `protocol TCP; from namespaceSelector ns == "z"; to ports 80` */
export function describeRule(rule: CalicoRule): string {
  const parts: string[] = [];
  if (rule.protocol) parts.push(`protocol ${protocolName(rule.protocol.value)}`);
  if (rule.notProtocol) parts.push(`notProtocol ${protocolName(rule.notProtocol.value)}`);
  if (rule.ipVersion) parts.push(`IPv${rule.ipVersion.value} only`);
  if (rule.icmp) parts.push('ICMP type/code match');
  const src = describeEntity(rule.source);
  const dst = describeEntity(rule.destination);
  if (src.length) parts.push(`from ${src.join(', ')}`);
  if (dst.length) parts.push(`to ${dst.join(', ')}`);
  if (rule.http) parts.push('HTTP match (not simulated)');
  return parts.length ? parts.join('; ') : 'all traffic';
}
