/**
 * Reading networking.k8s.io/v1 (and extensions/v1beta1) NetworkPolicy, with the
 * checks the API server makes (ValidateNetworkPolicySpec). A policy the API
 * server would reject is marked invalid and left out of the simulation.
 */
import { cidrCovers, isCidr, parseCidr } from '../common/ip';
import type { Located } from '../common/source';
import type { RMap } from '../yaml/yaml-reader';
import { portNameProblem } from './label-syntax';
import type { ReadMeta } from './meta';
import { readProtocol } from './pod-spec';
import { emptySelector, readLabelSelector } from './read-label-selector';
import type {
  IPBlock,
  KubeNetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  PolicyType,
} from './kubernetes';

/**
 * `errorsBefore`: the count of error findings before this object's metadata was read.
 * `extraSpecKeys`: spec fields of kinds that embed a NetworkPolicy spec (StagedKubernetesNetworkPolicy's `stagedAction`).
 */
export function readNetworkPolicy(
  obj: RMap,
  meta: ReadMeta,
  errorsBefore: number,
  extraSpecKeys: readonly string[] = [],
): KubeNetworkPolicy {
  obj.checkKeys(['apiVersion', 'kind', 'metadata', 'spec', 'status'], `a ${meta.kind}`);
  const spec = obj.map('spec');
  if (!spec) obj.missing('spec');
  spec?.checkKeys(['podSelector', 'policyTypes', 'ingress', 'egress', ...extraSpecKeys], `a ${meta.kind} spec`);
  // The fallback (the spec's first line) is where an absent podSelector is reported; made only then.
  const podSelector = spec
    ? readLabelSelector(spec, 'podSelector', spec.hasKey('podSelector') ? spec.span : spec.firstLine())
    : emptySelector(meta.nameSpan);

  let policyTypes: Located<PolicyType[]> | undefined;
  const types = spec?.strings('policyTypes');
  if (types) {
    const values: PolicyType[] = [];
    for (const t of types) {
      if (t.value === 'Ingress' || t.value === 'Egress') {
        if (values.includes(t.value))
          obj.ctx.sink.report('invalid-field', 'error', `spec.policyTypes: ${t.value} is listed twice.`, t.span);
        else values.push(t.value);
      } else {
        const fixed = ['Ingress', 'Egress'].find((x) => x.toLowerCase() === t.value.toLowerCase());
        obj.ctx.sink.report(
          'invalid-field',
          'error',
          `spec.policyTypes: "${t.value}" is not a policy type; use ${fixed ? `"${fixed}"` : 'Ingress or Egress'}.`,
          t.span,
        );
      }
    }
    policyTypes = { value: values, span: spec!.entry('policyTypes')!.valueSpan };
  }

  const ingress = spec && readRules(spec, 'ingress', 'from');
  const egress = spec && readRules(spec, 'egress', 'to');
  const errorsAfter = obj.ctx.sink.errorCount;
  const valid = errorsAfter === errorsBefore;
  if (!valid) {
    obj.ctx.sink.report(
      'policy-not-simulated',
      'warning',
      `The API server rejects ${meta.kind} ${meta.namespace}/${meta.name} because of the errors in it, so it is left out of the simulation.`,
      meta.nameSpan,
    );
  }
  return {
    meta: { ...meta, namespace: meta.namespace ?? 'default' },
    podSelector,
    policyTypes,
    ingress,
    ingressSpan: spec?.keySpan('ingress'),
    egress,
    egressSpan: spec?.keySpan('egress'),
    valid,
  };
}

const PEER_KEYS = ['podSelector', 'namespaceSelector', 'ipBlock'];
const PORT_KEYS = ['protocol', 'port', 'endPort'];
const IP_BLOCK_KEYS = ['cidr', 'except'];

function readRules(spec: RMap, key: 'ingress' | 'egress', peersKey: 'from' | 'to'): NetworkPolicyRule[] | undefined {
  // `ingress:` with nothing after it is null, which the API server reads as absent.
  if (!spec.has(key)) return undefined;
  const seq = spec.seq(key);
  if (!seq) return undefined;
  const rules: NetworkPolicyRule[] = [];
  for (let i = 0; i < seq.length; i++) {
    if (spec.ctx.kindOf(seq.nodeAt(i)) === 'null') {
      // `- ` alone is an empty rule: it allows everything.
      rules.push({ index: i, span: seq.spanAt(i) });
      continue;
    }
    const r = seq.mapAt(i);
    if (!r) continue;
    r.checkKeys([peersKey, 'ports'], `a NetworkPolicy ${key} rule`);
    let peers: NetworkPolicyPeer[] | undefined;
    if (r.has(peersKey)) {
      peers = [];
      const ps = r.seq(peersKey);
      for (let p = 0; ps && p < ps.length; p++) {
        const pm = ps.mapAt(p);
        if (!pm) {
          if (spec.ctx.kindOf(ps.nodeAt(p)) === 'null')
            spec.ctx.sink.report(
              'invalid-field',
              'error',
              `${ps.pathAt(p)}: a peer must set podSelector, namespaceSelector or ipBlock.`,
              ps.spanAt(p),
            );
          continue;
        }
        const peer = readPeer(pm, p);
        if (peer) peers.push(peer);
      }
    }
    let ports: NetworkPolicyPort[] | undefined;
    if (r.has('ports')) {
      ports = [];
      const portMaps = r.seq('ports')?.maps();
      for (let index = 0; portMaps && index < portMaps.length; index++) ports.push(readPort(portMaps[index], index));
    }
    rules.push({ index: i, span: r.span, peers, peersSpan: r.keySpan(peersKey), ports });
  }
  return rules;
}

function readPeer(pm: RMap, index: number): NetworkPolicyPeer | undefined {
  pm.checkKeys(PEER_KEYS, 'a NetworkPolicy peer');
  const hasPod = pm.hasKey('podSelector');
  const hasNs = pm.hasKey('namespaceSelector');
  const hasIp = pm.hasKey('ipBlock');
  if (!hasPod && !hasNs && !hasIp) {
    pm.ctx.sink.report(
      'invalid-field',
      'error',
      `${pm.path}: a peer must set podSelector, namespaceSelector or ipBlock.`,
      pm.span,
    );
    return undefined;
  }
  if (hasIp && (hasPod || hasNs)) {
    pm.ctx.sink.report(
      'invalid-field',
      'error',
      `${pm.path}: ipBlock cannot be combined with podSelector or namespaceSelector in one peer; make them separate list items.`,
      pm.entry('ipBlock')!.keySpan,
    );
  }
  return {
    index,
    span: pm.span,
    podSelector: hasPod ? readLabelSelector(pm, 'podSelector', pm.span) : undefined,
    namespaceSelector: hasNs ? readLabelSelector(pm, 'namespaceSelector', pm.span) : undefined,
    ipBlock: hasIp ? readIPBlock(pm) : undefined,
  };
}

export function readIPBlock(pm: RMap): IPBlock | undefined {
  const b = pm.map('ipBlock');
  if (!b) {
    pm.ctx.sink.report(
      'invalid-field',
      'error',
      `${pm.child('ipBlock')}: ipBlock needs a \`cidr\`.`,
      pm.entry('ipBlock')!.pairSpan,
    );
    return undefined;
  }
  b.checkKeys(IP_BLOCK_KEYS, 'an ipBlock');
  const cidr = b.str('cidr', { required: true });
  const except = b.strings('except') ?? [];
  if (!cidr) return undefined;
  const parsed = parseCidr(cidr.value);
  if (!isCidr(parsed)) {
    b.ctx.sink.report('invalid-field', 'error', `${b.child('cidr')}: ${parsed.error}.`, cidr.span);
  } else if (parsed.hostBitsSet) {
    b.ctx.sink.report(
      'invalid-field',
      'warning',
      `${b.child('cidr')}: "${cidr.value}" has host bits set; it means ${parsed.text}.`,
      cidr.span,
    );
  }
  for (const ex of except) {
    const e = parseCidr(ex.value);
    if (!isCidr(e)) {
      b.ctx.sink.report('invalid-field', 'error', `${b.child('except')}: ${e.error}.`, ex.span);
    } else if (isCidr(parsed) && (!cidrCovers(parsed, e) || (e.prefix === parsed.prefix && e.base === parsed.base))) {
      b.ctx.sink.report(
        'invalid-field',
        'error',
        `${b.child('except')}: ${e.text} must be a strict subset of cidr ${parsed.text}.`,
        ex.span,
      );
    }
  }
  return { cidr, except, span: b.span };
}

export function readPort(pm: RMap, index: number): NetworkPolicyPort {
  pm.checkKeys(PORT_KEYS, 'a NetworkPolicy port');
  const protocol = readProtocol(pm);
  const port = pm.intOrString('port');
  const endPort = pm.int('endPort');
  if (port && typeof port.value === 'number' && (port.value < 1 || port.value > 65535)) {
    pm.ctx.sink.report(
      'invalid-field',
      'error',
      `${pm.child('port')}: ${port.value} is not a port number (1-65535).`,
      port.span,
    );
  }
  if (port && typeof port.value === 'string') {
    if (/^\d+$/.test(port.value)) {
      pm.ctx.sink.report(
        'invalid-field',
        'error',
        `${pm.child('port')}: "${port.value}" is a string, so it is read as a port name, which cannot be all digits; write ${port.value} without quotes.`,
        port.span,
      );
    } else {
      const problem = portNameProblem(port.value);
      if (problem) pm.ctx.sink.report('invalid-field', 'error', `${pm.child('port')}: ${problem}.`, port.span);
    }
  }
  if (endPort) {
    if (!port)
      pm.ctx.sink.report(
        'invalid-field',
        'error',
        `${pm.child('endPort')}: endPort needs \`port\` to be set.`,
        endPort.span,
      );
    else if (typeof port.value === 'string')
      pm.ctx.sink.report(
        'invalid-field',
        'error',
        `${pm.child('endPort')}: endPort cannot be used with a named port.`,
        endPort.span,
      );
    else if (endPort.value < port.value)
      pm.ctx.sink.report(
        'invalid-field',
        'error',
        `${pm.child('endPort')}: endPort ${endPort.value} must be at least port ${port.value}.`,
        endPort.span,
      );
    else if (endPort.value > 65535)
      pm.ctx.sink.report(
        'invalid-field',
        'error',
        `${pm.child('endPort')}: ${endPort.value} is not a port number (1-65535).`,
        endPort.span,
      );
  }
  return { index, span: pm.span, protocol, port, endPort };
}
