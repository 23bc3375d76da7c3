/**
 * legacy-isolation-annotation: the namespace annotation
 * `net.beta.kubernetes.io/network-policy: {"ingress": {"isolation": "DefaultDeny"}}`
 * was how Kubernetes 1.3-1.6 (the beta NetworkPolicy API) isolated a
 * namespace's pods for ingress. Kubernetes 1.7 replaced it with NetworkPolicy
 * semantics and current clusters ignore it, so the namespace is not isolated
 * by it. Read for what it meant; the fix adds a default-deny NetworkPolicy for
 * ingress (lint/fixes/default-deny.ts).
 */
import type { FindingSink } from '../../common/finding-sink';
import type { RuleId } from '../../common/rule-registry';
import { type Span, span } from '../../common/source';
import type { Fix, TextEdit } from '../../common/finding';
import { plural } from '../../common/text';
import type { Analysis } from '../../engine/analysis';
import { isOpen } from '../../engine/isolation';
import type { Namespace } from '../../model/kubernetes';
import { policyName } from '../../policy/rule-model';
import { defaultDenyFix } from '../fixes/default-deny';
import type { LintContext, LintRule } from '../lint-rule';
import { namespacePolicies } from './missing-default-deny';

const ID: RuleId = 'legacy-isolation-annotation';

const LEGACY_ISOLATION_ANNOTATION = 'net.beta.kubernetes.io/network-policy';

export const legacyIsolationAnnotation: LintRule = { id: ID, check };

/** True when the annotation's JSON asks for ingress DefaultDeny. */
function asksDefaultDeny(value: string): boolean {
  try {
    const parsed = JSON.parse(value) as { ingress?: { isolation?: unknown } };
    return parsed?.ingress?.isolation === 'DefaultDeny';
  } catch {
    return false;
  }
}

function check({ analysis: a }: LintContext, sink: FindingSink): void {
  for (const ns of a.cluster.namespaces.values()) {
    const meta = ns.meta;
    const value = meta?.annotations[LEGACY_ISOLATION_ANNOTATION];
    const at = meta?.annotationSpans[LEGACY_ISOLATION_ANNOTATION];
    if (!meta || value === undefined || !at || !asksDefaultDeny(value)) continue;
    report(a, ns, at, sink);
  }
}

/**
 * Deletes the annotation's line (block style, one line), and the `annotations:` line when it is the
 * only one; undefined when the annotation is written another way (then the fix only adds the policy).
 */
function removeAnnotation(ns: Namespace, at: Span): TextEdit | undefined {
  const text = at.file.text;
  const lineStart = text.lastIndexOf('\n', at.start - 1) + 1;
  const lineEnd = text.indexOf('\n', at.end);
  const end = lineEnd < 0 ? text.length : lineEnd + 1;
  const key = new RegExp(`^\\s*['"]?${LEGACY_ISOLATION_ANNOTATION.replace(/\./g, '\\.')}['"]?\\s*:\\s*$`);
  if (!key.test(text.slice(lineStart, at.start)) || !/^\s*(#.*)?$/.test(text.slice(at.end, end))) return undefined;
  let start = lineStart;
  if (Object.keys(ns.meta!.annotations).length === 1) {
    const prevStart = text.lastIndexOf('\n', lineStart - 2) + 1;
    if (!/^\s*annotations:\s*\n$/.test(text.slice(prevStart, lineStart))) return undefined;
    start = prevStart;
  }
  return { span: span(at.file, start, end), newText: '' };
}

function report(a: Analysis, ns: Namespace, at: Span, sink: FindingSink): void {
  const pods = a.engine.classes.filter((c) => c.kind === 'pod');
  let open = 0;
  let total = 0;
  for (const cls of pods)
    for (const m of cls.members)
      if (a.endpoints[m].namespace === ns.name) {
        total++;
        if (isOpen(a, cls, 'ingress')) open++;
      }
  const head = `${LEGACY_ISOLATION_ANNOTATION} asks for {"ingress": {"isolation": "DefaultDeny"}}, the beta isolation of Kubernetes 1.3-1.6; since 1.7 clusters ignore it, so it isolates nothing in namespace ${ns.name}.`;
  if (total > 0 && open === 0) {
    sink.report(
      ID,
      'info',
      `${head} Its pods are isolated for ingress by NetworkPolicies, so the annotation can go.`,
      at,
    );
    return;
  }
  const own = namespacePolicies(a, ns.name, 'ingress');
  const sibling = a.cluster.pods.find((p) => p.namespace === ns.name)?.span.file ?? ns.meta!.span.file;
  const deny = defaultDenyFix(a, ns.name, ['Ingress'], own.length ? { file: own[0].ref.span.file } : { sibling });
  const removal = removeAnnotation(ns, at);
  const fix: Fix = removal
    ? { ...deny, title: `${deny.title}, and remove the annotation`, edits: [...deny.edits, removal] }
    : deny;
  const state = total
    ? ` ${plural(open, 'pod')} of ${total} ${open === 1 ? 'accepts' : 'accept'} connections from every pod and every internet address.`
    : '';
  sink.report(ID, 'warning', `${head}${state} Add a default-deny NetworkPolicy for ingress instead.`, at, {
    fixes: [fix],
    related: own.slice(0, 3).map((p) => ({ span: p.ref.span, message: `${policyName(p.ref)} isolates some pods` })),
  });
}
