/**
 * Policies and rules as YAML text, from the plans of engine/least-privilege.ts:
 * a whole NetworkPolicy or Calico NetworkPolicy (the least-privilege generator,
 * the complete-intents fix, a new policy for "Allow this connection"), or one
 * rule inserted into an existing NetworkPolicy at the indentation of its
 * neighbours. Block style, as kubectl writes it.
 */
import type { TextEdit } from '../../common/finding';
import { span } from '../../common/source';
import type { LeastPrivilegePlan, PeerSpec, PortSpec, RuleSpec, SelectorSpec } from '../../engine/least-privilege';
import type { KubeNetworkPolicy, Labels } from '../../model/kubernetes';
import { columnOf } from '../edits';

export type PolicyFlavor = 'kubernetes' | 'calico';

/** A YAML scalar: plain when that reads back as the same string, else double-quoted. */
export function yamlScalar(s: string): string {
  return /^[A-Za-z0-9][-A-Za-z0-9_./]*$/.test(s) && !/^(true|false|yes|no|on|off|y|n|null|~|[-+.]?\d.*)$/i.test(s)
    ? s
    : JSON.stringify(s);
}

const sorted = (labels: Labels) => Object.entries(labels).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));

function isEmpty(s: SelectorSpec | undefined): boolean {
  return !s || (Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0);
}

/** `key:` and a label selector under it (`key: {}` when empty), lines without the caller's indentation. */
function selectorLines(key: string, s: SelectorSpec | undefined): string[] {
  if (isEmpty(s)) return [`${key}: {}`];
  const out = [`${key}:`];
  const labels = sorted(s!.matchLabels);
  if (labels.length) out.push('  matchLabels:', ...labels.map(([k, v]) => `    ${yamlScalar(k)}: ${yamlScalar(v)}`));
  if (s!.matchExpressions.length) {
    out.push('  matchExpressions:');
    for (const e of s!.matchExpressions) {
      out.push(`  - key: ${yamlScalar(e.key)}`, `    operator: ${e.operator}`);
      if (e.values.length) out.push(`    values: [${e.values.map(yamlScalar).join(', ')}]`);
    }
  }
  return out;
}

const byName = (namespace: string): SelectorSpec => ({
  matchLabels: { 'kubernetes.io/metadata.name': namespace },
  matchExpressions: [],
});

/** One NetworkPolicy peer per list item (a Calico selector becomes its pods' label selectors), for a policy in `namespace`. */
function kubePeerItems(p: PeerSpec, namespace: string): string[][] {
  if (p.kind === 'ip-block')
    return [
      [
        'ipBlock:',
        `  cidr: ${yamlScalar(p.cidr)}`,
        ...(p.except.length ? [`  except: [${p.except.map(yamlScalar).join(', ')}]`] : []),
      ],
    ];
  if (p.kind === 'calico') return p.pods.flatMap((x) => kubePeerItems(x, namespace));
  const ns =
    p.namespaceSelector ?? (p.namespace !== undefined && p.namespace !== namespace ? byName(p.namespace) : undefined);
  if (!ns) return [selectorLines('podSelector', p.podSelector)];
  return [
    [
      ...selectorLines('namespaceSelector', ns),
      ...(isEmpty(p.podSelector) ? [] : selectorLines('podSelector', p.podSelector)),
    ],
  ];
}

const item = (lines: readonly string[]) => lines.map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`));

function portLines(ports: readonly PortSpec[]): string[] {
  return ports.flatMap((p) =>
    item([
      `protocol: ${p.protocol}`,
      ...(p.port !== undefined ? [`port: ${typeof p.port === 'number' ? p.port : yamlScalar(p.port)}`] : []),
      ...(p.endPort !== undefined ? [`endPort: ${p.endPort}`] : []),
    ]),
  );
}

/** A NetworkPolicy rule (`- from: …` / `- to: …`, `ports: …`) for a policy in `namespace`, without indentation. */
export function kubeRuleLines(rule: RuleSpec, direction: 'ingress' | 'egress', namespace: string): string[] {
  const peers = kubePeerItems(rule.peer, namespace);
  const body = [
    `${direction === 'ingress' ? 'from' : 'to'}:`,
    ...peers.flatMap((p) => item(p)),
    ...(rule.ports ? ['ports:', ...portLines(rule.ports)] : []),
  ];
  return item(body);
}

/** A label selector as a Calico selector expression (`app == 'api' && has(tier)`); `all()` when empty. */
function calicoExpression(s: SelectorSpec | undefined): string {
  if (isEmpty(s)) return 'all()';
  const lit = (v: string) => `'${v.replace(/'/g, '')}'`;
  const parts = sorted(s!.matchLabels).map(([k, v]) => `${k} == ${lit(v)}`);
  for (const e of s!.matchExpressions) {
    const set = `{${e.values.map(lit).join(', ')}}`;
    if (e.operator === 'In') parts.push(`${e.key} in ${set}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} not in ${set}`);
    else if (e.operator === 'Exists') parts.push(`has(${e.key})`);
    else parts.push(`!has(${e.key})`);
  }
  return parts.join(' && ');
}

/** The Calico entity rule lines (`selector`, `namespaceSelector`, `nets`) of a peer, for a policy in `namespace`. */
function calicoEntity(p: PeerSpec, namespace: string): string[] {
  if (p.kind === 'ip-block')
    return [
      `nets: [${yamlScalar(p.cidr)}]`,
      ...(p.except.length ? [`notNets: [${p.except.map(yamlScalar).join(', ')}]`] : []),
    ];
  if (p.kind === 'calico') {
    const ns =
      p.namespaceSelector ?? (p.namespace !== namespace ? `projectcalico.org/name == '${p.namespace}'` : undefined);
    return [`selector: ${JSON.stringify(p.selector)}`, ...(ns ? [`namespaceSelector: ${JSON.stringify(ns)}`] : [])];
  }
  const ns = p.namespaceSelector
    ? calicoExpression(p.namespaceSelector)
    : p.namespace !== undefined && p.namespace !== namespace
      ? `projectcalico.org/name == '${p.namespace}'`
      : undefined;
  return [
    `selector: ${JSON.stringify(calicoExpression(p.podSelector))}`,
    ...(ns ? [`namespaceSelector: ${JSON.stringify(ns)}`] : []),
  ];
}

const calicoPort = (p: PortSpec) =>
  p.port === undefined
    ? undefined
    : p.endPort !== undefined
      ? `"${p.port}:${p.endPort}"`
      : typeof p.port === 'number'
        ? String(p.port)
        : yamlScalar(p.port);

/** Calico Allow rules for one rule spec: one per protocol (a Calico rule has one), without indentation. */
function calicoRuleLines(rule: RuleSpec, direction: 'ingress' | 'egress', namespace: string): string[] {
  const entity = calicoEntity(rule.peer, namespace);
  const peerSide = direction === 'ingress' ? 'source' : 'destination';
  const byProtocol = new Map<string, string[]>();
  for (const p of rule.ports ?? []) {
    const list = byProtocol.get(p.protocol) ?? [];
    const port = calicoPort(p);
    if (port) list.push(port);
    byProtocol.set(p.protocol, list);
  }
  const one = (protocol: string | undefined, ports: readonly string[]) => {
    const portLine = ports.length ? [`  ports: [${ports.join(', ')}]`] : [];
    const lines = ['action: Allow', ...(protocol ? [`protocol: ${protocol}`] : [])];
    if (peerSide === 'source')
      lines.push('source:', ...entity.map((l) => `  ${l}`), ...(portLine.length ? ['destination:', ...portLine] : []));
    else lines.push('destination:', ...entity.map((l) => `  ${l}`), ...portLine);
    return item(lines);
  };
  if (!rule.ports) return one(undefined, []);
  return [...byProtocol.entries()].flatMap(([protocol, ports]) => one(protocol, ports));
}

/** The comment above a generated least-privilege policy: what it is for, and why each rule is there. */
export function planComment(plan: LeastPrivilegePlan, why: string): string[] {
  const count = (rules: readonly RuleSpec[] | undefined, dir: string) =>
    rules ? `${rules.length} ${dir} rule${rules.length === 1 ? '' : 's'}` : undefined;
  const counts = [count(plan.ingress, 'ingress'), count(plan.egress, 'egress')].filter((x) => x).join(' and ');
  const lines = [`# Least privilege for ${plan.owner}: ${why} (${counts}).`];
  for (const [dir, rules] of [
    ['ingress', plan.ingress],
    ['egress', plan.egress],
  ] as const)
    for (const [i, r] of (rules ?? []).entries()) lines.push(`#   ${dir} ${i + 1}: ${r.reasons.join(', ')}`);
  return lines;
}

/** A whole policy document from a plan, below `comment` lines, ending in a newline. */
export function planDocument(
  plan: LeastPrivilegePlan,
  flavor: PolicyFlavor,
  name: string,
  comment: readonly string[],
): string {
  const ns = plan.namespace;
  const types = [plan.ingress ? 'Ingress' : '', plan.egress ? 'Egress' : ''].filter((x) => x);
  const indent = (lines: readonly string[]) => lines.map((l) => `  ${l}`);
  const rulesBlock = (dir: 'ingress' | 'egress', rules: readonly RuleSpec[] | undefined) => {
    if (!rules) return [];
    const lines = rules.flatMap((r) => (flavor === 'calico' ? calicoRuleLines(r, dir, ns) : kubeRuleLines(r, dir, ns)));
    return lines.length ? [`${dir}:`, ...lines] : [`${dir}: []`];
  };
  const head = comment;
  if (flavor === 'calico')
    return [
      ...head,
      'apiVersion: projectcalico.org/v3',
      'kind: NetworkPolicy',
      'metadata:',
      `  name: ${yamlScalar(name)}`,
      `  namespace: ${yamlScalar(ns)}`,
      'spec:',
      `  selector: ${JSON.stringify(calicoExpression({ matchLabels: plan.subject, matchExpressions: [] }))}`,
      '  types:',
      ...types.map((t) => `  - ${t}`),
      ...indent(rulesBlock('ingress', plan.ingress)),
      ...indent(rulesBlock('egress', plan.egress)),
      '',
    ].join('\n');
  return [
    ...head,
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${yamlScalar(name)}`,
    `  namespace: ${yamlScalar(ns)}`,
    'spec:',
    ...indent(selectorLines('podSelector', { matchLabels: plan.subject, matchExpressions: [] })),
    '  policyTypes:',
    ...types.map((t) => `  - ${t}`),
    ...indent(rulesBlock('ingress', plan.ingress)),
    ...indent(rulesBlock('egress', plan.egress)),
    '',
  ].join('\n');
}

/** `<base>`, or `<base>-2`, … : a name no policy of `taken` has. */
export function freeName(base: string, taken: { has(name: string): boolean }): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/**
 * The edit that appends `rule` (lines from kubeRuleLines) to a NetworkPolicy's
 * `ingress` or `egress` list, at the indentation its rules use; undefined when
 * the list is written in flow style or the policy has no such list and no
 * policyTypes to put one after.
 */
export function appendRuleEdit(
  p: KubeNetworkPolicy,
  direction: 'ingress' | 'egress',
  rule: readonly string[],
): TextEdit | undefined {
  const file = p.meta.span.file;
  const text = file.text;
  const rules = (direction === 'ingress' ? p.ingress : p.egress) ?? [];
  const listSpan = direction === 'ingress' ? p.ingressSpan : p.egressSpan;
  if (rules.length) {
    const last = rules[rules.length - 1];
    const before = text.slice(last.span.start - columnOf(last.span), last.span.start);
    if (!/^\s*-\s+$/.test(before)) return undefined;
    const dash = ' '.repeat(before.indexOf('-'));
    return { span: span(file, last.span.end, last.span.end), newText: `\n${rule.map((l) => dash + l).join('\n')}` };
  }
  if (listSpan) {
    // `ingress: []` (or `ingress:` with nothing): the value becomes the rule.
    const m = /^:[ \t]*(\[[ \t]*\])?[ \t]*(?=\n|$)/.exec(text.slice(listSpan.end));
    if (!m) return undefined;
    const indent = ' '.repeat(columnOf(listSpan));
    return {
      span: span(file, listSpan.end, listSpan.end + m[0].length),
      newText: `:\n${rule.map((l) => indent + l).join('\n')}`,
    };
  }
  if (!p.policyTypes) return undefined;
  // A new key after policyTypes, at its indentation, after the end of the line its value ends on.
  const key = text.lastIndexOf('policyTypes', p.policyTypes.span.start);
  const keyLineStart = lineStartOf(text, key);
  if (key < 0 || !/^ *$/.test(text.slice(keyLineStart, key))) return undefined;
  const indent = ' '.repeat(key - keyLineStart);
  const eol = text.indexOf('\n', p.policyTypes.span.end);
  const at = eol < 0 ? text.length : eol;
  return {
    span: span(file, at, at),
    newText: `\n${indent}${direction}:\n${rule.map((l) => indent + l).join('\n')}`,
  };
}

/** The edit that appends `doc` (a whole document) at the end of `file`'s text, after a `---`. */
export function appendDocumentEdit(file: import('../../common/source').SourceFile, doc: string): TextEdit {
  const text = file.text;
  const end = text.length;
  const trimmed = text.replace(/\s+$/, '');
  const separator = trimmed === '' ? '' : /(^|\n)---$/.test(trimmed) ? '' : '---\n';
  const newline = text === '' || text.endsWith('\n') ? '' : '\n';
  return { span: span(file, end, end), newText: `${newline}${separator}${doc}` };
}
