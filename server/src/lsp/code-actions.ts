/** Quick fixes: each finding's fixes, offered where the finding is. */
import { type CodeAction, CodeActionKind } from 'vscode-languageserver/node';
import { rangeOf } from '../common/source';
import { toCodeAction, toDiagnostic } from './convert';
import type { Feature } from './feature';

export const codeActionsFeature: Feature = {
  capabilities: { codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] } },
  register(session) {
    session.connection.onCodeAction(async (params) => {
      const actions: CodeAction[] = [];
      const s = await session.snapshotFor(params.textDocument.uri);
      for (const f of s.findingsByUri.get(params.textDocument.uri) ?? []) {
        if (!f.fixes?.length) continue;
        const r = rangeOf(f.span);
        const overlaps = !(r.end.line < params.range.start.line || r.start.line > params.range.end.line);
        if (!overlaps) continue;
        const diagnostic = toDiagnostic(f);
        for (const fix of f.fixes) actions.push(toCodeAction(fix, diagnostic));
      }
      return actions;
    });
  },
};
