/**
 * Diagnostics: every lint finding of the workspace, published per file after
 * each analysis (also for files that are not open), cleared when they go (a
 * file fixed, closed outside the workspace or deleted). An open document's
 * diagnostics carry the version of the text they were computed on.
 * A file is published again only when its diagnostics or its version changed:
 * an edit of one policy changes the findings of a few files, and re-sending
 * every file of a big workspace after each keystroke would cost the editor
 * (and the thread that carries the messages) more than the analysis.
 * Also sends the summary the client's status bar shows.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import { Notifications, type SummaryParams } from '../protocol/netpol-protocol';
import { toDiagnostic } from './convert';
import type { Feature } from './feature';

export const diagnosticsFeature: Feature = {
  register(session) {
    /** What was last sent per URI: its version and its diagnostics as JSON. */
    let sent = new Map<string, { version: number | undefined; json: string }>();
    session.onAnalysed((s) => {
      const next = new Map<string, { version: number | undefined; json: string }>();
      const send = (uri: string, version: number | undefined, diagnostics: Diagnostic[]) => {
        const json = JSON.stringify(diagnostics);
        next.set(uri, { version, json });
        const last = sent.get(uri);
        if (last && last.version === version && last.json === json) return;
        void session.connection.sendDiagnostics({ uri, version, diagnostics });
      };
      // An open document without findings hears so too, with the version that has none.
      for (const [uri, version] of s.versions) if (!s.findingsByUri.has(uri)) send(uri, version, []);
      for (const [uri, list] of s.findingsByUri) send(uri, s.versions.get(uri), list.map(toDiagnostic));
      // Files whose findings went (fixed, closed outside the workspace, deleted) are cleared once.
      for (const [uri, last] of sent)
        if (!next.has(uri) && last.json !== '[]')
          void session.connection.sendDiagnostics({ uri, version: undefined, diagnostics: [] });
      sent = next;
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
