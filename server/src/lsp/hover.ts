/** Hovers: what a selector selects, what a rule or peer admits, a workload's pods and reach, … (ide/target-facts.ts). */
import { MarkupKind } from 'vscode-languageserver/node';
import { rangeOf } from '../common/source';
import { targetsAt } from '../ide/object-at';
import { targetFacts } from '../ide/target-facts';
import type { Feature } from './feature';

export const hoverFeature: Feature = {
  capabilities: { hoverProvider: true },
  register(session) {
    session.connection.onHover(async ({ textDocument, position }) => {
      const s = await session.snapshotFor(textDocument.uri);
      const file = s.files.get(textDocument.uri);
      if (!file) return null;
      const a = s.analysis;
      const targets = targetsAt(a, file, file.offsetAt(position));
      for (const [k, t] of targets.entries()) {
        const facts = targetFacts(a, t);
        if (!facts) continue;
        // A Calico policy's selector is both its subject and a selector string: say both.
        const same = targets
          .slice(k + 1)
          .filter((x) => x.span.start === t.span.start && x.span.end === t.span.end)
          .map((x) => targetFacts(a, x))
          .filter((f) => f !== undefined);
        const lines = [...facts.lines, ...same.flatMap((f) => [f.title, ...f.lines])];
        const value = [`**${facts.title}**`, ...(lines.length ? ['', ...lines.map((l) => `- ${l}`)] : [])].join('\n');
        return { contents: { kind: MarkupKind.Markdown, value }, range: rangeOf(t.span) };
      }
      return null;
    });
  },
};
