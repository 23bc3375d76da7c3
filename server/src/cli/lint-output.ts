/** Output formats of `netpol lint`: text for people, JSON for scripts, SARIF 2.1.0 for code scanning. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Severity, TextEdit } from '../common/finding';
import { rangeOf, SourceFile, type Span } from '../common/source';
import { plural } from '../common/text';
import type { LintReport } from '../lint';
import type { SuppressedFinding } from '../lint/suppressions';
import { PRODUCT_URL, ruleDocUrl } from '../common/rule-registry';
import { RULE_IDS, ruleInfo, ruleName } from '../common/rule-registry';
import { ruleDescription, ruleDocMarkdown } from '../lint/rule-docs';
import { jsonPieces } from './json-stream';

export function displayPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function summary(findings: readonly Finding[], fileCount: number, suppressed = 0): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const parts = [
    plural(count('error'), 'error'),
    plural(count('warning'), 'warning'),
    plural(count('info') + count('hint'), 'note'),
  ];
  return `${parts.join(', ')} in ${plural(fileCount, 'file')}${suppressed ? ` (${suppressed} suppressed)` : ''}`;
}

function findingLine(f: Finding, cwd: string, suffix = ''): string {
  const r = rangeOf(f.span);
  return `${displayPath(f.span.file.path, cwd)}:${r.start.line + 1}:${r.start.character + 1}: ${f.severity}: ${f.message} [${f.rule}${suffix}]`;
}

function suppressionText(s: SuppressedFinding, cwd: string): string {
  const r = rangeOf(s.by.span);
  const where = `${displayPath(s.by.span.file.path, cwd)}:${r.start.line + 1}`;
  return `, suppressed at ${where}${s.by.reason ? `: ${s.by.reason}` : ''}`;
}

/** One line per finding, then the summary: written line by line (output-stream.ts). */
export function* lintText(
  report: LintReport,
  fileCount: number,
  cwd: string,
  showSuppressed = false,
): Generator<string> {
  const { findings, suppressed } = report;
  for (const f of findings) yield `${findingLine(f, cwd)}\n`;
  if (showSuppressed) for (const s of suppressed) yield `${findingLine(s.finding, cwd, suppressionText(s, cwd))}\n`;
  yield findings.length
    ? `${summary(findings, fileCount, suppressed.length)}\n`
    : `No findings in ${plural(fileCount, 'file')}${suppressed.length ? ` (${suppressed.length} suppressed)` : ''}.\n`;
}

function findingJson(f: Finding, cwd: string) {
  const r = rangeOf(f.span);
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: displayPath(f.span.file.path, cwd),
    line: r.start.line + 1,
    column: r.start.character + 1,
    range: r,
    related: (f.related ?? []).map((x) => ({
      message: x.message,
      file: displayPath(x.span.file.path, cwd),
      range: rangeOf(x.span),
    })),
    fixes: (f.fixes ?? []).map((x) => ({
      title: x.title,
      edits: x.edits.map((e) => ({ range: rangeOf(e.span), newText: e.newText })),
      ...(x.createFiles?.length
        ? { createFiles: x.createFiles.map((c) => ({ file: displayPath(c.path, cwd), text: c.text })) }
        : {}),
    })),
  };
}

/** JSON findings: `range` is 0-based (LSP), `line`/`column` are 1-based. Written finding by finding (json-stream.ts). */
export function* lintJson(report: LintReport, fileCount: number, cwd: string): Generator<string> {
  const { findings, suppressed } = report;
  yield* jsonPieces({
    findings: findings.map((f) => findingJson(f, cwd)),
    suppressed: suppressed.map((s) => ({
      ...findingJson(s.finding, cwd),
      suppressedBy: {
        file: displayPath(s.by.span.file.path, cwd),
        line: rangeOf(s.by.span).start.line + 1,
        reason: s.by.reason ?? null,
      },
    })),
    summary: {
      files: fileCount,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      notes: findings.filter((f) => f.severity === 'info' || f.severity === 'hint').length,
      // Only when something was suppressed, so the summary of a project without suppressions stays as it was.
      ...(suppressed.length ? { suppressed: suppressed.length } : {}),
    },
  });
  yield '\n';
}

const sarifLevel: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
  hint: 'note',
};

/** Where SARIF artifact URIs are relative to: the working directory of the run. */
export const SRCROOT = '%SRCROOT%';

/**
 * A file as a SARIF artifact location: relative to the working directory when
 * it lies inside it (with `uriBaseId`), else an absolute `file:` URI.
 */
function artifactLocation(path: string, cwd: string): { uri: string; uriBaseId?: string } {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel))
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
  return { uri: pathToFileURL(abs).href };
}

function sarifRegion(s: Span) {
  const r = rangeOf(s);
  return {
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  };
}

export function sarifLocation(s: Span, cwd: string) {
  return { physicalLocation: { artifactLocation: artifactLocation(s.file.path, cwd), region: sarifRegion(s) } };
}

function sarifResult(f: Finding, cwd: string, ruleIndex: Map<string, number>): Result {
  const result: Result = {
    ruleId: f.rule,
    ruleIndex: ruleIndex.get(f.rule),
    level: sarifLevel[f.severity],
    message: { text: f.message },
    locations: [sarifLocation(f.span, cwd)],
  };
  if (f.related?.length)
    result.relatedLocations = f.related.map((r, id) => ({
      id,
      message: { text: r.message },
      ...sarifLocation(r.span, cwd),
    }));
  if (f.fixes?.length)
    result.fixes = f.fixes.map((fix) => ({
      description: { text: fix.title },
      artifactChanges: [
        ...groupEdits(fix.edits).map(([path, edits]) => ({
          artifactLocation: artifactLocation(path, cwd),
          replacements: edits.map((e) => ({
            deletedRegion:
              e.span.start === e.span.end ? { charOffset: e.span.start, charLength: 0 } : sarifRegion(e.span),
            insertedContent: { text: e.newText },
          })),
        })),
        // A file the fix creates: SARIF has no creation, so the whole text is inserted at the start of it.
        ...(fix.createFiles ?? []).map((c) => ({
          artifactLocation: artifactLocation(c.path, cwd),
          replacements: [{ deletedRegion: { charOffset: 0, charLength: 0 }, insertedContent: { text: c.text } }],
        })),
      ],
    }));
  return result;
}

function groupEdits(edits: readonly TextEdit[]): [string, TextEdit[]][] {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.span.file.path, [...(byFile.get(e.span.file.path) ?? []), e]);
  return [...byFile.entries()];
}

export function lintSarif(report: LintReport, cwd: string, version: string): Iterable<string> {
  const rules: ReportingDescriptor[] = RULE_IDS.map((id) => {
    const info = ruleInfo(id);
    const markdown = ruleDocMarkdown(id);
    return {
      id,
      name: ruleName(id),
      shortDescription: { text: info.title },
      fullDescription: { text: ruleDescription(id) ?? info.title },
      helpUri: ruleDocUrl(id),
      ...(markdown ? { help: { text: ruleDescription(id) ?? info.title, markdown } } : {}),
      defaultConfiguration: { level: sarifLevel[info.severity] },
      properties: { tags: [info.family] },
    };
  });
  const ruleIndex = new Map<string, number>(RULE_IDS.map((id, i) => [id, i]));
  const results = report.findings.map((f) => sarifResult(f, cwd, ruleIndex));
  for (const s of report.suppressed) {
    results.push({
      ...sarifResult(s.finding, cwd, ruleIndex),
      suppressions: [
        {
          kind: 'inSource',
          ...(s.by.reason ? { justification: s.by.reason } : {}),
          location: sarifLocation(s.by.span, cwd),
        },
      ],
    });
  }
  return sarifLog(version, rules, results, cwd);
}

/** One SARIF 2.1.0 run of the `netpol` tool, as text: the envelope every SARIF output shares, written result by result. */
export function* sarifLog(
  version: string,
  rules: ReportingDescriptor[],
  results: Result[],
  cwd: string,
): Generator<string> {
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netpol',
            fullName: 'NetPol Studio',
            version,
            semanticVersion: /^\d+\.\d+\.\d+/.test(version) ? version : undefined,
            informationUri: PRODUCT_URL,
            rules,
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  yield* jsonPieces(log, 6);
  yield '\n';
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
