/**
 * What to say about a target (object-at.ts): counts first, at most a few
 * names, then "and N more". Plain sentences; the hover adapter renders them.
 */
import { cidrContains, isCidr, parseCidr } from '../common/ip';
import { plural, quoteList } from '../common/text';
import { type Admission, ruleAdmission } from '../engine/admission';
import { METADATA_ADDRESSES } from '../engine/address-classes';
import type { Analysis } from '../engine/analysis';
import type { IntentResult } from '../engine/intents';
import { describeAdmission, describePods, MAX_NAMES, ownerName } from '../engine/describe';
import type { Labels } from '../model/kubernetes';
import { EndpointSelectorAtom } from '../policy/atoms';
import {
  type CompiledPolicy,
  type CompiledRule,
  type Condition,
  type Direction,
  policyName,
} from '../policy/rule-model';
import { errorText, parseSelector } from '../policy/selector/calico-selector';
import { netConfKeyFacts } from './net-conf-facts';
import type { Target } from './object-at';
import { podsOfAtom, podsOfWorkload } from './select-pods';
import { policySummary, policySummaryText, workloadReach, workloadReachText } from './reach-summary';
import { memoized } from '../common/memo';

export interface Facts {
  /** One line: the answer, counts first. */
  readonly title: string;
  /** More lines (each a sentence or a `name: value` line). */
  readonly lines: readonly string[];
}

export function targetFacts(a: Analysis, t: Target): Facts | undefined {
  switch (t.type) {
    case 'subject':
      return subjectFacts(a, t.compiled);
    case 'policy':
      return t.compiled
        ? { title: `${policyName(t.compiled.ref)}: ${policySummaryText(policySummary(a, t.compiled))}`, lines: [] }
        : notSimulated();
    case 'rule':
      return t.compiled && t.rule ? ruleFacts(a, t.compiled, t.rule) : notSimulated();
    case 'peer':
      return t.compiled && t.rule ? peerFacts(a, t.compiled, t.rule, t.peer.index) : notSimulated();
    case 'namespace-selector':
      return namespaceFacts(a, t);
    case 'cidr':
      return cidrFacts(a, t.text);
    case 'calico-selector':
      return calicoSelectorFacts(a, t);
    case 'workload':
    case 'pod-object':
      return workloadFacts(a, t.type === 'workload' ? t.workload : t.object);
    case 'service':
      return serviceFacts(a, t.service);
    case 'flannel-config':
      return flannelFacts(a);
    case 'flannel-key':
      return netConfKeyFacts(a, t.key);
    case 'intent':
      return intentFacts(t.result);
  }
}

function notSimulated(): Facts {
  return {
    title: 'Not simulated',
    lines: ['This policy is left out of the simulation (staged, or rejected by validation); see its diagnostics.'],
  };
}

function directions(p: CompiledPolicy): string {
  const d = [p.ingress ? 'ingress' : '', p.egress ? 'egress' : ''].filter((x) => x);
  return d.length ? `isolates ${d.join(' and ')}` : 'isolates no direction';
}

function subjectFacts(a: Analysis, p: CompiledPolicy | undefined): Facts {
  if (!p) return notSimulated();
  const pods = podsOfAtom(a, p.subject);
  return {
    title: `selects ${describePods(a, pods)}`,
    lines: [`${policyName(p.ref)} ${directions(p)} of ${plural(pods.length, 'pod')}.`, ...p.notes],
  };
}

/** Pairs (peer, subject) the rule admits whose verdict another rule or tier decides first. */
function overrides(a: Analysis, adm: Admission): string[] {
  const found = new Map<string, number>();
  const peerReps = adm.peerClasses.map((c) => c.members[0]).slice(0, 20);
  const subjectReps = adm.subjectClasses.map((c) => c.members[0]).slice(0, 20);
  const port = adm.ports[0];
  if (!port) return [];
  const [protocol, number] = [port.protocol, port.ranges[0][0]];
  const direction: Direction = adm.rule.direction;
  for (const peer of peerReps) {
    for (const subject of subjectReps) {
      const [src, dst] = direction === 'ingress' ? [peer, subject] : [subject, peer];
      const v = a.engine.explain(src, dst, protocol, number)[direction];
      const decider = [...v.steps].reverse().find((s) => s.action === 'Allow' || s.action === 'Deny');
      if (!decider) {
        const last = v.steps[v.steps.length - 1];
        if (last && last.action !== 'EndOfTier') continue;
      }
      const same =
        decider?.policy &&
        decider.policy.span.file === adm.policy.ref.span.file &&
        decider.policy.span.start === adm.policy.ref.span.start &&
        decider.ruleIndex === adm.rule.index;
      if (same || !decider?.policy) continue;
      const word = `${policyName(decider.policy)} (tier ${decider.tier}) ${decider.action === 'Deny' ? 'denies' : 'allows'} first`;
      found.set(word, (found.get(word) ?? 0) + 1);
    }
  }
  return [...found.keys()];
}

function ruleFacts(a: Analysis, p: CompiledPolicy, rule: CompiledRule): Facts {
  const adm = ruleAdmission(a, p, rule);
  const lines = [`${rule.direction} rule ${rule.index + 1} of ${policyName(p.ref)}: ${rule.summary}.`];
  lines.push(
    `Applies to ${describePods(
      a,
      adm.subjectClasses.flatMap((c) => c.members).sort((x, y) => x - y),
    )}.`,
  );
  const o = overrides(a, adm);
  if (o.length) lines.push(`Overridden for some of them: ${quoteList(o, 3)}.`);
  else if (adm.peerClasses.length) lines.push('No earlier rule or tier overrides it.');
  return { title: describeAdmission(a, adm), lines };
}

/** The rule with only one of its peers (a Kubernetes rule's `from`/`to` entry). */
function peerRule(rule: CompiledRule, peerIndex: number): CompiledRule | undefined {
  const c = rule.condition;
  if (c.type !== 'all') return undefined;
  const peers = c.of[0];
  if (peers?.type !== 'any' || peerIndex >= peers.of.length) return undefined;
  const condition: Condition = { type: 'all', of: [peers.of[peerIndex], ...c.of.slice(1)] };
  return { ...rule, condition, summary: `${rule.summary} (peer ${peerIndex + 1})` };
}

const peerRules = new WeakMap<CompiledRule, Map<number, CompiledRule | undefined>>();

/** What one peer of a Kubernetes rule admits on its own (with the rule's ports). */
export function peerAdmission(
  a: Analysis,
  p: CompiledPolicy,
  rule: CompiledRule,
  peerIndex: number,
): Admission | undefined {
  const m = memoized(peerRules, rule, () => new Map<number, CompiledRule | undefined>());
  if (!m.has(peerIndex)) m.set(peerIndex, peerRule(rule, peerIndex));
  const r = m.get(peerIndex);
  return r ? ruleAdmission(a, p, r) : undefined;
}

function peerFacts(a: Analysis, p: CompiledPolicy, rule: CompiledRule, peerIndex: number): Facts {
  const adm = peerAdmission(a, p, rule, peerIndex);
  if (!adm) return ruleFacts(a, p, rule);
  const o = overrides(a, adm);
  return {
    title: describeAdmission(a, adm),
    lines: [
      `Peer ${peerIndex + 1} of ${rule.direction} rule ${rule.index + 1} of ${policyName(p.ref)}.`,
      ...(o.length ? [`Overridden for some pods: ${quoteList(o, 3)}.`] : []),
    ],
  };
}

function namespacesMatching(a: Analysis, matches: (labels: Labels) => boolean): string[] {
  return [...a.cluster.namespaces.values()].filter((n) => matches(n.labels)).map((n) => n.name);
}

function namespaceFacts(a: Analysis, t: Extract<Target, { type: 'namespace-selector' }>): Facts {
  let names: string[] | undefined;
  if ('value' in t.selector) {
    const r = parseSelector(t.selector.value);
    if (!r.ok) return { title: 'Invalid selector', lines: [errorText(r.error)] };
    names = namespacesMatching(a, (l) =>
      r.selector.matches({ ...l, 'projectcalico.org/name': l['kubernetes.io/metadata.name'] ?? '' }),
    );
  } else if (t.rule && t.peer) {
    const single = peerRule(t.rule, t.peer.index);
    const c = single?.condition.type === 'all' ? single.condition.of[0] : undefined;
    const atom = c && c.type === 'endpoint' ? a.policies.atoms[c.atom] : undefined;
    if (atom instanceof EndpointSelectorAtom && atom.scope.namespaceSelector) {
      const sel = atom.scope.namespaceSelector;
      names = namespacesMatching(a, (l) => sel.matches(l));
    }
  }
  if (!names) return { title: 'namespaceSelector', lines: ['Not simulated.'] };
  return {
    title: `matches ${plural(names.length, 'namespace')}${names.length ? `: ${quoteList(names, MAX_NAMES)}` : ''}`,
    lines: names.length
      ? []
      : [`Namespaces in the workspace: ${quoteList([...a.cluster.namespaces.keys()], MAX_NAMES)}.`],
  };
}

function cidrFacts(a: Analysis, text: string): Facts {
  const c = parseCidr(text.trim());
  if (!isCidr(c)) return { title: `Not a CIDR: ${c.error}`, lines: [] };
  const subnets: string[] = [];
  for (const n of a.addressing.nodes.values())
    for (const s of n.subnets)
      if (
        s.family === c.family &&
        (cidrContains(c, { family: s.family, value: s.base, text: '' }) ||
          cidrContains(s, { family: c.family, value: c.base, text: '' }))
      )
        subnets.push(`${n.node} ${s.text}`);
  const pods = a.endpoints
    .map((e, i) => [e, i] as const)
    .filter(([e]) => e.ips.some((ip) => cidrContains(c, ip)))
    .map(([, i]) => i);
  const metadata = METADATA_ADDRESSES.some(
    (m) => m.family === c.family && cidrContains(c, { family: m.family, value: m.base, text: '' }),
  );
  const lines = [
    `Node subnets: ${subnets.length ? quoteList(subnets, MAX_NAMES) : 'none'}.`,
    metadata
      ? 'Includes the cloud metadata address (169.254.169.254 / fd00:ec2::254).'
      : 'Does not include the cloud metadata address.',
  ];
  return { title: `${c.text} covers ${describePods(a, pods)}`, lines };
}

function calicoSelectorFacts(a: Analysis, t: Extract<Target, { type: 'calico-selector' }>): Facts {
  const r = parseSelector(t.text);
  if (!r.ok) return { title: 'Invalid Calico selector', lines: [errorText(r.error)] };
  const lines = [`Canonical form: \`${r.selector.canonical}\``];
  if (t.use) {
    const pods = podsOfAtom(a, t.use.atom);
    const what = t.use.role === 'subject' ? 'selects' : 'matches the addresses of';
    return { title: `${what} ${describePods(a, pods)}`, lines };
  }
  return { title: `\`${r.selector.canonical}\``, lines: [] };
}

function workloadFacts(a: Analysis, w: { meta: { kind: string; name: string; namespace?: string } }): Facts {
  const pods = podsOfWorkload(a, w as never);
  const lines: string[] = [];
  for (const i of pods.slice(0, MAX_NAMES)) {
    const e = a.endpoints[i];
    const node = e.node ? a.addressing.nodes.get(e.node) : undefined;
    const ips = e.ips.map((x) => x.text).join(', ') || 'no address';
    lines.push(
      `${e.pod?.name ?? e.id}: ${ips}${e.node ? ` on ${e.node}` : ' (not scheduled)'}${node?.subnets.length ? ` (subnet ${node.subnets.map((s) => s.text).join(', ')})` : ''}${e.kind === 'host' ? ', host network' : ''}`,
    );
  }
  if (pods.length > MAX_NAMES) lines.push(`and ${pods.length - MAX_NAMES} more`);
  if (pods.length) {
    const values = a.engine.classes[a.engine.classIdOf(pods[0])].values;
    const selecting = (d: Direction) =>
      a.policies.tiers.flatMap((t) =>
        t.policies.filter((p) => p[d] !== undefined && values.get(p.subject) === true).map((p) => policyName(p.ref)),
      );
    for (const d of ['ingress', 'egress'] as const) {
      const list = selecting(d);
      lines.push(`${d}: ${list.length ? `selected by ${quoteList(list, 4)}` : 'no policy selects it (not isolated)'}`);
    }
    const reach = workloadReach(a, ownerName(a.endpoints[pods[0]]));
    if (reach) lines.push(`${workloadReachText(reach)} of ${reach.total - 1} other workloads.`);
  }
  return {
    title: `${w.meta.kind} ${w.meta.namespace ?? 'default'}/${w.meta.name}: ${plural(pods.length, 'pod')}`,
    lines,
  };
}

function serviceFacts(a: Analysis, s: import('../model/kubernetes').Service): Facts {
  const sel = s.selector;
  const ns = s.meta.namespace ?? 'default';
  if (!sel || Object.keys(sel).length === 0)
    return { title: `Service ${ns}/${s.meta.name}: no selector`, lines: ['Its endpoints are not simulated.'] };
  const pods = a.endpoints
    .map((e, i) => [e, i] as const)
    .filter(([e]) => e.kind === 'pod' && e.namespace === ns && Object.entries(sel).every(([k, v]) => e.labels[k] === v))
    .map(([, i]) => i);
  const lines: string[] = [];
  for (const port of s.ports) {
    const target = port.targetPort ?? port.port;
    const from = new Set<string>();
    for (const j of pods) {
      const n =
        typeof target === 'number'
          ? target
          : Number(
              (a.endpoints[j].namedPorts.get(target) ?? [])
                .find((k) => k.startsWith(`${port.protocol}/`))
                ?.split('/')[1],
            );
      if (!n) continue;
      a.endpoints.forEach((e, i) => {
        if (i !== j && a.engine.allowed(i, j, port.protocol, n)) from.add(ownerName(e));
      });
    }
    lines.push(
      `${port.protocol} ${port.port}${port.targetPort !== undefined ? ` -> ${port.targetPort}` : ''}: reachable from ${plural(from.size, 'workload')}${from.size ? ` (${quoteList([...from], 5)})` : ''}`,
    );
  }
  return { title: `Service ${ns}/${s.meta.name} is backed by ${describePods(a, pods)}`, lines };
}

function flannelFacts(a: Analysis): Facts {
  const cfg = a.addressing.config;
  const lines = cfg.networks.map((n) => `IPv${n.family} network ${n.network.text}, /${n.subnetLen} per node`);
  for (const n of a.addressing.nodes.values())
    lines.push(
      `${n.node}: ${n.subnets.map((s) => s.text).join(', ') || 'no subnet'} (${n.subnetOrigin}, ${n.podCount} pods)`,
    );
  return { title: `flannel: backend ${cfg.backend.type}, subnet manager ${cfg.subnetManager}`, lines };
}

/** An intent: passed or failed, with the failing pairs and what decided the first. */
function intentFacts(r: IntentResult): Facts {
  const name = `Intent "${r.intent.name.value}"`;
  const expect = r.intent.expect.value;
  if (r.status === 'empty')
    return { title: `${name} tests nothing`, lines: r.problem ? [`${r.problem.message.replace(/[.?]$/, '')}.`] : [] };
  if (r.status === 'passed')
    return {
      title: `${name} passes: ${plural(r.pairs, 'pair')} ${expect === 'allow' ? 'connect' : 'kept apart'}`,
      lines: [],
    };
  const verb = expect === 'allow' ? 'denied' : 'allowed';
  const listed = r.failing.slice(0, MAX_NAMES).map((p) => `${p.from} → ${p.to} ${p.port}`);
  const more = r.failedCount - listed.length;
  return {
    title: `${name} fails: ${r.failedCount} of ${plural(r.pairs, 'pair')} ${verb}`,
    lines: [
      ...listed,
      ...(more > 0 ? [`and ${more} more`] : []),
      ...(r.deciding ? [`First: ${r.deciding.text}.`] : []),
    ],
  };
}
