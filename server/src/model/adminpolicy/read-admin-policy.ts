/**
 * Reading ClusterNetworkPolicy (v1alpha2) and AdminNetworkPolicy /
 * BaselineAdminNetworkPolicy (v1alpha1) with their CRD validation: enums,
 * priority range, "exactly one of" subjects, peers and ports, list limits.
 * An invalid object is left out of the simulation, as the API server rejects it.
 */
import { isCidr, parseCidr } from '../../common/ip';
import type { Located } from '../../common/source';
import type { RMap } from '../../yaml/yaml-reader';
import { readEnum } from '../enums';
import { portNameProblem } from '../label-syntax';
import type { ReadMeta } from '../meta';
import { readLabelSelector } from '../read-label-selector';
import { type Protocol, PROTOCOLS } from '../kubernetes';
import type {
  AdminAction,
  AdminPeer,
  AdminPodSet,
  AdminPolicy,
  AdminPolicyKind,
  AdminPort,
  AdminRule,
} from './admin-policy';

interface Flavor {
  readonly kind: AdminPolicyKind;
  readonly actions: readonly string[];
  readonly maxRules: number;
  readonly peerLimit: number;
  /** v1alpha2 `protocols` or v1alpha1 `ports`. */
  readonly portsKey: 'protocols' | 'ports';
}

const FLAVORS: Record<AdminPolicyKind, Flavor> = {
  ClusterNetworkPolicy: {
    kind: 'ClusterNetworkPolicy',
    actions: ['Accept', 'Deny', 'Pass'],
    maxRules: 25,
    peerLimit: 25,
    portsKey: 'protocols',
  },
  AdminNetworkPolicy: {
    kind: 'AdminNetworkPolicy',
    actions: ['Allow', 'Deny', 'Pass'],
    maxRules: 100,
    peerLimit: 100,
    portsKey: 'ports',
  },
  BaselineAdminNetworkPolicy: {
    kind: 'BaselineAdminNetworkPolicy',
    actions: ['Allow', 'Deny'],
    maxRules: 100,
    peerLimit: 100,
    portsKey: 'ports',
  },
};

const err = (m: RMap, message: string, at = m.span) => m.ctx.sink.report('invalid-field', 'error', message, at);

/** Exactly one of `keys` must be set; returns it. */
function exactlyOne(m: RMap, keys: readonly string[], what: string): string | undefined {
  const set = keys.filter((k) => m.has(k));
  if (set.length === 1) return set[0];
  if (set.length === 0) err(m, `${m.path}: ${what} must set exactly one of ${keys.join(', ')}.`, m.firstLine());
  else err(m, `${m.path}: ${what} sets ${set.join(' and ')}; exactly one is allowed.`, m.entry(set[1])!.keySpan);
  return undefined;
}

function readPodSet(m: RMap, key: 'namespaces' | 'pods'): AdminPodSet | undefined {
  if (key === 'namespaces') return { namespaceSelector: readLabelSelector(m, 'namespaces', m.span) };
  const pods = m.map('pods');
  if (!pods) return undefined;
  pods.checkKeys(['namespaceSelector', 'podSelector'], 'a pods selector');
  if (!pods.has('podSelector') && !pods.entry('podSelector')) pods.missing('podSelector');
  return {
    namespaceSelector: readLabelSelector(pods, 'namespaceSelector', pods.span),
    podSelector: readLabelSelector(pods, 'podSelector', pods.span),
  };
}

function readPeer(m: RMap, index: number, egress: boolean): AdminPeer | undefined {
  const keys = egress ? ['namespaces', 'pods', 'networks', 'nodes', 'domainNames'] : ['namespaces', 'pods'];
  m.checkKeys(keys, egress ? 'an egress peer' : 'an ingress peer');
  const which = exactlyOne(m, keys, 'a peer');
  if (!which) return undefined;
  if (which === 'namespaces' || which === 'pods') return { index, span: m.span, pods: readPodSet(m, which) };
  if (which === 'networks') {
    const networks: Located<string>[] = [];
    for (const n of m.strings('networks') ?? []) {
      const c = parseCidr(n.value);
      if (!isCidr(c)) err(m, `${m.child('networks')}: ${c.error}.`, n.span);
      else networks.push(n);
    }
    return { index, span: m.span, networks };
  }
  return { index, span: m.span, unsupported: { value: which, span: m.entry(which)!.keySpan } };
}

function readPortRange(m: RMap, startKey: string, endKey: string): { from: number; to: number } | undefined {
  const start = m.int(startKey, { min: 1, max: 65535 });
  const end = m.int(endKey, { min: 1, max: 65535 });
  if (!m.has(startKey)) m.missing(startKey);
  if (!m.has(endKey)) m.missing(endKey);
  if (!start || !end) return undefined;
  if (start.value >= end.value) {
    err(
      m,
      `${m.path}: Start port must be less than End port (${start.value} is not less than ${end.value}).`,
      end.span,
    );
    return undefined;
  }
  return { from: start.value, to: end.value };
}

function readNamedPort(m: RMap, key: string): AdminPort | undefined {
  const name = m.str(key);
  if (!name) return undefined;
  const problem = portNameProblem(name.value);
  if (problem) err(m, `${m.child(key)}: ${problem}.`, name.span);
  return { span: m.span, named: name.value };
}

/** v1alpha2: `- tcp: {destinationPort: {number: 80}}`, `- udp: {destinationPort: {range: {start, end}}}`, `- destinationNamedPort: http`. */
function readProtocolMatch(m: RMap): AdminPort | undefined {
  m.checkKeys(['tcp', 'udp', 'sctp', 'destinationNamedPort'], 'a protocol match');
  const which = exactlyOne(m, ['tcp', 'udp', 'sctp', 'destinationNamedPort'], 'a protocol match');
  if (!which) return undefined;
  if (which === 'destinationNamedPort') return readNamedPort(m, which);
  const protocol = which.toUpperCase() as Protocol;
  const pm = m.map(which);
  if (!pm) return undefined;
  pm.checkKeys(['destinationPort'], `a ${which} match`);
  const dp = pm.map('destinationPort');
  if (!dp) {
    err(pm, `${pm.path}: set destinationPort (a number or a range).`, m.entry(which)!.keySpan);
    return undefined;
  }
  dp.checkKeys(['number', 'range'], 'a destination port');
  const kind = exactlyOne(dp, ['number', 'range'], 'destinationPort');
  if (kind === 'number') {
    const n = dp.int('number', { min: 1, max: 65535 });
    return n && { span: m.span, protocol, from: n.value, to: n.value };
  }
  const range = kind === 'range' ? dp.map('range') : undefined;
  range?.checkKeys(['start', 'end'], 'a port range');
  const r = range && readPortRange(range, 'start', 'end');
  return r && { span: m.span, protocol, ...r };
}

function readAlpha1Protocol(m: RMap): Protocol {
  const p = readEnum(m, 'protocol', PROTOCOLS);
  return p?.value ?? 'TCP';
}

/** v1alpha1: `- portNumber: {protocol: TCP, port: 80}`, `- namedPort: http`, `- portRange: {protocol, start, end}`. */
function readAlpha1Port(m: RMap): AdminPort | undefined {
  m.checkKeys(['portNumber', 'namedPort', 'portRange'], 'a port match');
  const which = exactlyOne(m, ['portNumber', 'namedPort', 'portRange'], 'a port match');
  if (which === 'namedPort') return readNamedPort(m, which);
  const pm = which ? m.map(which) : undefined;
  if (!pm) return undefined;
  if (which === 'portNumber') {
    pm.checkKeys(['protocol', 'port'], 'a portNumber');
    const port = pm.int('port', { min: 1, max: 65535 });
    if (!pm.has('port')) pm.missing('port');
    return port && { span: m.span, protocol: readAlpha1Protocol(pm), from: port.value, to: port.value };
  }
  pm.checkKeys(['protocol', 'start', 'end'], 'a portRange');
  const protocol = readAlpha1Protocol(pm);
  const r = readPortRange(pm, 'start', 'end');
  return r && { span: m.span, protocol, ...r };
}

function readRules(spec: RMap, key: 'ingress' | 'egress', f: Flavor): AdminRule[] | undefined {
  const seq = spec.seq(key);
  if (!seq) return undefined;
  if (seq.length > f.maxRules)
    err(spec, `${seq.path}: at most ${f.maxRules} rules are allowed, found ${seq.length}.`, spec.entry(key)!.keySpan);
  const peersKey = key === 'ingress' ? 'from' : 'to';
  const rules: AdminRule[] = [];
  seq.maps().forEach((m, index) => {
    m.checkKeys(['name', 'action', peersKey, f.portsKey], `a ${f.kind} ${key} rule`);
    const name = m.str('name');
    if (name && name.value.length > 100)
      err(m, `${m.child('name')}: a rule name may have at most 100 characters.`, name.span);
    const action = readEnum(m, 'action', f.actions, { required: true });
    const peers: AdminPeer[] = [];
    const ps = m.seq(peersKey);
    if (!ps || ps.length === 0)
      err(m, `${m.path}: \`${peersKey}\` must list at least one peer.`, m.entry(peersKey)?.keySpan ?? m.firstLine());
    else if (ps.length > f.peerLimit)
      err(m, `${ps.path}: at most ${f.peerLimit} peers are allowed.`, m.entry(peersKey)!.keySpan);
    ps?.maps().forEach((pm, i) => {
      const peer = readPeer(pm, i, key === 'egress');
      if (peer) peers.push(peer);
    });
    let ports: AdminPort[] | undefined;
    const portSeq = m.seq(f.portsKey);
    if (portSeq) {
      if (portSeq.length === 0 && f.portsKey === 'protocols')
        err(
          m,
          `${portSeq.path}: list at least one protocol, or leave \`protocols\` out to match every port.`,
          m.entry(f.portsKey)!.keySpan,
        );
      ports = [];
      for (const pm of portSeq.maps()) {
        const p = f.portsKey === 'protocols' ? readProtocolMatch(pm) : readAlpha1Port(pm);
        if (p) ports.push(p);
      }
    }
    const act = action && {
      value: (action.value === 'Accept' ? 'Allow' : action.value) as AdminAction,
      span: action.span,
    };
    rules.push({ index, span: m.span, name: name?.value, action: act, peers, ports });
  });
  return rules;
}

export function readAdminPolicy(obj: RMap, meta: ReadMeta, kind: AdminPolicyKind, errorsBefore: number): AdminPolicy {
  const f = FLAVORS[kind];
  obj.checkKeys(['apiVersion', 'kind', 'metadata', 'spec', 'status'], `a ${kind}`);
  const spec = obj.map('spec');
  if (!spec) obj.missing('spec');
  const specKeys = [
    'subject',
    'ingress',
    'egress',
    ...(kind === 'ClusterNetworkPolicy' ? ['tier', 'priority'] : kind === 'AdminNetworkPolicy' ? ['priority'] : []),
  ];
  spec?.checkKeys(specKeys, `a ${kind} spec`);
  if (kind === 'BaselineAdminNetworkPolicy' && meta.name !== 'default') {
    obj.ctx.sink.report(
      'invalid-field',
      'error',
      `metadata.name: Only one baseline admin network policy with metadata.name="default" can be created in the cluster.`,
      meta.nameSpan,
    );
  }
  let tier: 'Admin' | 'Baseline' = kind === 'BaselineAdminNetworkPolicy' ? 'Baseline' : 'Admin';
  if (spec && kind === 'ClusterNetworkPolicy') {
    tier = readEnum(spec, 'tier', ['Admin', 'Baseline'] as const, { required: true })?.value ?? 'Admin';
  }
  let priority: Located<number> | undefined;
  if (spec && kind !== 'BaselineAdminNetworkPolicy') {
    priority = spec.int('priority', { min: 0, max: 1000 });
    if (!spec.has('priority')) spec.missing('priority');
  }
  let subject: AdminPodSet | undefined;
  const sm = spec?.map('subject');
  if (spec && !sm) spec.missing('subject');
  if (sm) {
    sm.checkKeys(['namespaces', 'pods'], 'a subject');
    const which = exactlyOne(sm, ['namespaces', 'pods'], 'subject') as 'namespaces' | 'pods' | undefined;
    subject = which && readPodSet(sm, which);
  }
  const ingress = spec && readRules(spec, 'ingress', f);
  const egress = spec && readRules(spec, 'egress', f);
  const valid = obj.ctx.sink.errorCount === errorsBefore;
  if (!valid) {
    obj.ctx.sink.report(
      'policy-not-simulated',
      'warning',
      `The API server rejects ${kind} ${meta.name} because of the errors in it, so it is left out of the simulation.`,
      meta.nameSpan,
    );
  }
  return { meta, kind, tier, priority, subject, ingress, egress, valid };
}
