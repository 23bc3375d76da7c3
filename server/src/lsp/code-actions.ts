/** Quick fixes: each finding's fixes, offered where the finding is. */
import { type CodeAction, CodeActionKind } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import type { Finding, Fix } from '../common/finding';
import { rangeOf } from '../common/source';
import { toCodeAction, toDiagnostic } from './convert';
import type { Feature } from './feature';
import { uriOfFile } from './session';

export const codeActionsFeature: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register(session) {
    session.connection.onCodeAction(async (params) => {
      // A fix may edit or create other files: its edits hold only if those did not change since the analysis.
      const fixes = await session.crossFileAnswer(
        params.textDocument.uri,
        (s) => {
          const found: { fix: Fix; finding: Finding }[] = [];
          for (const f of s.findingsByUri.get(params.textDocument.uri) ?? []) {
            if (!f.fixes?.length) continue;
            const r = rangeOf(f.span);
            const overlaps = !(r.end.line < params.range.start.line || r.start.line > params.range.end.line);
            if (overlaps) for (const fix of f.fixes) found.push({ fix, finding: f });
          }
          return found;
        },
        (found) =>
          found.flatMap(({ fix }) => [
            ...fix.edits.map((e) => uriOfFile(e.span.file)),
            ...(fix.createFiles ?? []).map((c) => c.uri ?? pathToFileURL(c.path).toString()),
          ]),
      );
      const actions: CodeAction[] = [];
      for (const { fix, finding } of fixes) actions.push(toCodeAction(fix, toDiagnostic(finding)));
      return actions;
    });
  },
};
