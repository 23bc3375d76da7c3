/** Findings to LSP shapes. */
import {
  CodeAction,
  CodeActionKind,
  Diagnostic,
  DiagnosticRelatedInformation,
  DiagnosticSeverity,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import { Finding, Fix, Severity } from '../common/finding';
import { rangeOf, SourceFile } from '../common/source';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function uriOf(file: SourceFile): string {
  return file.uri ?? pathToFileURL(file.path).toString();
}

export function toDiagnostic(f: Finding): Diagnostic {
  const related: DiagnosticRelatedInformation[] = (f.related ?? []).map((r) => ({
    location: { uri: uriOf(r.span.file), range: rangeOf(r.span) },
    message: r.message,
  }));
  return {
    range: rangeOf(f.span),
    severity: SEVERITY[f.severity],
    source: 'netpol',
    code: f.rule,
    message: f.message,
    relatedInformation: related.length ? related : undefined,
  };
}

export function toCodeAction(fix: Fix, diagnostic: Diagnostic): CodeAction {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of fix.edits) (changes[uriOf(e.span.file)] ??= []).push({ range: rangeOf(e.span), newText: e.newText });
  const edit: WorkspaceEdit = { changes };
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit,
    isPreferred: fix.preferred,
  };
}
