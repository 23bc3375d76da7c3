/**
 * Inlay hints at the end of selector and peer lines (`→ 3 pods`,
 * `→ 2 namespaces`) and after a policy's name (`isolates 3 pods · admits 5
 * workloads`). `netpolStudio.inlayHints.enabled` turns them off.
 */
import { type InlayHint, InlayHintKind } from 'vscode-languageserver/node';
import type { SourceFile, Span } from '../common/source';
import { plural } from '../common/text';
import { ruleAdmission } from '../engine/admission';
import type { Analysis } from '../engine/analysis';
import { membersOf } from '../engine/describe';
import { targetsAt } from '../ide/object-at';
import { findCompiledPolicy, policyObjects } from '../ide/policy-index';
import { policySummary, policySummaryText } from '../ide/reach-summary';
import { podsOfAtom } from '../ide/select-pods';
import { peerAdmission, targetFacts } from '../ide/target-facts';
import type { Feature } from './feature';

/** label per line, joined with ' · ' when several land on one line. */
export function inlayLabels(a: Analysis, file: SourceFile): Map<number, string[]> {
  const byLine = new Map<number, string[]>();
  const add = (s: Span, label: string) => {
    const line = file.positionAt(s.start).line;
    const list = byLine.get(line) ?? [];
    if (!list.includes(label)) list.push(label);
    byLine.set(line, list);
  };
  for (const o of policyObjects(a)) {
    const meta = o.policy.meta;
    if (meta.span.file !== file) continue;
    const compiled = findCompiledPolicy(a, meta.nameSpan);
    if (!compiled) continue;
    add(meta.nameSpan, policySummaryText(policySummary(a, compiled)));
    const subject = o.type === 'kube' ? o.policy.podSelector.span : o.policy.selector?.span;
    if (subject) add(subject, `→ ${plural(podsOfAtom(a, compiled.subject).length, 'pod')}`);
    if (o.type === 'kube') {
      for (const d of ['ingress', 'egress'] as const) {
        for (const r of o.policy[d] ?? []) {
          const rule = compiled[d]?.find((x) => x.index === r.index);
          if (!rule) continue;
          for (const peer of r.peers ?? []) {
            const adm = peerAdmission(a, compiled, rule, peer.index);
            if (adm) {
              const pods = membersOf(adm.peerClasses).length;
              const outside = adm.externalClasses.length ? ' and outside addresses' : '';
              add(peer.span, adm.ports.length ? `→ ${plural(pods, 'pod')}${outside}` : '→ nothing');
            }
            if (peer.namespaceSelector) {
              const ns = targetsAt(a, file, peer.namespaceSelector.span.start).find(
                (x) => x.type === 'namespace-selector',
              );
              const f = ns && targetFacts(a, ns);
              const n = f && /^matches (\d+ namespaces?)/.exec(f.title);
              if (n) add(peer.namespaceSelector.span, `→ ${n[1]}`);
            }
          }
        }
      }
    } else {
      for (const use of a.policies.selectorUses) {
        if (use.role !== 'rule-side' || use.written.span.file !== file) continue;
        if (use.written.span.start < meta.span.start || use.written.span.end > meta.span.end) continue;
        add(use.written.span, `→ ${plural(podsOfAtom(a, use.atom).length, 'pod')}`);
      }
      for (const d of ['ingress', 'egress'] as const) {
        for (const rule of compiled[d] ?? []) {
          const adm = ruleAdmission(a, compiled, rule);
          if (adm.ports.length === 0) add(rule.span, '→ matches nothing');
          else add(rule.span, `→ ${plural(membersOf(adm.peerClasses).length, 'pod')}`);
        }
      }
    }
  }
  return byLine;
}

export const inlayHintsFeature: Feature = {
  capabilities: { inlayHintProvider: true },
  register(session) {
    session.connection.languages.inlayHint.on(async ({ textDocument, range }) => {
      if (!session.editor.inlayHints) return [];
      const s = await session.snapshotFor(textDocument.uri);
      const file = s.files.get(textDocument.uri);
      if (!file) return [];
      const hints: InlayHint[] = [];
      for (const [line, labels] of [...inlayLabels(s.analysis, file).entries()].sort((x, y) => x[0] - y[0])) {
        if (line < range.start.line || line > range.end.line) continue;
        const end = file.offsetAt({ line: line + 1, character: 0 });
        const text = file.text.slice(file.offsetAt({ line, character: 0 }), end).replace(/\r?\n$/, '');
        hints.push({
          position: { line, character: text.length },
          label: labels.join(' · '),
          kind: InlayHintKind.Type,
          paddingLeft: true,
        });
      }
      return hints;
    });
    session.onAnalysed(() => {
      if (session.client.inlayHintRefresh) void session.connection.languages.inlayHint.refresh().catch(() => undefined);
    });
  },
};
