/**
 * Diagnostics: every lint finding of the workspace, published per file after
 * each analysis (also for files that are not open), cleared when they go (a
 * file fixed, closed outside the workspace or deleted). An open document's
 * diagnostics carry the version of the text they were computed on.
 * Also sends the summary the client's status bar shows.
 */
import { Notifications, type SummaryParams } from '../protocol/netpol-protocol';
import { toDiagnostic } from './convert';
import type { Feature } from './feature';

export const diagnosticsFeature: Feature = {
  register(session) {
    let published = new Set<string>();
    session.onAnalysed((s) => {
      const now = new Set(s.findingsByUri.keys());
      for (const uri of published)
        if (!now.has(uri))
          void session.connection.sendDiagnostics({ uri, version: s.versions.get(uri), diagnostics: [] });
      // An open document without findings hears so too, with the version that has none.
      for (const [uri, version] of s.versions)
        if (!now.has(uri) && !published.has(uri))
          void session.connection.sendDiagnostics({ uri, version, diagnostics: [] });
      for (const [uri, list] of s.findingsByUri)
        void session.connection.sendDiagnostics({
          uri,
          version: s.versions.get(uri),
          diagnostics: list.map(toDiagnostic),
        });
      published = now;
      const policies = s.analysis.policies.tiers.reduce((n, t) => n + t.policies.length, 0);
      const summary: SummaryParams = {
        pods: s.analysis.endpoints.length,
        policies,
        problems: s.findings.filter((f) => f.severity === 'error' || f.severity === 'warning').length,
        files: s.analysis.cluster.files.length,
      };
      void session.connection.sendNotification(Notifications.summary, summary);
    });
  },
};
