/** Output formats of `netpol lint`: text for people, JSON for scripts, SARIF 2.1.0 for code scanning. */
import { relative, isAbsolute } from 'node:path';
import type { Finding, Severity } from '../common/finding';
import { rangeOf, SourceFile, type Span } from '../common/source';
import { plural } from '../common/text';
import { RULE_IDS, ruleInfo, ruleName } from '../common/rule-registry';
import { ruleDescription } from '../lint/rule-docs';

export function displayPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function summary(findings: readonly Finding[], fileCount: number): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const parts = [
    plural(count('error'), 'error'),
    plural(count('warning'), 'warning'),
    plural(count('info') + count('hint'), 'note'),
  ];
  return `${parts.join(', ')} in ${plural(fileCount, 'file')}`;
}

export function lintText(findings: readonly Finding[], fileCount: number, cwd: string): string {
  const lines = findings.map((f) => {
    const r = rangeOf(f.span);
    return `${displayPath(f.span.file.path, cwd)}:${r.start.line + 1}:${r.start.character + 1}: ${f.severity}: ${f.message} [${f.rule}]`;
  });
  lines.push(findings.length ? summary(findings, fileCount) : `No findings in ${plural(fileCount, 'file')}.`);
  return `${lines.join('\n')}\n`;
}

/** JSON findings: `range` is 0-based (LSP), `line`/`column` are 1-based. */
export function lintJson(findings: readonly Finding[], fileCount: number, cwd: string): string {
  return `${JSON.stringify(
    {
      findings: findings.map((f) => {
        const r = rangeOf(f.span);
        return {
          rule: f.rule,
          severity: f.severity,
          message: f.message,
          file: displayPath(f.span.file.path, cwd),
          line: r.start.line + 1,
          column: r.start.character + 1,
          range: r,
          fixes: (f.fixes ?? []).map((x) => ({
            title: x.title,
            edits: x.edits.map((e) => ({ range: rangeOf(e.span), newText: e.newText })),
          })),
        };
      }),
      summary: {
        files: fileCount,
        errors: findings.filter((f) => f.severity === 'error').length,
        warnings: findings.filter((f) => f.severity === 'warning').length,
        notes: findings.filter((f) => f.severity === 'info' || f.severity === 'hint').length,
      },
    },
    null,
    2,
  )}\n`;
}

const sarifLevel: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function lintSarif(findings: readonly Finding[], cwd: string, version: string): string {
  const rules = RULE_IDS.map((id) => {
    const info = ruleInfo(id);
    return {
      id,
      name: ruleName(id),
      shortDescription: { text: info.title },
      fullDescription: { text: ruleDescription(id) ?? info.title },
      defaultConfiguration: { level: sarifLevel[info.severity] },
    };
  });
  const ruleIndex = new Map(RULE_IDS.map((id, i) => [id, i]));
  const results = findings.map((f) => {
    const r = rangeOf(f.span);
    const result: Record<string, unknown> = {
      ruleId: f.rule,
      level: sarifLevel[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: displayPath(f.span.file.path, cwd).split('\\').join('/') },
            region: {
              startLine: r.start.line + 1,
              startColumn: r.start.character + 1,
              endLine: r.end.line + 1,
              endColumn: r.end.character + 1,
            },
          },
        },
      ],
    };
    const idx = ruleIndex.get(f.rule);
    if (idx !== undefined) result.ruleIndex = idx;
    return result;
  });
  return `${JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'netpol', fullName: 'NetPol Studio', version, rules } }, results }],
    },
    null,
    2,
  )}\n`;
}

/** A JSON.stringify replacer that prints spans as `{file, line, column}` instead of whole source files. */
export function spanReplacer(cwd: string): (key: string, value: unknown) => unknown {
  return (_key, value) => {
    if (value && typeof value === 'object' && (value as { file?: unknown }).file instanceof SourceFile) {
      const s = value as Span;
      const r = rangeOf(s);
      return { file: displayPath(s.file.path, cwd), line: r.start.line + 1, column: r.start.character + 1 };
    }
    if (value === Infinity) return null;
    return value;
  };
}
