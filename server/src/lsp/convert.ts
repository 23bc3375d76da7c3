/** Findings to LSP shapes. */
import {
  type CodeAction,
  CodeActionKind,
  CreateFile,
  TextDocumentEdit,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  DiagnosticTag,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { pathToFileURL } from 'node:url';
import type { Finding, Fix, Severity } from '../common/finding';
import { ruleDocUrl } from '../common/rule-registry';
import { rangeOf, type SourceFile } from '../common/source';

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
    codeDescription: { href: ruleDocUrl(f.rule) },
    message: f.message,
    relatedInformation: related.length ? related : undefined,
    tags: f.tags?.length
      ? f.tags.map((t) => (t === 'unnecessary' ? DiagnosticTag.Unnecessary : DiagnosticTag.Deprecated))
      : undefined,
  };
}

export function toCodeAction(fix: Fix, diagnostic: Diagnostic): CodeAction {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of fix.edits) {
    const uri = uriOf(e.span.file);
    changes[uri] ??= [];
    changes[uri].push({ range: rangeOf(e.span), newText: e.newText });
  }
  let edit: WorkspaceEdit = { changes };
  if (fix.createFiles?.length) {
    // Creating a file needs documentChanges: create it (never over an existing one), then fill it.
    const documentChanges: WorkspaceEdit['documentChanges'] = [];
    for (const c of fix.createFiles) {
      const uri = c.uri ?? pathToFileURL(c.path).toString();
      documentChanges.push(CreateFile.create(uri, { overwrite: false, ignoreIfExists: false }));
      documentChanges.push(
        TextDocumentEdit.create({ uri, version: null }, [
          { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text },
        ]),
      );
    }
    for (const [uri, edits] of Object.entries(changes))
      documentChanges.push(TextDocumentEdit.create({ uri, version: null }, edits));
    edit = { documentChanges };
  }
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit,
    isPreferred: fix.preferred,
  };
}
