/**
 * NetworkIntent (netpol.studio/v1alpha1): the user's statement of which
 * connections must and must not exist, kept beside the manifests and run like
 * unit tests of the policies (`netpol test`, the intent lint rules). The schema
 * is part of the product's public contract: field names here are the ones users
 * write. Reading checks shapes only; what an endpoint selects is the engine's
 * business (engine/intents.ts).
 */
import type { Located, Span } from '../common/source';
import type { RMap } from '../yaml/yaml-reader';
import { dnsLabelProblem } from './label-syntax';
import type { ReadMeta } from './meta';
import { readIPBlock, readPort } from './network-policy';
import { readLabelSelector } from './read-label-selector';
import type { IPBlock, LabelSelector, NetworkPolicyPort, ObjectMeta, WorkloadKind } from './kubernetes';

const INTENT_API_VERSION = 'netpol.studio/v1alpha1';

/** Kinds a `workload:` endpoint may name. */
const INTENT_WORKLOAD_KINDS: readonly (WorkloadKind | 'Pod')[] = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'Pod',
];

/** One side of an intent: exactly one of workload, a NetworkPolicy-style peer, a Calico selector, an ipBlock. */
export interface IntentEndpoint {
  /** The `from`/`to` object. */
  readonly span: Span;
  /** The namespace selectors and workloads look in: `namespace:`, else the object's namespace. */
  readonly namespace: string;
  /** `namespace:` as written, when it is. */
  readonly namespaceWritten?: Located<string>;
  readonly workload?: { readonly kind: WorkloadKind | 'Pod'; readonly name: string; readonly span: Span };
  readonly podSelector?: LabelSelector;
  /** A NetworkPolicy-style namespaceSelector (a label selector). */
  readonly namespaceSelector?: LabelSelector;
  /** A Calico selector expression (parsed by the engine). */
  readonly selector?: Located<string>;
  /** A Calico namespaceSelector expression, beside `selector`. */
  readonly calicoNamespaceSelector?: Located<string>;
  readonly ipBlock?: IPBlock;
}

export type IntentExpectation = 'allow' | 'deny';

export interface Intent {
  readonly name: Located<string>;
  /** The intent's list item. */
  readonly span: Span;
  readonly from: IntentEndpoint;
  readonly to: IntentEndpoint;
  /** Absent: every declared port of the destination (allow), any port (deny). */
  readonly ports?: readonly NetworkPolicyPort[];
  readonly expect: Located<IntentExpectation>;
}

export interface NetworkIntentSet {
  readonly meta: ObjectMeta & { readonly namespace: string };
  /** `spec.complete: true`: the allow-intents are every connection the namespace's pods may receive. */
  readonly complete: boolean;
  readonly completeSpan?: Span;
  /** The intents that read without errors (the others have findings and are not tested). */
  readonly intents: readonly Intent[];
}

export function readNetworkIntent(obj: RMap, meta: ReadMeta): NetworkIntentSet | undefined {
  obj.checkKeys(['apiVersion', 'kind', 'metadata', 'spec'], 'a NetworkIntent');
  const namespace = meta.namespace ?? 'default';
  const fullMeta = { ...meta, namespace };
  if (meta.apiVersion !== INTENT_API_VERSION) {
    obj.ctx.sink.report(
      'invalid-field',
      'error',
      `apiVersion: NetworkIntent is served as ${INTENT_API_VERSION}, not ${meta.apiVersion}.`,
      obj.entry('apiVersion')!.valueSpan,
    );
    return undefined;
  }
  const spec = obj.map('spec');
  if (!spec) {
    obj.missing('spec');
    return { meta: fullMeta, complete: false, intents: [] };
  }
  spec.checkKeys(['complete', 'intents'], 'a NetworkIntent spec');
  const complete = spec.bool('complete');
  const list = spec.seq('intents');
  if (!list && !spec.has('intents')) spec.missing('intents');
  const intents: Intent[] = [];
  const names = new Map<string, Span>();
  for (const m of list?.maps() ?? []) {
    const before = m.ctx.sink.errorCount;
    const intent = readIntent(m, namespace);
    if (intent) {
      const earlier = names.get(intent.name.value);
      if (earlier) {
        m.ctx.sink.report(
          'invalid-field',
          'error',
          `${m.child('name')}: another intent of this NetworkIntent is already named "${intent.name.value}"; names must be unique.`,
          intent.name.span,
          { related: [{ span: earlier, message: 'the first intent of that name' }] },
        );
        continue;
      }
      names.set(intent.name.value, intent.name.span);
    }
    if (intent && m.ctx.sink.errorCount === before) intents.push(intent);
  }
  return { meta: fullMeta, complete: complete?.value ?? false, completeSpan: complete?.span, intents };
}

function readIntent(m: RMap, namespace: string): Intent | undefined {
  m.checkKeys(['name', 'description', 'from', 'to', 'ports', 'expect'], 'an intent');
  const name = m.str('name', { required: true });
  const expect = readExpect(m);
  const from = readEndpoint(m, 'from', namespace);
  const to = readEndpoint(m, 'to', namespace);
  let ports: NetworkPolicyPort[] | undefined;
  if (m.has('ports')) {
    ports = [];
    for (const [index, pm] of (m.seq('ports')?.maps() ?? []).entries()) ports.push(readPort(pm, index));
  }
  if (!name || !expect || !from || !to) return undefined;
  return { name, span: m.span, from, to, ports, expect };
}

function readExpect(m: RMap): Located<IntentExpectation> | undefined {
  const e = m.str('expect', { required: true });
  if (!e) return undefined;
  if (e.value === 'allow' || e.value === 'deny') return { value: e.value, span: e.span };
  const lower = e.value.toLowerCase();
  const hint =
    lower === 'allow' || lower === 'deny'
      ? ` (lower case: ${lower})`
      : lower === 'allowed' || lower === 'accept'
        ? ' (did you mean allow?)'
        : lower === 'denied' || lower === 'block' || lower === 'drop'
          ? ' (did you mean deny?)'
          : '';
  m.ctx.sink.report(
    'invalid-field',
    'error',
    `${m.child('expect')}: "${e.value}" is not an expectation; use allow or deny${hint}.`,
    e.span,
  );
  return undefined;
}

const ENDPOINT_KEYS = ['workload', 'namespace', 'podSelector', 'namespaceSelector', 'selector', 'ipBlock'];

function readEndpoint(parent: RMap, key: 'from' | 'to', defaultNamespace: string): IntentEndpoint | undefined {
  const m = parent.map(key);
  if (!m) {
    if (!parent.has(key)) parent.missing(key);
    return undefined;
  }
  m.checkKeys(ENDPOINT_KEYS, `an intent's \`${key}\``);
  const before = m.ctx.sink.errorCount;
  const has = (k: string) => m.entry(k) !== undefined;
  const forms = [
    has('workload') && 'workload',
    (has('podSelector') || (has('namespaceSelector') && !has('selector'))) && 'podSelector/namespaceSelector',
    has('selector') && 'selector',
    has('ipBlock') && 'ipBlock',
  ].filter((x): x is string => !!x);
  if (forms.length === 0 && !has('namespace')) {
    m.ctx.sink.report(
      'invalid-field',
      'error',
      `${m.path}: an endpoint needs one of workload, podSelector/namespaceSelector (or namespace), selector or ipBlock.`,
      m.span,
    );
    return undefined;
  }
  if (forms.length > 1) {
    m.ctx.sink.report(
      'invalid-field',
      'error',
      `${m.path}: an endpoint is exactly one of workload, podSelector/namespaceSelector, selector or ipBlock; this one has ${forms.join(' and ')}: split it into separate intents.`,
      m.entry(
        forms[1] === 'podSelector/namespaceSelector'
          ? has('podSelector')
            ? 'podSelector'
            : 'namespaceSelector'
          : forms[1],
      )!.keySpan,
    );
    return undefined;
  }
  const nsWritten = m.str('namespace');
  if (nsWritten) {
    const problem = dnsLabelProblem(nsWritten.value, 'namespace');
    if (problem) m.ctx.sink.report('invalid-field', 'error', `${m.child('namespace')}: ${problem}.`, nsWritten.span);
    if (has('namespaceSelector'))
      m.ctx.sink.report(
        'invalid-field',
        'error',
        `${m.child('namespace')}: give namespace or namespaceSelector, not both (namespace is a shorthand for a selector of one namespace).`,
        nsWritten.span,
      );
    if (has('ipBlock'))
      m.ctx.sink.report(
        'invalid-field',
        'error',
        `${m.child('namespace')}: an ipBlock stands for addresses outside the cluster and has no namespace.`,
        nsWritten.span,
      );
  }
  const namespace = nsWritten?.value ?? defaultNamespace;
  const endpoint: {
    -readonly [K in keyof IntentEndpoint]: IntentEndpoint[K];
  } = { span: m.span, namespace, namespaceWritten: nsWritten };
  if (has('workload')) {
    const w = m.str('workload');
    if (w) {
      const slash = w.value.indexOf('/');
      const kind = slash > 0 ? w.value.slice(0, slash) : '';
      const name = slash > 0 ? w.value.slice(slash + 1) : '';
      const known = INTENT_WORKLOAD_KINDS.find((k) => k === kind);
      if (!known || !name || name.includes('/')) {
        const loose = INTENT_WORKLOAD_KINDS.find((k) => k.toLowerCase() === kind.toLowerCase());
        m.ctx.sink.report(
          'invalid-field',
          'error',
          slash <= 0 || !name
            ? `${m.child('workload')}: write Kind/name, e.g. Deployment/${w.value || 'frontend'}.`
            : `${m.child('workload')}: "${kind}" is not a workload kind; use ${loose ? `${loose} (kinds are case-sensitive)` : INTENT_WORKLOAD_KINDS.join(', ')}.`,
          w.span,
        );
      } else endpoint.workload = { kind: known, name, span: w.span };
    }
  } else if (has('selector')) {
    endpoint.selector = m.str('selector');
    if (has('namespaceSelector')) {
      endpoint.calicoNamespaceSelector = m.str('namespaceSelector');
    }
  } else if (has('ipBlock')) {
    endpoint.ipBlock = readIPBlock(m);
  } else {
    if (has('podSelector')) endpoint.podSelector = readLabelSelector(m, 'podSelector', m.span);
    if (has('namespaceSelector')) {
      if (m.ctx.kindOf(m.entry('namespaceSelector')!.value) === 'string')
        m.ctx.sink.report(
          'invalid-field',
          'error',
          `${m.child('namespaceSelector')}: a Calico selector string goes with \`selector:\`; beside podSelector, write a label selector ({matchLabels: …}).`,
          m.entry('namespaceSelector')!.valueSpan,
        );
      else endpoint.namespaceSelector = readLabelSelector(m, 'namespaceSelector', m.span);
    }
  }
  return m.ctx.sink.errorCount === before ? endpoint : undefined;
}
