/**
 * Diagnostics: every lint finding of the workspace, published per file after
 * each analysis (also for files that are not open), cleared when they go.
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
      for (const uri of published) if (!now.has(uri)) void session.connection.sendDiagnostics({ uri, diagnostics: [] });
      for (const [uri, list] of s.findingsByUri)
        void session.connection.sendDiagnostics({ uri, diagnostics: list.map(toDiagnostic) });
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
