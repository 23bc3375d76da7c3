/** Document symbols: each object of the file, and each policy's rules, for the outline and breadcrumbs. */
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver/node';
import { rangeOf } from '../common/source';
import { findCompiledPolicy, policyObjects } from '../ide/policy-index';
import type { Feature } from './feature';

const KINDS: Record<string, SymbolKind> = {
  NetworkPolicy: SymbolKind.Interface,
  GlobalNetworkPolicy: SymbolKind.Interface,
  Namespace: SymbolKind.Namespace,
  Service: SymbolKind.Module,
  Deployment: SymbolKind.Class,
  StatefulSet: SymbolKind.Class,
  DaemonSet: SymbolKind.Class,
  Pod: SymbolKind.Object,
  ConfigMap: SymbolKind.File,
};

export const documentSymbolsFeature: Feature = {
  capabilities: { documentSymbolProvider: true },
  register(session) {
    session.connection.onDocumentSymbol(async ({ textDocument }) => {
      const s = await session.snapshotFor(textDocument.uri);
      const file = s.files.get(textDocument.uri);
      if (!file) return [];
      const a = s.analysis;
      const policies = new Map(policyObjects(a).map((o) => [o.policy.meta.span, o]));
      const seen = new Set<string>();
      const symbols: DocumentSymbol[] = [];
      for (const o of a.cluster.objects) {
        const m = o.meta;
        if (m.span.file !== file) continue;
        const key = `${m.span.start}:${m.span.end}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const range = rangeOf(m.span);
        const selection = rangeOf(m.nameSpan);
        const children: DocumentSymbol[] = [];
        const policy = policies.get(m.span);
        const compiled = policy && findCompiledPolicy(a, m.nameSpan);
        for (const r of [...(compiled?.ingress ?? []), ...(compiled?.egress ?? [])]) {
          const rr = rangeOf(r.span);
          children.push({
            name: `${r.direction} rule ${r.index + 1}`,
            detail: `${r.action}: ${r.summary}`,
            kind: SymbolKind.Event,
            range: rr,
            selectionRange: { start: rr.start, end: rr.start },
          });
        }
        symbols.push({
          name: m.namespace ? `${m.namespace}/${m.name}` : m.name,
          detail: m.kind,
          kind: KINDS[m.kind] ?? SymbolKind.Object,
          range,
          selectionRange: selection,
          children,
        });
      }
      return symbols;
    });
  },
};
